/**
 * The hourly archiving job (MES_ARCHIVE_AFTER_DAYS): plans completed or
 * cancelled that many days ago move out of the hot tables. Every instance
 * runs it; rows one instance holds are skipped by the other. Off when the
 * setting is `off`; a run in progress is awaited on close.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { archiveAllFinished } from '../modules/plans/index.js';

/** How often each instance looks for plans to archive. */
const jobIntervalMs = 60 * 60 * 1000;

const archiveJob: FastifyPluginAsync = async (app) => {
  const { db, config } = app.mes;
  if (config.archiveAfterDays === undefined) return;
  const days = config.archiveAfterDays;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= archiveAllFinished(db, { olderThanDays: days, now: new Date(), actor: 'system' })
      .then((run) => {
        if (run.archived.length > 0) app.log.info({ archived: run.archived.length, olderThanDays: days }, 'archived finished plans');
      })
      .catch((error: unknown) => app.log.warn({ err: error }, 'archiving finished plans failed'))
      .finally(() => (running = undefined));
  };
  app.addHook('onReady', async () => {
    timer = setInterval(run, jobIntervalMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
};

export const archiveJobPlugin = fp(archiveJob, { name: 'mes-archive-job' });
