/**
 * Reads of shop-floor execution (assignment detail and list, a worker's
 * queue) and the frame every action runs in: one transaction that honours an
 * Idempotency-Key, locks plan → assignment (then the action locks worker,
 * substation, materials, in that order), checks who may act, records the
 * events and answers with the assignment and the worker's status.
 */
import { type Db, type Trx, withSavepoint } from '../../db/database.js';
import { lockScheduling } from '../../db/locks.js';
import { type OutboxEvent, recordEvents } from '../realtime/index.js';
import { english } from '../../i18n/index.js';
import { DomainError, m, type Message, notFound } from '../../shared/errors.js';
import type { PageOf } from '../../shared/pagination.js';
import type { SessionUser } from '../auth/index.js';
import { lockPlan } from '../plans/index.js';
import type { PlanStatus } from '../../shared/schema.js';
import { startHolds } from '../scheduling/index.js';
import { reportedStatus } from '../workers/index.js';
import * as views from './assignment-views.repository.js';
import * as repo from './assignments.repository.js';
import { type Acting, actingAs, type AssignmentAction, actionRefusal, mayRead, seenBy, startRefusal } from './assignments.rules.js';
import { WORKER_TASKS_LIMIT } from './assignments.schema.js';
import type { ActionResult, AssignmentDetail, AssignmentListQuery, AssignmentSummary, ProblemView, WorkerState, WorkerTasks } from './assignments.schema.js';
import * as idempotency from './idempotency.repository.js';

/** Reads that need nothing but the query. */
export { listProblems } from './assignment-views.repository.js';

/** When "now" is and the plant's offset from UTC (what off_shift is decided with). */
export interface Clock {
  now(): Date;
  utcOffsetMinutes: number;
}

export interface ActionContext extends Clock {
  user: SessionUser;
  idempotencyKey?: string | undefined;
  /** minutes an overrunning or paused booking grows by at a time (MES_OVERRUN_STEP_MINUTES) */
  overrunStepMinutes?: number | undefined;
  /** the request's body, as parsed: a retry under the same key must send the same */
  requestBody?: unknown;
}

export interface ActionOutcome {
  statusCode: number;
  body: ActionResult;
  /** true when an Idempotency-Key replay answered */
  replayed: boolean;
}

function forbidden(reason: Message): DomainError {
  return new DomainError('forbidden', m('assignment.own_tasks_only', { reason }));
}

// ---- reads ----------------------------------------------------------------------

export async function workerState(db: Db, workerId: string, clock: Clock): Promise<WorkerState | undefined> {
  const now = clock.now();
  const w = await views.findWorkerRecord(db, workerId, now);
  if (!w) return undefined;
  return {
    id: w.id,
    name: w.name,
    status: reportedStatus(w.status, w.calendar, now, clock.utcOffsetMinutes),
    currentAssignmentId: w.currentAssignmentId,
    currentPlanId: w.currentPlanId,
  };
}

export async function getAssignment(db: Db, id: string, user: SessionUser): Promise<AssignmentDetail> {
  const detail = await views.findAssignmentDetail(db, id);
  if (!detail) throw notFound('assignment', id);
  if (!mayRead(user, detail.workerId)) throw forbidden(m('assignment.belongs_to_worker', { assignmentId: id, workerId: detail.workerId }));
  return { ...detail, predecessors: seenBy(user, detail.predecessors) };
}

export async function listAssignments(
  db: Db,
  query: AssignmentListQuery & { limit: number; offset: number },
  user: SessionUser,
): Promise<PageOf<AssignmentSummary>> {
  let workerId = query.workerId;
  if (user.role === 'operator') {
    if (workerId !== undefined && workerId !== user.workerId) throw forbidden(m('worker.you_are_not', { you: user.workerId ?? '', workerId }));
    workerId = user.workerId ?? '';
  }
  const { items, total } = await views.listAssignments(db, { ...query, workerId });
  return { items, total, limit: query.limit, offset: query.offset };
}

/**
 * The head of the worker's queue (`limit` tasks, WORKER_TASKS_LIMIT by default), with what each pending task waits for and whether it
 * could start now, and how many open tasks there are in all. `word` says why a task cannot start in the reader's
 * language (English by default).
 */
export async function workerTasks(
  db: Db,
  workerId: string,
  user: SessionUser,
  clock: Clock,
  opts: { limit?: number; word?: (msg: Message) => string } = {},
): Promise<WorkerTasks> {
  const word = opts.word ?? english;
  if (!mayRead(user, workerId)) throw forbidden(m('worker.you_are_not', { you: user.workerId ?? '', workerId }));
  const worker = await views.findWorkerRecord(db, workerId, clock.now());
  if (!worker) throw notFound('worker', workerId);
  const { rows, total } = await views.findWorkerQueue(db, workerId, opts.limit ?? WORKER_TASKS_LIMIT);
  const workerTask = worker.currentAssignmentId ? { assignmentId: worker.currentAssignmentId, status: worker.currentStatus ?? 'in_progress' } : null;
  const now = clock.now();
  const tasks = rows.map(({ task: found, substationStatus, substationAssignmentId }) => {
    const task = { ...found, waitingFor: seenBy(user, found.waitingFor) };
    const refusal =
      task.status === 'in_progress' || task.status === 'paused'
        ? actionRefusal('start', { assignmentId: task.id, status: task.status, planId: task.planId, planStatus: task.planStatus })
        : startRefusal({
            assignmentId: task.id,
            status: task.status,
            planId: task.planId,
            planStatus: task.planStatus,
            waitingFor: task.waitingFor,
            workerId,
            workerTask,
            substation: { id: task.substationId, status: substationStatus, currentAssignmentId: substationAssignmentId },
          });
    return { task, refusal };
  });
  // a task the rules let start may still find its worker or substation held by a booking (as a start would): one read for them all
  const startable = tasks.filter((t) => t.refusal === undefined).map(({ task }) => task);
  const holds = await startHolds(db, workerId, startable, { now, utcOffsetMinutes: clock.utcOffsetMinutes });
  return {
    worker: {
      id: worker.id,
      name: worker.name,
      status: reportedStatus(worker.status, worker.calendar, now, clock.utcOffsetMinutes),
      currentAssignmentId: worker.currentAssignmentId,
      currentPlanId: worker.currentPlanId,
    },
    tasks: tasks.map(({ task, refusal }) => {
      const blocked = refusal?.msg ?? holds.get(task.id);
      return { ...task, canStart: blocked === undefined, startBlockedBy: blocked ? word(blocked) : null };
    }),
    total,
  };
}

// ---- the frame of every action ------------------------------------------------------

export interface ActionTarget extends repo.LockedAssignment {
  planStatus: PlanStatus;
  acting: Acting;
  /** username of who acts */
  actor: string;
  /** who acts, for what they may see in a refusal */
  user: SessionUser;
  now: Date;
}

export interface Performed {
  events: OutboxEvent[];
  problem?: ProblemView;
}

/**
 * Runs one action in one transaction. With an Idempotency-Key: the key is
 * locked first; a stored response for (key, user) is returned as it was
 * (422 if the key was used for another action, another assignment or another
 * request body); otherwise the action runs and its successful response is
 * stored in the same transaction.
 */
export async function runAction(
  db: Db,
  assignmentId: string,
  action: AssignmentAction,
  ctx: ActionContext,
  perform: (trx: Trx, target: ActionTarget) => Promise<Performed>,
  statusCode = 200,
): Promise<ActionOutcome> {
  const route = `${action} ${assignmentId}`;
  return db.transaction().execute(async (trx) => {
    const key = ctx.idempotencyKey;
    // only a request under a key is compared with a later one
    const requestHash = key !== undefined ? idempotency.requestHash(ctx.requestBody) : '';
    if (key !== undefined) {
      await idempotency.lockIdempotencyKey(trx, key);
      const stored = await idempotency.findStoredResponse(trx, key, ctx.user.id);
      if (stored) {
        if (stored.route !== route) {
          throw new DomainError('rule_violated', m('idempotency.other_route', { key, usedFor: stored.route, route }), {
            field: 'headers/idempotency-key',
          });
        }
        if (stored.requestHash !== null && stored.requestHash !== requestHash) {
          throw new DomainError('rule_violated', m('idempotency.other_body', { key, route }), { field: 'headers/idempotency-key' });
        }
        return { statusCode: stored.statusCode, body: stored.response as ActionResult, replayed: true };
      }
    }

    const owner = await repo.findAssignmentOwner(trx, assignmentId);
    if (!owner) throw notFound('assignment', assignmentId);
    // refuse strangers before taking any lock; checked again on the locked row (a planner may have moved it)
    if (!actingAs(ctx.user, owner.workerId)) throw forbidden(m('assignment.assigned_to_worker', { assignmentId, workerId: owner.workerId }));
    // start, pause, resume and complete move live bookings and repair others: serialized with release, moves and reschedules
    if (action !== 'report-problem') await lockScheduling(trx);
    // lock order (src/db/locks.ts): the plan, then the assignment; the action takes worker, substation and materials after
    const plan = (await lockPlan(trx, owner.planId))!;
    const locked = await repo.lockAssignment(trx, assignmentId);
    const acting = actingAs(ctx.user, locked.workerId);
    if (!acting) throw forbidden(m('assignment.assigned_to_worker', { assignmentId, workerId: locked.workerId }));
    const target: ActionTarget = { ...locked, planStatus: plan.status, acting, actor: ctx.user.username, user: ctx.user, now: ctx.now() };
    // what every answer carries: the assignment and its worker as they are now
    const stateNow = async (): Promise<ActionResult> => ({
      assignment: (await views.findAssignmentDetail(trx, assignmentId))!,
      worker: (await workerState(trx, locked.workerId, ctx))!,
    });
    // a refused action answers with the state it met, so the tablet can show it without asking again
    const withCurrentState = async (error: unknown): Promise<never> => {
      if (!(error instanceof DomainError) || (error.kind !== 'conflict' && error.kind !== 'invalid_transition')) throw error;
      throw new DomainError(error.kind, error.msg, { ...error.extra, current: await stateNow() });
    };
    if (action !== 'start') {
      const refusal = actionRefusal(action, { assignmentId, status: locked.status, planId: locked.planId, planStatus: plan.status });
      if (refusal) await withCurrentState(refusal);
    }

    // an action may write before it finds a reason to refuse (a completion short of stock): undo that before reading the state
    let performed: Performed;
    try {
      performed = await withSavepoint(trx, 'action', () => perform(trx, target));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return withCurrentState(error);
    }
    const { events, problem } = performed;
    const onBehalfOf = acting === 'on_behalf' ? { onBehalfOf: locked.workerId } : {};
    await recordEvents(
      trx,
      events.map((e) => ({ ...e, payload: { ...e.payload, ...onBehalfOf } })),
      ctx.user.username,
    );

    const body: ActionResult = { ...(await stateNow()), ...(problem ? { problem } : {}) };
    if (key !== undefined) {
      await idempotency.storeResponse(trx, { key, userId: ctx.user.id, route, requestHash, statusCode, response: body });
      await idempotency.pruneExpiredKeys(trx);
    }
    return { statusCode, body, replayed: false };
  });
}

// ---- event helpers shared by the actions ------------------------------------------------

export function assignmentEvent(t: ActionTarget, change: string, payload: Record<string, unknown>): OutboxEvent {
  return {
    topic: 'assignments',
    entityType: 'assignment',
    entityId: t.id,
    change,
    planId: t.planId,
    workerId: t.workerId,
    stationId: t.stationId,
    payload: { nodeId: t.nodeId, ...payload },
  };
}

export function workerEvent(t: ActionTarget, status: string, assignmentId: string | null): OutboxEvent {
  return {
    topic: 'workers',
    entityType: 'worker',
    entityId: t.workerId,
    change: 'status_changed',
    planId: t.planId,
    workerId: t.workerId,
    payload: { status, assignmentId },
  };
}

export function substationEvent(t: ActionTarget, status: string, assignmentId: string | null): OutboxEvent {
  return {
    topic: 'stations',
    entityType: 'substation',
    entityId: t.substationId,
    change: 'status_changed',
    planId: t.planId,
    stationId: t.stationId,
    payload: { status, assignmentId },
  };
}

export function planEvent(t: ActionTarget, change: string, status: PlanStatus): OutboxEvent {
  return { topic: 'plans', entityType: 'plan', entityId: t.planId, change, planId: t.planId, payload: { status, from: t.planStatus, assignmentId: t.id } };
}
