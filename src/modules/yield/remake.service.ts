/**
 * The planner's remake of a short step: a new step for the missing quantity
 * (or the quantity asked), added to the released plan and scheduled at once
 * (extra-steps.service.ts). One transaction; a refusal writes nothing.
 */
import type { Db } from '../../db/database.js';
import { lockScheduling } from '../../db/locks.js';
import { DomainError, m } from '../../shared/errors.js';
import { recordEvents } from '../realtime/index.js';
import { loadYieldGraph, yieldRules } from '../plans/index.js';
import { addStepToReleasedPlan } from './extra-steps.service.js';
import type { RemakeBody, RemakeResult } from './yield.schema.js';
import { byFamily, completedNode, lockWorkingPlan, shortfallOf } from './yield.service.js';

const { missingQuantity, round3 } = yieldRules;

export interface RemakeOptions {
  actor: string;
  now: Date;
  utcOffsetMinutes: number;
  schedulerBudgetMs: number;
}

export async function remakeStep(db: Db, planId: string, nodeId: string, body: RemakeBody, opts: RemakeOptions): Promise<RemakeResult> {
  return db.transaction().execute(async (trx) => {
    await lockScheduling(trx);
    const plan = await lockWorkingPlan(trx, planId);
    const graph = await loadYieldGraph(trx, planId);
    const node = completedNode(graph, planId, nodeId);
    const root = byFamily(graph, node);
    const missing = missingQuantity(graph, root.id);
    let quantity = missing;
    if (body.quantity !== undefined) {
      quantity = body.quantity;
      if (!(quantity > 0)) throw new DomainError('rule_violated', m('yield.remake_quantity_positive', { quantity }), { field: 'body/quantity' });
      if (round3(quantity) !== quantity) {
        throw new DomainError('rule_violated', m('field.more_than_3_decimals', { name: 'quantity' }), { field: 'body/quantity' });
      }
      if (quantity > root.quantity) {
        throw new DomainError('rule_violated', m('yield.remake_too_much', { nodeId: root.nodeId, quantity, planned: root.quantity }), {
          field: 'body/quantity',
        });
      }
    } else if (missing <= 0) {
      throw new DomainError('conflict', m('yield.nothing_short', { nodeId: root.nodeId }), {});
    }
    const outcome = await addStepToReleasedPlan(trx, {
      planId,
      copyOfNodeId: node.nodeId,
      quantity,
      kind: 'remake',
      actor: opts.actor,
      now: opts.now,
      utcOffsetMinutes: opts.utcOffsetMinutes,
      schedulerBudgetMs: opts.schedulerBudgetMs,
      allowShortage: plan.allowShortage,
    });
    await recordEvents(trx, outcome.events, opts.actor);
    return {
      nodeId: outcome.nodeId,
      quantity,
      assignmentId: outcome.assignment.id,
      plannedStart: new Date(outcome.assignment.start).toISOString(),
      plannedEnd: new Date(outcome.assignment.end).toISOString(),
      shortages: outcome.shortages,
      shortfall: shortfallOf(planId, await loadYieldGraph(trx, planId)),
    };
  });
}
