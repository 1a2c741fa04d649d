/**
 * The overrun sweep (issue #15): every MES_OVERRUN_SWEEP_SECONDS (default a
 * minute), a started step whose booking no longer covers its remaining work
 * (running past its expected end, or paused long) grows by
 * MES_OVERRUN_STEP_MINUTES, and the bookings it then overlaps are repaired,
 * in one transaction under the scheduling lock: instances take turns and the
 * later one finds nothing to do. Off with 0; a run in progress is awaited on close.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { extendOverrunning } from '../modules/scheduling/index.js';
import { periodicJob } from './periodic.js';

const overrunJob: FastifyPluginAsync = async (app) => {
  const { db, config } = app.mes;
  if (config.overrunSweepSeconds === 0) return;
  periodicJob(app, {
    everyMs: config.overrunSweepSeconds * 1000,
    failure: 'extending overrunning bookings failed',
    work: async () => {
      const done = await extendOverrunning(db, {
        now: new Date(),
        utcOffsetMinutes: config.utcOffsetMinutes,
        actor: 'system',
        overrunStepMinutes: config.overrunStepMinutes,
      });
      if (done.extended.length > 0) app.log.info({ extended: done.extended.length, moved: done.moved.length }, 'extended overrunning bookings');
    },
  });
};

export const overrunJobPlugin = fp(overrunJob, { name: 'mes-overrun-job' });
