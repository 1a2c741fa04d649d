/**
 * Shutdown in order: server.ts sets `app.mes.draining` when a signal comes;
 * /readyz then answers 503 so a balancer stops sending traffic, and every
 * response closes its connection. server.close() closes only the keep-alive
 * connections idle at that moment: one whose request was still in flight
 * would otherwise stay open after its response (up to keepAliveTimeout, 72 s)
 * and keep the process from exiting.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

const draining: FastifyPluginAsync = async (app) => {
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (app.mes.draining) void reply.header('connection', 'close');
    done(null, payload);
  });
};

export const drainingPlugin = fp(draining, { name: 'mes-draining' });
