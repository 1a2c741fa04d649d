/**
 * The process's realtime service on `app.realtime`: one outbox listener and
 * the fan-out to this process's SSE streams. It starts when the app is ready;
 * open streams end before the server closes (preClose), so a draining
 * process does not wait for them; the listener stops on close.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { defaultRealtimeSettings, Realtime } from '../modules/realtime/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    realtime: Realtime;
  }
}

const realtime: FastifyPluginAsync = async (app) => {
  const { database, config, sessions } = app.mes;
  const service = new Realtime(
    database,
    { ...defaultRealtimeSettings, ...config.realtime },
    config.eventRetentionHours,
    app.log.child({ module: 'realtime' }),
    sessions,
  );
  app.decorate('realtime', service);
  app.addHook('onReady', async () => {
    await service.start();
  });
  app.addHook('preClose', async () => {
    service.endStreams();
  });
  app.addHook('onClose', async () => {
    await service.stop();
  });
};

export const realtimePlugin = fp(realtime, { name: 'mes-realtime' });
