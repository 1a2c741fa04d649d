/**
 * A step added to a released plan and scheduled at once: a remake of a
 * scrapped quantity (yield carried forward) or a rework of a non-conformance
 * (quality). One function for both, called inside the caller's transaction.
 *
 * The new node copies the given step: operation, candidate stations, times,
 * predecessors; its stock inputs scaled to its quantity (inputs the original
 * took from a feeder are drawn from stock: the feeder already delivered);
 * its output scaled, counted toward the original's consumers, which also wait
 * for it (edges). Reservations follow (the new step's inputs, and the
 * consumers' inputs as their expected quantity rises again); a shortage is
 * refused with 409 naming the material unless the plan allows shortage, as at
 * release. The new step and its not-started descendants are then scheduled
 * against every other booking (the plan's started, pinned-elsewhere and
 * unrelated steps stay where they are): descendants must wait for it.
 */
import type { Trx } from '../../db/database.js';
import type { ScheduleStats } from '../../scheduler/index.js';
import { DomainError, m } from '../../shared/errors.js';
import { cancelAssignments, insertAssignments, listPlanAssignments } from '../assignments/index.js';
import type { Shortage } from '../materials/index.js';
import { findPlanDetail, insertExtraNode, loadYieldGraph, nodeDbIds, setPlannedEnd, yieldRules } from '../plans/index.js';
import type { OutboxEvent } from '../realtime/index.js';
import { type FixedNode, type PinnedNode, scheduleNodes } from '../scheduling/index.js';
import { applyExpectedQuantities } from './yield.service.js';

const { extraNodeId, familyOf } = yieldRules;

/** An assignment withdrawn by the re-plan (the same shape as a plan reschedule's). */
function cancelledEvent(planId: string, a: { id: string; workerId: string; stationId: string }): OutboxEvent {
  return {
    topic: 'assignments',
    entityType: 'assignment',
    entityId: a.id,
    change: 'cancelled',
    planId,
    workerId: a.workerId,
    stationId: a.stationId,
    payload: { status: 'cancelled', reason: 'rescheduled' },
  };
}

/** An event per new booking, and a `schedule_changed` per worker concerned (theirs, and those who lost work). */
function createdEvents(
  planId: string,
  rows: { id: string; workerId: string; stationId: string; substationId: string; status: string; start: number; end: number; nodeId: string }[],
  alsoChanged: string[],
): OutboxEvent[] {
  const events: OutboxEvent[] = rows.map((a) => ({
    topic: 'assignments',
    entityType: 'assignment',
    entityId: a.id,
    change: 'created',
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
  }));
  for (const workerId of new Set([...rows.map((a) => a.workerId), ...alsoChanged])) {
    events.push({ topic: 'workers', entityType: 'worker', entityId: workerId, change: 'schedule_changed', workerId, planId, payload: { planId } });
  }
  return events;
}

export interface ExtraStepRequest {
  planId: string;
  /** node id (as in the plan document) of the step to copy */
  copyOfNodeId: string;
  quantity: number;
  kind: 'remake' | 'rework';
  actor: string;
  now: Date;
  utcOffsetMinutes: number;
  schedulerBudgetMs: number;
  allowShortage: boolean;
  /** copy the step's material inputs (default true; a rework of the same parts may need none) */
  copyInputs?: boolean;
}

export interface ExtraStepOutcome {
  nodeId: string;
  nodeDbId: number;
  assignment: { id: string; start: number; end: number };
  shortages: Shortage[];
  events: OutboxEvent[];
  stats: ScheduleStats;
}

/**
 * Adds and schedules the step. The caller holds `lockScheduling` and the plan's lock (in that order) and
 * has checked the plan is released or in production; the caller records the returned events.
 */
export async function addStepToReleasedPlan(trx: Trx, req: ExtraStepRequest): Promise<ExtraStepOutcome> {
  const { planId } = req;
  const graph = await loadYieldGraph(trx, planId);
  const original = graph.find((n) => n.nodeId === req.copyOfNodeId);
  if (!original) throw new DomainError('not_found', m('yield.node_not_found', { planId, nodeId: req.copyOfNodeId }), { field: 'params/nodeId' });
  const root = graph.find((n) => n.id === familyOf(original)) ?? original;

  // lock order: the plan's assignments before the materials a reservation locks
  const current = await listPlanAssignments(trx, planId, ['pending', 'ready', 'in_progress', 'paused', 'completed']);
  const nodeId = extraNodeId(root.nodeId, req.kind, new Set(graph.map((n) => n.nodeId)));
  const nodeDbId = await insertExtraNode(trx, {
    planId,
    copyOf: original.id,
    extraOf: root.id,
    kind: req.kind,
    nodeId,
    quantity: req.quantity,
    copyInputs: req.copyInputs ?? true,
  });
  const applied = await applyExpectedQuantities(trx, planId, {
    actor: req.actor,
    utcOffsetMinutes: req.utcOffsetMinutes,
    allowShortage: req.allowShortage,
    onShort: 'refuse',
    resize: false,
    reason: `reserved for ${req.kind} ${nodeId}`,
  });

  // schedule the new step and its not-started descendants; everything else is fixed
  const plan = (await findPlanDetail(trx, planId))!;
  const dbIds = await nodeDbIds(trx, planId);
  const nodeIdOf = new Map([...dbIds].map(([id, db]) => [db, id]));
  const successors = new Map<string, string[]>();
  for (const n of plan.nodes) for (const p of n.predecessors) successors.set(p, [...(successors.get(p) ?? []), n.nodeId]);
  const byNode = new Map(current.map((a) => [nodeIdOf.get(Number(a.nodeId))!, a]));
  const open = new Set<string>([nodeId]);
  const queue = [nodeId];
  while (queue.length > 0) {
    for (const s of successors.get(queue.shift()!) ?? []) {
      const a = byNode.get(s);
      if (open.has(s) || !a || (a.status !== 'pending' && a.status !== 'ready')) continue;
      open.add(s);
      queue.push(s);
    }
  }
  const now = req.now.getTime();
  const fixed = new Map<string, FixedNode>();
  const pinned = new Map<string, PinnedNode>();
  const completed = new Set<string>();
  const replaced: typeof current = [];
  for (const [id, a] of byNode) {
    if (a.status === 'completed') {
      completed.add(id);
      fixed.set(id, { end: (a.actualEnd ?? a.plannedEnd).getTime() });
    } else if (!open.has(id)) {
      const end = a.status === 'in_progress' || a.status === 'paused' ? Math.max(a.plannedEnd.getTime(), now) : a.plannedEnd.getTime();
      fixed.set(id, { end, busy: { workerId: a.workerId, substationId: a.substationId, start: a.plannedStart.getTime(), end, label: a.id } });
    } else {
      if (a.pinned)
        pinned.set(id, { workerId: a.workerId, stationId: a.stationId, substationId: a.substationId, notBefore: Math.max(a.plannedStart.getTime(), now) });
      replaced.push(a);
    }
  }
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
  const own = created.find((r) => r.nodeId === nodeId)!;

  const events: OutboxEvent[] = [
    {
      topic: 'plans',
      entityType: 'plan_node',
      entityId: `${planId}/${nodeId}`,
      change: 'step_added',
      planId,
      payload: { nodeId, kind: req.kind, extraOf: root.nodeId, copyOf: original.nodeId, quantity: req.quantity, assignmentId: own.id },
    },
    ...applied.events,
    ...replaced.map((a) => cancelledEvent(planId, a)),
    ...createdEvents(
      planId,
      created,
      replaced.map((a) => a.workerId),
    ),
  ];
  return { nodeId, nodeDbId, assignment: { id: own.id, start: own.start, end: own.end }, shortages: applied.shortages, events, stats };
}
