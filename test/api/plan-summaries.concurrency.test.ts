/**
 * The kept list figures of 0038 under concurrent writers (PostgreSQL): two
 * transactions complete different steps of one plan at the same time, the
 * second waiting for the first at the plan's summary row. The second one's
 * recomputation must see the first one's step (the refresh locks the row
 * before it reads): both completions count, and the doctor's check agrees.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { type Client, createAndRelease, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { samplePlan } from '../helpers/plans.js';

const complete = (id: string) => `update mes.worker_assignments
     set status = 'completed', actual_start = planned_start, actual_end = planned_end, good_quantity = 1, worked_minutes = work_minutes
   where id = '${id}'`;

describeEachEngine('plan summaries under concurrent writers', (ctx) => {
  let planner: Client;
  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    planner = await signIn(await ctx.app(), 'planner');
  });

  it.runIf(ctx.engine === 'postgres')('two transactions completing steps of one plan at once: both count', async () => {
    const db = ctx.database.db;
    const planId = await createAndRelease(planner, samplePlan({ name: 'Summary race' }));
    const steps = await db.selectFrom('mes.worker_assignments').select('id').where('plan_id', '=', planId).orderBy('id').execute();
    expect(steps.length).toBeGreaterThanOrEqual(2);
    const a = new pg.Client({ connectionString: ctx.url });
    const b = new pg.Client({ connectionString: ctx.url });
    await a.connect();
    await b.connect();
    try {
      await a.query('begin');
      await a.query(complete(steps[0]!.id));
      await b.query('begin');
      // waits for a's lock on the plan's summary row, inside its trigger
      const second = b.query(complete(steps[1]!.id));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await a.query('commit');
      await second;
      await b.query('commit');
    } finally {
      await a.end();
      await b.end();
    }
    const kept = await sql<{ completed: number }>`select completed_count as completed from mes.plan_summaries where plan_id = ${planId}`.execute(db);
    expect(kept.rows[0]!.completed).toBe(2);
    expect((await runIntegrityChecks(db)).filter((f) => f.check === 'plan_summaries_match')).toEqual([]);
  });
});
