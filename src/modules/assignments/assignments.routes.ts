/**
 * /api/mes/worker-assignments: list, detail, a planner's move (PUT), and the
 * shop-floor actions start, pause, resume, complete, report-problem.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Page, pageArgs } from '../../shared/pagination.js';
import { Problem } from '../../shared/problem.schema.js';
import { anyRole, currentUser, plannerRoles } from '../auth/index.js';
import { MoveBody, MoveResult, pinAssignment } from '../scheduling/index.js';
import {
  ActionResult,
  AssignmentDetail,
  AssignmentListQuery,
  AssignmentParams,
  AssignmentSummary,
  CompleteBody,
  IdempotencyHeaders,
  PauseBody,
  ProblemBody,
} from './assignments.schema.js';
import { type ActionContext, type ActionOutcome, getAssignment, listAssignments } from './assignments.service.js';
import { completeAssignment } from './complete.service.js';
import { pauseAssignment, reportProblem, resumeAssignment, startAssignment } from './execution.service.js';

const tags = ['shop floor'];
const refusals = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem };

export const assignmentsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app.mes;
  const context = (request: FastifyRequest): ActionContext => {
    const key = request.headers['idempotency-key'];
    return {
      user: currentUser(request),
      now: () => new Date(),
      utcOffsetMinutes: config.utcOffsetMinutes,
      overrunStepMinutes: config.overrunStepMinutes,
      idempotencyKey: typeof key === 'string' ? key : undefined,
      requestBody: request.body,
    };
  };
  const send = (reply: FastifyReply, outcome: ActionOutcome) => {
    if (outcome.replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(outcome.statusCode).send(outcome.body);
  };

  app.get(
    '/worker-assignments',
    {
      schema: {
        tags,
        summary: 'List assignments in planned order (operators: their own)',
        description: 'Filters: planId, workerId, stationId, substationId, status (repeatable), from/to on the planned start.',
        querystring: AssignmentListQuery,
        response: { 200: Page(AssignmentSummary), 400: Problem, 401: Problem, 403: Problem },
      },
      config: { roles: anyRole },
    },
    async (request) => listAssignments(db, { ...request.query, ...pageArgs(request.query) }, currentUser(request)),
  );

  app.get(
    '/worker-assignments/:id',
    {
      schema: {
        tags,
        summary: 'One assignment: plan, node, station, worker, planned and actual times, quantities, pauses, problems',
        params: AssignmentParams,
        response: { 200: AssignmentDetail, 401: Problem, 403: Problem, 404: Problem },
      },
      config: { roles: anyRole },
    },
    async (request) => getAssignment(db, request.params.id, currentUser(request)),
  );

  const action = {
    headers: IdempotencyHeaders,
    params: AssignmentParams,
    response: { 200: ActionResult, ...refusals },
  };
  const who = 'Only the assigned worker, or a planner or admin on the worker’s behalf (recorded as onBehalfOf in the events).';

  app.post(
    '/worker-assignments/:id/start',
    {
      schema: {
        ...action,
        tags,
        summary: 'Start a task',
        description: `${who} Refused with 409 while a predecessor is not completed, while the worker has another task in progress or paused, while the substation is in use or under maintenance, or while the plan is not released or in production. The plan’s first start moves it to in_production.`,
      },
      config: { roles: anyRole },
    },
    async (request, reply) => {
      const outcome = await startAssignment(db, request.params.id, context(request));
      if (!outcome.replayed) app.metrics.tasksStarted.inc();
      return send(reply, outcome);
    },
  );

  app.post(
    '/worker-assignments/:id/pause',
    {
      schema: {
        ...action,
        tags,
        summary: 'Pause a task in progress, with a reason',
        description: `${who} The worker is on break and keeps the task; the substation stays in use. A note is required when the reason is other.`,
        body: PauseBody,
      },
      config: { roles: anyRole },
    },
    async (request, reply) => send(reply, await pauseAssignment(db, request.params.id, request.body, context(request))),
  );

  app.post(
    '/worker-assignments/:id/resume',
    {
      schema: { ...action, tags, summary: 'Resume a paused task', description: `${who} The pause ends and counts into paused minutes.` },
      config: { roles: anyRole },
    },
    async (request, reply) => send(reply, await resumeAssignment(db, request.params.id, context(request))),
  );

  app.post(
    '/worker-assignments/:id/complete',
    {
      schema: {
        ...action,
        tags,
        summary: 'Complete a task: report good and scrap, consume material, produce the output',
        description:
          `${who} Inputs consume their required quantity unless \`materials\` says otherwise; reservations made at release are released in full, so any difference returns to availability. ` +
          'The node’s output goes into stock in proportion to the good quantity: output.quantity × goodQuantity / node quantity, rounded to 3 decimals. ' +
          'Refused with 409 listing material, needed and in stock when stock would go below zero. Successors become ready when all their predecessors are completed; the last node completes the plan.',
        body: CompleteBody,
      },
      config: { roles: anyRole },
    },
    async (request, reply) => {
      const outcome = await completeAssignment(db, request.params.id, request.body, context(request));
      if (!outcome.replayed) app.metrics.tasksCompleted.inc();
      return send(reply, outcome);
    },
  );

  app.post(
    '/worker-assignments/:id/report-problem',
    {
      schema: {
        ...action,
        tags,
        summary: 'Report a problem with a task (changes no state)',
        body: ProblemBody,
        response: { 201: ActionResult, ...refusals },
      },
      config: { roles: anyRole },
    },
    async (request, reply) => send(reply, await reportProblem(db, request.params.id, request.body, context(request))),
  );

  app.put(
    '/worker-assignments/:id',
    {
      schema: {
        tags: ['plan lifecycle'],
        summary: 'Move a not-started assignment to another worker, station, substation or time; pins it against reschedules',
        params: AssignmentParams,
        body: MoveBody,
        response: { 200: MoveResult, 404: Problem, 409: Problem, 422: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request) =>
      pinAssignment(db, request.params.id, request.body, { actor: currentUser(request).username, now: new Date(), utcOffsetMinutes: config.utcOffsetMinutes }),
  );
};
