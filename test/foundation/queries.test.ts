import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { loadPlanCatalog } from '../../src/modules/plans/plan-documents.repository.js';
import { findPlanDetail, findPlanRevisions } from '../../src/modules/plans/plans.repository.js';
import { findAvailableWorkers } from '../../src/modules/workers/workers.repository.js';
import { buildDataset } from '../../src/seed/dataset.js';
import { seedDatabase } from '../../src/seed/seed.js';
import { createTestDatabase, describeEachEngine } from '../helpers/engines.js';
import { planCacheCounts } from '../helpers/plan-cache.js';

describeEachEngine("the seed's two queries", (ctx) => {
  beforeAll(async () => {
    await seedDatabase(ctx.database.db, { size: 'default', clear: true, adminPassword: 'admin-pass-123', demoPin: '1234' });
  });

  it('loads a plan with all nodes, stations, inputs and predecessors as one JSON document', async () => {
    const db = ctx.database.db;
    const { rows } = await sql<{ id: string }>`select id from mes.production_plans order by id limit 1`.execute(db);
    const plan = await findPlanDetail(db, rows[0]!.id);
    const expected = buildDataset('default', 1).plans[0]!;
    expect(plan).toBeDefined();
    expect(plan!.name).toBe(expected.name);
    expect(plan!.status).toBe('draft');
    expect(plan!.nodes.map((n) => n.nodeId)).toEqual(expected.nodes.map((n) => n.nodeId));
    for (const [i, node] of plan!.nodes.entries()) {
      const source = expected.nodes[i]!;
      expect(node.operationId).toBe(source.operationId);
      expect(node.predecessors.slice().sort()).toEqual(source.predecessors.slice().sort());
      expect(node.assignedStations.map((s) => [s.stationId, s.priority, s.time])).toEqual(
        source.assignedStations
          .slice()
          .sort((a, b) => a.priority - b.priority)
          .map((s) => [s.stationId, s.priority, s.time]),
      );
      expect(node.materialInputs.map((m) => [m.materialCode, m.requiredQuantity, m.fromNodeId]).sort()).toEqual(
        source.materialInputs.map((m) => [m.materialCode, m.requiredQuantity, m.fromNodeId]).sort(),
      );
      expect(node.assignment).toBeNull();
    }
  });

  it('returns nothing for an unknown plan', async () => {
    expect(await findPlanDetail(ctx.database.db, 'PPL-0101-999')).toBeUndefined();
  });

  it('finds the available workers for station ST-001, and leaves out busy ones', async () => {
    const db = ctx.database.db;
    const data = buildDataset('default', 1);
    const allowed = data.workerStations
      .filter((ws) => ws.station_id === 'ST-001')
      .map((ws) => ws.worker_id)
      .sort();
    expect(allowed.length).toBeGreaterThan(1);
    const found = await findAvailableWorkers(db, 'ST-001');
    expect(found.map((w) => w.id)).toEqual(allowed);

    const qualified = data.workerOperations.filter((wo) => wo.operation_id === 'OP-001').map((wo) => wo.worker_id);
    const forLaser = await findAvailableWorkers(db, 'ST-001', 'OP-001');
    expect(forLaser.map((w) => w.id)).toEqual(allowed.filter((w) => qualified.includes(w)));
  });
});

/**
 * Statements marked PREPARED are planned once per connection only if PostgreSQL's plan cache settles on their generic
 * plan, which it keeps from the sixth execution when the custom plans cost no less. Arguments the planner can see
 * (a three-element array against the generic plan's guess of ten) made these two look cheaper planned anew, and they
 * were, on every call (measured on the release bench's 5,000-plan floor: 1.6 and 2.6 ms a call against 0.4 and 0.7).
 */
it.runIf(process.env.TEST_DATABASE_URL)("PostgreSQL: the plan catalog's and the plan revisions' reads are planned once per connection", async () => {
  const test = await createTestDatabase('postgres', 1);
  try {
    const db = test.database.db;
    await seedDatabase(db, { size: 'default', clear: true, adminPassword: 'admin-pass-123', demoPin: '1234' });
    const plans = (await sql<{ id: string }>`select id from mes.production_plans order by id`.execute(db)).rows.map((r) => r.id);
    for (let i = 0; i < 8; i++) {
      expect((await findPlanRevisions(db, plans.slice(0, 1 + (i % 3)))).size).toBe(1 + (i % 3));
      const catalog = await loadPlanCatalog(db, { operations: ['OP-001'], stations: ['ST-001', 'ST-002'], materials: [], substations: [], workers: [] });
      expect([...catalog.stations.keys()].sort()).toEqual(['ST-001', 'ST-002']);
    }
    expect(await planCacheCounts(db, ['%plan_revisions r where%', "%'operations', (select json_object_agg%"])).toEqual([
      [5, 3],
      [5, 3],
    ]);
  } finally {
    await test.drop();
  }
});
