/**
 * Inspection plans on operations, results recorded on assignments, and the
 * reads of both (a step's checks, a plan's results). Recording runs like the
 * other floor actions: one transaction, the Idempotency-Key honoured, plan
 * then assignment locked, only the assigned operator (or a planner or admin
 * on the worker's behalf).
 */
import type { Db } from '../../db/database.js';
import { detail as detailOf, DomainError, m, notFound, type ProblemDetail, summaryOf } from '../../shared/errors.js';
import type { SessionUser } from '../auth/index.js';
import {
  actingAs,
  findStoredResponse,
  lockAssignment,
  lockIdempotencyKey,
  mayRead,
  pruneExpiredKeys,
  requestHash,
  storeResponse,
} from '../assignments/index.js';
import { lockPlan } from '../plans/index.js';
import { recordEvents } from '../realtime/index.js';
import * as repo from './inspection.repository.js';
import { inspectionStateOf } from './inspection-state.service.js';
import { inspectionPlanProblems, isProblem, readValue, sameSpec, specOf, type ItemSpec, type StoredValue } from './quality.rules.js';
import type { AssignmentInspection, InspectionItem, InspectionPlan, InspectionPlanBody, PlanInspection, ResultsBody } from './quality.schema.js';

const refused = (problems: ProblemDetail[]) => new DomainError('rule_violated', summaryOf(problems), { field: problems[0]!.field, errors: problems });

// ---- inspection plans -------------------------------------------------------------------

export async function getInspectionPlan(db: Db, operationId: string): Promise<InspectionPlan> {
  if (!(await repo.operationExists(db, operationId))) throw notFound('operation', operationId);
  return { operationId, items: await repo.inspectionPlanOf(db, operationId) };
}

const specOfItem = (i: InspectionItem): ItemSpec => ({
  kind: i.kind,
  label: i.label,
  requiredAt: i.requiredAt,
  nominal: i.nominal,
  lowerTolerance: i.lowerTolerance,
  upperTolerance: i.upperTolerance,
  unit: i.unit,
  samples: i.samples,
});

/**
 * Replaces the operation's inspection plan with `items`, in their order. An
 * item given with its id is kept when unchanged; changed, it is updated in
 * place if nothing was recorded against it, else retired and added anew (a
 * recorded value keeps the spec it was measured against). Items left out are
 * deleted, or retired when something refers to them.
 */
export async function putInspectionPlan(db: Db, operationId: string, body: InspectionPlanBody, now: Date): Promise<InspectionPlan> {
  return db.transaction().execute(async (trx) => {
    if (!(await repo.operationExists(trx, operationId))) throw notFound('operation', operationId);
    await repo.lockInspectionPlan(trx, operationId);
    const existing = await repo.inspectionPlanOf(trx, operationId);
    const byId = new Map(existing.map((i) => [i.id, i]));
    const problems = inspectionPlanProblems(body.items, new Set(byId.keys()));
    if (problems.length > 0) throw refused(problems);

    const specs = body.items.map(specOf);
    const keptIds = new Set(body.items.flatMap((i) => (i.id !== undefined ? [i.id] : [])));
    const referenced = new Set([...(await repo.itemsWithResults(trx, [...byId.keys()])), ...(await repo.itemsInNonconformances(trx, [...byId.keys()]))]);
    const leaving = existing.filter((i) => !keptIds.has(i.id)).map((i) => i.id);
    const changedReferenced = body.items.flatMap((input, k) =>
      input.id !== undefined && referenced.has(input.id) && !sameSpec(specOfItem(byId.get(input.id)!), specs[k]!) ? [input.id] : [],
    );
    await repo.retireItems(trx, [...leaving.filter((id) => referenced.has(id)), ...changedReferenced], now);
    await repo.deleteItems(
      trx,
      leaving.filter((id) => !referenced.has(id)),
    );
    const replaced = new Set(changedReferenced);
    for (const [k, input] of body.items.entries()) {
      const position = k + 1;
      if (input.id !== undefined && !replaced.has(input.id)) await repo.updateItem(trx, input.id, position, specs[k]!);
      else await repo.insertItem(trx, operationId, position, specs[k]!);
    }
    return { operationId, items: await repo.inspectionPlanOf(trx, operationId) };
  });
}

// ---- reads ------------------------------------------------------------------------------

export async function getAssignmentInspection(db: Db, assignmentId: string, user: SessionUser, history = false): Promise<AssignmentInspection> {
  const step = await repo.assignmentStep(db, assignmentId);
  if (!step) throw notFound('assignment', assignmentId);
  if (!mayRead(user, step.workerId)) {
    throw new DomainError(
      'forbidden',
      m('assignment.own_tasks_only', { reason: m('assignment.belongs_to_worker', { assignmentId, workerId: step.workerId }) }),
    );
  }
  const { states: _states, ...state } = await inspectionStateOf(db, step);
  return history ? { ...state, history: await repo.resultsOf(db, [assignmentId], true) } : state;
}

export async function getPlanInspection(db: Db, planId: string): Promise<PlanInspection> {
  if (!(await repo.planHeader(db, planId))) throw notFound('plan', planId);
  const steps = await repo.planSteps(db, planId);
  const plans = await repo.itemsOfOperations(db, [...new Set(steps.map((s) => s.operationId))]);
  const results = await repo.resultsOf(
    db,
    steps.map((s) => s.assignmentId),
  );
  return {
    planId,
    steps: await Promise.all(
      steps.map(async (s) => {
        const items = plans.get(s.operationId)!;
        const state = await inspectionStateOf(
          db,
          { id: s.assignmentId, operationId: s.operationId, nodeQuantity: 0 },
          items,
          results.filter((r) => r.assignmentId === s.assignmentId),
        );
        return {
          nodeId: s.nodeId,
          nodeName: s.nodeName,
          assignmentId: s.assignmentId,
          assignmentStatus: s.assignmentStatus,
          operationId: s.operationId,
          items: state.items,
        };
      }),
    ),
  };
}

// ---- recording ---------------------------------------------------------------------------

export interface RecordContext {
  user: SessionUser;
  now: Date;
  idempotencyKey?: string | undefined;
  requestBody?: unknown;
}

/** The statuses in which checks may be recorded: the step is not over. */
const recordable = new Set(['pending', 'ready', 'in_progress', 'paused']);

/**
 * Records values for the assignment's checks. Every value is read against its
 * item first; one that does not fit (a measurement that is not a number, a
 * sample past the item's count, an item of another operation) refuses the
 * whole request with 422 naming `body/results/i/…`, and nothing is written.
 */
export async function recordResults(
  db: Db,
  assignmentId: string,
  body: ResultsBody,
  ctx: RecordContext,
): Promise<{ statusCode: number; body: AssignmentInspection; replayed: boolean }> {
  const route = `inspect ${assignmentId}`;
  return db.transaction().execute(async (trx) => {
    const key = ctx.idempotencyKey;
    const hash = key !== undefined ? requestHash(ctx.requestBody) : '';
    if (key !== undefined) {
      await lockIdempotencyKey(trx, key);
      const stored = await findStoredResponse(trx, key, ctx.user.id);
      if (stored) {
        if (stored.route !== route) {
          throw new DomainError('rule_violated', m('idempotency.other_route', { key, usedFor: stored.route, route }), { field: 'headers/idempotency-key' });
        }
        if (stored.requestHash !== null && stored.requestHash !== hash) {
          throw new DomainError('rule_violated', m('idempotency.other_body', { key, route }), { field: 'headers/idempotency-key' });
        }
        return { statusCode: stored.statusCode, body: stored.response as AssignmentInspection, replayed: true };
      }
    }
    const step = await repo.assignmentStep(trx, assignmentId);
    if (!step) throw notFound('assignment', assignmentId);
    const forbidden = () =>
      new DomainError('forbidden', m('assignment.own_tasks_only', { reason: m('assignment.assigned_to_worker', { assignmentId, workerId: step.workerId }) }));
    if (!actingAs(ctx.user, step.workerId)) throw forbidden();
    // lock order (src/db/locks.ts): the plan, then the assignment
    await lockPlan(trx, step.planId);
    const locked = await lockAssignment(trx, assignmentId);
    const acting = actingAs(ctx.user, locked.workerId);
    if (!acting) throw forbidden();
    if (!recordable.has(locked.status)) {
      throw new DomainError('invalid_transition', m('inspection.not_recordable', { assignmentId, status: locked.status }), { currentStatus: locked.status });
    }

    const items = new Map((await repo.inspectionPlanOf(trx, step.operationId)).map((i) => [i.id, i]));
    const problems: ProblemDetail[] = [];
    const values: { itemId: number; kind: InspectionItem['kind']; sample: number; value: StoredValue }[] = [];
    const seen = new Set<string>();
    body.results.forEach((r, i) => {
      const at = (field: string) => `body/results/${i}/${field}`;
      const item = items.get(r.itemId);
      if (!item) {
        problems.push(detailOf(at('itemId'), m('inspection.item_not_of_step', { itemId: r.itemId, operationId: step.operationId })));
        return;
      }
      const sample = r.sample ?? 1;
      if (sample > item.samples) {
        problems.push(detailOf(at('sample'), m('inspection.sample_out_of_range', { label: item.label, sample, samples: item.samples })));
        return;
      }
      if (seen.has(`${item.id}/${sample}`)) {
        problems.push(detailOf(at('sample'), m('inspection.sample_twice', { label: item.label, sample })));
        return;
      }
      seen.add(`${item.id}/${sample}`);
      const value = readValue(item, r.value, at('value'));
      if (isProblem(value)) problems.push(value);
      else values.push({ itemId: item.id, kind: item.kind, sample, value });
    });
    if (problems.length > 0) throw refused(problems);

    for (const v of values) await repo.recordResult(trx, { assignmentId, ...v, by: ctx.user.username, at: ctx.now });
    const { states: _states, ...state } = await inspectionStateOf(trx, step);
    await recordEvents(
      trx,
      [
        {
          topic: 'assignments',
          entityType: 'assignment',
          entityId: assignmentId,
          change: 'inspection_recorded',
          planId: step.planId,
          workerId: step.workerId,
          payload: {
            nodeId: step.nodeId,
            recorded: values.length,
            failed: values.filter((v) => !v.value.ok).length,
            startReady: state.startReady,
            completionReady: state.completionReady,
            ...(acting === 'on_behalf' ? { onBehalfOf: step.workerId } : {}),
          },
        },
      ],
      ctx.user.username,
    );
    if (key !== undefined) {
      await storeResponse(trx, { key, userId: ctx.user.id, route, requestHash: hash, statusCode: 200, response: state });
      await pruneExpiredKeys(trx);
    }
    return { statusCode: 200, body: state, replayed: false };
  });
}
