/**
 * /api/mes/production-plans/archive and /:id/archive (the hourly job that
 * archives on its own is src/plugins/archive-job.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { defaultArchiveAfterDays } from '../../config.js';
import { Problem } from '../../shared/problem.schema.js';
import { currentUser, plannerRoles } from '../auth/index.js';
import { archiveFinishedPlans, archivePlan } from './archive.service.js';
import { PlanDetail, PlanParams } from './plans.schema.js';

const tags = ['production plans'];

export const ArchiveBody = Type.Object(
  {
    olderThanDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 36_500,
        description: 'finished (completed or cancelled) at least this many days ago; default MES_ARCHIVE_AFTER_DAYS or 90',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'at most this many plans in this run, oldest first' })),
  },
  { additionalProperties: false },
);

const ArchiveRunView = Type.Object({
  cutoff: Type.String({ format: 'date-time' }),
  archived: Type.Array(Type.String(), { description: 'plan codes archived by this run' }),
  remaining: Type.Integer({ description: 'eligible plans left for a later run' }),
});

export const archiveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app.mes;
  const defaultDays = config.archiveAfterDays ?? defaultArchiveAfterDays;

  app.post(
    '/production-plans/archive',
    {
      schema: {
        tags,
        summary: 'Archive finished plans older than a number of days',
        description:
          'Moves the graphs and assignments of completed or cancelled plans out of the hot tables, oldest first. Archived plans stay readable: GET /production-plans/:id (with archivedAt), export, duplicate, and the list with archived=true.',
        body: ArchiveBody,
        response: { 200: ArchiveRunView, 400: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request) =>
      archiveFinishedPlans(db, {
        olderThanDays: request.body?.olderThanDays ?? defaultDays,
        limit: request.body?.limit ?? 100,
        now: new Date(),
        actor: currentUser(request).username,
      }),
  );

  app.post(
    '/production-plans/:id/archive',
    {
      schema: {
        tags,
        summary: 'Archive one completed or cancelled plan now',
        params: PlanParams,
        response: { 200: PlanDetail, 404: Problem, 409: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request) => archivePlan(db, request.params.id, currentUser(request).username),
  );
};
