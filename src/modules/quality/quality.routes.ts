/**
 * Quality checks: an operation's inspection plan, results recorded on an
 * assignment, a plan's results and its CSV inspection report, and
 * non-conformance records with their approval.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Problem } from '../../shared/problem.schema.js';
import { anyRole, currentUser, plannerRoles } from '../auth/index.js';
import { AssignmentParams, IdempotencyHeaders } from '../assignments/assignments.schema.js';
import { PlanParams } from '../plans/plans.schema.js';
import { inspectionReportCsv } from './inspection-report.service.js';
import { getAssignmentInspection, getInspectionPlan, getPlanInspection, putInspectionPlan, recordResults } from './inspection.service.js';
import { approveNonconformance, type NcrContext, openNonconformance, planNonconformances } from './nonconformance.service.js';
import {
  AssignmentInspection,
  HistoryQuery,
  InspectionPlan,
  InspectionPlanBody,
  Nonconformance,
  NonconformanceBody,
  NonconformanceList,
  NonconformanceParams,
  OperationParams,
  PlanInspection,
  ResultsBody,
} from './quality.schema.js';

const tags = ['quality'];
const refusals = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem };

export const qualityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app.mes;
  const ncrContext = (request: Parameters<typeof currentUser>[0]): NcrContext => ({
    user: currentUser(request),
    now: new Date(),
    scheduling: { utcOffsetMinutes: config.utcOffsetMinutes, budgetMs: config.schedulerBudgetMs },
  });

  app.get(
    '/operations/:id/inspection-plan',
    {
      schema: {
        tags,
        summary: 'The operation’s inspection plan: its check items in order',
        params: OperationParams,
        response: { 200: InspectionPlan, 404: Problem },
      },
      config: { roles: anyRole },
    },
    async (request) => getInspectionPlan(db, request.params.id),
  );

  app.put(
    '/operations/:id/inspection-plan',
    {
      schema: {
        tags,
        summary: 'Replace the operation’s inspection plan',
        description:
          'Items in the order given. An item sent with its id is kept; changed after values were recorded against it, it is retired and added anew, so recorded values keep the spec they were measured against. Items left out are deleted (retired when referred to). ' +
          'A measurement needs nominal, lowerTolerance, upperTolerance (signed deviations from the nominal) and unit; other kinds none of these and one sample.',
        params: OperationParams,
        body: InspectionPlanBody,
        response: { 200: InspectionPlan, 400: Problem, 404: Problem, 422: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request) => putInspectionPlan(db, request.params.id, request.body, new Date()),
  );

  app.get(
    '/worker-assignments/:id/inspection-results',
    {
      schema: {
        tags,
        summary: 'The checks of an assignment’s step, their current values, and whether start and completion may go ahead',
        params: AssignmentParams,
        querystring: HistoryQuery,
        response: { 200: AssignmentInspection, 400: Problem, 403: Problem, 404: Problem },
      },
      config: { roles: anyRole },
    },
    async (request) => getAssignmentInspection(db, request.params.id, currentUser(request), request.query.history ?? false),
  );

  app.post(
    '/worker-assignments/:id/inspection-results',
    {
      schema: {
        tags,
        summary: 'Record check values of an assignment',
        description:
          'Only the assigned worker, or a planner or admin on the worker’s behalf. A value recorded again for the same item and sample replaces the current one; the old one stays as history. ' +
          'A value that does not fit its item (a measurement that is not a number, a sample past the item’s count, an item of another operation) refuses the request with 422 naming the field; nothing is written.',
        headers: IdempotencyHeaders,
        params: AssignmentParams,
        body: ResultsBody,
        response: { 200: AssignmentInspection, ...refusals },
      },
      config: { roles: anyRole },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const outcome = await recordResults(db, request.params.id, request.body, {
        user: currentUser(request),
        now: new Date(),
        idempotencyKey: typeof key === 'string' ? key : undefined,
        requestBody: request.body,
      });
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(outcome.statusCode).send(outcome.body);
    },
  );

  app.get(
    '/production-plans/:id/inspection-results',
    {
      schema: { tags, summary: 'The checks and current values of every step of a plan', params: PlanParams, response: { 200: PlanInspection, 404: Problem } },
      config: { roles: plannerRoles },
    },
    async (request) => getPlanInspection(db, request.params.id),
  );

  app.get(
    '/production-plans/:id/inspection-report.csv',
    {
      schema: {
        tags,
        summary: 'The plan’s inspection report as CSV (RFC 4180)',
        description: 'One row per sample of every check of every step: spec (nominal, tolerances, limits, unit), value, OK / NOT OK / MISSING, who and when.',
        params: PlanParams,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'text/csv' }), 404: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request, reply) => {
      const { filename, csv } = await inspectionReportCsv(db, request.params.id);
      return reply
        .header('content-type', 'text/csv; charset=utf-8; header=present')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(csv);
    },
  );

  app.post(
    '/worker-assignments/:id/nonconformances',
    {
      schema: {
        tags,
        summary: 'Open a non-conformance on an assignment: quantity, failed items, disposition (scrap, rework, use as is)',
        description:
          'The assigned worker, or a planner or admin. Opened by a planner or admin it is approved at once; an approved rework adds a rework step (a copy of the step for the quantity) and books it now.',
        params: AssignmentParams,
        body: NonconformanceBody,
        response: { 201: Nonconformance, ...refusals },
      },
      config: { roles: anyRole },
    },
    async (request, reply) => reply.code(201).send(await openNonconformance(db, request.params.id, request.body, ncrContext(request))),
  );

  app.post(
    '/nonconformances/:code/approve',
    {
      schema: {
        tags,
        summary: 'Approve a non-conformance’s disposition',
        description: 'A rework adds and books the rework step; a use-as-is lets the accepted quantity be completed as good.',
        params: NonconformanceParams,
        response: { 200: Nonconformance, 404: Problem, 409: Problem, 422: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request) => approveNonconformance(db, request.params.code, ncrContext(request)),
  );

  app.get(
    '/production-plans/:id/nonconformances',
    {
      schema: { tags, summary: 'The plan’s non-conformance records', params: PlanParams, response: { 200: NonconformanceList, 404: Problem } },
      config: { roles: plannerRoles },
    },
    async (request) => planNonconformances(db, request.params.id),
  );
};
