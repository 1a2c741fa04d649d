/**
 * Input validation and compilation of a ScheduleInput into an index-based
 * model used by the decoder and the search. The graph algorithms it needs
 * (topological order, precedence cycles) are in graph.ts.
 */
import { bookingCalendar } from './availability.js';
import { buildBase } from './base.js';
import { CompiledCalendar, HORIZON_DAYS, MINUTE_MS } from './calendar.js';
import { cyclicComponents, topologicalOrder } from './graph.js';
import type { BusyRuns, ScheduleInput, SchedulingProblem, SchedulingProblemKind, ShiftCalendar } from './types.js';
import { UnschedulableError } from './types.js';

/** One candidate station of a node with its eligible substations and workers. */
export interface ModelOption {
  /** index into node.candidates */
  cand: number;
  station: number;
  prio: number;
  workMin: number;
  workMs: number;
  /** global substation indices */
  subs: number[];
  /** worker indices (qualified, allowed at station, pin-compatible, on shift in horizon) */
  workers: number[];
}

export interface ModelNode {
  id: string;
  preds: number[];
  succs: number[];
  /** max(now, notBefore) */
  release: number;
  notBefore: number;
  opts: ModelOption[];
  minWorkMin: number;
  minPrio: number;
  /** number of distinct (option, worker) pairs */
  pairCount: number;
}

/** A plan of the input: its completion counts towards the weighted tardiness. */
export interface ModelPlan {
  id: string;
  /** epoch ms; Infinity = no due date */
  due: number;
  weight: number;
  /** end of its work not scheduled here (-Infinity = none) */
  fixedEnd: number;
}

/** Busy intervals of one resource: sorted, disjoint, [start, end). owner >= 0 = plan node, < 0 = booked #(-owner-1). */
export interface ResourceBase {
  starts: number[];
  ends: number[];
  owner: number[];
}

export interface Model {
  now: number;
  offset: number;
  nodes: ModelNode[];
  /** a topological order (Kahn, smallest index first) */
  topo: number[];
  stationIds: string[];
  subIds: string[];
  subStation: number[];
  workerIds: string[];
  /** compiled calendar per worker (shared between identical calendars) */
  cals: CompiledCalendar[];
  /** index of the distinct calendar of each worker */
  calIndex: number[];
  calCount: number;
  /** index of the distinct availability calendar of each substation; -1 = always available */
  subCalIndex: number[];
  /**
   * The calendar a node works in on worker w and substation s: the worker's
   * shifts intersected with the substation's availability (compiled once per
   * distinct pair, on first use; the worker's own when s is always available).
   */
  calOf: (w: number, s: number) => CompiledCalendar;
  workerBase: ResourceBase[];
  subBase: ResourceBase[];
  bookedLabels: (string | undefined)[];
  horizonEnd: number;
  plans: ModelPlan[];
  /** plan index of each node */
  planOf: Int32Array;
  /** some plan has a due date: otherwise the weighted tardiness is always 0 */
  hasDue: boolean;
}

/** Duration in whole minutes; the epsilon absorbs float noise (1.1 * 100 = 110.00000000000001). */
export function durationMinutes(timePerUnit: number, quantity: number, efficiency: number): number {
  const raw = (timePerUnit * quantity) / efficiency;
  return Math.max(1, Math.ceil(raw - 1e-9));
}

function isPos(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0;
}

export function buildModel(input: ScheduleInput): Model {
  const now = input.now;
  const offset = input.utcOffsetMinutes ?? 0;
  const problems: SchedulingProblem[] = [];
  if (!Number.isFinite(now)) throw new TypeError('ScheduleInput.now must be a finite epoch-ms number');
  if (!Number.isFinite(offset)) throw new TypeError('ScheduleInput.utcOffsetMinutes must be finite');

  // ---- stations / substations ------------------------------------------------
  const stationIds: string[] = [];
  const stationIndex = new Map<string, number>();
  const stationSubs: number[][] = [];
  const subIds: string[] = [];
  const subStation: number[] = [];
  const subIndex = new Map<string, number>();
  const subCalIndex: number[] = [];
  const subCalendars: ShiftCalendar[] = [];
  const subCalByKey = new Map<string, number>();
  const subUsable: boolean[] = [];
  for (const st of input.stations) {
    if (stationIndex.has(st.id)) continue; // first definition wins
    const si = stationIds.length;
    stationIndex.set(st.id, si);
    stationIds.push(st.id);
    const subs: number[] = [];
    for (const sub of st.substations) {
      if (subIndex.has(sub)) continue; // a substation belongs to one station
      const k = subIds.length;
      subIndex.set(sub, k);
      subIds.push(sub);
      subStation.push(si);
      subs.push(k);
      const availability = st.availability?.[sub];
      if (availability) {
        const key = JSON.stringify(availability);
        let ci = subCalByKey.get(key);
        if (ci === undefined) {
          ci = subCalendars.length;
          subCalByKey.set(key, ci);
          subCalendars.push(availability);
        }
        subCalIndex.push(ci);
        subUsable.push(new CompiledCalendar(availability, offset, now, HORIZON_DAYS).hasAnyShift());
      } else {
        subCalIndex.push(-1);
        subUsable.push(true);
      }
    }
    stationSubs.push(subs);
  }

  // ---- workers -----------------------------------------------------------------
  const workerIds: string[] = [];
  const workerIndex = new Map<string, number>();
  const workerOps: Set<string>[] = [];
  const workerStations: Set<string>[] = [];
  const cals: CompiledCalendar[] = [];
  const calIndex: number[] = [];
  const distinctCals: CompiledCalendar[] = [];
  const distinctRaw: ShiftCalendar[] = [];
  const calByKey = new Map<string, number>();
  const workerHasShift: boolean[] = [];
  for (const w of input.workers) {
    if (workerIndex.has(w.id)) continue;
    workerIndex.set(w.id, workerIds.length);
    workerIds.push(w.id);
    workerOps.push(new Set(w.operations));
    workerStations.push(new Set(w.stations));
    // workers with identical calendars share one compiled calendar
    const key = JSON.stringify(w.calendar ?? null);
    let ci = calByKey.get(key);
    if (ci === undefined) {
      ci = distinctCals.length;
      calByKey.set(key, ci);
      distinctCals.push(new CompiledCalendar(w.calendar ?? { weekly: [] }, offset, now, HORIZON_DAYS));
      distinctRaw.push(w.calendar ?? { weekly: [] });
    }
    const cal = distinctCals[ci]!;
    cals.push(cal);
    calIndex.push(ci);
    workerHasShift.push(Number.isFinite(cal.nextShiftStart(now)));
  }

  // ---- nodes -------------------------------------------------------------------
  const nodeIndex = new Map<string, number>();
  input.nodes.forEach((n, i) => {
    if (nodeIndex.has(n.id)) problems.push({ nodeId: n.id, kind: 'duplicate_node', params: {}, reason: `duplicate node id ${n.id}` });
    else nodeIndex.set(n.id, i);
  });

  const nodes: ModelNode[] = [];
  input.nodes.forEach((n, i) => {
    const bad = (kind: SchedulingProblemKind, params: SchedulingProblem['params'], reason: string): void => {
      problems.push({ nodeId: n.id, kind, params, reason });
    };
    const preds: number[] = [];
    for (const p of n.predecessors ?? []) {
      const pi = nodeIndex.get(p);
      if (pi === undefined) bad('unknown_predecessor', { predecessor: p }, `unknown predecessor ${p}`);
      else if (!preds.includes(pi)) preds.push(pi);
    }
    let numbersOk = true;
    if (!isPos(n.quantity)) {
      bad('not_positive', { field: 'quantity', value: String(n.quantity) }, `quantity must be > 0 (got ${String(n.quantity)})`);
      numbersOk = false;
    }
    if (!isPos(n.nominalTimeMinutes)) {
      bad(
        'not_positive',
        { field: 'nominalTimeMinutes', value: String(n.nominalTimeMinutes) },
        `nominalTimeMinutes must be > 0 (got ${String(n.nominalTimeMinutes)})`,
      );
      numbersOk = false;
    }
    if (!isPos(n.efficiency)) {
      bad('not_positive', { field: 'efficiency', value: String(n.efficiency) }, `efficiency must be > 0 (got ${String(n.efficiency)})`);
      numbersOk = false;
    }
    if (n.notBefore !== undefined && !Number.isFinite(n.notBefore)) bad('not_finite', { field: 'notBefore' }, 'notBefore must be a finite epoch-ms number');

    const pin = n.pin ?? {};
    const problemsBefore = problems.length;
    let pinStation: number | undefined;
    if (pin.stationId !== undefined) {
      pinStation = stationIndex.get(pin.stationId);
      if (pinStation === undefined)
        bad('pinned_station_unavailable', { stationId: pin.stationId }, `pinned station ${pin.stationId} is not available (unknown or archived)`);
    }
    let pinSub: number | undefined;
    if (pin.substationId !== undefined) {
      pinSub = subIndex.get(pin.substationId);
      if (pinSub === undefined)
        bad(
          'pinned_substation_unavailable',
          { substationId: pin.substationId },
          `pinned substation ${pin.substationId} is not available (unknown, archived or under maintenance)`,
        );
      else {
        const owner = subStation[pinSub]!;
        if (pinStation !== undefined && pinStation !== owner) {
          bad(
            'pinned_substation_elsewhere',
            { substationId: pin.substationId, stationId: pin.stationId! },
            `pinned substation ${pin.substationId} does not belong to pinned station ${pin.stationId}`,
          );
        }
        pinStation = owner; // pinned substation implies its station
      }
    }
    let pinWorker: number | undefined;
    if (pin.workerId !== undefined) {
      pinWorker = workerIndex.get(pin.workerId);
      if (pinWorker === undefined)
        bad(
          'pinned_worker_unavailable',
          { workerId: pin.workerId },
          `pinned worker ${pin.workerId} is not available (unknown, archived, or neither qualified nor allowed for this plan's steps)`,
        );
    }

    const opts: ModelOption[] = [];
    const noSubs: string[] = [];
    const unknown: string[] = [];
    const noWorker: string[] = [];
    const offShift = new Set<string>();
    let pinnedStationIsCandidate = pinStation === undefined;
    (n.candidates ?? []).forEach((c, ci) => {
      const si = stationIndex.get(c.stationId);
      if (si === undefined) {
        unknown.push(c.stationId);
        return;
      }
      if (pinStation !== undefined && si !== pinStation) return;
      pinnedStationIsCandidate = true;
      let subs = stationSubs[si]!;
      if (pinSub !== undefined) subs = subs.filter((s) => s === pinSub);
      if (subs.length === 0) {
        noSubs.push(c.stationId);
        return;
      }
      // a substation whose availability calendar never opens within the horizon is of no use
      subs = subs.filter((s) => subUsable[s]);
      if (subs.length === 0) {
        noSubs.push(c.stationId);
        return;
      }
      if (c.timeMinutes !== undefined && !isPos(c.timeMinutes)) {
        bad(
          'not_positive',
          { field: `timeMinutes (${c.stationId})`, value: String(c.timeMinutes) },
          `candidate ${c.stationId}: timeMinutes must be > 0 (got ${String(c.timeMinutes)})`,
        );
        return;
      }
      const workers: number[] = [];
      let qualified = 0;
      for (let w = 0; w < workerIds.length; w++) {
        if (pinWorker !== undefined && w !== pinWorker) continue;
        if (!workerOps[w]!.has(n.operationId) || !workerStations[w]!.has(c.stationId)) continue;
        qualified++;
        if (!workerHasShift[w]) {
          offShift.add(workerIds[w]!);
          continue;
        }
        workers.push(w);
      }
      if (qualified === 0) {
        noWorker.push(c.stationId);
        return;
      }
      if (workers.length === 0 || !numbersOk) return;
      const workMin = durationMinutes(c.timeMinutes ?? n.nominalTimeMinutes, n.quantity, n.efficiency);
      opts.push({
        cand: ci,
        station: si,
        prio: Number.isFinite(c.priority) ? c.priority : 0,
        workMin,
        workMs: workMin * MINUTE_MS,
        subs: subs.slice(),
        workers,
      });
    });

    const alreadyExplained = problems.length > problemsBefore;
    if (alreadyExplained) {
      // already explained by a pin (or candidate) problem reported above
    } else if (pinStation !== undefined && !pinnedStationIsCandidate) {
      bad(
        'pinned_station_not_candidate',
        { stationId: stationIds[pinStation]! },
        `pinned station ${stationIds[pinStation]} is not among the node's candidate stations`,
      );
    } else if (opts.length === 0 && numbersOk) {
      const stationsTried = (n.candidates ?? []).length;
      if (stationsTried === 0) bad('no_candidates', {}, 'no capable station (no candidates)');
      else if (noWorker.length === 0 && offShift.size === 0) {
        const parts: string[] = [];
        if (unknown.length) parts.push(`unknown station ${unknown.join(', ')}`);
        if (noSubs.length) parts.push(`no substation at ${noSubs.join(', ')}`);
        bad(
          'no_capable_station',
          { unknownStations: unknown.join(', '), stationsWithoutSubstation: noSubs.join(', ') },
          `no capable station${parts.length ? ` (${parts.join('; ')})` : ''}`,
        );
      } else if (offShift.size > 0) {
        bad(
          'no_worker_on_shift',
          { workers: [...offShift].join(', '), horizonDays: HORIZON_DAYS },
          `no qualified worker is on shift within the ${HORIZON_DAYS}-day horizon (${[...offShift].join(', ')} never on shift)`,
        );
      } else {
        const stations = noWorker.join(', ');
        if (pinWorker !== undefined) {
          const workerId = workerIds[pinWorker]!;
          bad(
            'pinned_worker_not_qualified',
            { workerId, stations, operationId: n.operationId },
            `pinned worker ${workerId} is not qualified/allowed at ${stations} for ${n.operationId}`,
          );
        } else {
          bad('no_qualified_worker', { stations, operationId: n.operationId }, `no qualified worker allowed at ${stations} for ${n.operationId}`);
        }
      }
    }

    let minWorkMin = Infinity;
    let minPrio = Infinity;
    let pairCount = 0;
    for (const o of opts) {
      if (o.workMin < minWorkMin) minWorkMin = o.workMin;
      if (o.prio < minPrio) minPrio = o.prio;
      pairCount += o.workers.length;
    }
    const notBefore = n.notBefore !== undefined && Number.isFinite(n.notBefore) ? n.notBefore : -Infinity;
    nodes.push({
      id: n.id,
      preds,
      succs: [],
      release: Math.max(now, notBefore),
      notBefore,
      opts,
      minWorkMin,
      minPrio,
      pairCount,
    });
    void i;
  });

  // ---- precedence graph: successors, cycles, topological order ------------------
  nodes.forEach((nd, i) => {
    for (const p of nd.preds) nodes[p]!.succs.push(i);
  });
  // smallest index first among the ready nodes
  const topo = topologicalOrder(nodes, (a, b) => a < b);
  if (topo.length < nodes.length) {
    for (const comp of cyclicComponents(nodes)) {
      const names = comp.map((k) => nodes[k]!.id);
      for (const k of comp) {
        problems.push(
          comp.length === 1
            ? { nodeId: nodes[k]!.id, kind: 'own_predecessor', params: {}, reason: 'precedence cycle (node is its own predecessor)' }
            : { nodeId: nodes[k]!.id, kind: 'precedence_cycle', params: { nodes: names.join(', ') }, reason: `precedence cycle among ${names.join(', ')}` },
        );
      }
    }
  }

  if (problems.length > 0) throw new UnschedulableError(problems);
  const { plans, planOf } = compilePlans(input);

  // ---- booked intervals -----------------------------------------------------------
  const bookedLabels: (string | undefined)[] = [];
  const wRaw: { s: number; e: number; k: number }[][] = workerIds.map(() => []);
  const sRaw: { s: number; e: number; k: number }[][] = subIds.map(() => []);
  for (const b of input.booked ?? []) {
    if (!(b.end > b.start) || !(b.end > now)) continue;
    const list = b.kind === 'worker' ? wRaw[workerIndex.get(b.id) ?? -1] : b.kind === 'substation' ? sRaw[subIndex.get(b.id) ?? -1] : undefined;
    if (!list) continue; // unknown resource: irrelevant to this plan
    list.push({ s: b.start, e: b.end, k: bookedLabels.length });
    bookedLabels.push(b.label);
  }
  // other plans' busy runs (sorted per resource) are merged with these in one pass (base.ts), not sorted as objects
  const runK = bookedLabels.length; // one unlabelled entry for every run
  const wRuns: BusyRuns[][] = workerIds.map(() => []);
  const sRuns: BusyRuns[][] = subIds.map(() => []);
  if (input.busy && input.busy.length > 0) {
    bookedLabels.push(undefined);
    for (const r of input.busy) {
      const list = r.kind === 'worker' ? wRuns[workerIndex.get(r.id) ?? -1] : r.kind === 'substation' ? sRuns[subIndex.get(r.id) ?? -1] : undefined;
      if (list) list.push(r);
    }
  }

  const pairCals = new Map<number, CompiledCalendar>();
  const subCalCount = subCalendars.length;
  const calOf = (w: number, s: number): CompiledCalendar => {
    const sk = subCalIndex[s]!;
    if (sk < 0) return distinctCals[calIndex[w]!]!;
    const key = calIndex[w]! * subCalCount + sk;
    let cal = pairCals.get(key);
    if (!cal) {
      cal = new CompiledCalendar(bookingCalendar(distinctRaw[calIndex[w]!]!, subCalendars[sk]), offset, now, HORIZON_DAYS);
      pairCals.set(key, cal);
    }
    return cal;
  };

  return {
    now,
    offset,
    nodes,
    topo,
    stationIds,
    subIds,
    subStation,
    workerIds,
    cals,
    calIndex,
    calCount: distinctCals.length,
    subCalIndex,
    calOf,
    workerBase: wRaw.map((raw, w) => buildBase(raw, wRuns[w]!, runK, now)),
    subBase: sRaw.map((raw, r) => buildBase(raw, sRuns[r]!, runK, now)),
    bookedLabels,
    horizonEnd: now + HORIZON_DAYS * 86_400_000,
    plans,
    planOf,
    hasDue: plans.some((p) => p.due !== Infinity),
  };
}

/**
 * The plans of the input and the plan of each node: a node without planId
 * belongs to the first listed plan, or to an implicit plan '' without due date.
 * A planId that is not listed is a plan of weight 1 without due date.
 */
function compilePlans(input: ScheduleInput): { plans: ModelPlan[]; planOf: Int32Array } {
  const plans: ModelPlan[] = [];
  const index = new Map<string, number>();
  const add = (id: string, due: number, weight: number, fixedEnd: number): number => {
    index.set(id, plans.length);
    plans.push({ id, due, weight, fixedEnd });
    return plans.length - 1;
  };
  for (const p of input.plans ?? []) {
    if (index.has(p.id)) continue; // first definition wins
    if (p.dueDate !== undefined && !Number.isFinite(p.dueDate)) throw new TypeError(`plan ${p.id}: dueDate must be a finite epoch-ms number`);
    if (p.weight !== undefined && !(Number.isFinite(p.weight) && p.weight > 0)) throw new TypeError(`plan ${p.id}: weight must be > 0`);
    if (p.fixedEnd !== undefined && !Number.isFinite(p.fixedEnd)) throw new TypeError(`plan ${p.id}: fixedEnd must be a finite epoch-ms number`);
    add(p.id, p.dueDate ?? Infinity, p.weight ?? 1, p.fixedEnd ?? -Infinity);
  }
  const planOf = new Int32Array(input.nodes.length);
  input.nodes.forEach((n, v) => {
    const id = n.planId ?? plans[0]?.id ?? '';
    planOf[v] = index.get(id) ?? add(id, Infinity, 1, -Infinity);
  });
  return { plans, planOf };
}
