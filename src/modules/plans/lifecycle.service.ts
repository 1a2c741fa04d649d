/**
 * Plan lifecycle: release (reserve material + schedule), pause, resume,
 * cancel, reschedule. Each is one transaction; illegal moves get 409 naming
 * the current status and the allowed moves.
 */
import type { Db, Trx } from '../../db/database.js';
import { lockScheduling } from '../../db/locks.js';
import type { ScheduleStats } from '../../scheduler/index.js';
import { allowedNow, DomainError, m, type Message, notFound } from '../../shared/errors.js';
import { openAssignmentStatuses } from '../../shared/schema.js';
import { type NewAlert, recordAlerts } from '../alerts/index.js';
import { cancelAssignments, endOpenPauses, insertAssignments, listPlanAssignments } from '../assignments/index.js';
import {
  insertReservations,
  lockMaterials,
  type MaterialNeed,
  materialsInLedgerOf,
  releaseReservations,
  type Shortage,
  shortagesOf,
} from '../materials/index.js';
import { recordEvents } from '../realtime/index.js';
import { assignmentEvents, cancelledEvent, lockLiveAssignments, replanSteps } from '../replan/index.js';
import { scheduleNodes } from '../scheduling/index.js';
import { freeSubstationsHolding } from '../stations/index.js';
import { freeWorkersHolding } from '../workers/index.js';
import * as repo from './plans.repository.js';
import { allowedPlanActions, documentOf, nextPlanStatus, type PlanAction } from './plans.rules.js';
import type { PlanDetail, PlanStatus } from './plans.schema.js';
import { assertValid } from './plans.service.js';

export interface LifecycleOptions {
  actor: string;
  now: Date;
  utcOffsetMinutes: number;
  schedulerBudgetMs: number;
}

export interface TransitionResult {
  plan: PlanDetail;
  schedule?: ScheduleStats;
  shortages?: Shortage[];
}

const pastTense: Record<PlanAction, Message> = {
  release: m('plan.done.release'),
  pause: m('plan.done.pause'),
  resume: m('plan.done.resume'),
  cancel: m('plan.done.cancel'),
  start: m('plan.done.start'),
  complete: m('plan.done.complete'),
};

function refuse(planId: string, status: PlanStatus, action: PlanAction): never {
  const allowed = allowedPlanActions(status);
  throw new DomainError('invalid_transition', m('plan.cannot_act', { planId, status, action: pastTense[action], allowed: allowedNow(allowed) }), {
    currentStatus: status,
    allowedActions: allowed,
  });
}

async function lockForAction(trx: Trx, planId: string, action: PlanAction) {
  const plan = await repo.lockPlan(trx, planId);
  if (!plan) throw notFound('plan', planId);
  const next = nextPlanStatus(plan.status, action);
  if (!next) refuse(planId, plan.status, action);
  return { ...plan, next };
}

async function detail(trx: Trx, planId: string): Promise<PlanDetail> {
  return (await repo.findPlanDetail(trx, planId))!;
}

/** A task taken from the worker who had it: they are told (the alert is theirs, in the transaction that takes it). */
function withdrawnAlert(
  planId: string,
  a: { id: string; workerId: string },
  node: { nodeId: string; name: string } | undefined,
  reason: 'rescheduled' | 'plan_cancelled',
  toWorkerId: string | null = null,
): NewAlert {
  return {
    kind: 'task_withdrawn',
    to: { workerId: a.workerId },
    planId,
    assignmentId: a.id,
    params: { assignmentId: a.id, planId, nodeId: node?.nodeId ?? null, nodeName: node?.name ?? null, reason, toWorkerId },
  };
}

const shortageAlert = (plan: { id: string; name: string }, shortages: Shortage[]): NewAlert => ({
  kind: 'release_blocked',
  to: { role: 'planners' },
  planId: plan.id,
  params: { planId: plan.id, planName: plan.name, shortages },
});

/**
 * A plan whose projected end passes its due date: the planners are told once, when it becomes late
 * (a release or a re-plan that moves the end past the due date; not again while it stays late).
 */
function lateAlert(plan: { id: string; name: string; dueDate: string | null }, before: number | null, after: number): NewAlert[] {
  if (!plan.dueDate) return [];
  const due = Date.parse(plan.dueDate);
  if (after <= due || (before !== null && before > due)) return [];
  return [
    {
      kind: 'plan_late',
      to: { role: 'planners' },
      planId: plan.id,
      params: { planId: plan.id, planName: plan.name, dueDate: plan.dueDate, plannedEnd: new Date(after).toISOString() },
    },
  ];
}

/**
 * A release refused for want of material writes nothing (the planner who asked gets the 409 with the shortages);
 * one that goes ahead with allowShortage leaves steps waiting for material, and the planners get a `release_blocked`
 * alert in the releasing transaction.
 */
export async function releasePlan(db: Db, planId: string, allowShortage: boolean, opts: LifecycleOptions): Promise<TransitionResult> {
  return db.transaction().execute(async (trx) => {
    await lockScheduling(trx);
    const locked = await lockForAction(trx, planId, 'release');
    const plan = await detail(trx, planId);
    await assertValid(trx, documentOf(plan), { planId });

    // material: inputs that come from stock (not from a predecessor's output)
    const dbIds = await repo.nodeDbIds(trx, planId);
    const needs: MaterialNeed[] = plan.nodes.flatMap((n) =>
      n.materialInputs
        .filter((m) => m.fromNodeId === undefined)
        .map((m) => ({ nodeId: dbIds.get(n.nodeId)!, materialCode: m.materialCode, quantity: m.requiredQuantity })),
    );
    const stock = await lockMaterials(trx, [...new Set(needs.map((n) => n.materialCode))]);
    const shortages = shortagesOf(needs, stock);
    if (shortages.length > 0 && !allowShortage) {
      throw new DomainError(
        'conflict',
        m('plan.release_short', {
          planId,
          shortages: shortages.map((s) => m('plan.shortage', { materialCode: s.materialCode, required: s.required, available: s.available })),
        }),
        { shortages },
      );
    }
    await insertReservations(trx, planId, needs, opts.actor);

    const { rows, stats } = await scheduleNodes(trx, {
      plan,
      nodes: new Set(plan.nodes.map((n) => n.nodeId)),
      fixed: new Map(),
      completed: new Set(),
      dbIds,
      now: opts.now,
      utcOffsetMinutes: opts.utcOffsetMinutes,
      budgetMs: opts.schedulerBudgetMs,
    });
    const ids = await insertAssignments(trx, planId, rows);
    const start = Math.min(...rows.map((r) => r.start));
    const end = Math.max(...rows.map((r) => r.end));
    await repo.markReleased(trx, planId, {
      status: locked.next,
      at: opts.now,
      plannedStart: new Date(start),
      plannedEnd: new Date(end),
      allowShortage,
      shortages,
    });

    const nodeOf = new Map([...dbIds].map(([nodeId, id]) => [id, nodeId]));
    await recordEvents(
      trx,
      [
        {
          topic: 'plans',
          entityType: 'plan',
          entityId: planId,
          planId,
          change: 'released',
          payload: { status: locked.next, plannedStart: new Date(start).toISOString(), plannedEnd: new Date(end).toISOString(), shortages: shortages.length },
        },
        ...assignmentEvents(
          planId,
          rows.map((r, i) => ({ ...r, id: ids[i]!, nodeId: nodeOf.get(r.nodeId)! })),
          'created',
        ),
        ...[...new Set(needs.map((n) => n.materialCode))].map((code) => ({
          topic: 'materials' as const,
          entityType: 'material',
          entityId: code,
          change: 'reserved',
          planId,
        })),
      ],
      opts.actor,
    );
    await recordAlerts(trx, [...(shortages.length > 0 ? [shortageAlert(plan, shortages)] : []), ...lateAlert(plan, null, end)], opts.actor);
    return { plan: await detail(trx, planId), schedule: stats, shortages };
  });
}

export async function pausePlan(db: Db, planId: string, opts: LifecycleOptions): Promise<TransitionResult> {
  return db.transaction().execute(async (trx) => {
    const locked = await lockForAction(trx, planId, 'pause');
    await repo.setPlanStatus(trx, planId, locked.next);
    await recordEvents(
      trx,
      [{ topic: 'plans', entityType: 'plan', entityId: planId, planId, change: 'paused', payload: { status: locked.next, from: locked.status } }],
      opts.actor,
    );
    return { plan: await detail(trx, planId) };
  });
}

/**
 * Re-plans every assignment of the plan that has not started, against the
 * current bookings. Started and completed ones stay. A pinned one keeps its
 * worker, station and substation and starts no earlier than the planner set,
 * but is re-timed with the others: it moves later when its predecessors or the
 * bookings need it to, and never stays in the past.
 */
async function replanOpenWork(trx: Trx, planId: string, opts: LifecycleOptions): Promise<ScheduleStats | undefined> {
  const outcome = await replanSteps(trx, {
    planId,
    current: await lockLiveAssignments(trx, planId),
    scope: { notStarted: true },
    now: opts.now,
    utcOffsetMinutes: opts.utcOffsetMinutes,
    schedulerBudgetMs: opts.schedulerBudgetMs,
  });
  if (!outcome) return undefined;
  await recordEvents(trx, outcome.events, opts.actor);
  return outcome.stats;
}

export async function resumePlan(db: Db, planId: string, opts: LifecycleOptions): Promise<TransitionResult> {
  return db.transaction().execute(async (trx) => {
    await lockScheduling(trx);
    const locked = await lockForAction(trx, planId, 'resume');
    // a plan that had started work goes back to production, not to released
    const next: PlanStatus = (await repo.hasStarted(trx, planId)) ? 'in_production' : locked.next;
    await repo.setPlanStatus(trx, planId, next);
    const schedule = await replanOpenWork(trx, planId, opts);
    await recordEvents(trx, [{ topic: 'plans', entityType: 'plan', entityId: planId, planId, change: 'resumed', payload: { status: next } }], opts.actor);
    return { plan: await detail(trx, planId), ...(schedule ? { schedule } : {}) };
  });
}

export async function reschedulePlan(db: Db, planId: string, opts: LifecycleOptions): Promise<TransitionResult> {
  return db.transaction().execute(async (trx) => {
    await lockScheduling(trx);
    const plan = await repo.lockPlan(trx, planId);
    if (!plan) throw notFound('plan', planId);
    if (!['released', 'in_production', 'paused'].includes(plan.status)) {
      throw new DomainError('invalid_transition', m('plan.not_reschedulable', { planId, status: plan.status }), {
        currentStatus: plan.status,
        allowedActions: allowedPlanActions(plan.status),
      });
    }
    const schedule = await replanOpenWork(trx, planId, opts);
    await repo.bumpPlanVersion(trx, planId);
    await recordEvents(
      trx,
      [{ topic: 'plans', entityType: 'plan', entityId: planId, planId, change: 'rescheduled', payload: { status: plan.status } }],
      opts.actor,
    );
    return { plan: await detail(trx, planId), ...(schedule ? { schedule } : {}) };
  });
}

export async function cancelPlan(db: Db, planId: string, opts: LifecycleOptions): Promise<TransitionResult> {
  return db.transaction().execute(async (trx) => {
    const locked = await lockForAction(trx, planId, 'cancel');
    const open = await listPlanAssignments(trx, planId, [...openAssignmentStatuses]);
    const ids = open.map((a) => a.id);
    // lock order: the plan and its assignments are locked; the workers and substations holding them next, then materials
    const freed = { workers: await freeWorkersHolding(trx, ids), substations: await freeSubstationsHolding(trx, ids) };
    await endOpenPauses(trx, ids, opts.now);
    await cancelAssignments(trx, ids, 'plan_cancelled');
    const released = await releaseReservations(trx, planId, 'plan cancelled', opts.actor);
    await repo.setPlanStatus(trx, planId, locked.next, opts.now);
    const materials = released > 0 ? await materialsInLedgerOf(trx, planId) : [];
    const plan = await detail(trx, planId);
    const nodeIdOf = new Map([...(await repo.nodeDbIds(trx, planId))].map(([nodeId, id]) => [id, nodeId]));
    const nodeById = new Map(plan.nodes.map((n) => [n.nodeId, n]));
    await recordAlerts(
      trx,
      open.map((a) => withdrawnAlert(planId, a, nodeById.get(nodeIdOf.get(a.nodeId)!), 'plan_cancelled')),
      opts.actor,
    );
    await recordEvents(
      trx,
      [
        { topic: 'plans', entityType: 'plan', entityId: planId, planId, change: 'cancelled', payload: { status: locked.next, from: locked.status } },
        ...open.map((a) => cancelledEvent(planId, a)),
        ...freed.workers.map((w) => ({
          topic: 'workers' as const,
          entityType: 'worker',
          entityId: w,
          change: 'freed',
          workerId: w,
          payload: { status: 'available' },
        })),
        ...freed.substations.map((s) => ({
          topic: 'stations' as const,
          entityType: 'substation',
          entityId: s,
          change: 'freed',
          payload: { status: 'available' },
        })),
        ...materials.map((code) => ({ topic: 'materials' as const, entityType: 'material', entityId: code, change: 'reservation_released', planId })),
      ],
      opts.actor,
    );
    return { plan: await detail(trx, planId) };
  });
}
