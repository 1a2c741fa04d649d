/**
 * Shop-floor actions that move an assignment without touching material:
 * start, pause, resume, report a problem; and a planner resolving a problem.
 * Each runs inside runAction: one transaction, rows locked, events recorded.
 */
import type { Db } from '../../db/database.js';
import { recordAlerts } from '../alerts/index.js';
import { recordEvents } from '../realtime/index.js';
import { DomainError, detail, m, messageOfDetail, notFound, type ProblemDetail } from '../../shared/errors.js';
import { movePlan, nextPlanStatus } from '../plans/index.js';
import { requireStartChecks } from '../quality/index.js';
import { bookPause, bookResume, bookStart, liveContext } from '../scheduling/index.js';
import { lockSubstation, occupySubstation } from '../stations/index.js';
import { lockWorkerForStart, occupyWorker, setStatusOfHolder } from '../workers/index.js';
import * as views from './assignment-views.repository.js';
import * as repo from './assignments.repository.js';
import { pausedMinutes, pauseProblems, seenBy, startRefusal, workerStatusAfter, workerStatusOnPause } from './assignments.rules.js';
import type { PauseBody, ProblemBody, ProblemView, ResolveBody } from './assignments.schema.js';
import { type ActionContext, type ActionOutcome, assignmentEvent, planEvent, runAction, substationEvent, workerEvent } from './assignments.service.js';

function ruleViolated(problems: ProblemDetail[]): DomainError {
  const first = problems[0]!;
  return new DomainError('rule_violated', messageOfDetail(first), { ...(first.field ? { field: first.field } : {}), errors: problems });
}

/**
 * Start: every predecessor completed, the worker holds no other task, the
 * substation is free, the plan released or in production. The worker becomes
 * busy with it, the substation in use; the plan's first start moves it to
 * in_production.
 */
export function startAssignment(db: Db, id: string, ctx: ActionContext): Promise<ActionOutcome> {
  return runAction(db, id, 'start', ctx, async (trx, t) => {
    const waitingFor = seenBy(t.user, await repo.waitingPredecessors(trx, t.nodeDbId));
    const worker = await lockWorkerForStart(trx, t.workerId, t.id);
    const substation = (await lockSubstation(trx, t.substationId))!;
    const refusal = startRefusal({
      assignmentId: t.id,
      status: t.status,
      planId: t.planId,
      planStatus: t.planStatus,
      waitingFor,
      workerId: t.workerId,
      workerTask: worker.otherTask,
      substation,
    });
    if (refusal) throw refusal;
    await requireStartChecks(trx, t.id);

    const rebooked = await bookStart(trx, t, liveContext(t, ctx));
    await repo.markStarted(trx, t.id, t.now, t.actor);
    await occupyWorker(trx, t.workerId, { assignmentId: t.id, planId: t.planId, nodeDbId: t.nodeDbId });
    await occupySubstation(trx, t.substationId, t.id);
    const events = [
      ...rebooked,
      assignmentEvent(t, 'started', { status: 'in_progress', from: t.status, actualStart: t.now.toISOString(), substationId: t.substationId }),
      workerEvent(t, workerStatusAfter.start, t.id),
      substationEvent(t, 'in_use', t.id),
    ];
    const next = nextPlanStatus(t.planStatus, 'start');
    if (next === 'in_production') {
      await movePlan(trx, t.planId, next, t.now);
      events.push(planEvent(t, 'started', next));
    }
    return { events };
  });
}

/** Pause with a reason: the worker keeps the task (on break, or busy with the cause), the substation stays in use. */
export function pauseAssignment(db: Db, id: string, body: PauseBody, ctx: ActionContext): Promise<ActionOutcome> {
  return runAction(db, id, 'pause', ctx, async (trx, t) => {
    const problems = pauseProblems(body);
    if (problems.length > 0) throw ruleViolated(problems);
    const note = body.note?.trim() ?? '';
    const pause = await repo.openPause(trx, { assignmentId: t.id, reason: body.reason, note, at: t.now, by: t.actor });
    await repo.setAssignmentStatus(trx, t.id, 'paused');
    const workerStatus = workerStatusOnPause(body.reason);
    await setStatusOfHolder(trx, t.id, workerStatus);
    const rebooked = await bookPause(trx, t, liveContext(t, ctx));
    return {
      events: [
        ...rebooked,
        assignmentEvent(t, 'paused', { status: 'paused', reason: body.reason, note, pauseId: pause.id }),
        workerEvent(t, workerStatus, t.id),
      ],
    };
  });
}

/** Resume: the open pause ends and counts into paused minutes; the worker is busy again. */
export function resumeAssignment(db: Db, id: string, ctx: ActionContext): Promise<ActionOutcome> {
  return runAction(db, id, 'resume', ctx, async (trx, t) => {
    const closed = await repo.closeOpenPause(trx, t.id, t.now);
    const paused = pausedMinutes(await repo.pauseTimes(trx, t.id), t.now);
    await repo.setAssignmentStatus(trx, t.id, 'in_progress', paused);
    await setStatusOfHolder(trx, t.id, workerStatusAfter.resume);
    const rebooked = await bookResume(trx, t, liveContext(t, ctx));
    return {
      events: [
        ...rebooked,
        assignmentEvent(t, 'resumed', { status: 'in_progress', pausedMinutes: paused, pauseId: closed?.id ?? null }),
        workerEvent(t, workerStatusAfter.resume, t.id),
      ],
    };
  });
}

/** Records a problem; no state changes. Answers 201 with the problem besides the assignment. */
export function reportProblem(db: Db, id: string, body: ProblemBody, ctx: ActionContext): Promise<ActionOutcome> {
  return runAction(
    db,
    id,
    'report-problem',
    ctx,
    async (trx, t) => {
      const text = body.text.trim();
      if (text.length === 0) throw ruleViolated([detail('body/text', m('problem.describe'))]);
      const problemId = await repo.insertProblem(trx, { assignmentId: t.id, planId: t.planId, category: body.category, text, by: t.actor, at: t.now });
      const problem = (await views.findProblem(trx, problemId))!;
      await recordAlerts(
        trx,
        [
          {
            kind: 'problem_reported',
            to: { role: 'planners' },
            planId: t.planId,
            assignmentId: t.id,
            problemId,
            params: {
              problemId,
              assignmentId: t.id,
              planId: t.planId,
              nodeId: problem.nodeId,
              nodeName: problem.nodeName,
              workerId: t.workerId,
              category: body.category,
              text,
              reportedBy: t.actor,
            },
          },
        ],
        t.actor,
      );
      return { events: [assignmentEvent(t, 'problem_reported', { problemId, category: body.category, status: t.status })], problem };
    },
    201,
  );
}

/**
 * A planner closes a problem with an optional resolution note; resolving twice is refused.
 * The operator who reported it (or, when a planner reported it on the worker's behalf, the worker) gets an alert naming who resolved it and when.
 */
export async function resolveProblem(
  db: Db,
  id: number,
  body: ResolveBody,
  resolver: { username: string; displayName: string },
  now: Date,
): Promise<ProblemView> {
  const actor = resolver.username;
  return db.transaction().execute(async (trx) => {
    const problem = await repo.lockProblem(trx, id);
    if (!problem) throw notFound('problem', String(id));
    if (problem.resolvedAt) {
      throw new DomainError('conflict', m('problem.already_resolved', { id, resolvedBy: problem.resolvedBy ?? '', at: problem.resolvedAt.toISOString() }), {
        resolvedBy: problem.resolvedBy,
      });
    }
    await repo.resolveProblem(trx, id, { by: actor, at: now, resolution: body.resolution?.trim() ?? '' });
    await recordEvents(
      trx,
      [
        {
          topic: 'assignments',
          entityType: 'assignment',
          entityId: problem.assignmentId,
          change: 'problem_resolved',
          planId: problem.planId,
          workerId: problem.workerId,
          stationId: problem.stationId,
          payload: { problemId: id },
        },
      ],
      actor,
    );
    const resolved = (await views.findProblem(trx, id))!;
    await recordAlerts(
      trx,
      [
        {
          kind: 'problem_resolved',
          to: { operatorUsername: resolved.reportedBy, elseWorkerId: problem.workerId },
          planId: problem.planId,
          assignmentId: problem.assignmentId,
          problemId: id,
          params: {
            problemId: id,
            assignmentId: problem.assignmentId,
            planId: problem.planId,
            nodeId: resolved.nodeId,
            nodeName: resolved.nodeName,
            category: resolved.category,
            resolvedBy: actor,
            resolvedByName: resolver.displayName || actor,
            resolvedAt: resolved.resolvedAt,
            resolution: resolved.resolution,
          },
        },
      ],
      actor,
    );
    return resolved;
  });
}
