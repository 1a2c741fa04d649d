/**
 * The hourly archiving job (MES_ARCHIVE_AFTER_DAYS): plans completed or
 * cancelled that many days ago move out of the hot tables. Every instance
 * runs it; rows one instance holds are skipped by the other. Off when the
 * setting is `off`; a run in progress is awaited on close.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { archiveAllFinished } from '../modules/plans/index.js';
import { periodicJob } from './periodic.js';

/** How often each instance looks for plans to archive. */
const jobIntervalMs = 60 * 60 * 1000;

const archiveJob: FastifyPluginAsync = async (app) => {
  const { db, config } = app.mes;
  if (config.archiveAfterDays === undefined) return;
  const days = config.archiveAfterDays;
  periodicJob(app, {
    everyMs: jobIntervalMs,
    failure: 'archiving finished plans failed',
    work: async () => {
      const run = await archiveAllFinished(db, { olderThanDays: days, now: new Date(), actor: 'system' });
      if (run.archived.length > 0) app.log.info({ archived: run.archived.length, olderThanDays: days }, 'archived finished plans');
    },
  });
};

export const archiveJobPlugin = fp(archiveJob, { name: 'mes-archive-job' });
