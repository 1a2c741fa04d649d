/**
 * fast-check generators of small but varied scheduling instances: random DAGs
 * (chains, branching, merging), stations with 1-2 substations, workers with
 * random qualifications and calendars (several windows, day offs, 24h days,
 * date exceptions), random UTC offsets, bookings of other plans and
 * consistent pins. Every generated instance is schedulable by construction.
 */
import fc from 'fast-check';
import type { BookedInterval, ScheduleInput, SchedulerNode, SchedulerStation, SchedulerWorker, ShiftCalendar, ShiftWindow } from '../../src/scheduler/types.js';

const MIN = 60_000;
const DAY = 86_400_000;

/** 0-2 non-overlapping windows on a 15-minute grid, or a full day. */
const arbDay: fc.Arbitrary<ShiftWindow[]> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<ShiftWindow[]>([]) },
  { weight: 1, arbitrary: fc.constant<ShiftWindow[]>([{ start: 0, end: 1440 }]) },
  {
    weight: 5,
    arbitrary: fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { minLength: 2, maxLength: 4 }).map((pts) => {
      const s = pts.slice().sort((a, b) => a - b);
      const out: ShiftWindow[] = [];
      for (let i = 0; i + 1 < s.length; i += 2) out.push({ start: s[i]! * 15, end: s[i + 1]! * 15 });
      return out;
    }),
  },
);

/** Weekly calendar with at least one window of >= 2 h (so plans fit in the horizon). */
const arbWeekly: fc.Arbitrary<ShiftWindow[][]> = fc
  .tuple(fc.array(arbDay, { minLength: 7, maxLength: 7 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 80 }))
  .map(([days, d, s]) => {
    const w = days.map((x) => x.slice());
    // guarantee a 2-hour window on day d that does not overlap the others
    w[d] = [{ start: s * 15, end: s * 15 + 120 }];
    return w;
  });

interface RawNode {
  op: number;
  qty: number;
  nominal: number;
  eff: number;
  predMask: number;
  chain: boolean;
  cands: { station: number; prio: number; time: number | null }[];
  workerHint: number;
  pinMask: number;
  subHint: number;
  notBefore: number | null;
}

const arbRawNode: fc.Arbitrary<RawNode> = fc.record({
  op: fc.nat(2),
  qty: fc.integer({ min: 1, max: 3 }),
  nominal: fc.integer({ min: 1, max: 90 }),
  eff: fc.constantFrom(0.5, 0.8, 1, 1.1, 1.5, 2),
  predMask: fc.nat(255),
  chain: fc.boolean(),
  cands: fc.array(fc.record({ station: fc.nat(3), prio: fc.integer({ min: 1, max: 3 }), time: fc.option(fc.integer({ min: 1, max: 60 })) }), {
    minLength: 0,
    maxLength: 3,
  }),
  workerHint: fc.nat(7),
  pinMask: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(7) }),
  subHint: fc.nat(3),
  notBefore: fc.option(fc.integer({ min: -600, max: 3000 }), { freq: 5 }),
});

const arbRawWorker = fc.record({
  opsMask: fc.nat(7),
  stationsMask: fc.nat(15),
  weekly: arbWeekly,
  exceptions: fc.array(fc.record({ dayOffset: fc.integer({ min: -1, max: 9 }), windows: arbDay }), { maxLength: 3 }),
});

const arbRawBooking = fc.record({
  worker: fc.boolean(),
  idx: fc.nat(7),
  startMin: fc.integer({ min: -600, max: 6000 }),
  durMin: fc.integer({ min: 1, max: 600 }),
});

export interface InstanceParams {
  maxNodes?: number;
  /** stations of 4-12 substations and 6-12 workers: a step can have more than 64 worker-substation pairs */
  wide?: boolean;
}

export function arbInstance(params: InstanceParams = {}): fc.Arbitrary<ScheduleInput> {
  const maxNodes = params.maxNodes ?? 8;
  return fc
    .record({
      nowMin: fc.integer({ min: 0, max: 14 * 1440 }),
      nowMs: fc.integer({ min: 0, max: 59_999 }),
      utcOffset: fc.constantFrom(0, 60, 180, 330, 345, -300, -480, 840),
      stationSubs: params.wide
        ? fc.array(fc.integer({ min: 4, max: 12 }), { minLength: 1, maxLength: 3 })
        : fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 4 }),
      workers: fc.array(arbRawWorker, { minLength: params.wide ? 6 : 1, maxLength: params.wide ? 12 : 4 }),
      nodes: fc.array(arbRawNode, { minLength: 1, maxLength: maxNodes }),
      booked: fc.array(arbRawBooking, { maxLength: 5 }),
    })
    .map((r) => build(r));
}

function build(r: {
  nowMin: number;
  nowMs: number;
  utcOffset: number;
  stationSubs: number[];
  workers: { opsMask: number; stationsMask: number; weekly: ShiftWindow[][]; exceptions: { dayOffset: number; windows: ShiftWindow[] }[] }[];
  nodes: RawNode[];
  booked: { worker: boolean; idx: number; startMin: number; durMin: number }[];
}): ScheduleInput {
  // Monday 2024-03-04 00:00 UTC plus a random offset (not minute-aligned)
  const now = Date.UTC(2024, 2, 4) + r.nowMin * MIN + r.nowMs;
  const ops = ['OP-1', 'OP-2', 'OP-3'];
  const stations: SchedulerStation[] = r.stationSubs.map((k, i) => ({
    id: `ST-${i + 1}`,
    substations: Array.from({ length: k }, (_, j) => `ST-${i + 1}-${j + 1}`),
  }));
  const nS = stations.length;
  const localToday = Math.floor((now + r.utcOffset * MIN) / DAY);
  const workers: SchedulerWorker[] = r.workers.map((w, i) => {
    const calendar: ShiftCalendar = {
      weekly: w.weekly,
      exceptions: w.exceptions.map((e) => ({
        date: new Date((localToday + e.dayOffset) * DAY).toISOString().slice(0, 10),
        windows: e.windows,
      })),
    };
    return {
      id: `W-${i + 1}`,
      operations: ops.filter((_, k) => (w.opsMask >> k) & 1),
      stations: stations.filter((_, k) => (w.stationsMask >> k) & 1).map((s) => s.id),
      calendar,
    };
  });
  const nodes: SchedulerNode[] = r.nodes.map((n, i) => {
    const op = ops[n.op]!;
    const preds: string[] = [];
    if (i > 0) {
      if (n.chain) preds.push(`N${i}`);
      else for (let j = 0; j < i && j < 8; j++) if ((n.predMask >> j) & 1) preds.push(`N${j + 1}`);
    }
    const seen = new Set<string>();
    const candidates: SchedulerNode['candidates'] = [];
    for (const c of n.cands) {
      const st = stations[c.station % nS]!.id;
      if (seen.has(st)) continue;
      seen.add(st);
      candidates.push(c.time === null ? { stationId: st, priority: c.prio } : { stationId: st, priority: c.prio, timeMinutes: c.time });
    }
    // repair: make the hinted worker qualified at a candidate station
    const w = workers[n.workerHint % workers.length]!;
    if (!w.operations.includes(op)) w.operations.push(op);
    let st = candidates.find((c) => w.stations.includes(c.stationId))?.stationId;
    if (st === undefined) {
      st = w.stations[0] ?? stations[0]!.id;
      if (!w.stations.includes(st)) w.stations.push(st);
      if (!candidates.some((c) => c.stationId === st)) candidates.push({ stationId: st, priority: 1 + (i % 3) });
    }
    const node: SchedulerNode = {
      id: `N${i + 1}`,
      operationId: op,
      quantity: n.qty,
      nominalTimeMinutes: n.nominal,
      efficiency: n.eff,
      predecessors: preds,
      candidates,
    };
    if (n.notBefore !== null) node.notBefore = now + n.notBefore * MIN;
    // consistent pins: a subset of (station, substation, worker) of a feasible triple
    if (n.pinMask) {
      const station = stations.find((s) => s.id === st)!;
      const pin: NonNullable<SchedulerNode['pin']> = {};
      if (n.pinMask & 1) pin.stationId = st;
      if (n.pinMask & 2) pin.substationId = station.substations[n.subHint % station.substations.length]!;
      if (n.pinMask & 4) pin.workerId = w.id;
      node.pin = pin;
    }
    return node;
  });
  const subs = stations.flatMap((s) => s.substations);
  const booked: BookedInterval[] = r.booked.map((b, k) => ({
    kind: b.worker ? 'worker' : 'substation',
    id: b.worker ? workers[b.idx % workers.length]!.id : subs[b.idx % subs.length]!,
    start: now + b.startMin * MIN,
    end: now + (b.startMin + b.durMin) * MIN,
    label: `other plan ${k + 1}`,
  }));
  return { now, utcOffsetMinutes: r.utcOffset, nodes, stations, workers, booked };
}
