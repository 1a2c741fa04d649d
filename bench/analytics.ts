/**
 * The analytics queries (issue #18 item 4's analytics half) on a database
 * holding months of history (`seed --full --history 24`), each timed as the
 * service runs it (reads and arithmetic, no HTTP), side by side with
 * `SELECT 1` on the same pool in the same run. Periods: the last 30 days
 * (groupBy day) and the longest allowed, 400 days (groupBy week), plant-wide
 * and for one station. Each report twice, back to back in the same run: from
 * the base tables (the reads before migration 0027, kept as the
 * recomputation) and from the rollups (what the API answers with), and
 * whether both answers are identical.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/oee_hist npx tsx bench/analytics.ts [--runs 7]
 */
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.js';
import * as service from '../src/modules/analytics/analytics.service.js';
import type { AnalyticsQuery } from '../src/modules/analytics/analytics.schema.js';
import { machine, percentile } from './lib.js';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/oee_hist';
const runs = process.argv.includes('--runs') ? Number(process.argv[process.argv.indexOf('--runs') + 1]) : 7;

const database = await openDatabase({ databaseUrl: url, poolSize: 4 });
const db = database.db;
const last = await sql<{
  t: Date | null;
  steps: string;
}>`select max(actual_end) as t, count(*) as steps from mes.worker_assignments where status = 'completed'`.execute(db);
const end = new Date(last.rows[0]!.t ?? Date.now());
const station = (await sql<{ id: string }>`select id from mes.stations order by id limit 1`.execute(db)).rows[0]!.id;

async function time(run: () => Promise<unknown>): Promise<{ median: number; p90: number }> {
  await run(); // warm
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run();
    xs.push(performance.now() - t);
  }
  xs.sort((a, b) => a - b);
  return { median: percentile(xs, 0.5), p90: percentile(xs, 0.9) };
}

console.log(`# bench/analytics — ${machine()}; ${last.rows[0]!.steps} completed steps; ${runs} runs each`);
const select1 = await time(() => sql`select 1`.execute(db));
console.log(
  `| query | period | scope | base median ms | base p90 ms | rollups median ms | rollups p90 ms | identical |\n|---|---|---|---|---|---|---|---|\n| SELECT 1 | – | – | ${select1.median.toFixed(2)} | ${select1.p90.toFixed(2)} | | | |`,
);
const endpoints = {
  oee: service.oee,
  downtime: service.downtime,
  scrap: service.scrap,
  'planned-vs-actual': service.plannedVsActual,
  delivery: service.delivery,
  utilisation: service.utilisation,
} as const;
for (const [days, groupBy] of [
  [30, 'day'],
  [400, 'week'],
] as const) {
  for (const stationId of [undefined, station]) {
    const q: AnalyticsQuery = {
      from: new Date(end.getTime() - days * 86_400_000).toISOString(),
      to: end.toISOString(),
      groupBy,
      ...(stationId ? { stationId } : {}),
    };
    const scope = await service.scopeOf(db, q, 0);
    for (const [name, run] of Object.entries(endpoints)) {
      const base = await time(() => run(db, scope, service.baseReads));
      const rolled = await time(() => run(db, scope, service.rollupReads));
      const same = isDeepStrictEqual(await run(db, scope, service.baseReads), await run(db, scope, service.rollupReads));
      console.log(
        `| ${name} | ${days} d by ${groupBy} | ${stationId ?? 'plant'} | ${base.median.toFixed(1)} | ${base.p90.toFixed(1)} | ${rolled.median.toFixed(1)} | ${rolled.p90.toFixed(1)} | ${same ? 'yes' : 'NO'} |`,
      );
    }
    const t = await time(() => service.steps(db, scope, { ...q, reason: 'machine_fault', limit: 100 }));
    console.log(
      `| steps (drill-down, machine_fault, 100) | ${days} d by ${groupBy} | ${stationId ?? 'plant'} | ${t.median.toFixed(1)} | ${t.p90.toFixed(1)} | (base tables) | | |`,
    );
  }
}
await database.close();
