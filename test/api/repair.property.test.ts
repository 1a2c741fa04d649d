/**
 * Property (issue #15): over random sequences of start, pause, resume and
 * complete (and the overrun sweep run at a later clock) on a small floor of
 * two workers and two substations with a few chained plans, after every
 * action, accepted or refused:
 *  - no two open bookings of one worker or one substation overlap (the
 *    exclusion constraints guarantee it; asserted all the same);
 *  - no not-started, not-pinned step is planned before its predecessors'
 *    live ends (an open predecessor's live booking end, a completed one's
 *    actual end);
 *  - a started step's booking holds [its actual start, ...) and has not
 *    ended before now while it runs.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { extendOverrunning } from '../../src/modules/scheduling/index.js';
import { type Client, seed, signIn } from '../helpers/api.js';
import { type Cell, cellPlanShape, createCell } from '../helpers/cell.js';
import { describeEachEngine } from '../helpers/engines.js';

const MIN = 60_000;
const planShape = cellPlanShape(90);
const action = fc.oneof(
  fc.record({ kind: fc.constantFrom('start', 'pause', 'resume', 'complete' as const), step: fc.nat(20) }),
  fc.record({ kind: fc.constant('sweep' as const), minutesAhead: fc.integer({ min: 1, max: 240 }) }),
);

describeEachEngine('repair keeps the schedule consistent (property)', (ctx) => {
  let planner: Client;
  const db = () => ctx.database.db;

  let cell: Cell;
  beforeAll(async () => {
    await seed(db(), 'minimal');
    planner = await signIn(await ctx.app(), 'planner');
    cell = await createCell(planner, 920, 'Property');
  });

  const check = async (label: string) => {
    const overlaps = await sql<{ a: string; b: string }>`
      select x.id as a, y.id as b from mes.worker_assignments x join mes.worker_assignments y
        on x.id < y.id and (x.worker_id = y.worker_id or x.substation_id = y.substation_id)
       and tstzrange(x.planned_start, x.planned_end, '[)') && tstzrange(y.planned_start, y.planned_end, '[)')
       where x.status in ('pending', 'ready', 'in_progress', 'paused') and y.status in ('pending', 'ready', 'in_progress', 'paused')`.execute(db());
    expect(overlaps.rows, `${label}: overlapping open bookings`).toEqual([]);
    const early = await sql<{ id: string; start: Date; predecessorEnd: Date }>`
      select a.id, a.planned_start as start, max(coalesce(pa.actual_end, pa.planned_end)) as "predecessorEnd"
        from mes.worker_assignments a
        join mes.node_predecessors e on e.node_id = a.node_id
        join mes.worker_assignments pa on pa.node_id = e.predecessor_id and pa.status <> 'cancelled'
       where a.status in ('pending', 'ready') and not a.pinned
       group by a.id, a.planned_start
      having a.planned_start < max(coalesce(pa.actual_end, pa.planned_end))`.execute(db());
    expect(early.rows, `${label}: not-started steps planned before a predecessor's live end`).toEqual([]);
    const started = await sql<{ id: string }>`
      select id from mes.worker_assignments where status in ('in_progress', 'paused') and planned_start > actual_start`.execute(db());
    expect(started.rows, `${label}: started bookings that begin after the actual start`).toEqual([]);
  };

  it('after every start, pause, resume, complete and overrun sweep: no overlap, precedence holds', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(planShape, { minLength: 1, maxLength: 3 }), fc.array(action, { minLength: 1, maxLength: 10 }), async (plans, actions) => {
        run++;
        const planIds: string[] = [];
        for (const [i, shape] of plans.entries()) planIds.push(await cell.release(`P${run}-${i}`, shape));
        const steps = (
          await db()
            .selectFrom('mes.worker_assignments')
            .select('id')
            .where('plan_id', 'in', planIds)
            .where('status', '<>', 'cancelled')
            .orderBy('id')
            .execute()
        ).map((r) => r.id);
        await check('after release');
        try {
          for (const [i, a] of actions.entries()) {
            if (a.kind === 'sweep') {
              await extendOverrunning(db(), { now: new Date(Date.now() + a.minutesAhead * MIN), utcOffsetMinutes: 0, actor: 'system', overrunStepMinutes: 15 });
            } else {
              const id = steps[a.step % steps.length]!;
              const body = a.kind === 'pause' ? { reason: 'break' } : a.kind === 'complete' ? { goodQuantity: 1 } : {};
              const res = await planner.post(`/api/mes/worker-assignments/${id}/${a.kind}`, body);
              expect([200, 409, 422], res.body).toContain(res.statusCode);
            }
            await check(`after action ${i} (${JSON.stringify(a)})`);
          }
        } finally {
          for (const id of planIds) {
            const status = (await planner.get(`/api/mes/production-plans/${id}`)).json().status;
            if (status === 'in_production') await planner.post(`/api/mes/production-plans/${id}/pause`, {});
            if (status !== 'completed' && status !== 'cancelled') await planner.post(`/api/mes/production-plans/${id}/cancel`, {});
          }
        }
      }),
      { numRuns: 6 },
    );
    // about 20 s per engine on an idle machine; the shared 2-core machine can be ten times slower
  }, 300_000);
});
