/** /api/mes/stations and /api/mes/substations */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Page, pageArgs } from '../../shared/pagination.js';
import { Problem } from '../../shared/problem.schema.js';
import { anyRole, currentUser, plannerRoles } from '../auth/index.js';
import {
  Station,
  StationCreate,
  StationListQuery,
  StationParams,
  StationUpdate,
  Substation,
  SubstationCreate,
  SubstationListQuery,
  SubstationUpdate,
} from './stations.schema.js';
import * as service from './stations.service.js';

const tags = ['master data'];
const read = { 400: Problem, 401: Problem };
const write = { 400: Problem, 401: Problem, 403: Problem };

export const stationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.mes;
  const config = { roles: plannerRoles };

  app.get(
    '/stations',
    {
      schema: { tags, summary: 'List stations (filters: q, operationId)', querystring: StationListQuery, response: { 200: Page(Station), ...read } },
      config: { roles: anyRole },
    },
    async (request) => service.listStations(db, { ...request.query, ...pageArgs(request.query) }),
  );

  app.get(
    '/stations/:id',
    {
      schema: { tags, summary: 'One station with its operations and substations', params: StationParams, response: { 200: Station, ...read, 404: Problem } },
      config: { roles: anyRole },
    },
    async (request) => service.getStation(db, request.params.id),
  );

  app.post(
    '/stations',
    {
      schema: {
        tags,
        summary: 'Create a station with its operations and substations',
        body: StationCreate,
        response: { 201: Station, ...write, 409: Problem, 422: Problem },
      },
      config,
    },
    async (request, reply) => reply.code(201).send(await service.createStation(db, request.body, currentUser(request).username)),
  );

  app.patch(
    '/stations/:id',
    {
      schema: {
        tags,
        summary: 'Change a station; operationIds replaces the list (refused while unfinished plans use a removed operation here)',
        params: StationParams,
        body: StationUpdate,
        response: { 200: Station, ...write, 404: Problem, 409: Problem, 422: Problem },
      },
      config,
    },
    async (request) => service.updateStation(db, request.params.id, request.body, currentUser(request).username),
  );

  app.delete(
    '/stations/:id',
    {
      schema: {
        tags,
        summary: 'Archive a station and its substations (refused while unfinished plans or open assignments use it)',
        params: StationParams,
        response: { 204: Type.Null(), ...write, 404: Problem, 409: Problem },
      },
      config,
    },
    async (request, reply) => {
      await service.archiveStation(db, request.params.id, currentUser(request).username);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/substations',
    {
      schema: { tags, summary: 'List substations (filter: stationId)', querystring: SubstationListQuery, response: { 200: Page(Substation), ...read } },
      config: { roles: anyRole },
    },
    async (request) => service.listSubstations(db, { ...request.query, ...pageArgs(request.query) }),
  );

  app.get(
    '/substations/:id',
    { schema: { tags, summary: 'One substation', params: StationParams, response: { 200: Substation, ...read, 404: Problem } }, config: { roles: anyRole } },
    async (request) => service.getSubstation(db, request.params.id),
  );

  app.post(
    '/substations',
    {
      schema: { tags, summary: 'Add a substation to a station', body: SubstationCreate, response: { 201: Substation, ...write, 409: Problem, 422: Problem } },
      config,
    },
    async (request, reply) => reply.code(201).send(await service.createSubstation(db, request.body, currentUser(request).username)),
  );

  app.patch(
    '/substations/:id',
    {
      schema: {
        tags,
        summary: 'Rename a substation or put it into / out of maintenance (refused while in use)',
        description:
          "Another availabilityCalendarId repairs the substation's not-started bookings that now lie outside it in the same transaction (moved to the next time they fit, what they push follows; repaired events, task_moved alerts; a pinned one stays, reported as repair_blocked).",
        params: StationParams,
        body: SubstationUpdate,
        response: { 200: Substation, ...write, 404: Problem, 409: Problem },
      },
      config,
    },
    async (request) =>
      service.updateSubstation(db, request.params.id, request.body, currentUser(request).username, {
        now: new Date(),
        utcOffsetMinutes: app.mes.config.utcOffsetMinutes,
      }),
  );

  app.delete(
    '/substations/:id',
    {
      schema: {
        tags,
        summary: 'Archive a substation (refused while open assignments book it)',
        params: StationParams,
        response: { 204: Type.Null(), ...write, 404: Problem, 409: Problem },
      },
      config,
    },
    async (request, reply) => {
      await service.archiveSubstation(db, request.params.id, currentUser(request).username);
      return reply.code(204).send(null);
    },
  );
};
