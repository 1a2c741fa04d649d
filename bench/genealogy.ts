/**
 * Heat recall and lot genealogy at scale (issue #17): `npm run bench:genealogy`
 *
 * On PostgreSQL (a scratch database `bench_genealogy_<pid>` on the server of
 * BENCH_DATABASE_URL / DATABASE_URL / postgres://postgres@127.0.0.1:5432,
 * dropped at the end; KEEP_DATABASE=1 keeps it), migrated, then generated in
 * bulk SQL (generate_series, one statement per table part, through the same
 * ledger triggers the app uses):
 *
 *   - 100,000 lots of 10 lot-tracked materials: 40,000 received lots (level 0,
 *     4,000 heats of 10 lots each), then 5 levels of 12,000 output lots, each
 *     made from 3 lots of the level below (180,000 lot_parents edges);
 *   - 1,000,000 ledger rows: a receipt or production row per lot (100,000), a
 *     consumption row per edge (180,000) and 720,000 adjustment rows (+1/−1
 *     pairs on the lots, the churn a year of counting leaves).
 *
 * Then it times, through the repository functions the routes call (the same
 * SQL), each Q times on different start points: the heat recall (every lot of
 * a heat and everything made from it, depth 20) and the genealogy down from a
 * received lot and up from a level-5 lot (depth 10: the full tree, ≥ 5
 * levels), median and p90, next to `SELECT 1` on the same pool in the same run.
 *
 * The same statements once more under EXPLAIN (ANALYZE): the server's own
 * execution time, without the queueing of a loaded machine's client side
 * (reported beside, never instead of, the wall-clock figures).
 *
 *   npm run bench:genealogy            Q=50 by default
 */
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { genealogyOf, genealogyQueries, recallHeat, recallHeatQuery } from '../src/modules/materials/lots.repository.js';
import { machine, percentile, scratchDatabase } from './lib.js';
import { watchdog } from './watchdog.js';

const Q = Number(process.env.Q ?? 50);
const RAW = 40_000;
const PER_LEVEL = 12_000;
const LEVELS = 5;
const HEAT_SIZE = 10;

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { median: percentile(s, 50), p90: percentile(s, 90), max: s[s.length - 1]! };
}

async function main(): Promise<void> {
  watchdog('bench:genealogy', 30 * 60_000);
  const name = `bench_genealogy_${process.pid}`;
  const url = await scratchDatabase(name);
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  const db = database.db;
  try {
    await migrateToLatest(db);
    const t0 = performance.now();
    await sql`insert into mes.materials (code, name, unit, lot_tracked)
              select 'STEEL-' || i, 'Steel ' || i, 'kg', true from generate_series(0, 9) i`.execute(db);
    // level 0: received lots, 10 per heat
    await sql`insert into mes.lots (code, material_code, heat_number, supplier, received_at, origin, created_by)
              select 'L0-' || i, 'STEEL-' || (i % 10), 'HEAT-' || (i / ${HEAT_SIZE}), 'Supplier ' || (i % 7),
                     timestamptz '2025-01-01' + i * interval '1 minute', 'receipt', 'bench'
                from generate_series(0, ${RAW - 1}) i`.execute(db);
    for (let level = 1; level <= LEVELS; level++) {
      await sql`insert into mes.lots (code, material_code, received_at, origin, origin_node_id, origin_assignment_id, created_by)
                select 'L' || ${level}::int || '-' || i, 'STEEL-' || (i % 10), timestamptz '2025-06-01' + (${level}::int * ${PER_LEVEL}::int + i) * interval '1 minute',
                       'output', 'N' || ${level}::int, 'WA-BENCH-' || ${level}::int || '-' || i, 'bench'
                  from generate_series(0, ${PER_LEVEL - 1}) i`.execute(db);
      const below = level === 1 ? RAW : PER_LEVEL;
      // three distinct parents per child from the level below, spread (coprime strides)
      await sql`insert into mes.lot_parents (parent_lot, child_lot, quantity)
                select distinct on (p, c) p, c, 1
                  from (select 'L' || ${level - 1}::int || '-' || ((i * 3 + k * 7919) % ${below}::int) as p, 'L' || ${level}::int || '-' || i as c
                          from generate_series(0, ${PER_LEVEL - 1}) i, generate_series(0, 2) k) x`.execute(db);
    }
    // ledger: a receipt/production row per lot, a consumption row per edge, +1/-1 adjustment pairs up to 1,000,000 rows
    await sql`insert into mes.material_ledger (material_code, entry_type, stock_delta, lot_code, reason, actor)
              select material_code, case when origin = 'receipt' then 'receipt' else 'production' end, 1000, code, 'bench', 'bench' from mes.lots`.execute(db);
    await sql`insert into mes.material_ledger (material_code, entry_type, stock_delta, lot_code, reason, actor)
              select l.material_code, 'consumption', -1, p.parent_lot, 'bench', 'bench' from mes.lot_parents p join mes.lots l on l.code = p.parent_lot`.execute(
      db,
    );
    const edges = Number((await sql<{ n: number }>`select count(*)::int as n from mes.lot_parents`.execute(db)).rows[0]!.n);
    const pairs = Math.floor((1_000_000 - 100_000 - edges) / 2);
    await sql`insert into mes.material_ledger (material_code, entry_type, stock_delta, lot_code, reason, actor)
              select l.material_code, 'adjustment', s.d, l.code, 'count', 'bench'
                from generate_series(0, ${pairs - 1}) i
                join mes.lots l on l.code = case when i % 2 = 0 then 'L0-' || (i % ${RAW}::int) else 'L' || (1 + i % ${LEVELS}::int) || '-' || (i % ${PER_LEVEL}::int) end
                cross join (values (1), (-1)) s(d)`.execute(db);
    await sql`analyze`.execute(db);
    const counts = (
      await sql<{ lots: number; ledger: number; edges: number }>`
        select (select count(*)::int from mes.lots) as lots, (select count(*)::int from mes.material_ledger) as ledger, (select count(*)::int from mes.lot_parents) as edges`.execute(
        db,
      )
    ).rows[0]!;
    const genMs = performance.now() - t0;

    // warm the pool and the plans
    for (let i = 0; i < 5; i++) {
      await sql`select 1`.execute(db);
      await recallHeat(db, `HEAT-${i}`, 20);
      await genealogyOf(db, `L5-${i}`, 'up', 10);
    }
    const ref: number[] = [];
    const recall: number[] = [];
    const down: number[] = [];
    const up: number[] = [];
    let recallLots = 0;
    let downLots = 0;
    let upLots = 0;
    let deepest = 0;
    for (let i = 0; i < Q; i++) {
      ref.push((await time(() => sql`select 1`.execute(db))).ms);
      const heat = `HEAT-${(i * 37) % (RAW / HEAT_SIZE)}`;
      const r = await time(() => recallHeat(db, heat, 20));
      recall.push(r.ms);
      recallLots += r.value.length;
      deepest = Math.max(deepest, ...r.value.map((l) => l.level));
      const d = await time(() => genealogyOf(db, `L0-${(i * 613) % RAW}`, 'down', 10));
      down.push(d.ms);
      downLots += d.value.lots.length;
      const u = await time(() => genealogyOf(db, `L5-${(i * 241) % PER_LEVEL}`, 'up', 10));
      up.push(u.ms);
      upLots += u.value.lots.length;
    }
    // server-side execution time of the same statements (EXPLAIN ANALYZE), genealogy = its three statements summed
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const explain = async (q: { compile: (d: typeof db) => { sql: string; parameters: readonly unknown[] } }) => {
      const c = q.compile(db);
      const r = await client.query(`explain (analyze, format json) ${c.sql}`, c.parameters as unknown[]);
      return Number((r.rows[0]['QUERY PLAN'] as { 'Execution Time': number }[])[0]!['Execution Time']);
    };
    const xRecall: number[] = [];
    const xDown: number[] = [];
    const xUp: number[] = [];
    for (let i = 0; i < Q; i++) {
      xRecall.push(await explain(recallHeatQuery(`HEAT-${(i * 37) % (RAW / HEAT_SIZE)}`, 20)));
      for (const [dir, start, out] of [
        ['down', `L0-${(i * 613) % RAW}`, xDown],
        ['up', `L5-${(i * 241) % PER_LEVEL}`, xUp],
      ] as const) {
        const q = genealogyQueries(start, dir, 10);
        const codes = (await q.lots.execute(db)).rows.map((l) => l.code);
        out.push((await explain(q.lots)) + (await explain(q.edges(codes))) + (await explain(q.uses(codes))));
      }
    }
    await client.end();
    const row = (what: string, s: number[], extra: string) => {
      const x = stats(s);
      return `| ${what} | ${x.median.toFixed(2)} | ${x.p90.toFixed(2)} | ${x.max.toFixed(2)} | ${extra} |`;
    };
    console.log(`machine: ${machine()}`);
    console.log(`generated ${counts.lots} lots, ${counts.ledger} ledger rows, ${counts.edges} genealogy edges in ${(genMs / 1000).toFixed(1)} s`);
    console.log(`${Q} queries each, different start points\n`);
    console.log('| query | median ms | p90 ms | max ms | per query |');
    console.log('| --- | ---: | ---: | ---: | --- |');
    console.log(row('SELECT 1 (reference)', ref, '—'));
    console.log(row('heat recall (GET /lots?heatNumber=)', recall, `${(recallLots / Q).toFixed(0)} lots on average, deepest level ${deepest}`));
    console.log(row('genealogy down from a received lot', down, `${(downLots / Q).toFixed(0)} lots on average (edges and uses too)`));
    console.log(row('genealogy up from a level-5 lot', up, `${(upLots / Q).toFixed(0)} lots on average (edges and uses too)`));
    console.log(row('server execution: heat recall', xRecall, 'EXPLAIN ANALYZE'));
    console.log(row('server execution: genealogy down', xDown, 'EXPLAIN ANALYZE, 3 statements summed'));
    console.log(row('server execution: genealogy up', xUp, 'EXPLAIN ANALYZE, 3 statements summed'));
  } finally {
    await database.close();
    if (process.env.KEEP_DATABASE) console.log(`kept database ${name}`);
    else {
      const admin = new URL(url);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    }
  }
}

await main();
