/**
 * The core of every re-plan of one released plan: the steps in scope lose
 * their not-started bookings and are scheduled again against every other
 * booking, the new bookings are written and the plan's projected end follows.
 * Started steps keep their worker and substation (and run at least until
 * now), completed ones only bound their successors, a pinned step keeps its
 * worker, station and substation and starts no earlier than the planner set.
 *
 * Two callers, one core: the plan's reschedule and resume (plans'
 * lifecycle: every step not started) and a step added to a released plan
 * (yield's remake, quality's rework: the new step and its not-started
 * descendants). Runs inside the caller's transaction; the caller records the
 * returned events.
 */
import type { Trx } from '../../db/database.js';
import type { ScheduleStats } from '../../scheduler/index.js';
import { cancelAssignments, insertAssignments, listPlanAssignments } from '../assignments/index.js';
import { findPlanDetail, nodeDbIds, type PlanDetail, setPlannedEnd } from '../plans/index.js';
import type { OutboxEvent } from '../realtime/index.js';
import { type FixedNode, type PinnedNode, scheduleNodes } from '../scheduling/index.js';

/** A booking as the events tell it: node id as in the plan document, times in ms. */
export interface BookingOfNode {
  id: string;
  workerId: string;
  stationId: string;
  substationId: string;
  status: string;
  start: number;
  end: number;
  nodeId: string;
}

/** A booking's event: where and when it is, for the streams of its plan, worker and station. */
export function bookingEvent(planId: string, a: BookingOfNode, change: string): OutboxEvent & { payload: Record<string, unknown> } {
  return {
    topic: 'assignments',
    entityType: 'assignment',
    entityId: a.id,
    change,
    planId,
    workerId: a.workerId,
    stationId: a.stationId,
    payload: {
      status: a.status,
      nodeId: a.nodeId,
      substationId: a.substationId,
      plannedStart: new Date(a.start).toISOString(),
      plannedEnd: new Date(a.end).toISOString(),
    },
  };
}

/** An event per assignment, and a `schedule_changed` per worker concerned (theirs, and `alsoChanged`: workers who lost work). */
export function assignmentEvents(planId: string, rows: BookingOfNode[], change: string, alsoChanged: string[] = []): OutboxEvent[] {
  const events: OutboxEvent[] = rows.map((a) => bookingEvent(planId, a, change));
  for (const workerId of new Set([...rows.map((a) => a.workerId), ...alsoChanged])) {
    events.push({ topic: 'workers', entityType: 'worker', entityId: workerId, change: 'schedule_changed', workerId, planId, payload: { planId } });
  }
  return events;
}

/** An assignment withdrawn, with its worker and station, so a stream filtered to them learns it. */
export function cancelledEvent(planId: string, a: { id: string; workerId: string; stationId: string }, reason?: string): OutboxEvent {
  return {
    topic: 'assignments',
    entityType: 'assignment',
    entityId: a.id,
    change: 'cancelled',
    planId,
    workerId: a.workerId,
    stationId: a.stationId,
    payload: { status: 'cancelled', ...(reason ? { reason } : {}) },
  };
}

/** The plan's live assignments (every status but cancelled), locked: what a re-plan keeps or replaces. */
export function lockLiveAssignments(trx: Trx, planId: string) {
  return listPlanAssignments(trx, planId, ['pending', 'ready', 'in_progress', 'paused', 'completed']);
}

export type LiveAssignment = Awaited<ReturnType<typeof lockLiveAssignments>>[number];

/**
 * Which steps move: every step not started (`notStarted`), or `from` a step (by node id) and its
 * not-started descendants, which must wait for it; everything else stays where it is.
 */
export type ReplanScope = { notStarted: true } | { from: string };

export interface ReplanRequest {
  planId: string;
  /** the plan's live assignments, locked by the caller (`lockLiveAssignments`) */
  current: LiveAssignment[];
  scope: ReplanScope;
  now: Date;
  utcOffsetMinutes: number;
  schedulerBudgetMs: number;
}

export interface ReplanOutcome {
  stats: ScheduleStats;
  /** the new bookings */
  created: BookingOfNode[];
  /** the withdrawn bookings' events, then the new bookings' and a `schedule_changed` per worker concerned */
  events: OutboxEvent[];
}

/** The steps in scope, by node id. One live assignment per node (worker_assignments_one_open_per_node). */
function stepsInScope(plan: PlanDetail, byNode: Map<string, LiveAssignment>, scope: ReplanScope): Set<string> {
  const notStarted = (a: LiveAssignment | undefined) => a !== undefined && (a.status === 'pending' || a.status === 'ready');
  if ('notStarted' in scope) return new Set(plan.nodes.map((n) => n.nodeId).filter((id) => byNode.get(id) === undefined || notStarted(byNode.get(id))));
  const successors = new Map<string, string[]>();
  for (const n of plan.nodes) for (const p of n.predecessors) successors.set(p, [...(successors.get(p) ?? []), n.nodeId]);
  const open = new Set<string>([scope.from]);
  const queue = [scope.from];
  while (queue.length > 0) {
    for (const s of successors.get(queue.shift()!) ?? []) {
      if (open.has(s) || !notStarted(byNode.get(s))) continue;
      open.add(s);
      queue.push(s);
    }
  }
  return open;
}

/** Re-plans the steps in scope; undefined (and nothing written) when there is none. The caller holds `lockScheduling` and the plan's lock. */
export async function replanSteps(trx: Trx, req: ReplanRequest): Promise<ReplanOutcome | undefined> {
  const { planId, current } = req;
  const plan = (await findPlanDetail(trx, planId))!;
  const dbIds = await nodeDbIds(trx, planId);
  const nodeIdOf = new Map([...dbIds].map(([nodeId, id]) => [id, nodeId]));
  const byNode = new Map(current.map((a) => [nodeIdOf.get(a.nodeId)!, a]));
  const open = stepsInScope(plan, byNode, req.scope);
  if (open.size === 0) return undefined;

  const now = req.now.getTime();
  const fixed = new Map<string, FixedNode>();
  const pinned = new Map<string, PinnedNode>();
  const completed = new Set<string>();
  const replaced: LiveAssignment[] = [];
  for (const [nodeId, a] of byNode) {
    if (a.status === 'completed') {
      completed.add(nodeId);
      fixed.set(nodeId, { end: (a.actualEnd ?? a.plannedEnd).getTime() });
    } else if (!open.has(nodeId)) {
      const end = a.status === 'in_progress' || a.status === 'paused' ? Math.max(a.plannedEnd.getTime(), now) : a.plannedEnd.getTime();
      fixed.set(nodeId, { end, busy: { workerId: a.workerId, substationId: a.substationId, start: a.plannedStart.getTime(), end, label: a.id } });
    } else {
      if (a.pinned)
        pinned.set(nodeId, { workerId: a.workerId, stationId: a.stationId, substationId: a.substationId, notBefore: Math.max(a.plannedStart.getTime(), now) });
      replaced.push(a);
    }
  }
  // the old bookings go first, or they would block their own replacements
  await cancelAssignments(
    trx,
    replaced.map((a) => a.id),
    'rescheduled',
  );
  const { rows, stats } = await scheduleNodes(trx, {
    plan,
    nodes: open,
    fixed,
    pinned,
    completed,
    dbIds,
    now: req.now,
    utcOffsetMinutes: req.utcOffsetMinutes,
    budgetMs: req.schedulerBudgetMs,
  });
  const ids = await insertAssignments(trx, planId, rows);
  const ends = [...rows.map((r) => r.end), ...[...fixed.values()].map((f) => f.end)];
  await setPlannedEnd(trx, planId, new Date(Math.max(...ends)));
  const created = rows.map((r, i) => ({ ...r, id: ids[i]!, nodeId: nodeIdOf.get(r.nodeId)! }));
  const events = [
    ...replaced.map((a) => cancelledEvent(planId, a, 'rescheduled')),
    ...assignmentEvents(
      planId,
      created,
      'created',
      replaced.map((a) => a.workerId),
    ),
  ];
  return { stats, created, events };
}
