/** POST /api/mes/schedule/reschedule: reschedule the floor (several plans together), or compare only (?dryRun=true). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Problem } from '../../shared/problem.schema.js';
import { currentUser, plannerRoles } from '../auth/index.js';
import { FloorRescheduleBody, FloorRescheduleQuery, FloorRescheduleResult } from './floor.schema.js';
import { rescheduleFloor } from './floor.service.js';

export const floorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app.mes;
  app.post(
    '/schedule/reschedule',
    {
      schema: {
        tags: ['plan lifecycle'],
        summary: 'Reschedule the floor: the not-started steps of several plans together, by due date and priority',
        description:
          'Default: every released or in-production plan. Started steps, future pins (with the steps before them) and other plans stay. The current schedule is kept unless the new one is at least as good (weighted tardiness, then makespan). dryRun=true compares and writes nothing. 422 naming planIds/i for an unknown, draft, completed or cancelled plan.',
        querystring: FloorRescheduleQuery,
        body: FloorRescheduleBody,
        response: { 200: FloorRescheduleResult, 400: Problem, 409: Problem, 422: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request) => {
      const result = await rescheduleFloor(db, request.body?.planIds, {
        actor: currentUser(request).username,
        now: new Date(),
        utcOffsetMinutes: config.utcOffsetMinutes,
        budgetMs: config.rescheduleBudgetMs,
        dryRun: request.query.dryRun ?? false,
      });
      return result;
    },
  );
};
