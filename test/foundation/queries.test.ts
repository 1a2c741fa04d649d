import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { findPlanDetail } from '../../src/modules/plans/plans.repository.js';
import { findAvailableWorkers } from '../../src/modules/workers/workers.repository.js';
import { buildDataset } from '../../src/seed/dataset.js';
import { seedDatabase } from '../../src/seed/seed.js';
import { describeEachEngine } from '../helpers/engines.js';

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
