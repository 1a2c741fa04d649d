/**
 * Plan lifecycle: release (reserve material + schedule), pause, resume,
 * cancel, reschedule. Each is one transaction; illegal moves get 409 naming
 * the current status and the allowed moves.
 */
import type { Db, Trx } from '../../db/database.js';
import { lockScheduling } from '../../db/locks.js';
import type { ScheduleStats } from '../../scheduler/index.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { openAssignmentStatuses } from '../../shared/schema.js';
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
import { type OutboxEvent, recordEvents } from '../realtime/index.js';
import { type FixedNode, type PinnedNode, scheduleNodes } from '../scheduling/index.js';
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

const pastTense: Record<PlanAction, string> = {
  release: 'released',
  pause: 'paused',
  resume: 'resumed',
  cancel: 'cancelled',
  start: 'started',
  complete: 'completed',
};

function refuse(planId: string, status: PlanStatus, action: PlanAction): never {
  const allowed = allowedPlanActions(status);
  throw new DomainError(
    'invalid_transition',
    `plan ${planId} is ${status}; it cannot be ${pastTense[action]}. Allowed now: ${allowed.length > 0 ? allowed.join(', ') : 'nothing'}`,
    { currentStatus: status, allowedActions: allowed },
  );
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

/** An event per assignment, and a `schedule_changed` per worker concerned (theirs, and `alsoChanged`: workers who lost work). */
export function assignmentEvents(
  planId: string,
  rows: { id: string; workerId: string; stationId: string; substationId: string; status: string; start: number; end: number; nodeId: string }[],
  change: string,
  alsoChanged: string[] = [],
): OutboxEvent[] {
  const events: OutboxEvent[] = rows.map((a) => ({
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
  }));
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
        `not enough material to release ${planId}: ${shortages.map((s) => `${s.materialCode} needs ${s.required}, ${s.available} available`).join('; ')}. Release with allowShortage to go ahead anyway`,
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
  const plan = await detail(trx, planId);
  const current = await listPlanAssignments(trx, planId, ['pending', 'ready', 'in_progress', 'paused', 'completed']);
  const dbIds = await repo.nodeDbIds(trx, planId);
  const nodeIdOf = new Map([...dbIds].map(([nodeId, id]) => [id, nodeId]));
  const now = opts.now.getTime();
  const fixed = new Map<string, FixedNode>();
  const pinned = new Map<string, PinnedNode>();
  const completed = new Set<string>();
  const replaced: typeof current = [];
  for (const a of current) {
    const nodeId = nodeIdOf.get(a.nodeId)!;
    if (a.status === 'completed') {
      completed.add(nodeId);
      fixed.set(nodeId, { end: (a.actualEnd ?? a.plannedEnd).getTime() });
    } else if (a.status === 'in_progress' || a.status === 'paused') {
      const end = Math.max(a.plannedEnd.getTime(), now);
      fixed.set(nodeId, { end, busy: { workerId: a.workerId, substationId: a.substationId, start: a.plannedStart.getTime(), end, label: a.id } });
    } else {
      if (a.pinned)
        pinned.set(nodeId, { workerId: a.workerId, stationId: a.stationId, substationId: a.substationId, notBefore: Math.max(a.plannedStart.getTime(), now) });
      replaced.push(a);
    }
  }
  const open = new Set(plan.nodes.map((n) => n.nodeId).filter((id) => !fixed.has(id)));
  if (open.size === 0) return undefined;
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
    now: opts.now,
    utcOffsetMinutes: opts.utcOffsetMinutes,
    budgetMs: opts.schedulerBudgetMs,
  });
  const ids = await insertAssignments(trx, planId, rows);
  const ends = [...rows.map((r) => r.end), ...[...fixed.values()].map((f) => f.end)];
  await repo.setPlannedEnd(trx, planId, new Date(Math.max(...ends)));
  await recordEvents(
    trx,
    [
      ...replaced.map((a) => cancelledEvent(planId, a, 'rescheduled')),
      ...assignmentEvents(
        planId,
        rows.map((r, i) => ({ ...r, id: ids[i]!, nodeId: nodeIdOf.get(r.nodeId)! })),
        'created',
        replaced.map((a) => a.workerId),
      ),
    ],
    opts.actor,
  );
  return stats;
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
      throw new DomainError('invalid_transition', `plan ${planId} is ${plan.status}; only released, in-production or paused plans can be rescheduled`, {
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
    await cancelAssignments(trx, ids, 'plan cancelled');
    const released = await releaseReservations(trx, planId, 'plan cancelled', opts.actor);
    await repo.setPlanStatus(trx, planId, locked.next, opts.now);
    const materials = released > 0 ? await materialsInLedgerOf(trx, planId) : [];
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
