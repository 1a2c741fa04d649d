/**
 * Gantt-ready schedules (GET /production-plans/:id/schedule, GET /workers/:id/schedule)
 * and planner pins (PUT /worker-assignments/:id).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError, notFound } from '../../shared/errors.js';
import { Problem } from '../../shared/problem.schema.js';
import { currentUser, plannerRoles } from '../auth/auth.hooks.js';
import { pinAssignment } from './pin.service.js';
import { PlanParams, StationId, SubstationId, WorkerId } from './plans.schema.js';
import { archivedPlanBars, planBars, type ScheduleBar, workerBars } from './schedule.repository.js';
import { groupByStation, groupByWorker } from './schedule.rules.js';

const DateTime = Type.String({ format: 'date-time' });
const Bar = Type.Object({
  assignmentId: Type.String(), planId: Type.String(), nodeId: Type.String(), name: Type.String(), operationId: Type.String(), status: Type.String(),
  workerId: Type.String(), workerName: Type.String(), stationId: Type.String(), stationName: Type.String(), substationId: Type.String(), substationName: Type.String(),
  plannedStart: DateTime, plannedEnd: DateTime, actualStart: Type.Union([DateTime, Type.Null()]), actualEnd: Type.Union([DateTime, Type.Null()]),
  pinned: Type.Boolean(), waitReason: Type.Union([Type.String(), Type.Null()]),
});
const PlanSchedule = Type.Object({
  planId: Type.String(),
  stations: Type.Array(Type.Object({ stationId: Type.String(), stationName: Type.String(), substations: Type.Array(Type.Object({ substationId: Type.String(), substationName: Type.String(), bars: Type.Array(Bar) })) })),
  workers: Type.Array(Type.Object({ workerId: Type.String(), workerName: Type.String(), bars: Type.Array(Bar) })),
});
const WorkerSchedule = Type.Object({ workerId: Type.String(), from: DateTime, to: DateTime, bars: Type.Array(Bar) });
const PinBody = Type.Object(
  { workerId: Type.Optional(WorkerId), stationId: Type.Optional(StationId), substationId: Type.Optional(SubstationId), plannedStart: Type.Optional(DateTime) },
  { additionalProperties: false, minProperties: 1 },
);
const PinResult = Type.Object({
  id: Type.String(), planId: Type.String(), nodeId: Type.String(), workerId: Type.String(), stationId: Type.String(), substationId: Type.String(),
  plannedStart: DateTime, plannedEnd: DateTime, workMinutes: Type.Number(), pinned: Type.Boolean(),
});

export const scheduleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app.mes;

  app.get(
    '/production-plans/:id/schedule',
    { schema: { tags: ['plan lifecycle'], summary: "The plan's assignments as Gantt rows, by station/substation and by worker", params: PlanParams, response: { 200: PlanSchedule, 404: Problem } } },
    async (request) => {
      const plan = await db.selectFrom('mes.production_plans').select(['id', 'archived_at']).where('id', '=', request.params.id).executeTakeFirst();
      if (!plan) throw notFound('plan', request.params.id);
      const bars: ScheduleBar[] = plan.archived_at ? await archivedPlanBars(db, plan.id) : await planBars(db, plan.id);
      return { planId: request.params.id, stations: groupByStation(bars), workers: groupByWorker(bars) };
    },
  );

  app.get(
    '/workers/:id/schedule',
    {
      schema: {
        tags: ['plan lifecycle'],
        summary: "A worker's bookings across plans in a time range (default: yesterday to two weeks ahead)",
        params: Type.Object({ id: Type.String({ maxLength: 50 }) }),
        querystring: Type.Object({ from: Type.Optional(DateTime), to: Type.Optional(DateTime) }, { additionalProperties: false }),
        response: { 200: WorkerSchedule, 403: Problem, 404: Problem },
      },
    },
    async (request) => {
      const user = currentUser(request);
      if (user.role === 'operator' && user.workerId !== request.params.id) throw new DomainError('forbidden', 'operators see only their own schedule');
      const worker = await db.selectFrom('mes.workers').select('id').where('id', '=', request.params.id).executeTakeFirst();
      if (!worker) throw notFound('worker', request.params.id);
      const from = request.query.from ? new Date(request.query.from) : new Date(Date.now() - 86_400_000);
      const to = request.query.to ? new Date(request.query.to) : new Date(Date.now() + 14 * 86_400_000);
      return { workerId: worker.id, from: from.toISOString(), to: to.toISOString(), bars: await workerBars(db, worker.id, from, to) };
    },
  );

  app.put(
    '/worker-assignments/:id',
    {
      schema: {
        tags: ['plan lifecycle'],
        summary: 'Move a not-started assignment to another worker, station, substation or time; pins it against reschedules',
        params: Type.Object({ id: Type.String({ maxLength: 50 }) }),
        body: PinBody,
        response: { 200: PinResult, 404: Problem, 409: Problem, 422: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request) => pinAssignment(db, request.params.id, request.body, { actor: currentUser(request).username, now: new Date(), utcOffsetMinutes: config.utcOffsetMinutes }),
  );
};
