/** Liveness and readiness: /healthz says the process is up, /readyz that it can serve. */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { isReachable } from '../../db/database.js';

const Health = Type.Object({ status: Type.String(), engine: Type.Optional(Type.String()), detail: Type.Optional(Type.String()) });

export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', { schema: { tags: ['health'], response: { 200: Health } }, config: { public: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { tags: ['health'], response: { 200: Health, 503: Health } }, config: { public: true } }, async (_request, reply) => {
    if (app.mes.draining) return reply.code(503).send({ status: 'draining' });
    if (await isReachable(app.mes.db)) return { status: 'ready', engine: app.mes.engine };
    return reply.code(503).send({ status: 'unavailable', detail: 'database unreachable' });
  });
};
