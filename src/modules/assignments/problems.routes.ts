/** /api/mes/problems: what operators reported, for planners; resolve one. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Page, pageArgs } from '../../shared/pagination.js';
import { Problem } from '../../shared/problem.schema.js';
import { currentUser, plannerRoles } from '../auth/index.js';
import { ProblemListQuery, ProblemParams, ProblemView, ResolveBody } from './assignments.schema.js';
import { listProblems } from './assignments.service.js';
import { resolveProblem } from './execution.service.js';

const tags = ['shop floor'];

export const problemsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.mes;
  const config = { roles: plannerRoles };

  app.get(
    '/problems',
    {
      schema: {
        tags,
        summary: 'Reported problems, newest first (filters: planId, assignmentId, open)',
        querystring: ProblemListQuery,
        response: { 200: Page(ProblemView), 400: Problem, 401: Problem, 403: Problem },
      },
      config,
    },
    async (request) => {
      const page = pageArgs(request.query);
      const { items, total } = await listProblems(db, { ...request.query, ...page });
      return { items, total, ...page };
    },
  );

  app.post(
    '/problems/:id/resolve',
    {
      schema: {
        tags,
        summary: 'Mark a problem resolved, with an optional note',
        params: ProblemParams,
        body: ResolveBody,
        response: { 200: ProblemView, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
      },
      config,
    },
    async (request) => resolveProblem(db, request.params.id, request.body ?? {}, currentUser(request), new Date()),
  );
};
