/** Pure parts of the Gantt: a bar's worked segments, and grouping bars into rows by station and substation or by worker. */
import { type Interval, type ShiftCalendar, workedSegments } from '../../scheduler/index.js';
import type { GanttBar, GanttBarRow, GanttSegment } from './gantt.schema.js';

/** The common parts of two ordered lists of disjoint intervals. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (end > start) out.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

/** An ordered list of disjoint intervals minus any intervals (in any order, may overlap). */
export function subtractIntervals(a: readonly Interval[], cuts: readonly Interval[]): Interval[] {
  let out = [...a];
  for (const c of cuts) {
    if (c.end <= c.start) continue;
    out = out.flatMap((x) => {
      if (c.end <= x.start || c.start >= x.end) return [x];
      const parts: Interval[] = [];
      if (c.start > x.start) parts.push({ start: x.start, end: c.start });
      if (c.end < x.end) parts.push({ start: c.end, end: x.end });
      return parts;
    });
  }
  return out;
}

/**
 * Where a booking [start, end) is worked: inside its worker's shifts and its
 * substation's availability, outside the substation's maintenance blocks. A
 * booking with no such time at all (it predates a calendar change) is drawn
 * whole rather than vanish.
 */
export function bookingSegments(
  start: number,
  end: number,
  worker: ShiftCalendar,
  substation: ShiftCalendar,
  blocks: readonly Interval[],
  utcOffsetMinutes: number,
): Interval[] {
  if (end <= start) return [{ start, end: start }];
  const worked = subtractIntervals(
    intersectIntervals(workedSegments(worker, utcOffsetMinutes, start, end), workedSegments(substation, utcOffsetMinutes, start, end)),
    blocks,
  );
  return worked.length > 0 ? worked : [{ start, end }];
}

export interface SegmentContext {
  workers: Map<string, ShiftCalendar>;
  substations: Map<string, ShiftCalendar>;
  blocks: readonly { substationId: string; start: string; end: string }[];
  utcOffsetMinutes: number;
  always: ShiftCalendar;
}

/** The bars with their worked segments (ISO instants). */
export function withSegments(rows: readonly GanttBarRow[], ctx: SegmentContext): GanttBar[] {
  const blocksOf = new Map<string, Interval[]>();
  for (const b of ctx.blocks) {
    const list = blocksOf.get(b.substationId) ?? [];
    list.push({ start: Date.parse(b.start), end: Date.parse(b.end) });
    blocksOf.set(b.substationId, list);
  }
  const iso = (i: Interval): GanttSegment => ({ start: new Date(i.start).toISOString(), end: new Date(i.end).toISOString() });
  return rows.map((r) => ({
    ...r,
    segments: bookingSegments(
      Date.parse(r.plannedStart),
      Date.parse(r.plannedEnd),
      ctx.workers.get(r.workerId) ?? ctx.always,
      ctx.substations.get(r.substationId) ?? ctx.always,
      blocksOf.get(r.substationId) ?? [],
      ctx.utcOffsetMinutes,
    ).map(iso),
  }));
}

export function groupByStation(bars: GanttBar[]) {
  const stations = new Map<
    string,
    { stationId: string; stationName: string; substations: Map<string, { substationId: string; substationName: string; bars: GanttBar[] }> }
  >();
  for (const b of bars) {
    const st = stations.get(b.stationId) ?? { stationId: b.stationId, stationName: b.stationName, substations: new Map() };
    stations.set(b.stationId, st);
    const sub = st.substations.get(b.substationId) ?? { substationId: b.substationId, substationName: b.substationName, bars: [] };
    st.substations.set(b.substationId, sub);
    sub.bars.push(b);
  }
  return [...stations.values()]
    .sort((a, b) => (a.stationId < b.stationId ? -1 : 1))
    .map((s) => ({ ...s, substations: [...s.substations.values()].sort((a, b) => (a.substationId < b.substationId ? -1 : 1)) }));
}

export function groupByWorker(bars: GanttBar[]) {
  const workers = new Map<string, { workerId: string; workerName: string; bars: GanttBar[] }>();
  for (const b of bars) {
    const w = workers.get(b.workerId) ?? { workerId: b.workerId, workerName: b.workerName, bars: [] };
    workers.set(b.workerId, w);
    w.bars.push(b);
  }
  return [...workers.values()].sort((a, b) => (a.workerId < b.workerId ? -1 : 1));
}
