import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { seedSizes } from '../../src/seed/catalog.js';
import { buildDataset } from '../../src/seed/dataset.js';
import { countMesRows, seedDatabase, SeedRefusedError } from '../../src/seed/seed.js';
import { describeEachEngine } from '../helpers/engines.js';

describeEachEngine('seed', (ctx) => {
  for (const size of ['minimal', 'default', 'full'] as const) {
    it(`--${size} produces ${seedSizes[size].workers} workers, ${seedSizes[size].stations} stations, ${seedSizes[size].plans} plans and passes the integrity checks`, async () => {
      const db = ctx.database.db;
      const summary = await seedDatabase(db, { size, clear: true, adminPassword: 'admin-pass-123', demoPin: '1234' });
      expect(summary.counts.workers).toBe(seedSizes[size].workers);
      expect(summary.counts.stations).toBe(seedSizes[size].stations);
      expect(summary.counts.production_plans).toBe(seedSizes[size].plans);
      expect(summary.counts.operations).toBe(8);
      expect(summary.counts.substations).toBeGreaterThanOrEqual(seedSizes[size].stations);
      expect(summary.counts.node_predecessors).toBeGreaterThan(0);
      expect(summary.counts.node_material_inputs).toBeGreaterThan(0);
      expect(summary.generatedAdminPassword).toBeUndefined();
      expect(await runIntegrityChecks(db)).toEqual([]);

      // graphs branch and merge: some node has two or more predecessors
      const merges = await sql<{ n: number }>`
        select count(*)::int as n from (select node_id from mes.node_predecessors group by node_id having count(*) > 1) x`.execute(db);
      expect(merges.rows[0]!.n).toBeGreaterThan(0);
      // every plan node has a capable candidate station
      const incapable = await sql<{ n: number }>`
        select count(*)::int as n from mes.node_stations s join mes.production_plan_nodes n on n.id = s.node_id
         where not exists (select 1 from mes.station_operations so where so.station_id = s.station_id and so.operation_id = n.operation_id)`.execute(db);
      expect(incapable.rows[0]!.n).toBe(0);
      // stock is what the opening ledger says
      const stock = await sql<{ stock: number }>`select stock from mes.materials where code = 'SHEET-S235-2'`.execute(db);
      expect(stock.rows[0]!.stock).toBe(size === 'full' ? 4000 : 400);
    });
  }

  it('refuses to seed over existing data without --clear, and changes nothing', async () => {
    const db = ctx.database.db;
    await seedDatabase(db, { size: 'minimal', clear: true, adminPassword: 'admin-pass-123', demoPin: '1234' });
    const before = await countMesRows(db);
    await expect(seedDatabase(db, { size: 'default', adminPassword: 'x-pass-12345', demoPin: '1' })).rejects.toBeInstanceOf(SeedRefusedError);
    expect(await countMesRows(db)).toEqual(before);
  });

  it.runIf(ctx.engine === 'postgres')('two processes seeding one empty database: one seeds, the other waits and is refused', async () => {
    const db = ctx.database.db;
    await sql
      .raw(
        `truncate ${['operations', 'stations', 'materials', 'workers', 'shift_calendars', 'users', 'production_plans', 'code_counters'].map((t) => `mes.${t}`).join(', ')} restart identity cascade`,
      )
      .execute(db);
    expect((await countMesRows(db)).operations).toBe(0);
    const results = await Promise.allSettled([0, 1].map(() => seedDatabase(db, { size: 'minimal', adminPassword: 'admin-pass-123', demoPin: '1234' })));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(SeedRefusedError);
    expect((await countMesRows(db)).workers).toBe(seedSizes.minimal.workers);
    expect(await runIntegrityChecks(db)).toEqual([]);
  });

  it('generates the admin password and the demo PIN when none is configured', async () => {
    const summary = await seedDatabase(ctx.database.db, { size: 'minimal', clear: true });
    expect(summary.generatedAdminPassword).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(summary.generatedDemoPin).toMatch(/^[0-9]{6}$/);
  });
});

it('the dataset is deterministic for a seed and differs between seeds', () => {
  expect(buildDataset('default', 7)).toEqual(buildDataset('default', 7));
  expect(buildDataset('default', 7)).not.toEqual(buildDataset('default', 8));
});
