/** The worker portal's queue: GET /api/mes/workers/:id/tasks */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { localeFor, translate } from '../../i18n/index.js';
import { Problem } from '../../shared/problem.schema.js';
import { anyRole, currentUser } from '../auth/index.js';
import { WorkerParams, WorkerTasks, WorkerTasksQuery } from './assignments.schema.js';
import { workerTasks } from './assignments.service.js';

export const portalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app.mes;

  app.get(
    '/workers/:id/tasks',
    {
      schema: {
        tags: ['shop floor'],
        summary: "A worker's queue: the current task, then ready, then pending ones with what they wait for",
        description:
          'Each task carries plan, work order, operation, station and substation, planned and actual times, quantity, material inputs and the planner’s note; ' +
          'canStart and startBlockedBy say whether start would be accepted now. Operators read only their own queue. ' +
          'The queue is cut after `limit` tasks (50 by default); `total` counts them all.',
        params: WorkerParams,
        querystring: WorkerTasksQuery,
        response: { 200: WorkerTasks, 401: Problem, 403: Problem, 404: Problem },
      },
      config: { roles: anyRole },
    },
    async (request) => {
      const user = currentUser(request);
      const locale = localeFor(user.locale, request.headers['accept-language']);
      const clock = { now: () => new Date(), utcOffsetMinutes: config.utcOffsetMinutes };
      return workerTasks(db, request.params.id, user, clock, { limit: request.query.limit, word: (msg) => translate(msg, locale) });
    },
  );
};
