import { sql } from 'kysely';
import pg from 'pg';
import { beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { type Client, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { samplePlan } from '../helpers/plans.js';

describeEachEngine('concurrent releases', (ctx) => {
  let planner: Client;
  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    planner = await signIn(await ctx.app(), 'planner');
  });

  it.runIf(ctx.engine === 'postgres')('50 releases competing for one material never reserve more than the stock, and the ledger equals stock', async () => {
    const db = ctx.database.db;
    const { stock, reserved } = (
      await sql<{ stock: number; reserved: number }>`select stock, reserved from mes.materials where code = 'TUBE-40X40'`.execute(db)
    ).rows[0]!;
    const each = 20;
    const fits = Math.floor((stock - reserved) / each);
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const doc = samplePlan({ name: `Race ${i}` });
      doc.nodes = [{ ...doc.nodes[0]!, materialInputs: [{ materialCode: 'TUBE-40X40', requiredQuantity: each }] }];
      ids.push((await planner.post('/api/mes/production-plans', doc)).json().id);
    }
    const results = await Promise.all(ids.map((id) => planner.post(`/api/mes/production-plans/${id}/release`, {})));
    const ok = results.filter((r) => r.statusCode === 200).length;
    const short = results.filter((r) => r.statusCode === 409 && /not enough material/.test(r.json().detail)).length;
    expect(
      ok + short,
      results
        .map((r) => r.body)
        .join('\n')
        .slice(0, 500),
    ).toBe(50);
    expect(ok).toBe(Math.min(50, fits));
    const after = (await sql<{ stock: number; reserved: number }>`select stock, reserved from mes.materials where code = 'TUBE-40X40'`.execute(db)).rows[0]!;
    expect(after.stock).toBe(stock);
    expect(after.reserved).toBe(reserved + ok * each);
    expect(after.reserved).toBeLessThanOrEqual(after.stock);
    expect(await runIntegrityChecks(db)).toEqual([]);
  });

  it.runIf(ctx.engine === 'postgres')('concurrent releases of plans on the same station never double-book a worker or substation', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await planner.post('/api/mes/production-plans', samplePlan({ name: `Busy ${i}` }))).json().id);
    const results = await Promise.all(ids.map((id) => planner.post(`/api/mes/production-plans/${id}/release`, { allowShortage: true })));
    expect(results.map((r) => r.statusCode)).toEqual(ids.map(() => 200));
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
  });

  it.runIf(ctx.engine === 'postgres')('the database refuses the second of two concurrent overlapping bookings even without the application lock', async () => {
    const db = ctx.database.db;
    const id = (await planner.post('/api/mes/production-plans', samplePlan())).json().id;
    const nodes = await db.selectFrom('mes.production_plan_nodes').select('id').where('plan_id', '=', id).orderBy('sequence').execute();
    const a = new pg.Client({ connectionString: ctx.url });
    const b = new pg.Client({ connectionString: ctx.url });
    await a.connect();
    await b.connect();
    const insert = (client: pg.Client, code: string, node: number) =>
      client.query(
        `insert into mes.worker_assignments (id, plan_id, node_id, worker_id, station_id, substation_id, planned_start, planned_end, work_minutes)
         values ($1, $2, $3, 'W-001', 'ST-001', 'ST-001-01', '2031-03-03T08:00Z', '2031-03-03T10:00Z', 120)`,
        [code, id, node],
      );
    try {
      await a.query('begin');
      await b.query('begin');
      await insert(a, 'WA-0331-901', nodes[0]!.id);
      const second = insert(b, 'WA-0331-902', nodes[1]!.id); // waits for a's commit
      await a.query('commit');
      await expect(second).rejects.toMatchObject({ code: '23P01' });
      await b.query('rollback');
    } finally {
      await a.end();
      await b.end();
    }
  });
});
