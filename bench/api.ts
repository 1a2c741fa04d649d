/**
 * API benchmark: seeds --full on PostgreSQL, then measures plan list, plan
 * detail (a 30-node plan) and plan creation (10 and 1,000 nodes) next to two
 * reference routes in the same run: a bare JSON route and SELECT 1 through the
 * same pool. Loopback only, bounded in time.
 *
 *   npx tsx bench/api.ts            (BENCH_DATABASE_URL or DATABASE_URL chooses the server)
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { PlanDocument } from '../src/modules/plans/plans.schema.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { seedDatabase } from '../src/seed/seed.js';
import { chainPlan as benchChainPlan, cannon, machine, percentile, scratchDatabase, table } from './lib.js';
import { watchdog } from './watchdog.js';

/** The API bench's plans: every 4th step takes a sheet from stock. */
const chainPlan = (nodes: number, name: string) => benchChainPlan(name, nodes, { workOrderCode: 'WO-BENCH', quantity: 10, materialEvery: 4 });

async function main() {
  watchdog('bench/api', 20 * 60_000);
  const url = await scratchDatabase('mes_bench_api');
  const config = { ...loadConfig([], { ...process.env, LOG_LEVEL: 'silent' }), databaseUrl: url, loginRateLimit: 1000 };
  const database = await openDatabase({ databaseUrl: url, poolSize: 10 });
  await migrateToLatest(database.db);
  const seeded = await seedDatabase(database.db, { size: 'full', adminPassword: 'bench-password', demoPin: '1234' });
  const withReferenceRoutes = (app: FastifyInstance) => {
    app.get('/bench/bare', { config: { public: true } }, async () => ({ hello: 'world' }));
    app.get('/bench/select1', { config: { public: true } }, async () => (await sql<{ one: number }>`select 1 as one`.execute(database.db)).rows[0]);
    // the same behind the session check every API route pays
    app.get('/bench/select1-signed-in', async () => (await sql<{ one: number }>`select 1 as one`.execute(database.db)).rows[0]);
    return app;
  };
  const app = withReferenceRoutes(await buildApp({ database, config, logger: false }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await fetch(`${base}/api/mes/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'planner', password: 'bench-password' }),
  });
  const { token } = (await login.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const post = (doc: PlanDocument) => fetch(`${base}/api/mes/production-plans`, { method: 'POST', headers, body: JSON.stringify(doc) });
  const detailPlan = (await (await post(chainPlan(30, 'Detail bench plan'))).json()) as { id: string };

  console.log(`machine: ${machine()}`);
  console.log(
    `database: PostgreSQL (${url.replace(/\/\/[^@]*@/, '//')}), seeded --full: ${seeded.counts.production_plans} plans, ${seeded.counts.production_plan_nodes} nodes\n`,
  );

  const bare = await cannon('bare JSON route', { url: `${base}/bench/bare` });
  const select1 = await cannon('SELECT 1 through the pool', { url: `${base}/bench/select1` });
  const select1Auth = await cannon('SELECT 1, signed in (session check)', { url: `${base}/bench/select1-signed-in`, headers });
  const list = await cannon('GET plan list (50 per page)', { url: `${base}/api/mes/production-plans`, headers });
  const detail = await cannon('GET plan detail (30 nodes)', { url: `${base}/api/mes/production-plans/${detailPlan.id}`, headers });
  // every seeded plan in turn (each connection walks the list), so reads that arrive together ask for different plans
  const seededIds = ((await (await fetch(`${base}/api/mes/production-plans?limit=500`, { headers })).json()) as { items: { id: string }[] }).items.map(
    (p) => p.id,
  );
  const detailMany = await cannon(`GET plan detail, ${seededIds.length} plans in turn`, {
    url: base,
    headers,
    requests: seededIds.map((id) => ({ method: 'GET', path: `/api/mes/production-plans/${id}` })),
  });
  // the same on an instance with both per-process caches off (MES_PLAN_CACHE_MB=0, MES_SESSION_CACHE_SECONDS=0)
  const uncached = withReferenceRoutes(await buildApp({ database, config: { ...config, planCacheMb: 0, sessionCacheSeconds: 0 }, logger: false }));
  await uncached.listen({ port: 0, host: '127.0.0.1' });
  const uncachedBase = `http://127.0.0.1:${(uncached.server.address() as { port: number }).port}`;
  const detailUncached = await cannon('GET plan detail, caches off', { url: `${uncachedBase}/api/mes/production-plans/${detailPlan.id}`, headers });
  const select1AuthUncached = await cannon('SELECT 1, signed in, session cache off', { url: `${uncachedBase}/bench/select1-signed-in`, headers });
  await uncached.close();
  const create10 = await cannon('POST plan, 10 nodes (c=10)', {
    url: `${base}/api/mes/production-plans`,
    method: 'POST',
    headers,
    body: JSON.stringify(chainPlan(10, 'Bench 10')),
    connections: 10,
  });
  console.log(table([bare, select1, select1Auth, select1AuthUncached, list, detail, detailMany, detailUncached, create10], select1));

  // sequential timings: one request at a time, so the median is the cost of the request itself
  const timings = async (doc: PlanDocument, n: number) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const res = await post(doc);
      if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
      ms.push(performance.now() - t);
    }
    return ms.sort((a, b) => a - b);
  };
  const small = await timings(chainPlan(10, 'Seq 10'), 200);
  const large = await timings(chainPlan(1000, 'Seq 1000'), 20);
  console.log(`\nplan creation, one at a time (validation included):`);
  console.log(
    `  10 nodes:    median ${percentile(small, 50).toFixed(2)} ms, p99 ${percentile(small, 99).toFixed(2)} ms (n=${small.length})   target median ≤ 5 ms`,
  );
  console.log(
    `  1,000 nodes: median ${percentile(large, 50).toFixed(1)} ms, max ${large[large.length - 1]!.toFixed(1)} ms (n=${large.length})   target median ≤ 150 ms`,
  );
  // release end to end: validation, reservation, scheduling against everything already booked, bulk writes
  const releases: number[] = [];
  const makespans: string[] = [];
  for (let i = 0; i < 10; i++) {
    const plan = (await (await post(chainPlan(100, `Release ${i}`))).json()) as { id: string };
    const t = performance.now();
    const res = await fetch(`${base}/api/mes/production-plans/${plan.id}/release`, { method: 'POST', headers, body: JSON.stringify({ allowShortage: true }) });
    releases.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`release failed: ${res.status} ${await res.text()}`);
    const { schedule } = (await res.json()) as { schedule: { makespanMinutes: number; greedyMakespanMinutes: number; elapsedMs: number; iterations: number } };
    makespans.push(
      `${schedule.greedyMakespanMinutes.toFixed(0)}→${schedule.makespanMinutes.toFixed(0)} (${schedule.iterations} it, ${schedule.elapsedMs.toFixed(0)} ms)`,
    );
  }
  releases.sort((a, b) => a - b);
  console.log(
    `  release of a 100-node plan on --full data: median ${percentile(releases, 50).toFixed(1)} ms, max ${releases[releases.length - 1]!.toFixed(1)} ms (n=10, scheduler budget ${config.schedulerBudgetMs} ms)   target ≤ 200 ms`,
  );
  console.log(`    makespan minutes greedy→improved (local-search iterations, scheduler time): ${makespans.join(', ')}`);
  console.log(`\nplan detail: ${(detail.rps / select1.rps).toFixed(2)}× the SELECT 1 route's req/s, p99 ${detail.p99} ms   target ≥ 0.5× and p99 ≤ 10 ms`);
  console.log(`  (${(detail.rps / select1Auth.rps).toFixed(2)}× the signed-in SELECT 1 route, which pays the same session check)`);
  console.log(`  every seeded plan in turn: ${(detailMany.rps / select1.rps).toFixed(2)}×, p99 ${detailMany.p99} ms`);
  console.log(`  with both caches off: ${(detailUncached.rps / select1.rps).toFixed(2)}×, p99 ${detailUncached.p99} ms`);

  await app.close();
  await database.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
