/**
 * The arithmetic of the analytics (pure, importable by the web UI). The
 * definitions are written down in docs/ANALYTICS.md; this file is their one
 * implementation outside SQL:
 *
 * - a period is [from, to), to > from, at most MAX_PERIOD_DAYS long;
 * - buckets (day | week | month) start at local midnight (UTC + utcOffsetMinutes),
 *   weeks on Monday (ISO), and are named by their local start date 'YYYY-MM-DD';
 * - planned production time = the substation's on-shift intervals minus its
 *   maintenance blocks, clipped to the period and split at bucket starts;
 * - OEE = availability × performance × quality, each null when its
 *   denominator is zero (nothing to divide by is not 0 % and not 100 %);
 * - a Pareto is sorted by minutes (then reason) with the cumulative share.
 */
import type { Grouping } from './analytics.schema.js';

export const MAX_PERIOD_DAYS = 400;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface Interval {
  start: number;
  end: number;
}

/** What is wrong with a period, as the query field and a message key; null when it is fine. */
export function periodProblem(from: number, to: number): { field: 'from' | 'to'; key: 'analytics.period_order' | 'analytics.period_too_long' } | null {
  if (!(to > from)) return { field: 'to', key: 'analytics.period_order' };
  if (to - from > MAX_PERIOD_DAYS * DAY_MS) return { field: 'to', key: 'analytics.period_too_long' };
  return null;
}

/** The start (epoch ms) of the bucket holding t. */
export function bucketStart(t: number, groupBy: Grouping, utcOffsetMinutes: number): number {
  const off = utcOffsetMinutes * MINUTE_MS;
  const day = Math.floor((t + off) / DAY_MS);
  if (groupBy === 'day') return day * DAY_MS - off;
  if (groupBy === 'week') {
    const dow = (((day + 3) % 7) + 7) % 7; // 0 = Monday; 1970-01-01 was a Thursday
    return (day - dow) * DAY_MS - off;
  }
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - off;
}

/** The start of the bucket after the one starting at b. */
export function nextBucketStart(b: number, groupBy: Grouping, utcOffsetMinutes: number): number {
  if (groupBy === 'day') return b + DAY_MS;
  if (groupBy === 'week') return b + 7 * DAY_MS;
  const off = utcOffsetMinutes * MINUTE_MS;
  const d = new Date(b + off);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - off;
}

/** The local date 'YYYY-MM-DD' naming a bucket that starts at b. */
export function bucketLabel(b: number, utcOffsetMinutes: number): string {
  return new Date(b + utcOffsetMinutes * MINUTE_MS).toISOString().slice(0, 10);
}

/**
 * The whole plant-local days inside [from, to): their dates [from, to) and
 * instants [start, end), or null when the period holds no whole day. The rest
 * of the period ([from, start) and [end, to)) is its ragged edges.
 */
export function wholeLocalDays(from: number, to: number, utcOffsetMinutes: number): { from: string; to: string; start: Date; end: Date } | null {
  const off = utcOffsetMinutes * 60_000;
  const start = Math.ceil((from + off) / DAY_MS) * DAY_MS - off;
  const end = Math.floor((to + off) / DAY_MS) * DAY_MS - off;
  if (start >= end) return null;
  const date = (t: number) => new Date(t + off).toISOString().slice(0, 10);
  return { from: date(start), to: date(end), start: new Date(start), end: new Date(end) };
}

/**
 * a minus the union of bs (both sorted or not); the result is sorted and
 * disjoint. One sweep over the merged cuts: with 400 days of shifts and two
 * years of maintenance blocks per substation, trying every cut against every
 * interval cost most of a plant-wide OEE (BENCHMARKS.md).
 */
export function subtractIntervals(a: readonly Interval[], bs: readonly Interval[]): Interval[] {
  const cuts = unionIntervals(bs);
  const out: Interval[] = [];
  let first = 0;
  for (const iv of [...a].sort((x, y) => x.start - y.start)) {
    // intervals come by start, so a cut ending before this one's start ends before every later one's
    while (first < cuts.length && cuts[first]!.end <= iv.start) first++;
    let s = iv.start;
    for (let k = first; k < cuts.length && cuts[k]!.start < iv.end; k++) {
      const c = cuts[k]!;
      if (c.end <= s) continue;
      if (c.start > s) out.push({ start: s, end: c.start });
      s = Math.max(s, c.end);
      if (s >= iv.end) break;
    }
    if (s < iv.end) out.push({ start: s, end: iv.end });
  }
  return out;
}

/** Minutes of the intervals per bucket within [from, to), keyed by bucket label. */
export function minutesByBucket(intervals: readonly Interval[], from: number, to: number, groupBy: Grouping, utcOffsetMinutes: number): Map<string, number> {
  const out = new Map<string, number>();
  // intervals come sorted (calendarIntervals, unionIntervals, subtractIntervals): the current bucket is reused until an interval passes it
  let b = Number.NaN;
  let bEnd = Number.NaN;
  let label = '';
  for (const iv of intervals) {
    let s = Math.max(iv.start, from);
    const e = Math.min(iv.end, to);
    while (s < e) {
      if (!(s >= b && s < bEnd)) {
        b = bucketStart(s, groupBy, utcOffsetMinutes);
        bEnd = nextBucketStart(b, groupBy, utcOffsetMinutes);
        label = bucketLabel(b, utcOffsetMinutes);
      }
      const next = Math.min(e, bEnd);
      out.set(label, (out.get(label) ?? 0) + (next - s) / MINUTE_MS);
      s = next;
    }
  }
  return out;
}

/** a / b, or null when b is not positive. */
export const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export interface OeeInputs {
  plannedMinutes: number;
  runMinutes: number;
  idealMinutes: number;
  good: number;
  scrap: number;
}

export interface OeeFigures {
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
}

/** The three factors and their product; performance is NOT capped at 1 (docs/ANALYTICS.md says why). */
export function oeeOf(x: OeeInputs): OeeFigures {
  const availability = ratio(x.runMinutes, x.plannedMinutes);
  const performance = ratio(x.idealMinutes, x.runMinutes);
  const quality = ratio(x.good, x.good + x.scrap);
  const oee = availability === null || performance === null || quality === null ? null : availability * performance * quality;
  return { availability, performance, quality, oee };
}

/** Sorted descending by value (ties by key), each with its share and the cumulative share of the total. */
export function pareto<T extends { key: string; value: number }>(rows: readonly T[]): (T & { share: number; cumulativeShare: number })[] {
  const total = rows.reduce((s, r) => s + r.value, 0);
  let cum = 0;
  return [...rows]
    .sort((a, b) => b.value - a.value || a.key.localeCompare(b.key))
    .map((r) => {
      cum += r.value;
      return { ...r, share: total > 0 ? r.value / total : 0, cumulativeShare: total > 0 ? cum / total : 0 };
    });
}

/** Linear-interpolated percentile (as PostgreSQL's percentile_cont), p in [0, 1]; null for no values. */
export function percentileCont(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const pos = p * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo]! + (v[hi]! - v[lo]!) * (pos - lo);
}

/** One RFC 4180 CSV field. */
function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as RFC 4180 CSV (CRLF line ends, a header row of the column names). */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A weekly calendar as stored: windows per weekday (0 = Sunday) and dated exceptions (null minutes = day off). */
export interface StoredCalendar {
  /** the calendar's id, when read from the database (same id, same intervals) */
  id?: string;
  windows: { weekday: number; start: number; end: number }[];
  exceptions: { date: string; start: number | null; end: number | null }[];
}

/** The on-shift intervals of a calendar within [from, to), local time = UTC + utcOffsetMinutes. */
export function calendarIntervals(cal: StoredCalendar, from: number, to: number, utcOffsetMinutes: number): Interval[] {
  const off = utcOffsetMinutes * MINUTE_MS;
  const byDate = new Map<string, { start: number; end: number }[]>();
  for (const ex of cal.exceptions) {
    const list = byDate.get(ex.date) ?? [];
    if (ex.start !== null && ex.end !== null) list.push({ start: ex.start, end: ex.end });
    byDate.set(ex.date, list);
  }
  const out: Interval[] = [];
  for (let day = Math.floor((from + off) / DAY_MS); day * DAY_MS - off < to; day++) {
    const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    const dow = (((day + 4) % 7) + 7) % 7;
    const ws = byDate.get(date) ?? cal.windows.filter((w) => w.weekday === dow);
    for (const w of ws) {
      const s = Math.max(from, day * DAY_MS - off + w.start * MINUTE_MS);
      const e = Math.min(to, day * DAY_MS - off + w.end * MINUTE_MS);
      if (e > s) out.push({ start: s, end: e });
    }
  }
  return unionIntervals(out);
}

/** Sorted, merged union of intervals. */
export function unionIntervals(ivs: readonly Interval[]): Interval[] {
  const sorted = ivs.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}
