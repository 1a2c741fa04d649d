/** /api/mes/production-plans/:id/{release,pause,resume,cancel,reschedule} */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Problem } from '../../shared/problem.schema.js';
import { currentUser, plannerRoles } from '../auth/index.js';
import { cancelPlan, type LifecycleOptions, pausePlan, releasePlan, reschedulePlan, resumePlan } from './lifecycle.service.js';
import { PlanParams, ReleaseBody, TransitionResult } from './plans.schema.js';

const tags = ['plan lifecycle'];
const response = { 200: TransitionResult, 404: Problem, 409: Problem, 422: Problem };

export const lifecycleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app.mes;
  const options = (request: FastifyRequest): LifecycleOptions => ({
    actor: currentUser(request).username,
    now: new Date(),
    utcOffsetMinutes: config.utcOffsetMinutes,
    schedulerBudgetMs: config.schedulerBudgetMs,
  });
  const route = { config: { roles: plannerRoles } };

  app.post(
    '/production-plans/:id/release',
    {
      schema: {
        tags,
        summary: 'Release a draft: reserve material, schedule every node, create assignments',
        description:
          'Refused with 409 and the short materials listed when stock is short, unless allowShortage is true; 422 naming the node when a node has no capable station or qualified worker.',
        params: PlanParams,
        body: ReleaseBody,
        response,
      },
      ...route,
    },
    async (request) => {
      const result = await releasePlan(db, request.params.id, request.body?.allowShortage ?? false, options(request));
      app.metrics.plansReleased.inc();
      if (result.schedule) app.metrics.schedulerDuration.observe(result.schedule.elapsedMs / 1000);
      return result;
    },
  );

  const simple = [
    ['pause', 'Pause: no new starts until resumed', pausePlan],
    ['resume', 'Resume a paused plan and re-plan what has not started', resumePlan],
    ['cancel', 'Cancel: release reservations and cancel open assignments', cancelPlan],
    ['reschedule', 'Re-plan every not-started assignment against current bookings; pinned ones keep their worker and substation', reschedulePlan],
  ] as const;
  for (const [action, summary, run] of simple) {
    app.post(`/production-plans/:id/${action}`, { schema: { tags, summary, params: PlanParams, response }, ...route }, async (request) => {
      const result = await run(db, request.params.id, options(request));
      if (result.schedule) app.metrics.schedulerDuration.observe(result.schedule.elapsedMs / 1000);
      return result;
    });
  }
};
