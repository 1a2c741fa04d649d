/**
 * Turns (part of) a stored plan into scheduler input, runs the scheduler and
 * gives back assignment rows. Used inside the release, resume and reschedule
 * transactions, after `lockScheduling` (src/db/locks.ts); the scheduler itself
 * stays pure, and its caller writes the rows.
 */
import type { Trx } from '../../db/database.js';
import {
  type BookedInterval,
  durationMinutes,
  HORIZON_DAYS,
  type ScheduleResult,
  type ScheduleStats,
  type SchedulerNode,
  UnschedulableError,
} from '../../scheduler/index.js';
import { DomainError } from '../../shared/errors.js';
import type { NewAssignment } from '../assignments/index.js';
import type { PlanDetail } from '../plans/index.js';
import { scheduleOnThread } from './scheduler-thread.js';
import { loadSchedulingResources } from './scheduling.repository.js';

export interface FixedNode {
  /** when the node's work is (or will be) done: successors start after it */
  end: number;
  /** still occupying a worker and substation: booked for others */
  busy?: { workerId: string; substationId: string; start: number; end: number; label: string };
}

/** A not-started assignment a planner pinned: re-timed, but on the same worker, station and substation. */
export interface PinnedNode {
  workerId: string;
  stationId: string;
  substationId: string;
  /** the planner's start (or now, if that has passed): the node starts no earlier */
  notBefore: number;
}

export interface ScheduleRequest {
  plan: PlanDetail;
  /** node ids to (re)schedule */
  nodes: Set<string>;
  /** nodes that keep their assignment (started or completed) */
  fixed: Map<string, FixedNode>;
  /** nodes among `nodes` pinned by a planner; their new rows stay pinned */
  pinned?: Map<string, PinnedNode>;
  /** nodes whose predecessors are all completed */
  completed: Set<string>;
  /** db id of every node of the plan, by node id (the caller has read them already) */
  dbIds: Map<string, number>;
  now: Date;
  utcOffsetMinutes: number;
  budgetMs: number;
}

export interface ScheduleOutcome {
  rows: NewAssignment[];
  stats: ScheduleStats;
  /** where the time went (for bench/release-scale.ts): the reads of resources and bookings, the scheduler, and how many windows were read */
  profile: { readMs: number; schedulerMs: number; windows: number };
}

const DAY_MS = 86_400_000;
const WINDOW_GROWTH = 4;

/**
 * The first window of bookings read for a plan: its work as if one worker on
 * one 8-hour shift a weekday did all of it (4.2 × the work), at least 4 days
 * (a working week ahead: on a busy floor a plan ready now mostly fits in it,
 * and a window that fails costs a read and a scheduler run). One that does
 * not fit is scheduled again with a window 4 times larger (16, 64, 256 days),
 * up to the whole horizon.
 */
function firstWindowMs(stepMinutes: number[]): number {
  const work = stepMinutes.reduce((sum, m) => sum + m, 0) * 60_000;
  return Math.max(4 * DAY_MS, 4.2 * work);
}

/**
 * Bookings after `until` were not read: every candidate resource is closed
 * from then to past the horizon, so the scheduler places nothing there (a
 * step that only fits later makes the plan unschedulable in this window).
 */
function windowEnd(resources: { stations: { substations: string[] }[]; workers: { id: string }[] }, until: number, now: number): BookedInterval[] {
  const end = now + (HORIZON_DAYS + 7) * DAY_MS;
  return [
    ...resources.workers.map((w) => ({ kind: 'worker' as const, id: w.id, start: until, end })),
    ...resources.stations.flatMap((s) => s.substations.map((id) => ({ kind: 'substation' as const, id, start: until, end }))),
  ];
}

export async function scheduleNodes(trx: Trx, req: ScheduleRequest): Promise<ScheduleOutcome> {
  const { plan, nodes, fixed, now } = req;
  const toSchedule = plan.nodes.filter((n) => nodes.has(n.nodeId));
  const schedulerNodes: SchedulerNode[] = toSchedule.map((n) => {
    const fixedEnds = n.predecessors.filter((p) => fixed.has(p)).map((p) => fixed.get(p)!.end);
    const kept = req.pinned?.get(n.nodeId);
    // the assignment's pin overrides the document's for the resources it fixes (all three)
    const pin = kept ? { ...n.pin, workerId: kept.workerId, stationId: kept.stationId, substationId: kept.substationId } : n.pin;
    const earliest = kept ? [...fixedEnds, kept.notBefore] : fixedEnds;
    return {
      id: n.nodeId,
      operationId: n.operationId,
      quantity: n.quantity,
      nominalTimeMinutes: n.nominalTime,
      efficiency: n.efficiency,
      predecessors: n.predecessors.filter((p) => nodes.has(p)),
      candidates: n.assignedStations.map((s) => ({ stationId: s.stationId, priority: s.priority, ...(s.time !== undefined ? { timeMinutes: s.time } : {}) })),
      ...(pin ? { pin } : {}),
      ...(earliest.length > 0 ? { notBefore: Math.max(...earliest) } : {}),
    };
  });
  const ownBusy: BookedInterval[] = [...fixed.values()].flatMap((f) =>
    f.busy
      ? [
          { kind: 'worker' as const, id: f.busy.workerId, start: f.busy.start, end: f.busy.end, label: f.busy.label },
          { kind: 'substation' as const, id: f.busy.substationId, start: f.busy.start, end: f.busy.end, label: f.busy.label },
        ]
      : [],
  );
  const stationIds = [...new Set(toSchedule.flatMap((n) => n.assignedStations.map((s) => s.stationId)))];
  const operationIds = [...new Set(toSchedule.map((n) => n.operationId))];
  // no step of the plan fits in a gap shorter than its shortest step: such gaps are read as busy
  const minutes = toSchedule.flatMap((n) => n.assignedStations.map((s) => durationMinutes(s.time ?? n.nominalTime, n.quantity, n.efficiency)));
  const mergeGapMs = minutes.length > 0 ? Math.min(...minutes) * 60_000 : 1;

  let result: ScheduleResult | undefined;
  const profile = { readMs: 0, schedulerMs: 0, windows: 0 };
  for (let windowMs = firstWindowMs(minutes); !result; windowMs *= WINDOW_GROWTH) {
    const whole = windowMs >= HORIZON_DAYS * DAY_MS;
    const until = whole ? undefined : new Date(now.getTime() + windowMs);
    let t = performance.now();
    const resources = await loadSchedulingResources(trx, { planId: plan.id, stationIds, operationIds, now, mergeGapMs, ...(until ? { until } : {}) });
    profile.readMs += performance.now() - t;
    profile.windows++;
    t = performance.now();
    try {
      // on a worker thread: the search must not stall the other requests of this process
      result = await scheduleOnThread({
        now: now.getTime(),
        utcOffsetMinutes: req.utcOffsetMinutes,
        nodes: schedulerNodes,
        stations: resources.stations,
        workers: resources.workers,
        booked: [...resources.booked, ...ownBusy, ...(until ? windowEnd(resources, until.getTime(), now.getTime()) : [])],
        options: { timeBudgetMs: req.budgetMs },
      });
    } catch (error) {
      profile.schedulerMs += performance.now() - t;
      if (error instanceof UnschedulableError && !whole) continue; // it may fit past the window: read further
      if (error instanceof UnschedulableError) {
        const index = new Map(plan.nodes.map((n, i) => [n.nodeId, i]));
        const errors = error.problems.map((p) => ({ field: `nodes/${index.get(p.nodeId) ?? '?'}`, message: `node ${p.nodeId}: ${p.reason}` }));
        const first = errors[0]!;
        throw new DomainError('rule_violated', errors.length === 1 ? first.message : `${first.message} (and ${errors.length - 1} more)`, {
          field: first.field,
          errors,
        });
      }
      throw error;
    }
    profile.schedulerMs += performance.now() - t;
  }

  const { dbIds } = req;
  const byId = new Map(plan.nodes.map((n) => [n.nodeId, n]));
  const rows = result.assignments.map((a) => ({
    nodeId: dbIds.get(a.nodeId)!,
    workerId: a.workerId,
    stationId: a.stationId,
    substationId: a.substationId,
    start: a.start,
    end: a.end,
    workMinutes: a.workMinutes,
    status: byId.get(a.nodeId)!.predecessors.every((p) => req.completed.has(p)) ? ('ready' as const) : ('pending' as const),
    pinned: req.pinned?.has(a.nodeId) ?? false,
    waitReason: a.waitReason ?? null,
  }));
  return { rows, stats: result.stats, profile };
}
