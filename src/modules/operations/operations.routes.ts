/** /api/mes/operations */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Page, pageArgs } from '../../shared/pagination.js';
import { Problem } from '../../shared/problem.schema.js';
import { anyRole, currentUser, plannerRoles } from '../auth/index.js';
import { Operation, OperationCreate, OperationListQuery, OperationParams, OperationUpdate } from './operations.schema.js';
import * as service from './operations.service.js';

const tags = ['master data'];

export const operationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.mes;

  app.get(
    '/operations',
    { schema: { tags, summary: 'List operations', querystring: OperationListQuery, response: { 200: Page(Operation) } }, config: { roles: anyRole } },
    async (request) => service.listOperations(db, { ...request.query, ...pageArgs(request.query) }),
  );

  app.get(
    '/operations/:id',
    { schema: { tags, summary: 'One operation', params: OperationParams, response: { 200: Operation, 404: Problem } }, config: { roles: anyRole } },
    async (request) => service.getOperation(db, request.params.id),
  );

  app.post(
    '/operations',
    { schema: { tags, summary: 'Create an operation', body: OperationCreate, response: { 201: Operation, 409: Problem } }, config: { roles: plannerRoles } },
    async (request, reply) => reply.code(201).send(await service.createOperation(db, request.body, currentUser(request).username)),
  );

  app.patch(
    '/operations/:id',
    {
      schema: { tags, summary: 'Change an operation', params: OperationParams, body: OperationUpdate, response: { 200: Operation, 404: Problem } },
      config: { roles: plannerRoles },
    },
    async (request) => service.updateOperation(db, request.params.id, request.body, currentUser(request).username),
  );

  app.delete(
    '/operations/:id',
    {
      schema: {
        tags,
        summary: 'Archive an operation (refused while unfinished plans use it)',
        params: OperationParams,
        response: { 204: Type.Null(), 404: Problem, 409: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request, reply) => {
      await service.archiveOperation(db, request.params.id, currentUser(request).username);
      return reply.code(204).send(null);
    },
  );
};
