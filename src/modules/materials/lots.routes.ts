/** /api/mes/materials/:code/lots and /api/mes/lots: receipts, quarantine, the heat recall and the genealogy. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Problem } from '../../shared/problem.schema.js';
import { anyRole, currentUser, plannerRoles } from '../auth/index.js';
import { Genealogy, GenealogyQuery, Lot, LotBlock, LotList, LotParams, LotReceipt, LotRecall, LotRecallQuery, MaterialLotsQuery } from './lots.schema.js';
import { MaterialParams } from './materials.schema.js';
import * as service from './lots.service.js';

const tags = ['lots'];
const read = { 400: Problem, 401: Problem, 403: Problem };
const write = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };

export const lotsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.mes;

  app.post(
    '/materials/:code/lots',
    {
      schema: {
        tags,
        summary: 'Receive a lot of a lot-tracked material (code generated when not given); the receipt is its first ledger row',
        params: MaterialParams,
        body: LotReceipt,
        response: { 201: Lot, ...write, 422: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request, reply) => reply.code(201).send(await service.receiveLot(db, request.params.code, request.body, currentUser(request).username)),
  );

  app.get(
    '/materials/:code/lots',
    {
      schema: {
        tags,
        summary: "The material's lots in first-in-first-out order (by default those with something on hand)",
        params: MaterialParams,
        querystring: MaterialLotsQuery,
        response: { 200: LotList, ...read, 404: Problem },
      },
      config: { roles: anyRole },
    },
    async (request) => service.listMaterialLots(db, request.params.code, request.query.includeEmpty ?? false),
  );

  app.get(
    '/lots',
    {
      schema: {
        tags,
        summary: 'Recall: every lot of a heat and every lot made from one (heatNumber), or the output lots of a plan (planId)',
        querystring: LotRecallQuery,
        response: { 200: LotRecall, ...read },
      },
      config: { roles: plannerRoles },
    },
    async (request) => service.findLots(db, request.query),
  );

  app.get(
    '/lots/:code',
    {
      schema: {
        tags,
        summary: 'One lot: material, heat, supplier, certificate, status, on hand and origin',
        params: LotParams,
        response: { 200: Lot, ...read, 404: Problem },
      },
      config: { roles: anyRole },
    },
    async (request) => service.getLot(db, request.params.code),
  );

  app.get(
    '/lots/:code/genealogy',
    {
      schema: {
        tags,
        summary:
          'The tree of a lot: up (what it was made from) or down (what was made from it), with the step and people on each edge and where the lots were used',
        params: LotParams,
        querystring: GenealogyQuery,
        response: { 200: Genealogy, ...read, 404: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request) => service.genealogy(db, request.params.code, request.query.direction ?? 'down', request.query.depth ?? 10),
  );

  app.post(
    '/lots/:code/block',
    {
      schema: { tags, summary: 'Quarantine a lot: it is never consumed until unblocked', params: LotParams, body: LotBlock, response: { 200: Lot, ...write } },
      config: { roles: plannerRoles },
    },
    async (request) => service.setLotBlocked(db, request.params.code, request.body, currentUser(request).username),
  );

  app.post(
    '/lots/:code/unblock',
    {
      schema: { tags, summary: 'Release a lot from quarantine', params: LotParams, response: { 200: Lot, ...write } },
      config: { roles: plannerRoles },
    },
    async (request) => service.setLotBlocked(db, request.params.code, null, currentUser(request).username),
  );
};
