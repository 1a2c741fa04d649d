import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { buildDataset } from '../../src/seed/dataset.js';
import { simulateHistory } from '../../src/seed/history.js';
import { seedHistory } from '../../src/seed/history-writer.js';
import { countMesRows, seedDatabase } from '../../src/seed/seed.js';
import { describeEachEngine } from '../helpers/engines.js';

const now = Date.parse('2026-11-30T12:00:00Z');

it('the simulated past is a function of its inputs (same seed, same history; another seed, another)', () => {
  const dataset = buildDataset('minimal', 3);
  const stock = new Map(dataset.materials.map((m) => [m.code, m.opening]));
  const input = { dataset, stock, months: 1, seed: 3, now, utcOffsetMinutes: 0 };
  const a = simulateHistory(input);
  expect(a.plans.length).toBeGreaterThan(5);
  expect(simulateHistory(input)).toEqual(a);
  expect(simulateHistory({ ...input, seed: 4 }).plans.map((p) => p.releasedAt)).not.toEqual(a.plans.map((p) => p.releasedAt));
  // nothing of the past is in the future, every plan ends after it starts, due dates follow releases
  for (const p of a.plans) {
    expect(p.completedAt).toBeLessThanOrEqual(now);
    expect(p.startedAt).toBeGreaterThanOrEqual(p.releasedAt);
    expect(p.dueDate).toBeGreaterThan(p.releasedAt);
  }
});

describeEachEngine('history generator', (ctx) => {
  it('writes months of completed plans whose rows pass every integrity check, with actuals, pauses, scrap and problems', async () => {
    const db = ctx.database.db;
    await seedDatabase(db, { size: 'default', clear: true, adminPassword: 'admin-pass-123', demoPin: '1234' });
    const before = await countMesRows(db);
    const counts = await seedHistory(db, { size: 'default', seed: 1, months: 1, now, utcOffsetMinutes: 0 });
    const after = await countMesRows(db);
    const grew = (table: string) => after[table]! - before[table]!;

    expect(counts.plans).toBeGreaterThan(20);
    expect(grew('production_plans')).toBe(counts.plans);
    expect(grew('worker_assignments')).toBe(counts.steps);
    expect(grew('assignment_pauses')).toBe(counts.pauses);
    expect(grew('assignment_problems')).toBe(counts.problems);
    expect(grew('material_ledger')).toBe(counts.ledgerRows);
    expect(counts.pauses).toBeGreaterThan(0);
    expect(counts.problems).toBeGreaterThan(0);
    expect(await runIntegrityChecks(db)).toEqual([]);

    const shape = await sql<{ completed: number; scrapped: number; reasons: number; late: number; plans: number; open: number }>`
      select (select count(*)::int from mes.worker_assignments where status = 'completed') as completed,
             (select count(*)::int from mes.worker_assignments where scrap_quantity > 0 and scrap_reason is not null) as scrapped,
             (select count(distinct reason)::int from mes.assignment_pauses) as reasons,
             (select count(*)::int from mes.production_plans where status = 'completed' and completed_at > due_date) as late,
             (select count(*)::int from mes.production_plans where status = 'completed') as plans,
             (select count(*)::int from mes.worker_assignments where status <> 'completed') as open`.execute(db);
    const s = shape.rows[0]!;
    expect(s.completed).toBe(counts.steps);
    expect(s.open).toBe(0);
    expect(s.scrapped).toBeGreaterThan(0);
    expect(s.reasons).toBeGreaterThanOrEqual(3);
    expect(s.plans).toBe(counts.plans);
    // some plans are late, most are not
    expect(s.late).toBeGreaterThan(0);
    expect(s.late).toBeLessThan(s.plans / 2);

    // the floor was physical: no worker and no substation ran two steps at once
    const overlaps = await sql<{ n: number }>`
      select count(*)::int as n from mes.worker_assignments a join mes.worker_assignments b
        on a.id < b.id and (a.worker_id = b.worker_id or a.substation_id = b.substation_id)
       and a.actual_start < b.actual_end and b.actual_start < a.actual_end
       where a.status = 'completed' and b.status = 'completed'`.execute(db);
    expect(overlaps.rows[0]!.n).toBe(0);
    // steps start after their predecessors end, and pauses lie inside their step
    const order = await sql<{ n: number }>`
      select count(*)::int as n from mes.worker_assignments a
        join mes.node_predecessors e on e.node_id = a.node_id
        join mes.worker_assignments p on p.node_id = e.predecessor_id
       where a.actual_start < p.actual_end`.execute(db);
    expect(order.rows[0]!.n).toBe(0);
    const pauses = await sql<{ n: number }>`
      select count(*)::int as n from mes.assignment_pauses x join mes.worker_assignments a on a.id = x.assignment_id
       where x.started_at < a.actual_start or x.ended_at > a.actual_end`.execute(db);
    expect(pauses.rows[0]!.n).toBe(0);

    // codes continue the database's numbering: a plan created now gets a fresh code
    const code = await sql<{ code: string }>`select mes.generate_production_plan_code() as code`.execute(db);
    const taken = await sql<{ n: number }>`select count(*)::int as n from mes.production_plans where id = ${code.rows[0]!.code}`.execute(db);
    expect(taken.rows[0]!.n).toBe(0);
  }, 300_000);
});
