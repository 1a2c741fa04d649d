/**
 * The hourly sweep of expired sessions: mes.sessions keeps a row per sign-in
 * until sign-out, and an expired one (refused already by its expiry) would
 * otherwise stay forever. Runs once when the app is ready (a process that
 * restarts more often than hourly still sweeps) and then every hour. Every
 * instance runs it without a lock: the DELETE is idempotent, and of two at once
 * the later finds the rows gone. A run in progress is awaited on close.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { deleteExpiredSessions } from '../modules/auth/index.js';
import { periodicJob } from './periodic.js';

/** How often each instance sweeps. */
const jobIntervalMs = 60 * 60 * 1000;

const sessionSweepJob: FastifyPluginAsync = async (app) => {
  const { db } = app.mes;
  periodicJob(app, {
    everyMs: jobIntervalMs,
    atReady: true,
    failure: 'deleting expired sessions failed',
    work: async () => {
      const deleted = await deleteExpiredSessions(db);
      if (deleted > 0) app.log.info({ deleted }, 'deleted expired sessions');
    },
  });
};

export const sessionSweepJobPlugin = fp(sessionSweepJob, { name: 'mes-session-sweep-job' });
