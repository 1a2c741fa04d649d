/**
 * The pages people open all day, on the `--full` dataset and on the same
 * dataset with months of history (`seed --history`), side by side in one run
 * with the signed-in `SELECT 1` route of each server and a route that sends
 * the default list page's bytes from memory (what a page of that size costs
 * to serve without the database) (issue #18 item 4):
 * the plans list (default order, a status filter with a sort, the late filter,
 * a search, its second page by cursor; the default order again while plans
 * are created through the API once and ten times a second, each of which
 * drops the server's kept list pages), a plan's detail, the board's three
 * reads, a worker's tasks, and the events replay a reconnecting client gets.
 * Both servers run in this process on loopback; each route is measured on one
 * and then the other, so load changes hit both alike.
 *
 *   npx tsx bench/history.ts [--months 24] [--reuse] [--names full_db,history_db] [--prefix name] [--only word,word]
 *
 * --reuse keeps the two scratch databases of an earlier run (writing 24 months
 * takes minutes); --names reuses two other databases instead (e.g. copies made
 * with `createdb -T mes_bench_hist_24 …` to try a migration on; they are
 * migrated to the latest schema); --prefix names the scratch databases
 * `<prefix>_hist_full` and `<prefix>_hist_<months>` instead of `mes_bench_…`,
 * so engineers sharing one server do not drop each other's (with --reuse it
 * reuses them); --only measures only the routes whose name contains one of the
 * words (the `SELECT 1` reference always runs); BENCH_DATABASE_URL chooses the
 * server.
 *
 * The events replay: a client reconnects with Last-Event-ID and gets what it
 * missed, the last `replayEvents` events before the run began (all of them if
 * fewer are kept), then the stream goes live; one replay is the time from the
 * request to the last missed event, 20 clients at a time.
 */
import os from 'node:os';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { seedHistory } from '../src/seed/history-writer.js';
import { seedDatabase } from '../src/seed/seed.js';
import { startDemoFloor } from '../src/seed/demo-floor.js';
import { cannon, machine, type Measured, scalePlan, scratchDatabase } from './lib.js';
import { watchdog } from './watchdog.js';

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const months = arg('--months', 24);
const names = process.argv.includes('--names') ? process.argv[process.argv.indexOf('--names') + 1]!.split(',') : undefined;
const reuse = process.argv.includes('--reuse') || names !== undefined;
const prefix = process.argv.includes('--prefix') ? process.argv[process.argv.indexOf('--prefix') + 1]! : 'mes_bench';
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : undefined;
const replayEvents = 50;
const password = 'bench-password';
watchdog('bench/history', 60 * 60_000);

async function server(name: string, history: number) {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let url: string;
  let fresh = true;
  if (reuse) {
    const u = new URL(base);
    u.pathname = `/${name}`;
    url = u.toString();
    fresh = false;
  } else url = await scratchDatabase(name);
  const config = { ...loadConfig([], { ...process.env, LOG_LEVEL: 'silent' }), databaseUrl: url, loginRateLimit: 10_000, archiveAfterDays: undefined };
  const database = await openDatabase({ databaseUrl: url, poolSize: 10 });
  await migrateToLatest(database.db);
  const app: FastifyInstance = await buildApp({ database, config, logger: false });
  app.get('/bench/select1-signed-in', async () => (await sql<{ one: number }>`select 1 as one`.execute(database.db)).rows[0]);
  // the default list page's own bytes, kept as text: what serving a page costs without reading it (set once the server is up)
  let pageBody = '{}';
  app.get('/bench/page-bytes-signed-in', async (_req, reply) => reply.type('application/json; charset=utf-8').send(pageBody));
  if (fresh) {
    await seedDatabase(database.db, { size: 'full', adminPassword: password, demoPin: '123456' });
    const started = performance.now();
    if (history > 0) {
      const h = await seedHistory(database.db, { size: 'full', seed: 1, months: history, now: Date.now(), utcOffsetMinutes: 0 });
      console.log(
        `${name}: ${history} months of history in ${Math.round((performance.now() - started) / 1000)} s: ${h.plans} plans, ${h.steps} steps, ${h.ledgerRows} ledger rows`,
      );
    }
    // the live floor on both: the demo floor's two released plans and a running step, then ten more released plans
    await startDemoFloor(app, { adminPassword: password, demoPin: '123456' });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await fetch(`${origin}/api/mes/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'planner', password }),
  });
  const { token } = (await login.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}` };
  const get = async <T>(path: string) => (await (await fetch(`${origin}${path}`, { headers })).json()) as T;
  const counts = await sql<{ plans: number; steps: number; ledger: number }>`
    select (select count(*)::int from mes.production_plans) as plans, (select count(*)::int from mes.worker_assignments) as steps,
           (select count(*)::int from mes.material_ledger) as ledger`.execute(database.db);
  const released = await get<{ items: { id: string }[] }>('/api/mes/production-plans?status=in_production&status=released&limit=1');
  const running = await get<{ items: { workerId: string }[] }>('/api/mes/worker-assignments?status=in_progress&limit=1');
  const first = await get<{ nextCursor?: string | null }>('/api/mes/production-plans');
  pageBody = await (await fetch(`${origin}/api/mes/production-plans`, { headers })).text();
  // the event a reconnecting client saw last: replayEvents before the newest (the oldest kept if fewer)
  const seen = await sql<{ from: number | null; to: number | null; n: number }>`
    select (select min(id) from (select id from mes.events order by id desc limit ${replayEvents + 1}) e)::int as from,
           (select max(id) from mes.events)::int as to, (select count(*)::int from mes.events) as n`.execute(database.db);
  return {
    name,
    app,
    database,
    origin,
    headers,
    counts: { ...counts.rows[0]!, events: seen.rows[0]!.n },
    planId: released.items[0]!.id,
    workerId: running.items[0]?.workerId ?? 'W-001',
    // before keyset paging the list had no cursor: the second page by offset
    secondPage: first.nextCursor ? `cursor=${encodeURIComponent(first.nextCursor)}` : 'offset=50',
    replay: { from: seen.rows[0]!.from ?? 0, to: seen.rows[0]!.to ?? 0 },
  };
}

const full = await server(names?.[0] ?? `${prefix}_hist_full`, 0);
const past = await server(names?.[1] ?? `${prefix}_hist_${months}`, months);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`machine: ${machine()}; load at start ${load()}; plans list cache ${full.app.mes.config.planListCacheMb} MiB`);
for (const s of [full, past]) {
  console.log(`${s.name}: ${s.counts.plans} plans, ${s.counts.steps} assignments, ${s.counts.ledger} ledger rows, ${s.counts.events} events kept`);
}

type Server = typeof full;
/**
 * Creates a plan through the API `perSecond` times a second until stopped (a
 * planner entering orders; on a floor, any start, pause or completion stamps
 * its plan the same way): each one is the newest plan, so it changes the
 * default list page and drops every kept list page of the server.
 */
function planWriter(s: Server, perSecond: number): () => Promise<{ written: number; failed: number }> {
  let stopped = false;
  let written = 0;
  let failed = 0;
  const created: string[] = [];
  const every = 1000 / perSecond;
  const loop = (async () => {
    let next = performance.now();
    while (!stopped) {
      const res = await fetch(`${s.origin}/api/mes/production-plans`, {
        method: 'POST',
        headers: { ...s.headers, 'content-type': 'application/json' },
        body: JSON.stringify(scalePlan(`bench writer ${written + failed}`)),
      });
      const body = (await res.json()) as { id?: string };
      if (res.ok && body.id) {
        written++;
        created.push(body.id);
      } else failed++;
      next += every;
      const wait = next - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    // the drafts go again, so a reused database keeps its size from run to run
    for (const id of created) await fetch(`${s.origin}/api/mes/production-plans/${id}`, { method: 'DELETE', headers: s.headers });
    return { written, failed };
  };
}

const routes: { name: string; path: (s: Server) => string; writesPerSecond?: number }[] = [
  { name: 'SELECT 1, signed in', path: () => '/bench/select1-signed-in' },
  { name: 'the default plans list page as kept bytes, signed in (no database)', path: () => '/bench/page-bytes-signed-in' },
  { name: 'plans list (default: newest 50)', path: () => '/api/mes/production-plans' },
  { name: 'plans list (default), a plan created every second meanwhile', path: () => '/api/mes/production-plans', writesPerSecond: 1 },
  { name: 'plans list (default), ten plans created a second meanwhile', path: () => '/api/mes/production-plans', writesPerSecond: 10 },
  { name: 'plans list, completed, by due date', path: () => '/api/mes/production-plans?status=completed&sort=dueDate' },
  { name: 'plans list, late', path: () => '/api/mes/production-plans?late=true' },
  { name: 'plans list, search "cabinet"', path: () => '/api/mes/production-plans?q=cabinet' },
  { name: 'plans list, second page', path: (s) => `/api/mes/production-plans?${s.secondPage}` },
  { name: 'plans list, sorted by projected end', path: () => '/api/mes/production-plans?sort=projectedEnd' },
  { name: 'plans list, sorted by lateness', path: () => '/api/mes/production-plans?sort=lateness&direction=desc' },
  { name: 'plan detail (released plan)', path: (s) => `/api/mes/production-plans/${s.planId}` },
  { name: 'board: running steps', path: () => '/api/mes/worker-assignments?status=in_progress&status=paused&limit=500' },
  { name: 'board: plans in production', path: () => '/api/mes/production-plans?status=released&status=in_production&status=paused&limit=100' },
  { name: 'board: open problems', path: () => '/api/mes/problems?open=true&limit=500' },
  { name: "a worker's tasks", path: (s) => `/api/mes/workers/${s.workerId}/tasks` },
];

/**
 * The filtered lists fill a 50-row page at 24 months but not at --full (100
 * plans, few completed or late): beside each, the same filter with the page
 * size --full gives (its item count as the limit), so the two sides serve
 * pages of the same size and the ratio is the history's alone.
 */
const sizedFilters = ['status=completed&sort=dueDate', 'late=true', 'q=cabinet'];
for (const filter of sizedFilters) {
  const res = await fetch(`${full.origin}/api/mes/production-plans?${filter}`, { headers: full.headers });
  const n = ((await res.json()) as { items: unknown[] }).items.length;
  const name = routes.find((r) => r.path(full).endsWith(`?${filter}`))!.name;
  if (n > 0 && n < 50) routes.push({ name: `${name}, limit ${n} (--full's page size)`, path: () => `/api/mes/production-plans?${filter}&limit=${n}` });
  else console.log(`${name}: --full's page has ${n} items (no same-size row)`);
}

const rows: { name: string; a: Measured; b: Measured }[] = [];
for (const r of routes.filter((r, i) => i === 0 || !only || only.some((w) => r.name.includes(w)))) {
  const kept = (s: Server) => ({ hits: s.app.mes.planLists.hits, misses: s.app.mes.planLists.misses, reads: s.app.mes.planLists.reads });
  const k0 = [kept(full), kept(past)];
  const run = async (s: Server) => {
    const stop = r.writesPerSecond ? planWriter(s, r.writesPerSecond) : undefined;
    const measured = await cannon(r.name, { url: `${s.origin}${r.path(s)}`, headers: s.headers, duration: 4, connections: 20 });
    const writes = await stop?.();
    if (writes) console.log(`${r.name} on ${s.name}: ${writes.written} plans created${writes.failed > 0 ? `, ${writes.failed} creations failed` : ''}`);
    return measured;
  };
  const a = await run(full);
  const b = await run(past);
  rows.push({ name: r.name, a, b });
  // kept list pages served / missed / read afresh (misses together share a read) during the route's run, on each server
  const k = [full, past].map((s, i) => `${kept(s).hits - k0[i]!.hits}/${kept(s).misses - k0[i]!.misses}/${kept(s).reads - k0[i]!.reads}`);
  console.log(
    `${r.name}: ${Math.round(a.rps)} / ${Math.round(b.rps)} req/s${a.errors + b.errors > 0 ? ` (errors ${a.errors} / ${b.errors})` : ''}; list pages kept/missed/read ${k.join(' and ')}`,
  );
}
/**
 * Reconnects with Last-Event-ID for `seconds`, `connections` clients at a
 * time, each reading until the last missed event arrives, then leaving.
 */
async function replays(s: Server, seconds: number, connections: number): Promise<Measured> {
  const until = performance.now() + seconds * 1000;
  const times: number[] = [];
  let errors = 0;
  const last = `id: ${s.replay.to}\n`;
  const client = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      const abort = new AbortController();
      try {
        const res = await fetch(`${s.origin}/api/mes/stream`, { headers: { ...s.headers, 'last-event-id': String(s.replay.from) }, signal: abort.signal });
        if (res.status !== 200 || !res.body) throw new Error(`status ${res.status}`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let text = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) throw new Error('the stream ended before the replay did');
          text += value;
          if (text.includes(last)) break;
        }
        times.push(performance.now() - started);
      } catch {
        errors++;
      } finally {
        abort.abort();
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, client));
  const elapsed = (performance.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN);
  return { name: 'events replay', rps: times.length / elapsed, p50: at(0.5), p99: at(0.99), errors, requests: times.length };
}
if (!only || only.some((w) => 'events replay'.includes(w))) {
  const name = `events replay (last ${replayEvents} events)`;
  const a = await replays(full, 4, 20);
  const b = await replays(past, 4, 20);
  rows.push({ name, a, b });
  console.log(`${name}: ${Math.round(a.rps)} / ${Math.round(b.rps)} replays/s${a.errors + b.errors > 0 ? ` (errors ${a.errors} / ${b.errors})` : ''}`);
}

console.log(`load at end ${load()}`);
const ref = rows[0]!;
console.log(`\n| route | --full req/s | p99 ms | × SELECT 1 | ${months} months req/s | p99 ms | × SELECT 1 | history ÷ full (time) |`);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const { name, a, b } of rows) {
  console.log(
    `| ${name} | ${Math.round(a.rps)} | ${a.p99} | ${(a.rps / ref.a.rps).toFixed(2)}× | ${Math.round(b.rps)} | ${b.p99} | ${(b.rps / ref.b.rps).toFixed(2)}× | ${(a.rps / b.rps).toFixed(2)}× |`,
  );
}
for (const s of [full, past]) {
  await s.app.close();
  await s.database.close();
}
