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
 * against every other booking by the re-plan core (src/modules/replan; the
 * plan's started, pinned-elsewhere and unrelated steps stay where they are):
 * descendants must wait for it.
 */
import type { Trx } from '../../db/database.js';
import type { ScheduleStats } from '../../scheduler/index.js';
import { DomainError, m } from '../../shared/errors.js';
import type { Shortage } from '../materials/index.js';
import { insertExtraNode, loadYieldGraph, yieldRules } from '../plans/index.js';
import type { OutboxEvent } from '../realtime/index.js';
import { lockLiveAssignments, replanSteps } from '../replan/index.js';
import { applyExpectedQuantities } from './yield.service.js';

const { extraNodeId, familyOf } = yieldRules;

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
  const current = await lockLiveAssignments(trx, planId);
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

  // schedule the new step and its not-started descendants; everything else is fixed (the scope holds the new step: never empty)
  const replan = (await replanSteps(trx, {
    planId,
    current,
    scope: { from: nodeId },
    now: req.now,
    utcOffsetMinutes: req.utcOffsetMinutes,
    schedulerBudgetMs: req.schedulerBudgetMs,
  }))!;
  const own = replan.created.find((r) => r.nodeId === nodeId)!;

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
    ...replan.events,
  ];
  return { nodeId, nodeDbId, assignment: { id: own.id, start: own.start, end: own.end }, shortages: applied.shortages, events, stats: replan.stats };
}
