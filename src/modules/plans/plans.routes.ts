/** /api/mes/production-plans: list, detail, create, replace a draft, delete, export, import; the plan's Gantt rows. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError, m } from '../../shared/errors.js';
import { Problem } from '../../shared/problem.schema.js';
import { currentUser, plannerRoles } from '../auth/index.js';
import { PlanGantt, planGantt } from '../scheduling/index.js';
import { PlanDetail, PlanDocument, PlanListQuery, PlanPage, PlanParams, PlanUpdate } from './plans.schema.js';
import { createPlan, deleteDraft, exportPlan, getPlanDetail, getRevisedPlanDetail, listPlansBody, planRevisionReader, replaceDraft } from './plans.service.js';

const tags = ['production plans'];
const refusals = { 400: Problem, 404: Problem, 409: Problem, 422: Problem };

/** The version a writer edited: If-Match ("3", W/"3") or the body's version. */
function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number {
  const fromHeader = ifMatch?.match(/^(?:W\/)?"?(\d+)"?$/)?.[1];
  const version = fromHeader !== undefined ? Number(fromHeader) : bodyVersion;
  if (version === undefined) {
    throw new DomainError('bad_request', m('plan.version_needed'), {
      field: 'body/version',
    });
  }
  return version;
}

export const plansRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, planDetails, planCatalogs, planLists, config } = app.mes;
  const currentRevision = planRevisionReader(db);

  app.get(
    '/production-plans',
    {
      schema: { tags, summary: 'List plans, newest first, a page at a time', querystring: PlanListQuery, response: { 200: PlanPage, 400: Problem } },
      config: { roles: plannerRoles },
    },
    // the items arrive as JSON text in PlanSummary's shape (made by PostgreSQL), or the whole body as kept: sent as it is
    async (request, reply) => reply.type('application/json; charset=utf-8').send((await listPlansBody(db, request.query, planLists)) as never),
  );

  app.get(
    '/production-plans/:id',
    {
      schema: {
        tags,
        summary: 'The whole plan: nodes, candidates, inputs, edges, assignments',
        params: PlanParams,
        response: { 200: PlanDetail, 404: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request, reply) => {
      const id = request.params.id;
      const kept = await planDetails.lookup(id, () => currentRevision(id));
      // a JSON string with a JSON content type is sent as it is (the typed reply expects the object)
      if (kept)
        return reply
          .header('etag', kept.etag)
          .type('application/json; charset=utf-8')
          .send(kept.body as never);
      const found = await getRevisedPlanDetail(db, id);
      const etag = `"${found.plan.version}"`;
      // serialized by this route's response schema, once; kept for the revision it was read at
      const body = reply.serialize(found.plan) as string;
      planDetails.set(id, { revision: found.revision, etag, body });
      return reply
        .header('etag', etag)
        .type('application/json; charset=utf-8')
        .send(body as never);
    },
  );

  app.get(
    '/production-plans/:id/schedule',
    {
      schema: {
        tags: ['plan lifecycle'],
        summary: "The plan's assignments as Gantt rows, by station/substation and by worker",
        params: PlanParams,
        response: { 200: PlanGantt, 404: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request) => planGantt(db, request.params.id, { now: new Date(), utcOffsetMinutes: config.utcOffsetMinutes }),
  );

  const create = (doc: PlanDocument, actor: string) => createPlan(db, doc, actor, planCatalogs);

  app.post(
    '/production-plans',
    {
      schema: { tags, summary: 'Create a draft plan from a nested document', body: PlanDocument, response: { 201: PlanDetail, ...refusals } },
      config: { roles: plannerRoles },
    },
    async (request, reply) => {
      const plan = await create(request.body, currentUser(request).username);
      return reply.code(201).header('location', `/api/mes/production-plans/${plan.id}`).header('etag', `"${plan.version}"`).send(plan);
    },
  );

  app.post(
    '/production-plans/import',
    {
      schema: { tags, summary: 'Import an exported plan as a new draft', body: PlanDocument, response: { 201: PlanDetail, ...refusals } },
      config: { roles: plannerRoles },
    },
    async (request, reply) => {
      const plan = await create(request.body, currentUser(request).username);
      return reply.code(201).header('location', `/api/mes/production-plans/${plan.id}`).send(plan);
    },
  );

  app.put(
    '/production-plans/:id',
    {
      schema: {
        tags,
        summary: 'Replace a draft (optimistic concurrency: If-Match or version)',
        params: PlanParams,
        body: PlanUpdate,
        response: { 200: PlanDetail, ...refusals },
      },
      config: { roles: plannerRoles },
    },
    async (request, reply) => {
      const { version, ...doc } = request.body;
      await replaceDraft(db, request.params.id, doc, expectedVersion(request.headers['if-match'], version), currentUser(request).username);
      const plan = await getPlanDetail(db, request.params.id);
      return reply.header('etag', `"${plan.version}"`).send(plan);
    },
  );

  app.delete(
    '/production-plans/:id',
    {
      schema: { tags, summary: 'Delete a draft', params: PlanParams, response: { 204: Type.Null(), 404: Problem, 409: Problem } },
      config: { roles: plannerRoles },
    },
    async (request, reply) => {
      await deleteDraft(db, request.params.id, currentUser(request).username);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/production-plans/:id/export',
    {
      schema: { tags, summary: 'The plan as an importable document', params: PlanParams, response: { 200: PlanDocument, 404: Problem } },
      config: { roles: plannerRoles },
    },
    async (request) => exportPlan(db, request.params.id),
  );
};
