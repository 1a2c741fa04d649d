/**
 * Burkol MES finite-capacity scheduler (flexible job shop with precedence DAGs,
 * workers with shift calendars, substations, and bookings of other plans).
 *
 * PURE module: no database, no I/O, no Date.now(), no Math.random(). `now` is
 * injected, randomness comes from a seeded PRNG, and the clock is only read
 * (through `options.clock`) to respect the time budget. With `maxIterations`
 * set and a budget that is not reached, the same input gives the same output.
 *
 * SHIFT HANDLING (decision)
 *  - A task must START inside one of its worker's shift windows.
 *  - A task that does not fit before the end of the shift CONTINUES in the
 *    worker's next shift(s): its booking interval [start, end) spans the
 *    off-shift gap(s), `workMinutes` counts only on-shift minutes, and `end`
 *    is the instant at which the required on-shift minutes are reached.
 *  - Both the worker and the substation are held for the whole [start, end),
 *    gaps included (the part stays clamped on the machine overnight; the worker
 *    does not start anything else in between).
 *  - Calendars are local time = UTC + utcOffsetMinutes; exceptions replace a
 *    date's weekly windows ([] = day off); adjacent windows (e.g. 22-24 and
 *    0-6 of the next day) form one continuous shift.
 *  - Search horizon: HORIZON_DAYS (366) days from `now`. A worker with no shift
 *    in it is unusable; a node that cannot be placed within it is reported in
 *    an UnschedulableError.
 *
 * DURATION: ceil(timePerUnit * quantity / efficiency) whole minutes (>= 1),
 * timePerUnit = candidate.timeMinutes ?? nominalTimeMinutes (a 1e-9 tolerance
 * absorbs float noise such as 1.1 * 100 = 110.00000000000001).
 *
 * PINS are never changed and must be consistent: a pinned station must be one
 * of the node's candidates, a pinned substation implies its station, a pinned
 * worker must be qualified for the operation and allowed at a usable station;
 * otherwise the node is reported in the UnschedulableError.
 * BOOKINGS (`booked`) of unknown workers/substations are ignored, overlapping
 * ones are merged, and all are half-open [start, end).
 * `stats.iterations` counts local-search iterations only (0 with improve:false).
 *
 * ALGORITHM
 *  1. Validate and compile the input (unknown predecessor, cycles, no capable
 *     station, no qualified + allowed worker, bad pins, workers never on shift
 *     -> UnschedulableError listing every problem with its node id).
 *  2. Greedy: serial schedule generation (with insertion into gaps) over a
 *     topological activity list ordered by Longest Remaining Path (ties: most
 *     successors); each node takes the (station, substation, worker) with the
 *     earliest finish, then lower candidate priority, then less loaded worker.
 *     This is `stats.greedyMakespanMinutes`.
 *  3. Improvement (options.improve, default true):
 *     a) decode the lists of other dispatching rules (most successors, most
 *        work remaining, earliest start, SPT, LPT, longest path through the
 *        node, input order, and two priority-first option choices) and keep
 *        the best;
 *     b) iterated local search on the critical path (the chain of
 *        predecessors / resource blockers that ends at the makespan): swap a
 *        resource-blocked critical node ahead of its blocker in the list,
 *        restrict a critical node to another station or worker (or lift a
 *        restriction), ask a node for a better-priority station, move work off
 *        the most loaded worker, shift a node within its precedence window;
 *        non-worsening moves are accepted and a random kick restarts from the
 *        best after a stall. Phase 1 (75% of the iterations/budget) compares
 *        (makespan, sum of node ends) to cross makespan plateaus - shift
 *        calendars make those large - and phase 2 the true objective.
 *        Each move re-decodes only the part of the list from the first
 *        changed position (the serial SGS prefix is unaffected), and a
 *        rejected move is undone on the busy lists.
 *     Objective (lexicographic): weighted tardiness of the plans (below),
 *     then makespan, then sum of chosen candidate priorities, then
 *     worker-load balance (sum of squared worker minutes).
 *     Stops after maxIterations (default defaultMaxIterations(n):
 *     150000 / (n + 20) clamped to 50..3000, i.e. ~150 for 1,000 nodes), after
 *     `patience` iterations without a new best (default 4 stalls: 80 for
 *     small plans, 400 for 100 nodes, 600 from 150 nodes; in phase 1 this
 *     moves on to phase 2, in phase 2 it ends the search; one plan whose makespan
 *     meets its bound has only the tie-breakers left: nine moves in ten go to the
 *     priority sum and the balance, with half a stall's patience), or before the time
 *     budget (default 1000 ms from the call, with a margin of 2 iterations +
 *     3%) would be exceeded, or when the makespan equals the lower bound with
 *     the best possible priority sum. Results are reproducible whenever the
 *     iterations or the patience, not the budget, end the search (on a busy
 *     machine the 100 ms release budget can still end it first).
 *
 * SEVERAL PLANS (input.plans, node.planId; tardiness.ts): nodes of several
 * plans can be scheduled together (the floor's reschedule). Each plan has a
 * due date (optional), a weight (weightOfPriority: 2^(3 - priority), 1 → 4 ..
 * 5 → 0.25) and the end of its work fixed outside the call; its completion is
 * the max of those ends and of its nodes'. The first criterion is the
 * weighted tardiness sum_p w_p * max(0, C_p - d_p) in minutes, then the
 * makespan and the rest. With several plans and a due date, the due-date
 * rules (EDD, ATC, weighted slack, EDD/prio) are decoded first (EDD is then
 * the greedy of the stats), before the makespan rules, half of the critical paths end at the most weighted-tardy plan's
 * last node, and a kick may move that plan's nodes ahead of the others in the
 * list. A single plan (the release) is never compared by tardiness against
 * another: its tardiness falls with its makespan, so nothing changes for it.
 *
 *  4. Lower bound (stats.lowerBoundMinutes): max of the calendar-aware longest
 *     chain and worker/substation capacity bounds, see lowerbound.ts; when the
 *     greedy does not meet it, also the booked path bound (each node's earliest
 *     finish among other plans' bookings, lowerbound.ts bookedPathEnd), which on
 *     a busy floor the greedy often meets: the search then stops as soon as the
 *     priority sum is the best possible too, and with one plan it goes straight
 *     to the local search's phase 2 (phase 1 only crosses makespan plateaus).
 */
import { HORIZON_DAYS, MINUTE_MS } from './calendar.js';
import { BIND_SHIFT, BIND_SUB, BIND_WORKER, type Decoded } from './solution.js';
import { computeLowerBounds } from './lowerbound.js';
import { buildModel, type Model } from './model.js';
import { Search, defaultMaxIterations, defaultPatience } from './search.js';
import { planCompletions } from './tardiness.js';
import type { PlanOutcome, ScheduleInput, ScheduleResult, ScheduledAssignment, WaitBlocker, WaitReason } from './types.js';
import { UnschedulableError } from './types.js';

export * from './types.js';
export {
  CompiledCalendar,
  HORIZON_DAYS,
  MINUTE_MS,
  addWorkingMinutes,
  calendarGainsTime,
  formatLocal,
  intersectCalendars,
  isOnShift,
  nextShiftStart,
  normalizeWindows,
  workedSegments,
  workingMinutesBetween,
  type Interval,
} from './calendar.js';
export { bookingCalendar, stepWindow, type StepWindow, type SubstationBlock } from './availability.js';
export { durationMinutes } from './model.js';
export { defaultMaxIterations } from './search.js';
export { weightOfPriority } from './tardiness.js';

const defaultClock = (): number => performance.now();

export function schedulePlan(input: ScheduleInput): ScheduleResult {
  const o = input.options ?? {};
  const clock = o.clock ?? defaultClock;
  const t0 = clock();
  const model = buildModel(input);
  const n = model.nodes.length;
  const lb = computeLowerBounds(model);
  const search = new Search(model, lb, {
    improve: o.improve ?? true,
    timeBudgetMs: o.timeBudgetMs ?? 1000,
    maxIterations: o.maxIterations ?? defaultMaxIterations(n),
    patience: o.patience ?? defaultPatience(n),
    seed: o.seed ?? 1,
    clock,
    t0,
  });
  const res = search.run();
  if (!res.best.feasible) {
    const v = res.best.failNode;
    throw new UnschedulableError([
      {
        nodeId: model.nodes[v]?.id ?? '?',
        kind: 'horizon',
        params: { horizonDays: HORIZON_DAYS },
        reason: 'cannot be placed within the scheduling horizon (qualified workers are booked or off shift until its end)',
      },
    ]);
  }
  const best = res.best;
  const assignments = input.nodes.map((_, v) => assignmentOf(model, best, v));
  const makespanEnd = n === 0 ? model.now : best.makespanEnd;
  const minutes = (t: number): number => (t - model.now) / MINUTE_MS;
  const completion = planCompletions(model, best.end);
  const plans: PlanOutcome[] = model.plans.map((p, i) => {
    const c = Number.isFinite(completion[i]) ? completion[i]! : model.now;
    return { id: p.id, completion: c, tardinessMinutes: c > p.due ? (c - p.due) / MINUTE_MS : 0, weight: p.weight };
  });
  return {
    assignments,
    makespanEnd,
    plans,
    stats: {
      greedyMakespanMinutes: n === 0 ? 0 : minutes(res.greedy.makespanEnd),
      makespanMinutes: minutes(makespanEnd),
      iterations: res.iterations,
      elapsedMs: clock() - t0,
      lowerBoundMinutes: n === 0 ? 0 : minutes(res.lowerBoundEnd),
      weightedTardiness: best.tardiness,
      greedyWeightedTardiness: res.greedy.tardiness,
    },
  };
}

function assignmentOf(m: Model, d: Decoded, v: number): ScheduledAssignment {
  const nd = m.nodes[v]!;
  const op = nd.opts[d.opt[v]!]!;
  const w = d.worker[v]!;
  const s = d.sub[v]!;
  const a: ScheduledAssignment = {
    nodeId: nd.id,
    stationId: m.stationIds[op.station]!,
    substationId: m.subIds[s]!,
    workerId: m.workerIds[w]!,
    start: d.start[v]!,
    end: d.end[v]!,
    workMinutes: op.workMin,
    priority: op.prio,
  };
  const reasons = waitReasons(m, d, v);
  if (reasons) a.waitReasons = reasons;
  return a;
}

/** Why node v starts after its predecessors allow, as data (the UI words it): undefined when it does not wait. */
function waitReasons(m: Model, d: Decoded, v: number): WaitReason[] | undefined {
  const nd = m.nodes[v]!;
  const start = d.start[v]!;
  const rp = d.readyPred[v]!;
  const precReady = Math.max(m.now, rp >= 0 ? d.end[rp]! : -Infinity);
  if (start <= precReady) return undefined;
  const reasons: WaitReason[] = [];
  if (nd.notBefore > precReady) reasons.push({ kind: 'not_before', until: nd.notBefore });
  const workerId = m.workerIds[d.worker[v]!]!;
  const ref = d.bindRef[v]!;
  const until = d.bindUntil[v]!;
  const label = ref >= 0 ? undefined : m.bookedLabels[-ref - 1];
  const by: WaitBlocker =
    ref >= 0
      ? { nodeId: m.nodes[ref]!.id }
      : label?.startsWith('block:')
        ? { blockId: label.slice('block:'.length) }
        : label !== undefined
          ? { assignmentId: label }
          : {};
  switch (d.bind[v]) {
    case BIND_SHIFT:
      reasons.push({ kind: 'shift', workerId, until: start });
      break;
    case BIND_WORKER:
      reasons.push({ kind: 'worker_busy', workerId, until, by });
      if (start > until) reasons.push({ kind: 'shift', workerId, until: start });
      break;
    case BIND_SUB:
      reasons.push({ kind: 'substation_busy', substationId: m.subIds[d.sub[v]!]!, until, by });
      if (start > until) reasons.push({ kind: 'shift', workerId, until: start });
      break;
    default:
      break;
  }
  return reasons.length > 0 ? reasons : undefined;
}
