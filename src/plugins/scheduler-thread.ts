/**
 * Starts the scheduler's worker thread when the app is ready, ahead of the
 * first release (loading it takes a few hundred ms under tsx). The thread
 * belongs to the process, not to one app, and holds the process only while it
 * owes an answer (see modules/scheduling/scheduler-thread.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { warmSchedulerThread } from '../modules/scheduling/index.js';

const schedulerThread: FastifyPluginAsync = async (app) => {
  app.addHook('onReady', async () => warmSchedulerThread());
};

export const schedulerThreadPlugin = fp(schedulerThread, { name: 'mes-scheduler-thread' });
