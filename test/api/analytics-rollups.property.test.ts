/**
 * Property (issue #18, Must show): after random shop-floor sequences through
 * the API — release plans, start, pause with reasons, resume, complete with
 * good and scrap (with scrap reasons), reschedule the floor, cancel plans,
 * archive completed ones —
 * - the rollups of migration 0027 equal their recomputation from scratch (the
 *   doctor's analytics_rollups_match: facts against the hot tables, daily
 *   rollups against the facts);
 * - every report answers the same from the rollups as from the base tables
 *   (the reads before 0027), plant-wide and filtered, over a period of whole
 *   days (daily rollups), one inside a day (facts only) and a ragged one
 *   (both), at the rollups' offset and at another one (facts only);
 * - after archiving (the archive's own moveToArchive, in a transaction rolled
 *   back afterwards so the next run's base tables are whole again), the
 *   rollups still hold and the reports answer as before archiving (the base
 *   tables have lost the archived plans; the rollups keep them).
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { integrityChecks } from '../../src/integrity/checks.js';
import * as analytics from '../../src/modules/analytics/analytics.service.js';
import type { AnalyticsQuery } from '../../src/modules/analytics/analytics.schema.js';
import { moveToArchive } from '../../src/modules/plans/archive.repository.js';
import { findPlanDetail } from '../../src/modules/plans/index.js';
import { type Client, seed, signIn } from '../helpers/api.js';
import { type Cell, cellPlanShape, createCell } from '../helpers/cell.js';
import { describeEachEngine } from '../helpers/engines.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const pauseReasons = ['break', 'machine_fault', 'material_missing', 'quality_problem'] as const;

const planShape = cellPlanShape(60);
const action = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('start' as const), step: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pause' as const), step: fc.nat(20), reason: fc.constantFrom(...pauseReasons) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('resume' as const), step: fc.nat(20) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('complete' as const),
      step: fc.nat(20),
      good: fc.integer({ min: 0, max: 2 }),
      scrap: fc.integer({ min: 0, max: 2 }),
      reason: fc.constantFrom('dimension', 'surface', 'crack'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), plan: fc.nat(5) }) },
  // the floor's reschedule rebooks every not-started step (other worker, substation, times): no fact may change (0030 skips it)
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reschedule' as const) }) },
);

const check = integrityChecks.find((c) => c.name === 'analytics_rollups_match')!;

describeEachEngine('analytics rollups equal their recomputation (property)', (ctx) => {
  let planner: Client;
  const db = () => ctx.database.db;

  let cell: Cell;
  beforeAll(async () => {
    await seed(db(), 'minimal');
    planner = await signIn(await ctx.app(), 'planner');
    cell = await createCell(planner, 930, 'Rollup');
  });

  const rollupsHold = async (label: string, on: Db = db()) => {
    const { rows } = await check.query.execute(on);
    expect(rows, `${label}: rollups differ from their recomputation`).toEqual([]);
  };

  /** Every report over a few periods and filters, at two offsets, from the given reads. */
  const answers = async (reads: analytics.Reads, now: number, on: Db = db()) => {
    const midnight = Math.floor(now / DAY) * DAY;
    const periods = [
      [midnight - DAY, midnight + 2 * DAY], // whole days
      [now - HOUR, now + HOUR], // inside a day (unless it crosses midnight)
      [midnight - DAY + 7 * HOUR, now + 5 * HOUR], // ragged edges around whole days
    ];
    const filters: Partial<AnalyticsQuery>[] = [{}, { stationId: 'ST-930' }, { workerId: cell.workers[1] }];
    const out: Record<string, unknown> = {};
    for (const [p, [from, to]] of periods.entries()) {
      for (const groupBy of p === 2 ? (['week'] as const) : (['day'] as const)) {
        for (const filter of filters) {
          for (const offset of [0, 90]) {
            const q = { from: new Date(from!).toISOString(), to: new Date(to!).toISOString(), groupBy, ...filter } as AnalyticsQuery;
            const s = await analytics.scopeOf(on, q, offset);
            const key = JSON.stringify([p, groupBy, filter, offset]);
            out[key] = {
              oee: await analytics.oee(on, s, reads),
              downtime: await analytics.downtime(on, s, reads),
              scrap: await analytics.scrap(on, s, reads),
              pva: await analytics.plannedVsActual(on, s, reads),
              delivery: await analytics.delivery(on, s, reads),
              utilisation: await analytics.utilisation(on, s, reads),
            };
          }
        }
      }
    }
    return out;
  };

  it('after random starts, pauses, resumes, completions, cancellations and archiving', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(planShape, { minLength: 1, maxLength: 3 }),
        fc.array(action, { minLength: 1, maxLength: 14 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        async (plans, actions, archiveIt) => {
          run++;
          const planIds: string[] = [];
          for (const [i, shape] of plans.entries()) planIds.push(await cell.release(`R${run}-${i}`, shape, 2));
          const steps = (
            await db()
              .selectFrom('mes.worker_assignments')
              .select('id')
              .where('plan_id', 'in', planIds)
              .where('status', '<>', 'cancelled')
              .orderBy('id')
              .execute()
          ).map((r) => r.id);
          for (const a of actions) {
            if (a.kind === 'cancel') {
              const res = await planner.post(`/api/mes/production-plans/${planIds[a.plan % planIds.length]}/cancel`, {});
              expect([200, 409, 422], res.body).toContain(res.statusCode);
              continue;
            }
            if (a.kind === 'reschedule') {
              const res = await planner.post('/api/mes/schedule/reschedule', {});
              expect([200, 409, 422], res.body).toContain(res.statusCode);
              continue;
            }
            // mostly a step the action fits (else most sequences would be refusals); any step when none does
            const fits = ({ start: ['ready'], pause: ['in_progress'], resume: ['paused'], complete: ['in_progress', 'paused'] } as const)[a.kind];
            const fitting = (
              await db().selectFrom('mes.worker_assignments').select('id').where('plan_id', 'in', planIds).where('status', 'in', fits).orderBy('id').execute()
            ).map((r) => r.id);
            const pool = fitting.length > 0 ? fitting : steps;
            let id = pool[a.step % pool.length]!;
            // a completion with nothing running completes a step it starts first, the ready step booked first (another worker's
            // step booked from now on its substation would refuse any other), so most sequences complete something
            if (a.kind === 'complete' && fitting.length === 0) {
              const front = await db()
                .selectFrom('mes.worker_assignments')
                .select('id')
                .where('plan_id', 'in', planIds)
                .where('status', '=', 'ready')
                .orderBy('planned_start')
                .orderBy('id')
                .executeTakeFirst();
              if (front) id = front.id;
              await planner.post(`/api/mes/worker-assignments/${id}/start`, {});
            }
            const body =
              a.kind === 'pause'
                ? { reason: a.reason }
                : a.kind === 'complete'
                  ? { goodQuantity: a.good, scrapQuantity: a.scrap, ...(a.scrap > 0 ? { scrapReason: a.reason } : {}), overrun: true }
                  : {};
            const res = await planner.post(`/api/mes/worker-assignments/${id}/${a.kind}`, body);
            expect([200, 409, 422], res.body).toContain(res.statusCode);
          }
          await rollupsHold('after the shop floor');
          // what is still open is cancelled (a cancellation may end an open pause: it is part of the sequence)
          for (const id of planIds) {
            const status = (await planner.get(`/api/mes/production-plans/${id}`)).json().status;
            if (status === 'in_production') await planner.post(`/api/mes/production-plans/${id}/pause`, {});
            if (status !== 'completed' && status !== 'cancelled') await planner.post(`/api/mes/production-plans/${id}/cancel`, {});
          }
          await rollupsHold('after cancelling');
          const now = Date.now();
          const before = await answers(analytics.rollupReads, now);
          expect(before, 'rollups answer as the base tables').toEqual(await answers(analytics.baseReads, now));

          const rolledBack = new Error('rolled back');
          await db()
            .transaction()
            .execute(async (trx) => {
              for (const [i, id] of planIds.entries()) {
                if (!archiveIt[i]) continue;
                const document = (await findPlanDetail(trx, id))!;
                if (document.status === 'completed' || document.status === 'cancelled') await moveToArchive(trx, new Map([[id, document]]), 'test');
              }
              await rollupsHold('after archiving', trx);
              expect(await answers(analytics.rollupReads, now, trx), 'archiving keeps the analytics').toEqual(before);
              throw rolledBack;
            })
            .catch((error: unknown) => {
              if (error !== rolledBack) throw error;
            });
        },
      ),
      { numRuns: 5 },
    );
    // the sequences did complete steps and end pauses (else the comparisons above compared nothing)
    const { rows } = await check.query.execute(db()); // (and the rollups hold at the very end)
    expect(rows).toEqual([]);
    const counts = (await sql<{ steps: number }>`select count(*)::int as steps from mes.analytics_steps`.execute(db())).rows[0]!.steps;
    expect(counts).toBeGreaterThan(0);
  }, 300_000);

  it('re-bucketed at another plant offset, the daily rollups still equal their recomputation and the reports the base tables', async () => {
    const now = Date.now();
    try {
      expect(await analytics.alignRollups(db(), 90)).toBe(true);
      expect(await analytics.alignRollups(db(), 90)).toBe(false);
      await rollupsHold('at offset 90');
      // at offset 90 the reports for offset 90 take whole days from the daily rollups
      expect(await answers(analytics.rollupReads, now)).toEqual(await answers(analytics.baseReads, now));
    } finally {
      await analytics.alignRollups(db(), 0);
    }
    await rollupsHold('back at offset 0');
  }, 120_000);
});
