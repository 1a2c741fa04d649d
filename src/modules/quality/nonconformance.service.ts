/**
 * Non-conformance records: an operator (or a planner) opens one on an
 * assignment for a quantity and the failed items, with a disposition; a
 * planner or admin approves it (one opened by a planner or admin is approved
 * as it is opened). An approved rework adds a rework step to the plan, booked
 * at once; an approved use-as-is lets the accepted parts be completed as good.
 */
import type { Db } from '../../db/database.js';
import { lockScheduling } from '../../db/locks.js';
import { detail, DomainError, m, notFound, type ProblemDetail, summaryOf } from '../../shared/errors.js';
import type { SessionUser } from '../auth/index.js';
import { actingAs, lockAssignment } from '../assignments/index.js';
import { lockPlan } from '../plans/index.js';
import { type OutboxEvent, recordEvents } from '../realtime/index.js';
import * as inspection from './inspection.repository.js';
import * as repo from './nonconformance.repository.js';
import type { Nonconformance, NonconformanceBody } from './quality.schema.js';
import { addStepToReleasedPlan } from '../yield/index.js';

/** What booking a rework step needs: the plant's clock offset and the scheduler's budget. */
export interface SchedulingSettings {
  utcOffsetMinutes: number;
  budgetMs: number;
}

export interface NcrContext {
  user: SessionUser;
  now: Date;
  scheduling: SchedulingSettings;
}

const mayApprove = (user: SessionUser) => user.role === 'admin' || user.role === 'planner';
/** Plans a rework step may still be added to. */
const reworkablePlan = new Set(['released', 'in_production', 'paused']);

async function addRework(
  trx: Parameters<typeof addStepToReleasedPlan>[0],
  ncr: { code: string; planId: string; planStatus: string; nodeId: string; quantity: number },
  ctx: NcrContext,
): Promise<OutboxEvent[]> {
  if (!reworkablePlan.has(ncr.planStatus)) {
    throw new DomainError('conflict', m('nonconformance.plan_not_open', { code: ncr.code, planId: ncr.planId, status: ncr.planStatus }), {
      planStatus: ncr.planStatus,
    });
  }
  // the same parts go round again: no new material (the rework's own consumption, if any, is the operator's to report)
  const step = await addStepToReleasedPlan(trx, {
    planId: ncr.planId,
    copyOfNodeId: ncr.nodeId,
    quantity: ncr.quantity,
    kind: 'rework',
    actor: ctx.user.username,
    now: ctx.now,
    utcOffsetMinutes: ctx.scheduling.utcOffsetMinutes,
    schedulerBudgetMs: ctx.scheduling.budgetMs,
    allowShortage: true,
    copyInputs: false,
  });
  await repo.setReworkNode(trx, ncr.code, step.nodeDbId);
  return step.events;
}

export async function openNonconformance(db: Db, assignmentId: string, body: NonconformanceBody, ctx: NcrContext): Promise<Nonconformance> {
  const approved = mayApprove(ctx.user);
  return db.transaction().execute(async (trx) => {
    // a rework approved at once books a step: the scheduling lock comes first (src/db/locks.ts)
    if (approved && body.disposition === 'rework') await lockScheduling(trx);
    const step = await inspection.assignmentStep(trx, assignmentId);
    if (!step) throw notFound('assignment', assignmentId);
    const forbidden = () =>
      new DomainError('forbidden', m('assignment.own_tasks_only', { reason: m('assignment.assigned_to_worker', { assignmentId, workerId: step.workerId }) }));
    if (!actingAs(ctx.user, step.workerId)) throw forbidden();
    const plan = (await lockPlan(trx, step.planId))!;
    const locked = await lockAssignment(trx, assignmentId);
    if (!actingAs(ctx.user, locked.workerId)) throw forbidden();
    if (locked.status === 'cancelled') {
      throw new DomainError('invalid_transition', m('inspection.not_recordable', { assignmentId, status: locked.status }), { currentStatus: locked.status });
    }

    const problems: ProblemDetail[] = [];
    if (body.quantity > Number(step.nodeQuantity)) {
      problems.push(detail('body/quantity', m('nonconformance.quantity_above_step', { quantity: body.quantity, stepQuantity: Number(step.nodeQuantity) })));
    }
    const items = await inspection.itemsById(trx, body.itemIds);
    body.itemIds.forEach((id, i) => {
      const item = items.get(id);
      if (!item || item.operationId !== step.operationId) {
        problems.push(detail(`body/itemIds/${i}`, m('inspection.item_not_of_step', { itemId: id, operationId: step.operationId })));
      }
    });
    if (problems.length > 0) throw new DomainError('rule_violated', summaryOf(problems), { field: problems[0]!.field, errors: problems });

    const code = await repo.insertNonconformance(trx, {
      assignmentId,
      planId: step.planId,
      nodeDbId: step.nodeDbId,
      quantity: body.quantity,
      disposition: body.disposition,
      note: body.note?.trim() ?? '',
      itemIds: body.itemIds,
      by: ctx.user.username,
      at: ctx.now,
      approved,
    });
    const rework =
      approved && body.disposition === 'rework'
        ? await addRework(trx, { code, planId: step.planId, planStatus: plan.status, nodeId: step.nodeId, quantity: body.quantity }, ctx)
        : [];
    await recordEvents(
      trx,
      [
        ...rework,
        {
          topic: 'plans',
          entityType: 'plan',
          entityId: step.planId,
          change: 'nonconformance_opened',
          planId: step.planId,
          workerId: step.workerId,
          payload: { code, assignmentId, nodeId: step.nodeId, disposition: body.disposition, quantity: body.quantity, approved },
        },
      ],
      ctx.user.username,
    );
    return (await repo.listNonconformances(trx, { code }))[0]!;
  });
}

export async function approveNonconformance(db: Db, code: string, ctx: NcrContext): Promise<Nonconformance> {
  return db.transaction().execute(async (trx) => {
    await lockScheduling(trx);
    const ncr = await repo.findNonconformanceOwner(trx, code);
    if (!ncr) throw new DomainError('not_found', m('nonconformance.not_found', { code }));
    const plan = (await lockPlan(trx, ncr.planId))!;
    if (!(await repo.approveNonconformance(trx, code, ctx.user.username, ctx.now))) {
      const again = (await repo.findNonconformanceOwner(trx, code))!;
      throw new DomainError(
        'conflict',
        m('nonconformance.already_approved', { code, approvedBy: again.approvedBy ?? '', at: again.approvedAt?.toISOString() ?? '' }),
        {
          approvedBy: again.approvedBy,
        },
      );
    }
    let rework: OutboxEvent[] = [];
    if (ncr.disposition === 'rework') {
      const step = (await inspection.assignmentStep(trx, ncr.assignmentId))!;
      rework = await addRework(trx, { code, planId: ncr.planId, planStatus: plan.status, nodeId: step.nodeId, quantity: Number(ncr.quantity) }, ctx);
    }
    await recordEvents(
      trx,
      [
        ...rework,
        {
          topic: 'plans',
          entityType: 'plan',
          entityId: ncr.planId,
          change: 'nonconformance_approved',
          planId: ncr.planId,
          payload: { code, assignmentId: ncr.assignmentId, disposition: ncr.disposition },
        },
      ],
      ctx.user.username,
    );
    return (await repo.listNonconformances(trx, { code }))[0]!;
  });
}

export async function planNonconformances(db: Db, planId: string): Promise<{ items: Nonconformance[] }> {
  if (!(await inspection.planHeader(db, planId))) throw notFound('plan', planId);
  return { items: await repo.listNonconformances(db, { planId }) };
}
