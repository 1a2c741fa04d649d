/**
 * The plans list with the projection of issue #16: its default order next to
 * the orders and the filter that read every matching plan's projected end
 * (sort by projected end or lateness, late=true) and the plain column sorts,
 * over N synthetic released plans of S steps each on a scratch PostgreSQL
 * database; `select 1` through the same pool is the same-run reference.
 *
 *   npx tsx bench/plan-list.ts [--plans 5000] [--steps 3]   (BENCH_DATABASE_URL chooses the server)
 */
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import type { PlanListQuery } from '../src/modules/plans/plans.schema.js';
import { listPlans } from '../src/modules/plans/plans.service.js';
import { seedDatabase } from '../src/seed/seed.js';
import { machine, scratchDatabase } from './lib.js';

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const plans = arg('--plans', 5000);
const steps = arg('--steps', 3);
const runs = 30;

const url = await scratchDatabase('mes_bench_plan_list');
const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
const { db } = database;
await migrateToLatest(db);
await seedDatabase(db, { size: 'minimal', seed: 1 });
await sql`
  insert into mes.production_plans (id, work_order_code, name, quantity, status, due_date, priority, released_at, planned_start, planned_end)
  select 'PPL-0199-' || lpad(g::text, 6, '0'), 'WO-BENCH', 'bench ' || g, 1, 'released',
         timestamptz '2030-01-01' + (g * 30 + (g % 7 - 3) * 60) * interval '1 minute', 1 + g % 5, now(), now(), now()
    from generate_series(1, ${plans}::int) g`.execute(db);
await sql`
  insert into mes.production_plan_nodes (plan_id, node_id, sequence, name, operation_id, quantity, nominal_time)
  select p.id, 'N' || k, k, 'step', 'OP-001', 1, 1 from mes.production_plans p, generate_series(0, ${steps - 1}::int) k where p.work_order_code = 'WO-BENCH'`.execute(
  db,
);
// one global slot of 10 minutes per step: no two bookings overlap
await sql`
  insert into mes.worker_assignments (id, plan_id, node_id, worker_id, station_id, substation_id, planned_start, planned_end, work_minutes)
  select 'WA-0199-' || lpad(row_number() over (order by n.id)::text, 7, '0'), n.plan_id, n.id, w.id, s.station_id, s.id,
         timestamptz '2030-01-01' + (row_number() over (order by n.id)) * interval '10 minutes',
         timestamptz '2030-01-01' + (row_number() over (order by n.id) + 1) * interval '10 minutes', 10
    from mes.production_plan_nodes n
    cross join (select id from mes.workers order by id limit 1) w
    cross join (select id, station_id from mes.substations order by id limit 1) s
   where n.plan_id like 'PPL-0199-%'`.execute(db);
await sql`analyze`.execute(db);

async function time(name: string, run: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await run();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { name, median: ms[Math.floor(runs / 2)]!, p90: ms[Math.floor(runs * 0.9)]! };
}

const page = { limit: 50, offset: 0 };
const cases: [string, PlanListQuery][] = [
  ['default (newest first)', page],
  ['sort=dueDate', { ...page, sort: 'dueDate' }],
  ['sort=priority', { ...page, sort: 'priority' }],
  ['sort=projectedEnd', { ...page, sort: 'projectedEnd' }],
  ['sort=lateness&direction=desc', { ...page, sort: 'lateness', direction: 'desc' }],
  ['late=true', { ...page, late: true }],
];
const rows = [await time('select 1 (reference)', () => sql`select 1`.execute(db))];
for (const [name, filter] of cases) rows.push(await time(name, () => listPlans(db, filter)));
const late = (await listPlans(db, { ...page, late: true, count: true })).total ?? 0;
console.log(`${machine()}\n${plans} released plans × ${steps} steps (${late} late); median and p90 of ${runs} runs, PostgreSQL`);
for (const r of rows) console.log(`${r.name.padEnd(32)} ${r.median.toFixed(2).padStart(8)} ms ${r.p90.toFixed(2).padStart(8)} ms`);
await database.close();
