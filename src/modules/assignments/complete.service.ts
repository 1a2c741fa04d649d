/**
 * Complete: the step is done. In one transaction: an open pause ends; the
 * node's inputs are consumed and its output produced through ledger rows;
 * worker and substation are freed; successors whose predecessors are all
 * completed become ready; the plan completes after its last node.
 */
import type { Db } from '../../db/database.js';
import type { OutboxEvent } from '../realtime/index.js';
import { DomainError, m, summaryOf } from '../../shared/errors.js';
import { insertCompletionLedger, lockMaterials, takeCompletionLots } from '../materials/index.js';
import { movePlan, nextPlanStatus } from '../plans/index.js';
import { requireCompletionChecks } from '../quality/index.js';
import { bookCompletion, liveContext } from '../scheduling/index.js';
import { freeSubstationsHolding } from '../stations/index.js';
import { freeWorkersHolding } from '../workers/index.js';
import { carryYieldForward } from '../yield/index.js';
import * as repo from './assignments.repository.js';
import { completionProblems, consumptionOf, pausedMinutes, producedQuantity, stockShortages, workedMinutes, workerStatusAfter } from './assignments.rules.js';
import type { CompleteBody } from './assignments.schema.js';
import { type ActionContext, type ActionOutcome, assignmentEvent, planEvent, runAction, substationEvent, workerEvent } from './assignments.service.js';

export function completeAssignment(db: Db, id: string, body: CompleteBody, ctx: ActionContext): Promise<ActionOutcome> {
  return runAction(db, id, 'complete', ctx, async (trx, t) => {
    const inputs = await repo.nodeInputs(trx, t.nodeDbId);
    const problems = completionProblems(body, inputs, t.nodeQuantity);
    if (problems.length > 0) {
      const first = problems[0]!;
      throw new DomainError('rule_violated', summaryOf(problems), {
        ...(first.field ? { field: first.field } : {}),
        errors: problems,
      });
    }
    await requireCompletionChecks(trx, { assignmentId: t.id, goodQuantity: body.goodQuantity });

    const closedPause = await repo.closeOpenPause(trx, t.id, t.now);
    const paused = pausedMinutes(await repo.pauseTimes(trx, t.id), t.now);
    const worked = workedMinutes(t.actualStart!, t.now, paused);
    const scrapQuantity = body.scrapQuantity ?? 0;
    await repo.markCompleted(trx, t.id, {
      at: t.now,
      by: t.actor,
      goodQuantity: body.goodQuantity,
      scrapQuantity,
      scrapReason: scrapQuantity > 0 ? body.scrapReason!.trim() : null,
      note: body.note,
      pausedMinutes: paused,
      workedMinutes: worked,
    });
    // lock order (src/db/locks.ts): the worker and substation, then materials (a shortage rolls it all back)
    await freeWorkersHolding(trx, [t.id]);
    await freeSubstationsHolding(trx, [t.id]);
    const consumption = consumptionOf(inputs, body.materials);
    const production =
      t.outputMaterialCode && t.outputQuantity > 0
        ? { materialCode: t.outputMaterialCode, quantity: producedQuantity(t.outputQuantity, body.goodQuantity, t.nodeQuantity) }
        : null;
    const codes = [...new Set([...consumption.map((c) => c.materialCode), ...(production ? [production.materialCode] : [])])];
    const stock = await lockMaterials(trx, codes);
    const shortages = stockShortages(consumption, production, new Map([...stock].map(([code, s]) => [code, s.stock])));
    if (shortages.length > 0) {
      throw new DomainError(
        'conflict',
        m('complete.not_enough_stock', {
          assignmentId: t.id,
          shortages: shortages.map((s) => m('complete.shortage', { materialCode: s.materialCode, needed: s.needed, inStock: s.inStock })),
        }),
        { currentStatus: t.status, shortages },
      );
    }

    // yield carried forward: consumers' expected quantities, reservations and not-started bookings follow what this step delivered
    // (before the lots: it locks the downstream materials, and no material lock may follow a lot lock)
    const carried = await carryYieldForward(trx, { planId: t.planId, actor: t.actor, utcOffsetMinutes: ctx.utcOffsetMinutes });
    // lots of lot-tracked inputs (named in body.lots, else FIFO) and the output lot (materials/consumption.service.ts)
    const lots = await takeCompletionLots(trx, {
      ...t,
      planId: t.planId,
      nodeDbId: t.nodeDbId,
      assignmentId: t.id,
      inputs,
      consumption,
      production,
      chosen: body.lots,
    });
    const ledger = await insertCompletionLedger(trx, { planId: t.planId, nodeDbId: t.nodeDbId, assignmentId: t.id, actor: t.actor, ...lots });
    const ready = await repo.readySuccessors(trx, t.planId, t.nodeDbId);
    // then the live booking ends and repair pulls the shortened successors left
    const rebooked = await bookCompletion(trx, t, liveContext(t, ctx));

    const events: OutboxEvent[] = [
      ...rebooked,
      assignmentEvent(t, 'completed', {
        status: 'completed',
        from: t.status,
        goodQuantity: body.goodQuantity,
        scrapQuantity,
        workedMinutes: worked,
        pausedMinutes: paused,
        ...(closedPause ? { pauseId: closedPause.id } : {}),
      }),
      ...ready.map((r) => ({
        topic: 'assignments' as const,
        entityType: 'assignment',
        entityId: r.id,
        change: 'ready',
        planId: t.planId,
        workerId: r.workerId,
        stationId: r.stationId,
        payload: { status: 'ready', nodeId: r.nodeId, after: t.id },
      })),
      workerEvent(t, workerStatusAfter.complete, null),
      substationEvent(t, 'available', null),
      ...ledger.map((l) => ({
        topic: 'materials' as const,
        entityType: 'material',
        entityId: l.materialCode,
        change: l.entryType === 'production' ? 'produced' : 'consumed',
        planId: t.planId,
        payload: { assignmentId: t.id, stockDelta: l.stockDelta, reservedDelta: l.reservedDelta },
      })),
      ...carried,
    ];
    if (await repo.allNodesCompleted(trx, t.planId)) {
      const next = nextPlanStatus(t.planStatus, 'complete');
      if (next === 'completed') {
        await movePlan(trx, t.planId, next, t.now);
        events.push(planEvent(t, 'completed', next));
      }
    }
    return { events };
  });
}
