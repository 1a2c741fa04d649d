/**
 * The analytics use cases: check the period and the filter ids (nothing runs
 * on a bad period or an unknown id), run the bounded reads, do the arithmetic
 * of analytics.rules.ts. Read-only: no transaction is needed beyond each
 * statement's snapshot.
 */
import type { Db } from '../../db/database.js';
import { DomainError, m } from '../../shared/errors.js';
import * as repo from './analytics.repository.js';
import * as rollups from './rollups.repository.js';
import {
  type Interval,
  type StoredCalendar,
  calendarIntervals,
  minutesByBucket,
  oeeOf,
  pareto,
  periodProblem,
  subtractIntervals,
  unionIntervals,
} from './analytics.rules.js';
import type { AnalyticsQuery, Grouping, OeeRow, StepsQuery } from './analytics.schema.js';

export type { Scope } from './analytics.repository.js';

/**
 * Where the reports read their sums from: the rollups of migration 0027 (what
 * the API answers with), or the base tables (the from-scratch recomputation
 * the property test and the doctor compare with; docs/ANALYTICS.md "Speed").
 */
export interface Reads {
  stepSums: typeof repo.stepSums;
  pauseSums: typeof repo.pauseSums;
  scrapSums: typeof repo.scrapSums;
  plannedVsActual: typeof repo.plannedVsActual;
  delivery: typeof repo.delivery;
  workedByWorker: typeof repo.workedByWorker;
}
export const rollupReads: Reads = rollups;
export const baseReads: Reads = repo;

/** Re-buckets the daily rollups at the plant's offset if they were bucketed at another one (start-up); true when it did. */
export async function alignRollups(db: Db, utcOffsetMinutes: number): Promise<boolean> {
  return rollups.alignRollupOffset(db, utcOffsetMinutes);
}

/** Checks the period and the filter ids; the scope every read is bounded by. */
export async function scopeOf(db: Db, q: AnalyticsQuery, utcOffsetMinutes: number): Promise<repo.Scope> {
  const from = Date.parse(q.from);
  const to = Date.parse(q.to);
  const bad = periodProblem(from, to);
  if (bad) throw new DomainError('bad_request', m(bad.key, { from: q.from, to: q.to }), { field: bad.field });
  const scope: repo.Scope = {
    from: new Date(from),
    to: new Date(to),
    groupBy: (q.groupBy ?? 'day') as Grouping,
    utcOffsetMinutes,
    stationId: q.stationId,
    substationId: q.substationId,
    operationId: q.operationId,
    workerId: q.workerId,
    planId: q.planId,
  };
  const unknown = await repo.unknownFilterIds(db, scope);
  if (unknown.length > 0) {
    const field = unknown[0]!;
    throw new DomainError('rule_violated', m('analytics.unknown_filter', { field, id: String(q[field as keyof AnalyticsQuery]) }), { field });
  }
  return scope;
}

/**
 * The planned production time minutes per bucket of a substation within the
 * period: its calendar (or its station's workers' shifts) minus maintenance.
 * `memo` holds each calendar's intervals and each set of workers' union once
 * per request: at a plant, dozens of substations share a handful of shift
 * calendars (400 days × 700 worker calendars was most of a plant-wide OEE).
 */
function plannedByBucket(
  c: repo.SubstationCalendar,
  s: repo.Scope,
  memo: Map<string, Interval[]>,
  byBucketMemo: Map<string, Map<string, number>>,
): Map<string, number> {
  const from = s.from.getTime();
  const to = s.to.getTime();
  const intervalsOf = (cal: StoredCalendar): Interval[] => {
    if (cal.id === undefined) return calendarIntervals(cal, from, to, s.utcOffsetMinutes);
    const key = `cal:${cal.id}`;
    let ivs = memo.get(key);
    if (!ivs) memo.set(key, (ivs = calendarIntervals(cal, from, to, s.utcOffsetMinutes)));
    return ivs;
  };
  let onShift: Interval[];
  /** what the on-shift time is made of, when it can be named: substations without maintenance that share it share their minutes per bucket */
  let key: string | undefined;
  if (c.own) {
    onShift = intervalsOf(c.own);
    key = c.own.id === undefined ? undefined : `cal:${c.own.id}`;
  } else if (c.workerCalendars.length === 0 || c.workerCalendars.some((w) => w === null)) {
    onShift = [{ start: from, end: to }];
    key = 'always';
  } else {
    const calendars = c.workerCalendars as StoredCalendar[];
    const ids = calendars.every((w) => w.id !== undefined) ? `union:${[...new Set(calendars.map((w) => w.id))].sort().join(',')}` : undefined;
    key = ids;
    const cached = ids === undefined ? undefined : memo.get(ids);
    if (cached) onShift = cached;
    else {
      const byId = new Map<string, StoredCalendar>();
      calendars.forEach((w, i) => byId.set(w.id ?? `#${i}`, w));
      onShift = unionIntervals([...byId.values()].flatMap(intervalsOf));
      if (ids !== undefined) memo.set(ids, onShift);
    }
  }
  if (c.blocks.length > 0 || key === undefined) return minutesByBucket(subtractIntervals(onShift, c.blocks), from, to, s.groupBy, s.utcOffsetMinutes);
  let byBucket = byBucketMemo.get(key);
  if (!byBucket) byBucketMemo.set(key, (byBucket = minutesByBucket(onShift, from, to, s.groupBy, s.utcOffsetMinutes)));
  return byBucket;
}

export async function oee(db: Db, s: repo.Scope, reads: Reads = rollupReads): Promise<{ rows: OeeRow[] }> {
  const sums = await reads.stepSums(db, s);
  const stepFiltered = Boolean(s.operationId || s.workerId || s.planId);
  const calendars = await repo.substationCalendars(db, s, [...new Set(sums.map((x) => x.substationId))]);
  type Acc = {
    stationId: string;
    substationId: string | null;
    bucket: string;
    plannedMinutes: number;
    runMinutes: number;
    idealMinutes: number;
    good: number;
    scrap: number;
  };
  const subs = new Map<string, Acc>();
  const acc = (bucket: string, stationId: string, substationId: string) => {
    const key = `${bucket}|${substationId}`;
    let a = subs.get(key);
    if (!a) subs.set(key, (a = { bucket, stationId, substationId, plannedMinutes: 0, runMinutes: 0, idealMinutes: 0, good: 0, scrap: 0 }));
    return a;
  };
  const memo = new Map<string, Interval[]>();
  const byBucketMemo = new Map<string, Map<string, number>>();
  const planned = new Map(calendars.map((c) => [c.substationId, plannedByBucket(c, s, memo, byBucketMemo)]));
  for (const c of calendars) {
    const byBucket = planned.get(c.substationId)!;
    // with a step filter (operation, worker, plan) only the substations and buckets with such steps are shown (below)
    if (!stepFiltered) for (const [bucket, minutes] of byBucket) acc(bucket, c.stationId, c.substationId).plannedMinutes += minutes;
  }
  for (const x of sums) {
    const a = acc(x.bucket, x.stationId, x.substationId);
    a.runMinutes += x.runMinutes;
    a.idealMinutes += x.idealMinutes;
    a.good += x.good;
    a.scrap += x.scrap;
  }
  if (stepFiltered) {
    for (const c of calendars) {
      const byBucket = planned.get(c.substationId)!;
      for (const [bucket, minutes] of byBucket) {
        const a = subs.get(`${bucket}|${c.substationId}`);
        if (a) a.plannedMinutes += minutes;
      }
    }
  }
  const stations = new Map<string, Acc>();
  for (const a of subs.values()) {
    const key = `${a.bucket}|${a.stationId}`;
    let st = stations.get(key);
    if (!st) stations.set(key, (st = { ...a, substationId: null, plannedMinutes: 0, runMinutes: 0, idealMinutes: 0, good: 0, scrap: 0 }));
    st.plannedMinutes += a.plannedMinutes;
    st.runMinutes += a.runMinutes;
    st.idealMinutes += a.idealMinutes;
    st.good += a.good;
    st.scrap += a.scrap;
  }
  const row = (a: Acc, level: 'substation' | 'station'): OeeRow => ({ level, ...a, ...oeeOf(a) });
  const rows = [...[...subs.values()].map((a) => row(a, 'substation')), ...[...stations.values()].map((a) => row(a, 'station'))];
  rows.sort(
    (x, y) =>
      x.bucket.localeCompare(y.bucket) ||
      x.stationId.localeCompare(y.stationId) ||
      x.level.localeCompare(y.level) ||
      (x.substationId ?? '').localeCompare(y.substationId ?? ''),
  );
  return { rows };
}

function paretoOf<T>(items: readonly T[], reason: (t: T) => string, value: (t: T) => number, count: (t: T) => number) {
  const by = new Map<string, { key: string; value: number; count: number }>();
  for (const i of items) {
    const k = reason(i);
    const e = by.get(k) ?? { key: k, value: 0, count: 0 };
    e.value += value(i);
    e.count += count(i);
    by.set(k, e);
  }
  return pareto([...by.values()]).map((p) => ({ reason: p.key, value: p.value, count: p.count, share: p.share, cumulativeShare: p.cumulativeShare }));
}

export async function downtime(db: Db, s: repo.Scope, reads: Reads = rollupReads) {
  const rows = await reads.pauseSums(db, s);
  return {
    pareto: paretoOf(
      rows,
      (r) => r.reason,
      (r) => r.minutes,
      (r) => r.pauses,
    ),
    rows,
  };
}

export async function scrap(db: Db, s: repo.Scope, reads: Reads = rollupReads) {
  const rows = await reads.scrapSums(db, s);
  return {
    pareto: paretoOf(
      rows,
      (r) => r.reason,
      (r) => r.scrap,
      (r) => r.steps,
    ),
    rows,
  };
}

export async function plannedVsActual(db: Db, s: repo.Scope, reads: Reads = rollupReads) {
  return { rows: await reads.plannedVsActual(db, s) };
}

export async function delivery(db: Db, s: repo.Scope, reads: Reads = rollupReads) {
  return { rows: await reads.delivery(db, s) };
}

export async function utilisation(db: Db, s: repo.Scope, reads: Reads = rollupReads) {
  const { worked, calendars } = await reads.workedByWorker(db, s);
  const shiftByWorker = new Map<string, Map<string, number>>();
  // workers share a handful of shift calendars: each calendar's minutes per bucket once
  const byCalendar = new Map<string, Map<string, number>>();
  const shiftsOf = (cal: StoredCalendar) =>
    minutesByBucket(
      calendarIntervals(cal, s.from.getTime(), s.to.getTime(), s.utcOffsetMinutes),
      s.from.getTime(),
      s.to.getTime(),
      s.groupBy,
      s.utcOffsetMinutes,
    );
  for (const [id, cal] of calendars) {
    if (!cal) continue;
    if (cal.id === undefined) shiftByWorker.set(id, shiftsOf(cal));
    else {
      let shifts = byCalendar.get(cal.id);
      if (!shifts) byCalendar.set(cal.id, (shifts = shiftsOf(cal)));
      shiftByWorker.set(id, shifts);
    }
  }
  return {
    rows: worked.map((w) => {
      const shifts = shiftByWorker.get(w.workerId);
      const shiftMinutes = shifts ? (shifts.get(w.bucket) ?? 0) : null;
      return { ...w, shiftMinutes, utilisation: shiftMinutes ? w.workedMinutes / shiftMinutes : null };
    }),
  };
}

export async function steps(db: Db, s: repo.Scope, q: StepsQuery) {
  return repo.steps(db, s, q.reason, q.after, q.limit ?? 100);
}
