/** /api/mes/production-plans/:id/shortfall, …/nodes/:nodeId/accept-short and …/nodes/:nodeId/remake (yield carried forward). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Problem } from '../../shared/problem.schema.js';
import { currentUser, plannerRoles } from '../auth/index.js';
import { PlanParams } from '../plans/plans.schema.js';
import { remakeStep } from './remake.service.js';
import { PlanNodeParams, RemakeBody, RemakeResult, ShortfallView } from './yield.schema.js';
import { acceptShort, getShortfall } from './yield.service.js';

const tags = ['plan lifecycle'];

export const yieldRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app.mes;
  const route = { config: { roles: plannerRoles } };

  app.get(
    '/production-plans/:id/shortfall',
    {
      schema: {
        tags,
        summary: 'Per step planned, expected, completed good and scrap quantities; per output material planned, expected and completed',
        params: PlanParams,
        response: { 200: ShortfallView, 404: Problem },
      },
      ...route,
    },
    async (request) => getShortfall(db, request.params.id),
  );

  app.post(
    '/production-plans/:id/nodes/:nodeId/accept-short',
    {
      schema: {
        tags,
        summary: 'Accept that a completed step delivered less: downstream keeps the lower expected quantity',
        description: '409 when the plan is not released or in production, the step is not completed, or nothing is short.',
        params: PlanNodeParams,
        response: { 200: ShortfallView, 404: Problem, 409: Problem },
      },
      ...route,
    },
    async (request) => acceptShort(db, request.params.id, request.params.nodeId, { actor: currentUser(request).username, now: new Date() }),
  );

  app.post(
    '/production-plans/:id/nodes/:nodeId/remake',
    {
      schema: {
        tags,
        summary: 'Add a remake step for what a completed step is missing, scheduled at once; its inputs are reserved',
        description:
          '409 when the plan is not released or in production, the step is not completed, nothing is short (no quantity given), or material is short and the plan does not allow shortage (naming the material); 422 naming body/quantity for a bad quantity.',
        params: PlanNodeParams,
        body: RemakeBody,
        response: { 201: RemakeResult, 400: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
      ...route,
    },
    async (request, reply) => {
      const result = await remakeStep(db, request.params.id, request.params.nodeId, request.body ?? {}, {
        actor: currentUser(request).username,
        now: new Date(),
        utcOffsetMinutes: config.utcOffsetMinutes,
        schedulerBudgetMs: config.schedulerBudgetMs,
      });
      return reply.code(201).send(result);
    },
  );
};
