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
    expect(grew('lots')).toBe(counts.lots);
    expect(grew('lot_parents')).toBe(counts.lotParents);
    expect(counts.pauses).toBeGreaterThan(0);
    // the proportions: plans of about 15 steps, more than three ledger rows a step (a reservation and a consumption per input,
    // consumables, lots drawn row by row, production, shipments, receipts)
    expect(counts.steps / counts.plans).toBeGreaterThan(12);
    expect(counts.ledgerRows / counts.steps).toBeGreaterThan(3);
    expect(counts.lots).toBeGreaterThan(0);
    expect(counts.lotParents).toBeGreaterThan(0);
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

    // material: every reservation of a (completed) history plan was released by its consumption, per plan, node and material
    const held = await sql<{ n: number }>`
      select count(*)::int as n from (
        select plan_id, node_id, material_code from mes.material_ledger where actor = 'history' and plan_id is not null
         group by 1, 2, 3 having sum(reserved_delta) <> 0) x`.execute(db);
    expect(held.rows[0]!.n).toBe(0);
    // lots: no lot ever went below zero, row by row in the ledger's order (not only at the end)
    const negative = await sql<{ n: number }>`
      select count(*)::int as n from (
        select sum(stock_delta) over (partition by lot_code order by id) as on_hand from mes.material_ledger where lot_code is not null) x
       where on_hand < 0`.execute(db);
    expect(negative.rows[0]!.n).toBe(0);
    const lots = await sql<{ receipts: number; outputs: number; sheets: number; drawn: number; blanksConsumed: number }>`
      select (select count(*)::int from mes.lots where origin = 'receipt' and heat_number is not null and created_by = 'purchasing') as receipts,
             (select count(*)::int from mes.lots where origin = 'output' and origin_assignment_id is not null) as outputs,
             (select count(*)::int from mes.material_ledger g join mes.materials m on m.code = g.material_code and m.lot_tracked
               where g.actor = 'history' and g.entry_type = 'consumption' and g.material_code like 'SHEET-%') as sheets,
             (select count(*)::int from mes.material_ledger g join mes.materials m on m.code = g.material_code and m.lot_tracked
               where g.actor = 'history' and g.stock_delta <> 0 and g.lot_code is not null) as drawn,
             (select count(*)::int from mes.material_ledger g join mes.lots l on l.code = g.lot_code
               where g.entry_type = 'consumption' and l.origin = 'output' and g.plan_id = l.origin_plan_id) as "blanksConsumed"`.execute(db);
    const l = lots.rows[0]!;
    expect(l.receipts).toBeGreaterThan(0);
    expect(l.outputs).toBeGreaterThan(0);
    expect(l.sheets).toBeGreaterThan(0);
    expect(l.blanksConsumed).toBeGreaterThan(0);
    // every history stock move of a lot-tracked material names its lot
    const untracked = await sql<{ n: number }>`
      select count(*)::int as n from mes.material_ledger g join mes.materials m on m.code = g.material_code and m.lot_tracked
       where g.actor in ('history', 'purchasing') and g.stock_delta <> 0 and g.lot_code is null`.execute(db);
    expect(untracked.rows[0]!.n).toBe(0);
    expect(l.drawn).toBeGreaterThan(0);
    // genealogy as a live completion writes it: an output lot's parents are exactly the lots its step consumed, with the quantities consumed
    const edges = await sql<{ wrong: number; orphans: number }>`
      with consumed as (
        select assignment_id, lot_code, -sum(stock_delta) as quantity from mes.material_ledger
         where entry_type = 'consumption' and lot_code is not null group by 1, 2)
      select (select count(*)::int from mes.lot_parents p join mes.lots c on c.code = p.child_lot
                left join consumed x on x.assignment_id = c.origin_assignment_id and x.lot_code = p.parent_lot
               where x.quantity is distinct from p.quantity) +
             (select count(*)::int from mes.lots c join consumed x on x.assignment_id = c.origin_assignment_id
               where c.origin = 'output' and not exists (select 1 from mes.lot_parents p where p.child_lot = c.code and p.parent_lot = x.lot_code)) as wrong,
             (select count(*)::int from mes.lots c where c.origin = 'output'
                and not exists (select 1 from mes.material_ledger g where g.lot_code = c.code and g.entry_type = 'production'
                                   and g.assignment_id = c.origin_assignment_id)) as orphans`.execute(db);
    expect(edges.rows[0]).toEqual({ wrong: 0, orphans: 0 });

    // codes continue the database's numbering: a plan created now gets a fresh code
    const code = await sql<{ code: string }>`select mes.generate_production_plan_code() as code`.execute(db);
    const taken = await sql<{ n: number }>`select count(*)::int as n from mes.production_plans where id = ${code.rows[0]!.code}`.execute(db);
    expect(taken.rows[0]!.n).toBe(0);
  }, 300_000);
});
