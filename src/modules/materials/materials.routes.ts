/** /api/mes/materials, and /api/mes/production-plans/:id/materials (a plan's material from its ledger rows) */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Page, pageArgs } from '../../shared/pagination.js';
import { Problem } from '../../shared/problem.schema.js';
import { anyRole, currentUser, plannerRoles } from '../auth/index.js';
import { PlanParams } from '../plans/index.js';
import {
  AdjustmentResult,
  LedgerEntry,
  LedgerQuery,
  Material,
  MaterialCreate,
  MaterialListQuery,
  MaterialParams,
  MaterialUpdate,
  PlanMaterials,
  StockAdjustment,
} from './materials.schema.js';
import * as service from './materials.service.js';

const tags = ['master data'];
const read = { 400: Problem, 401: Problem };
const write = { 400: Problem, 401: Problem, 403: Problem };

export const materialsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.mes;
  const config = { roles: plannerRoles };

  app.get(
    '/materials',
    {
      schema: { tags, summary: 'List materials (filters: q, belowReorderPoint)', querystring: MaterialListQuery, response: { 200: Page(Material), ...read } },
      config: { roles: anyRole },
    },
    async (request) => service.listMaterials(db, { ...request.query, ...pageArgs(request.query) }),
  );

  app.get(
    '/materials/:code',
    {
      schema: { tags, summary: 'One material with stock, reserved and available', params: MaterialParams, response: { 200: Material, ...read, 404: Problem } },
      config: { roles: anyRole },
    },
    async (request) => service.getMaterial(db, request.params.code),
  );

  app.post(
    '/materials',
    {
      schema: {
        tags,
        summary: 'Create a material (opening stock is booked as a ledger row)',
        body: MaterialCreate,
        response: { 201: Material, ...write, 409: Problem },
      },
      config,
    },
    async (request, reply) => reply.code(201).send(await service.createMaterial(db, request.body, currentUser(request).username)),
  );

  app.patch(
    '/materials/:code',
    {
      schema: {
        tags,
        summary: 'Change name, unit or reorder point',
        params: MaterialParams,
        body: MaterialUpdate,
        response: { 200: Material, ...write, 404: Problem },
      },
      config,
    },
    async (request) => service.updateMaterial(db, request.params.code, request.body, currentUser(request).username),
  );

  app.delete(
    '/materials/:code',
    {
      schema: {
        tags,
        summary: 'Archive a material (refused while unfinished plans use it or some of it is reserved)',
        params: MaterialParams,
        response: { 204: Type.Null(), ...write, 404: Problem, 409: Problem },
      },
      config,
    },
    async (request, reply) => {
      await service.archiveMaterial(db, request.params.code, currentUser(request).username);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/materials/:code/adjustments',
    {
      schema: {
        tags,
        summary: 'Book a receipt or a stock adjustment (refused when stock would go below zero)',
        params: MaterialParams,
        body: StockAdjustment,
        response: { 201: AdjustmentResult, ...write, 404: Problem, 409: Problem, 422: Problem },
      },
      config,
    },
    async (request, reply) => reply.code(201).send(await service.adjustStock(db, request.params.code, request.body, currentUser(request).username)),
  );

  app.get(
    '/materials/:code/ledger',
    {
      schema: {
        tags,
        summary: "The material's ledger, newest first",
        params: MaterialParams,
        querystring: LedgerQuery,
        response: { 200: Page(LedgerEntry), ...read, 404: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request) => service.listLedger(db, request.params.code, pageArgs(request.query)),
  );

  // read like the plan detail: any signed-in user
  app.get(
    '/production-plans/:id/materials',
    {
      schema: {
        tags: ['production plans'],
        summary: "The plan's material per code: required, reserved, consumed, returned and short",
        description:
          'Per material the plan takes from stock (inputs not fed by a predecessor): required from the inputs, reserved/consumed/returned from the ledger rows of the plan, short from the shortages recorded at release. Archived plans too.',
        params: PlanParams,
        response: { 200: PlanMaterials, ...read, 404: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request) => service.getPlanMaterials(db, request.params.id),
  );
};
