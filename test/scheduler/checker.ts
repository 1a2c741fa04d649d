/**
 * Independent feasibility checker for scheduler output.
 *
 * Deliberately shares NO code with src/scheduler: shift windows are expanded
 * per local day straight from the raw calendar, on-shift time is counted by
 * intersecting [start, end) with those windows, and durations are recomputed
 * from the node data.
 */
import type { ScheduleInput, ScheduleResult, ShiftCalendar } from '../../src/scheduler/types.js';

const MIN = 60_000;
const DAY = 86_400_000;

/** Required whole minutes: ceil(time * qty / eff), treating float noise (110.00000000000001) as exact. */
export function requiredMinutes(timePerUnit: number, quantity: number, efficiency: number): number {
  const raw = (timePerUnit * quantity) / efficiency;
  const r = Math.round(raw);
  const m = Math.abs(raw - r) < 1e-7 ? r : Math.ceil(raw);
  return Math.max(1, m);
}

/** On-shift absolute intervals (merged) of the local days overlapping [a, b). */
export function shiftIntervals(cal: ShiftCalendar, offsetMin: number, a: number, b: number): [number, number][] {
  const off = offsetMin * MIN;
  const firstDay = Math.floor((a + off) / DAY) - 1;
  const lastDay = Math.floor((b + off) / DAY) + 1;
  const raw: [number, number][] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const date = new Date(day * DAY).toISOString().slice(0, 10);
    const weekday = new Date(day * DAY).getUTCDay();
    // the last exception given for a date wins
    const exs = (cal.exceptions ?? []).filter((e) => e.date === date);
    const windows = exs.length > 0 ? exs[exs.length - 1]!.windows : (cal.weekly[weekday] ?? []);
    const midnight = day * DAY - off;
    for (const w of windows) raw.push([midnight + w.start * MIN, midnight + w.end * MIN]);
  }
  raw.sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const r of raw) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

export function onShiftMs(cal: ShiftCalendar, offsetMin: number, a: number, b: number): number {
  let sum = 0;
  for (const [s, e] of shiftIntervals(cal, offsetMin, a, b)) {
    const x = Math.max(a, s);
    const y = Math.min(b, e);
    if (y > x) sum += y - x;
  }
  return sum;
}

export function isOnShiftAt(cal: ShiftCalendar, offsetMin: number, t: number): boolean {
  return shiftIntervals(cal, offsetMin, t, t + 1).some(([s, e]) => s <= t && t < e);
}

/** Intervals where both lists are on (each sorted and disjoint). */
function bothOn(x: [number, number][], y: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const s = Math.max(x[i]![0], y[j]![0]);
    const e = Math.min(x[i]![1], y[j]![1]);
    if (e > s) out.push([s, e]);
    if (x[i]![1] < y[j]![1]) i++;
    else j++;
  }
  return out;
}

/** Working ms within [a, b) of a worker on a substation with an availability calendar (or none). */
function pairWorkedMs(cal: ShiftCalendar, sub: ShiftCalendar | undefined, off: number, a: number, b: number): number {
  if (!sub) return onShiftMs(cal, off, a, b);
  let sum = 0;
  for (const [s, e] of bothOn(shiftIntervals(cal, off, a, b), shiftIntervals(sub, off, a, b))) {
    const x = Math.max(a, s);
    const y = Math.min(b, e);
    if (y > x) sum += y - x;
  }
  return sum;
}

/** Returns a list of violations (empty = feasible). */
export function checkSchedule(input: ScheduleInput, result: ScheduleResult): string[] {
  const errs: string[] = [];
  const off = input.utcOffsetMinutes ?? 0;
  const nodes = new Map(input.nodes.map((n) => [n.id, n]));
  const stations = new Map(input.stations.map((s) => [s.id, s]));
  const workers = new Map(input.workers.map((w) => [w.id, w]));
  const byNode = new Map(result.assignments.map((a) => [a.nodeId, a]));

  if (result.assignments.length !== input.nodes.length) {
    errs.push(`expected ${input.nodes.length} assignments, got ${result.assignments.length}`);
  }
  input.nodes.forEach((n, i) => {
    if (result.assignments[i]?.nodeId !== n.id) errs.push(`assignment #${i} should be for ${n.id}`);
  });

  let maxEnd = input.now;
  for (const a of result.assignments) {
    const n = nodes.get(a.nodeId);
    const tag = `${a.nodeId}`;
    if (!n) {
      errs.push(`${tag}: unknown node`);
      continue;
    }
    maxEnd = Math.max(maxEnd, a.end);
    const cand = n.candidates.find((c) => c.stationId === a.stationId && c.priority === a.priority) ?? n.candidates.find((c) => c.stationId === a.stationId);
    if (!cand) errs.push(`${tag}: station ${a.stationId} is not a candidate`);
    const st = stations.get(a.stationId);
    if (!st) errs.push(`${tag}: unknown station ${a.stationId}`);
    else if (!st.substations.includes(a.substationId)) errs.push(`${tag}: substation ${a.substationId} not in ${a.stationId}`);
    const w = workers.get(a.workerId);
    if (!w) {
      errs.push(`${tag}: unknown worker ${a.workerId}`);
      continue;
    }
    if (!w.operations.includes(n.operationId)) errs.push(`${tag}: ${a.workerId} not qualified for ${n.operationId}`);
    if (!w.stations.includes(a.stationId)) errs.push(`${tag}: ${a.workerId} not allowed at ${a.stationId}`);
    if (n.pin?.stationId !== undefined && n.pin.stationId !== a.stationId) errs.push(`${tag}: station pin violated`);
    if (n.pin?.substationId !== undefined && n.pin.substationId !== a.substationId) errs.push(`${tag}: substation pin violated`);
    if (n.pin?.workerId !== undefined && n.pin.workerId !== a.workerId) errs.push(`${tag}: worker pin violated`);
    if (a.start < input.now) errs.push(`${tag}: starts before now`);
    if (n.notBefore !== undefined && a.start < n.notBefore) errs.push(`${tag}: starts before notBefore`);
    for (const p of n.predecessors) {
      const pa = byNode.get(p);
      if (pa && a.start < pa.end) errs.push(`${tag}: starts before predecessor ${p} ends`);
    }
    if (!(a.end > a.start)) errs.push(`${tag}: empty or negative interval`);
    if (cand) {
      const req = requiredMinutes(cand.timeMinutes ?? n.nominalTimeMinutes, n.quantity, n.efficiency);
      if (a.workMinutes !== req) errs.push(`${tag}: workMinutes ${a.workMinutes} != required ${req}`);
      if (a.priority !== cand.priority) errs.push(`${tag}: priority ${a.priority} != ${cand.priority}`);
      if (!isOnShiftAt(w.calendar, off, a.start)) errs.push(`${tag}: starts off shift`);
      const sub = st?.availability?.[a.substationId];
      if (sub && !isOnShiftAt(sub, off, a.start)) errs.push(`${tag}: starts while ${a.substationId} is unavailable`);
      const worked = pairWorkedMs(w.calendar, sub, off, a.start, a.end);
      if (worked !== req * MIN) errs.push(`${tag}: on-shift time ${worked / MIN} min != required ${req} min`);
      if (!isOnShiftAt(w.calendar, off, a.end - 1)) errs.push(`${tag}: booking ends with an off-shift tail`);
      if (sub && !isOnShiftAt(sub, off, a.end - 1)) errs.push(`${tag}: booking ends while ${a.substationId} is unavailable`);
    }
  }
  if (result.makespanEnd !== maxEnd) errs.push(`makespanEnd ${result.makespanEnd} != max end ${maxEnd}`);

  // no overlap per worker / substation, with each other and with bookings
  const check = (kind: 'worker' | 'substation', key: (a: ScheduleResult['assignments'][number]) => string): void => {
    const groups = new Map<string, { s: number; e: number; what: string }[]>();
    for (const a of result.assignments) {
      const k = key(a);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push({ s: a.start, e: a.end, what: a.nodeId });
    }
    for (const [id, list] of groups) {
      list.sort((x, y) => x.s - y.s);
      for (let i = 1; i < list.length; i++) {
        if (list[i]!.s < list[i - 1]!.e) errs.push(`${kind} ${id}: ${list[i - 1]!.what} overlaps ${list[i]!.what}`);
      }
      for (const b of input.booked) {
        if (b.kind !== kind || b.id !== id) continue;
        for (const x of list) {
          if (x.s < b.end && b.start < x.e) errs.push(`${kind} ${id}: ${x.what} overlaps booking [${b.start},${b.end})`);
        }
      }
    }
  };
  check('worker', (a) => a.workerId);
  check('substation', (a) => a.substationId);
  return errs;
}
