/**
 * Shift-calendar arithmetic (pure, no I/O, no clock).
 *
 * A calendar is compiled lazily, day by day, into a sorted list of disjoint
 * absolute on-shift intervals [start, end) in epoch ms with a prefix sum of
 * working time, so that "is t on shift", "next shift start at or after t" and
 * "add N working minutes from t" are binary searches.
 *
 * Conventions:
 *  - local time = UTC + utcOffsetMinutes; the weekday is getUTCDay() of the
 *    local time, and exception dates are local 'YYYY-MM-DD' dates;
 *  - windows are clamped to 0..1440, empty ones are dropped, overlapping or
 *    touching windows are merged; a window ending at 1440 followed by one
 *    starting at 0 on the next day forms one continuous interval;
 *  - everything is bounded by a horizon (HORIZON_DAYS from the first time the
 *    calendar is asked about); beyond it the calendar is treated as off.
 */
import type { ShiftCalendar, ShiftWindow } from './types.js';
import { firstEndAfter } from './sorted.js';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
/** Search horizon of the scheduler and of the helpers, in days. */
export const HORIZON_DAYS = 366;

const CHUNK_DAYS = 14;

/** Local day number (days since 1970-01-01 local) of an epoch-ms instant. */
export function localDayNumber(t: number, utcOffsetMinutes: number): number {
  return Math.floor((t + utcOffsetMinutes * MINUTE_MS) / DAY_MS);
}

/** 'YYYY-MM-DD' of a local day number. */
export function isoDateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Clamp to 0..1440, drop empty windows, sort and merge overlapping/touching ones. */
export function normalizeWindows(windows: readonly ShiftWindow[] | undefined): ShiftWindow[] {
  if (!windows || windows.length === 0) return [];
  const ws: ShiftWindow[] = [];
  for (const w of windows) {
    if (!w || !Number.isFinite(w.start) || !Number.isFinite(w.end)) continue;
    const s = Math.max(0, Math.min(1440, w.start));
    const e = Math.max(0, Math.min(1440, w.end));
    if (e > s) ws.push({ start: s, end: e });
  }
  ws.sort((a, b) => a.start - b.start || a.end - b.end);
  const out: ShiftWindow[] = [];
  for (const w of ws) {
    const last = out[out.length - 1];
    if (last && w.start <= last.end) {
      if (w.end > last.end) last.end = w.end;
    } else out.push({ start: w.start, end: w.end });
  }
  return out;
}

/**
 * A calendar compiled into absolute intervals, lazily extended up to
 * `maxEnd` (exclusive). Instances are cheap to create; compile work happens
 * on demand in chunks of two weeks.
 */
export class CompiledCalendar {
  /** interval starts / ends (epoch ms), disjoint and ascending */
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** working ms strictly before interval i */
  readonly cum: number[] = [];
  private readonly weekly: ShiftWindow[][];
  private readonly exceptions = new Map<string, ShiftWindow[]>();
  private readonly offsetMs: number;
  private nextDay: number;
  private readonly lastDay: number;
  /** absolute end of the compiled range (local midnight of nextDay) */
  private coveredEnd: number;
  /** absolute horizon end; nothing is on shift at or after it */
  readonly maxEnd: number;

  constructor(calendar: ShiftCalendar, utcOffsetMinutes: number, from: number, horizonDays = HORIZON_DAYS) {
    this.offsetMs = (utcOffsetMinutes || 0) * MINUTE_MS;
    this.weekly = [];
    for (let d = 0; d < 7; d++) this.weekly.push(normalizeWindows(calendar.weekly?.[d]));
    for (const ex of calendar.exceptions ?? []) {
      // a later exception for the same date wins
      this.exceptions.set(ex.date, normalizeWindows(ex.windows));
    }
    const firstDay = localDayNumber(from, utcOffsetMinutes || 0);
    this.nextDay = firstDay;
    this.coveredEnd = firstDay * DAY_MS - this.offsetMs;
    this.maxEnd = from + horizonDays * DAY_MS;
    this.lastDay = localDayNumber(this.maxEnd, utcOffsetMinutes || 0);
  }

  private windowsOfDay(day: number): ShiftWindow[] {
    if (this.exceptions.size > 0) {
      const ex = this.exceptions.get(isoDateOfDay(day));
      if (ex) return ex;
    }
    const dow = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday (4)
    return this.weekly[dow] ?? [];
  }

  /** Compile one more chunk; returns false when the horizon is exhausted. */
  private extend(): boolean {
    if (this.nextDay > this.lastDay) return false;
    const until = Math.min(this.lastDay, this.nextDay + CHUNK_DAYS - 1);
    const { starts, ends, cum } = this;
    for (let day = this.nextDay; day <= until; day++) {
      const base = day * DAY_MS - this.offsetMs;
      for (const w of this.windowsOfDay(day)) {
        const s = base + w.start * MINUTE_MS;
        let e = base + w.end * MINUTE_MS;
        if (e > this.maxEnd) e = this.maxEnd;
        if (s >= e) continue;
        const n = starts.length;
        if (n > 0 && s <= ends[n - 1]!) {
          // contiguous with the previous interval (e.g. 22:00-24:00 + 00:00-06:00)
          if (e > ends[n - 1]!) ends[n - 1] = e;
        } else {
          const prevCum = n > 0 ? cum[n - 1]! + (ends[n - 1]! - starts[n - 1]!) : 0;
          starts.push(s);
          ends.push(e);
          cum.push(prevCum);
        }
      }
    }
    this.nextDay = until + 1;
    this.coveredEnd = this.nextDay * DAY_MS - this.offsetMs;
    return true;
  }

  /** Index of the first interval whose end is > t, compiling as needed; -1 if none in horizon. */
  private firstEndAfter(t: number): number {
    while (this.coveredEnd <= t && this.extend()) {
      /* compile up to t */
    }
    for (;;) {
      const lo = firstEndAfter(this.ends, t);
      if (lo < this.ends.length) return lo;
      if (!this.extend()) return -1;
    }
  }

  /** True if t is inside an on-shift interval. */
  isOnShift(t: number): boolean {
    const i = this.firstEndAfter(t);
    return i >= 0 && this.starts[i]! <= t;
  }

  /** Earliest on-shift instant >= t, or Infinity if none within the horizon. */
  nextShiftStart(t: number): number {
    if (t >= this.maxEnd) return Infinity;
    const i = this.firstEndAfter(t);
    if (i < 0) return Infinity;
    const s = this.starts[i]!;
    return s > t ? s : t;
  }

  /** Working ms strictly before instant t (relative to the compiled origin). */
  private cumAt(t: number): number {
    const i = this.firstEndAfter(t);
    if (i < 0) {
      const n = this.starts.length;
      return n === 0 ? 0 : this.cum[n - 1]! + (this.ends[n - 1]! - this.starts[n - 1]!);
    }
    const s = this.starts[i]!;
    return this.cum[i]! + (t > s ? t - s : 0);
  }

  /**
   * End instant of `workMs` of on-shift work starting at the first on-shift
   * instant >= t. Work pauses during off-shift gaps. Returns Infinity if the
   * horizon is exhausted first. workMs <= 0 returns nextShiftStart(t).
   */
  addWork(t: number, workMs: number): number {
    if (t >= this.maxEnd) return Infinity;
    const i = this.firstEndAfter(t);
    if (i < 0) return Infinity;
    const st = this.starts[i]!;
    const target = this.cum[i]! + (t > st ? t - st : 0) + (workMs > 0 ? workMs : 0);
    // make sure enough working time is compiled
    for (;;) {
      const n = this.starts.length;
      const total = this.cum[n - 1]! + (this.ends[n - 1]! - this.starts[n - 1]!);
      if (total >= target) break;
      if (!this.extend()) return Infinity;
    }
    // smallest j with cum[j] + len[j] >= target, i.e. last j with cum[j] < target (or j = i)
    const { cum, starts } = this;
    let lo = i;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (cum[mid]! < target) lo = mid;
      else hi = mid - 1;
    }
    return starts[lo]! + (target - cum[lo]!);
  }

  /** On-shift ms within [a, b). */
  workingMsBetween(a: number, b: number): number {
    if (b <= a) return 0;
    return this.cumAt(b) - this.cumAt(a);
  }

  /** The on-shift parts of [a, b), in order: where work happens between two instants. */
  segmentsBetween(a: number, b: number): Interval[] {
    const out: Interval[] = [];
    if (b <= a) return out;
    let from = a;
    let i = this.firstEndAfter(a);
    while (i >= 0 && i < this.starts.length) {
      const s = Math.max(this.starts[i]!, from);
      if (s >= b) break;
      const e = Math.min(this.ends[i]!, b);
      // a shift that runs over the end of the compiled days (22:00-24:00 on the last, 00:00-06:00 on the next) is
      // one interval that grows when the next days are compiled: what follows its first part continues that segment
      const last = out.at(-1);
      if (last && last.end >= s) last.end = e;
      else out.push({ start: s, end: e });
      if (this.ends[i]! >= b) break;
      from = this.ends[i]!;
      i = this.firstEndAfter(from);
    }
    return out;
  }

  /** True if the calendar has any on-shift time within its horizon. */
  hasAnyShift(): boolean {
    return this.firstEndAfter(-Infinity) >= 0;
  }
}

/** The intersection of two lists of windows (each normalized first). */
function intersectWindows(a: readonly ShiftWindow[] | undefined, b: readonly ShiftWindow[] | undefined): ShiftWindow[] {
  const x = normalizeWindows(a);
  const y = normalizeWindows(b);
  const out: ShiftWindow[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const s = Math.max(x[i]!.start, y[j]!.start);
    const e = Math.min(x[i]!.end, y[j]!.end);
    if (e > s) out.push({ start: s, end: e });
    if (x[i]!.end < y[j]!.end) i++;
    else j++;
  }
  return out;
}

/** Weekday (0 = Sunday) of a local 'YYYY-MM-DD' date. */
function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/**
 * The calendar of two resources that must both be available: a step runs on a
 * worker and a substation together, so it works only when the worker is on
 * shift AND the substation is available. Same representation (weekly windows
 * and dated exceptions, in the same local time), so everything that reads a
 * calendar reads this one.
 */
export function intersectCalendars(a: ShiftCalendar, b: ShiftCalendar): ShiftCalendar {
  const weekly: ShiftWindow[][] = [];
  for (let d = 0; d < 7; d++) weekly.push(intersectWindows(a.weekly?.[d], b.weekly?.[d]));
  const exA = new Map((a.exceptions ?? []).map((e) => [e.date, e.windows]));
  const exB = new Map((b.exceptions ?? []).map((e) => [e.date, e.windows]));
  const dates = [...new Set([...exA.keys(), ...exB.keys()])].sort();
  const exceptions = dates.map((date) => {
    const dow = weekdayOf(date);
    return { date, windows: intersectWindows(exA.get(date) ?? a.weekly?.[dow], exB.get(date) ?? b.weekly?.[dow]) };
  });
  return exceptions.length > 0 ? { weekly, exceptions } : { weekly };
}

/**
 * Whether `after` is on shift at some time `before` is not: a weekday's
 * windows or a dated exception's that `before` does not cover, in the same
 * local time. `null` is a resource without a calendar (always available). A
 * calendar change that gains time may let bookings move left (the repair's
 * compaction); one that only loses time cannot.
 */
export function calendarGainsTime(before: ShiftCalendar | null, after: ShiftCalendar | null): boolean {
  if (before === null) return false;
  if (after === null) return true;
  const covered = (outer: readonly ShiftWindow[] | undefined, inner: readonly ShiftWindow[] | undefined) => {
    const o = normalizeWindows(outer);
    return normalizeWindows(inner).every((w) => o.some((x) => x.start <= w.start && w.end <= x.end));
  };
  for (let d = 0; d < 7; d++) if (!covered(before.weekly?.[d], after.weekly?.[d])) return true;
  const exBefore = new Map((before.exceptions ?? []).map((e) => [e.date, e.windows]));
  const exAfter = new Map((after.exceptions ?? []).map((e) => [e.date, e.windows]));
  for (const date of new Set([...exBefore.keys(), ...exAfter.keys()])) {
    const dow = weekdayOf(date);
    if (!covered(exBefore.get(date) ?? before.weekly?.[dow], exAfter.get(date) ?? after.weekly?.[dow])) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Public helpers for the app (stateless wrappers; each compiles on demand).
// ---------------------------------------------------------------------------

/**
 * Earliest on-shift instant >= t within HORIZON_DAYS after t, or null.
 */
export function nextShiftStart(calendar: ShiftCalendar, utcOffsetMinutes: number, t: number): number | null {
  const c = new CompiledCalendar(calendar, utcOffsetMinutes, t);
  const r = c.nextShiftStart(t);
  return Number.isFinite(r) ? r : null;
}

/** True if instant t is inside a shift window. */
export function isOnShift(calendar: ShiftCalendar, utcOffsetMinutes: number, t: number): boolean {
  return new CompiledCalendar(calendar, utcOffsetMinutes, t).isOnShift(t);
}

/**
 * End instant (epoch ms) of `minutes` working minutes that start at the first
 * on-shift instant >= start. The work pauses over off-shift gaps and resumes in
 * the next shift. Throws RangeError if it does not fit in HORIZON_DAYS.
 */
export function addWorkingMinutes(calendar: ShiftCalendar, utcOffsetMinutes: number, start: number, minutes: number): number {
  const c = new CompiledCalendar(calendar, utcOffsetMinutes, start);
  const r = c.addWork(start, minutes * MINUTE_MS);
  if (!Number.isFinite(r)) {
    throw new RangeError(`${minutes} working minutes do not fit within ${HORIZON_DAYS} days`);
  }
  return r;
}

/** A half-open span [start, end) in epoch ms. */
export interface Interval {
  start: number;
  end: number;
}

/**
 * The worked segments of a booking: the on-shift parts of [start, end), or of
 * `{ minutes }` working minutes from the first on-shift instant >= start (the
 * span addWorkingMinutes books). A step that crosses a shift's end comes back
 * as one segment per shift it runs in; the gaps between them are off shift.
 */
export function workedSegments(calendar: ShiftCalendar, utcOffsetMinutes: number, start: number, until: number | { minutes: number }): Interval[] {
  const end = typeof until === 'number' ? until : addWorkingMinutes(calendar, utcOffsetMinutes, start, until.minutes);
  if (end <= start) return [];
  const c = new CompiledCalendar(calendar, utcOffsetMinutes, start, Math.ceil((end - start) / DAY_MS) + 2);
  return c.segmentsBetween(start, end);
}

/** On-shift minutes within [a, b) (b - a <= HORIZON_DAYS). */
export function workingMinutesBetween(calendar: ShiftCalendar, utcOffsetMinutes: number, a: number, b: number): number {
  if (b <= a) return 0;
  const c = new CompiledCalendar(calendar, utcOffsetMinutes, a, Math.ceil((b - a) / DAY_MS) + 1);
  return c.workingMsBetween(a, b) / MINUTE_MS;
}

/** 'HH:MM' (or 'YYYY-MM-DD HH:MM' when `withDate`) of an instant in local time. */
export function formatLocal(t: number, utcOffsetMinutes: number, withDate = false): string {
  const iso = new Date(t + utcOffsetMinutes * MINUTE_MS).toISOString();
  return withDate ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}
