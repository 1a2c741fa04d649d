/** /api/mes/substations/:id/blocks: maintenance blocks of a substation. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Problem } from '../../shared/problem.schema.js';
import { anyRole, currentUser, plannerRoles } from '../auth/index.js';
import { SubstationBlock, SubstationBlockCreate, SubstationBlockCreated, SubstationBlockParams, SubstationBlockQuery } from './blocks.schema.js';
import * as service from './blocks.service.js';
import { StationParams } from './stations.schema.js';

const tags = ['master data'];

export const blocksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app.mes;

  app.get(
    '/substations/:id/blocks',
    {
      schema: {
        tags,
        summary: 'Maintenance blocks of a substation (from: those ending after it, to: those starting before it)',
        params: StationParams,
        querystring: SubstationBlockQuery,
        response: { 200: Type.Array(SubstationBlock), 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
      config: { roles: anyRole },
    },
    async (request) => service.listSubstationBlocks(db, request.params.id, request.query),
  );

  app.post(
    '/substations/:id/blocks',
    {
      schema: {
        tags,
        summary: 'Block a substation for maintenance: nothing is booked on it in [start, end)',
        description:
          "The not-started bookings the block overlaps are moved out of it in the same transaction by the living schedule's repair: right, as little as needed, with what they push in turn on their workers, substations and plan successors (repaired events, task_moved alerts; moved counts them). 422 naming body/end when end ≤ start; 404 for an unknown substation; 409 naming the assignment when a running, paused or pinned step holds the substation during the block (the repair never moves those: move or unpin a pinned one first), or when a booking finds no room after it. A refusal writes nothing.",
        params: StationParams,
        body: SubstationBlockCreate,
        response: { 201: SubstationBlockCreated, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request, reply) =>
      reply.code(201).send(
        await service.createSubstationBlock(db, request.params.id, request.body, {
          actor: currentUser(request).username,
          now: new Date(),
          utcOffsetMinutes: config.utcOffsetMinutes,
        }),
      ),
  );

  app.delete(
    '/substations/:id/blocks/:blockId',
    {
      schema: {
        tags,
        summary: 'Remove a maintenance block (bookings stay where they are)',
        params: SubstationBlockParams,
        response: { 204: Type.Null(), 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request, reply) => {
      await service.deleteSubstationBlock(db, request.params.id, request.params.blockId, currentUser(request).username);
      return reply.code(204).send(null);
    },
  );
};
