/** /api/mes/workers (with a worker's bookings across plans) and /api/mes/shift-calendars */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Page, pageArgs } from '../../shared/pagination.js';
import { Problem } from '../../shared/problem.schema.js';
import { anyRole, currentUser, plannerRoles } from '../auth/index.js';
import { WorkerGantt, WorkerGanttQuery, workerGantt } from '../scheduling/index.js';
import {
  IdParams,
  ShiftCalendar,
  ShiftCalendarCreate,
  ShiftCalendarListQuery,
  ShiftCalendarReplace,
  Worker,
  WorkerCreate,
  WorkerListQuery,
  WorkerUpdate,
} from './workers.schema.js';
import * as service from './workers.service.js';

const tags = ['master data'];
const read = { 400: Problem, 401: Problem };
const write = { 400: Problem, 401: Problem, 403: Problem };

export const workersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config: appConfig } = app.mes;
  const config = { roles: plannerRoles };
  const clock = (): service.ShiftClock => ({ now: new Date(), utcOffsetMinutes: appConfig.utcOffsetMinutes });

  app.get(
    '/workers',
    {
      schema: {
        tags,
        summary: 'List workers (filters: q, stationId, operationId, status, e.g. status=available&stationId=ST-001 for the available workers of a station)',
        querystring: WorkerListQuery,
        response: { 200: Page(Worker), ...read },
      },
      config: { roles: plannerRoles },
    },
    async (request) => service.listWorkers(db, { ...request.query, ...pageArgs(request.query) }, clock()),
  );

  app.get(
    '/workers/:id',
    {
      schema: { tags, summary: 'One worker with shift calendar, status and current task', params: IdParams, response: { 200: Worker, ...read, 404: Problem } },
      config: { roles: anyRole },
    },
    async (request) => service.getWorker(db, request.params.id, clock(), currentUser(request)),
  );

  app.post(
    '/workers',
    { schema: { tags, summary: 'Create a worker', body: WorkerCreate, response: { 201: Worker, ...write, 409: Problem, 422: Problem } }, config },
    async (request, reply) => reply.code(201).send(await service.createWorker(db, request.body, currentUser(request).username, clock())),
  );

  app.patch(
    '/workers/:id',
    {
      schema: {
        tags,
        summary: 'Change a worker; stationIds and operationIds replace the lists (refused when open assignments need a removed one)',
        description:
          "Another shiftCalendarId repairs the worker's not-started bookings that now lie outside its shifts in the same transaction (moved to the next time they fit, what they push follows; repaired events, a task_moved alert; a pinned one stays, reported as repair_blocked).",
        params: IdParams,
        body: WorkerUpdate,
        response: { 200: Worker, ...write, 404: Problem, 409: Problem, 422: Problem },
      },
      config,
    },
    async (request) => service.updateWorker(db, request.params.id, request.body, currentUser(request).username, clock()),
  );

  app.delete(
    '/workers/:id',
    {
      schema: {
        tags,
        summary: 'Archive a worker (refused while the worker has open assignments)',
        params: IdParams,
        response: { 204: Type.Null(), ...write, 404: Problem, 409: Problem },
      },
      config,
    },
    async (request, reply) => {
      await service.archiveWorker(db, request.params.id, currentUser(request).username);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/shift-calendars',
    {
      schema: { tags, summary: 'List shift calendars (filter: q)', querystring: ShiftCalendarListQuery, response: { 200: Page(ShiftCalendar), ...read } },
      config: { roles: anyRole },
    },
    async (request) => service.listShiftCalendars(db, { q: request.query.q, ...pageArgs(request.query) }),
  );

  app.get(
    '/shift-calendars/:id',
    {
      schema: {
        tags,
        summary: 'One shift calendar with its windows and exceptions',
        params: IdParams,
        response: { 200: ShiftCalendar, ...read, 404: Problem },
      },
      config: { roles: anyRole },
    },
    async (request) => service.getShiftCalendar(db, request.params.id),
  );

  app.post(
    '/shift-calendars',
    {
      schema: { tags, summary: 'Create a shift calendar', body: ShiftCalendarCreate, response: { 201: ShiftCalendar, ...write, 409: Problem, 422: Problem } },
      config,
    },
    async (request, reply) => reply.code(201).send(await service.createShiftCalendar(db, request.body, currentUser(request).username)),
  );

  app.put(
    '/shift-calendars/:id',
    {
      schema: {
        tags,
        summary: 'Replace name, windows and exceptions of a shift calendar',
        description:
          'The not-started bookings of the workers on it, and of the substations whose availability calendar it is, that now lie outside it are repaired in the same transaction (moved to the next time they fit, what they push follows; repaired events, task_moved alerts; a pinned one stays, reported as repair_blocked).',
        params: IdParams,
        body: ShiftCalendarReplace,
        response: { 200: ShiftCalendar, ...write, 404: Problem, 422: Problem },
      },
      config,
    },
    async (request) => service.replaceShiftCalendar(db, request.params.id, request.body, currentUser(request).username, clock()),
  );

  app.delete(
    '/shift-calendars/:id',
    {
      schema: {
        tags,
        summary: 'Delete a shift calendar (refused while workers use it)',
        params: IdParams,
        response: { 204: Type.Null(), ...write, 404: Problem, 409: Problem },
      },
      config,
    },
    async (request, reply) => {
      await service.deleteShiftCalendar(db, request.params.id, currentUser(request).username);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/workers/:id/schedule',
    {
      schema: {
        tags: ['plan lifecycle'],
        summary: "A worker's bookings across plans in a time range (default: yesterday to two weeks ahead)",
        params: Type.Object({ id: Type.String({ maxLength: 50 }) }),
        querystring: WorkerGanttQuery,
        response: { 200: WorkerGantt, 403: Problem, 404: Problem },
      },
      config: { roles: anyRole },
    },
    async (request) => workerGantt(db, request.params.id, currentUser(request), request.query, clock()),
  );
};
