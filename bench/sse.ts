/**
 * Event stream benchmark: `npx tsx bench/sse.ts [--clients 1000] [--rate 50] [--seconds 10] [--procs 2] [--api-rate 50] [--fanout-rest R]`
 *
 * One app on a loopback port (PostgreSQL from DATABASE_URL, else a temporary
 * PGlite folder), N SSE clients spread over a few child processes (node:http
 * + eventsource-parser), a writer committing one event per transaction at a
 * steady rate on a connection of its own, and API requests running alongside
 * (writer and API load run in a child process on PostgreSQL; in the server's
 * process on PGlite, whose one embedded instance cannot be shared). Prints per client and in
 * total: delivered, lost, duplicates, out of order; commit→client latency
 * p50/p99/max (from the moment COMMIT is sent to the moment a client has
 * parsed the message); the API's errors and latency; and reference figures
 * measured in the same run: the NOTIFY→listener round trip of the engine and
 * a bare HTTP request to the same server.
 *
 * Bounded: connects on 127.0.0.1 only and stops after --seconds plus a few
 * seconds of drain (a watchdog ends it at --seconds + 120 s).
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { createParser } from 'eventsource-parser';
import type pg from 'pg';
import type { Database } from '../src/db/database.js';
import { watchdog } from './watchdog.js';

// the client processes load only node:http and the parser; the server stack is imported where it runs
const serverStack = async () => ({
  ...(await import('kysely')),
  pg: (await import('pg')).default,
  ...(await import('../src/app.js')),
  ...(await import('../src/config.js')),
  ...(await import('../src/db/database.js')),
  ...(await import('../src/db/migrator.js')),
  ...(await import('../src/modules/auth/auth.service.js')),
  ...(await import('../src/modules/realtime/index.js')),
});

const now = () => performance.timeOrigin + performance.now();

function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ms = (v: number) => (Number.isNaN(v) ? 'n/a' : v < 10 ? v.toFixed(2) : v.toFixed(1));

// ---------------------------------------------------------------- child: SSE clients

interface ChildStart {
  base: string;
  token: string;
  count: number;
}

interface ChildReport {
  connected: number;
  failed: number;
  delivered: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  ended: number;
  latencies: number[];
  /** CPU time / wall time of the client process while events flowed. */
  cpuShare: number;
}

async function runChild(): Promise<void> {
  const start = await new Promise<ChildStart>((resolve) => process.once('message', (m) => resolve(m as ChildStart)));
  const received: { ids: number[]; times: number[]; ended: boolean }[] = [];
  const requests: http.ClientRequest[] = [];
  let failed = 0;
  const open = (): Promise<void> =>
    new Promise((resolve) => {
      const record = { ids: [] as number[], times: [] as number[], ended: false };
      const parser = createParser({
        onEvent(message) {
          if (message.event === 'plans' && message.id) {
            record.ids.push(Number(message.id));
            record.times.push(now());
          }
        },
      });
      const request = http.get(
        `${start.base}/api/mes/stream/plans`,
        { agent: false, headers: { authorization: `Bearer ${start.token}`, accept: 'text/event-stream' } },
        (res) => {
          if (res.statusCode !== 200) {
            failed++;
            res.resume();
            resolve();
            return;
          }
          received.push(record);
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => parser.feed(chunk));
          res.on('end', () => (record.ended = true));
          res.on('error', () => (record.ended = true));
          resolve();
        },
      );
      request.on('error', () => {
        failed++;
        record.ended = true;
        resolve();
      });
      requests.push(request);
    });
  const connectStarted = now();
  // connect in waves so the listen backlog never overflows
  for (let i = 0; i < start.count; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, start.count - i) }, open));
  }
  process.send!({ type: 'ready', connected: received.length, failed, connectMs: now() - connectStarted });
  const cpuStart = process.cpuUsage();
  const wallStart = now();

  const finish = await new Promise<{ expected: number[]; commitTimes: Record<number, number> }>((resolve) =>
    process.on('message', (m) => {
      if ((m as { type?: string }).type === 'finish') resolve(m as { expected: number[]; commitTimes: Record<number, number> });
    }),
  );
  const cpu = process.cpuUsage(cpuStart);
  const cpuShare = (cpu.user + cpu.system) / 1000 / (now() - wallStart);
  const expected = new Set(finish.expected);
  const report: ChildReport = { connected: received.length, failed, delivered: 0, lost: 0, duplicates: 0, outOfOrder: 0, ended: 0, latencies: [], cpuShare };
  for (const record of received) {
    const seen = new Set<number>();
    let last = -1;
    for (let i = 0; i < record.ids.length; i++) {
      const id = record.ids[i]!;
      if (!expected.has(id)) continue; // events of other writers
      if (seen.has(id)) {
        report.duplicates++;
        continue;
      }
      seen.add(id);
      if (id < last) report.outOfOrder++; // one writer, one event per transaction: id order is commit order
      last = id;
      report.delivered++;
      report.latencies.push(record.times[i]! - finish.commitTimes[id]!);
    }
    report.lost += expected.size - seen.size;
    if (record.ended) report.ended++;
  }
  for (const request of requests) request.destroy();
  process.send!({ type: 'report', report }, () => process.exit(0));
}

// ---------------------------------------------------------------- parent

async function notifyRoundTrip(database: Database, samples: number): Promise<number[]> {
  const { pg } = await serverStack();
  const times: number[] = [];
  if (database.engine === 'pglite') {
    const pglite = database.pglite!;
    let pending: ((t: number) => void) | undefined;
    const unlisten = await pglite.listen('bench_ref', () => pending?.(now()));
    for (let i = 0; i < samples; i++) {
      const got = new Promise<number>((resolve) => (pending = resolve));
      const t0 = now();
      await pglite.query(`notify bench_ref`);
      times.push((await got) - t0);
    }
    await unlisten();
    return times;
  }
  const options = database.pool.options as pg.ClientConfig;
  const listener = new pg.Client(options);
  const notifier = new pg.Client(options);
  await listener.connect();
  await notifier.connect();
  await listener.query('listen bench_ref');
  let pending: ((t: number) => void) | undefined;
  listener.on('notification', () => pending?.(now()));
  for (let i = 0; i < samples; i++) {
    const got = new Promise<number>((resolve) => (pending = resolve));
    const t0 = now();
    await notifier.query('notify bench_ref');
    times.push((await got) - t0);
  }
  await listener.end();
  await notifier.end();
  return times;
}

function get(agent: http.Agent, url: string, token?: string): Promise<{ status: number; ms: number }> {
  return new Promise((resolve) => {
    const t0 = now();
    const request = http.get(url, { agent, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: now() - t0 }));
    });
    request.setTimeout(10_000, () => request.destroy());
    request.on('error', () => resolve({ status: 0, ms: now() - t0 }));
  });
}

function summary(values: number[]): string {
  const sorted = Float64Array.from(values).sort();
  return `p50 ${ms(percentile(sorted, 50))} ms, p99 ${ms(percentile(sorted, 99))} ms, max ${ms(sorted.at(-1) ?? NaN)} ms (n=${sorted.length})`;
}

// ---------------------------------------------------------------- writer and API load

interface LoadStart {
  base: string;
  token: string;
  rate: number;
  seconds: number;
  apiRate: number;
  databaseUrl: string | undefined;
}

interface LoadReport {
  expected: number[];
  commitTimes: Record<number, number>;
  apiResults: { status: number; ms: number }[];
  writeSeconds: number;
}

const apiCallers = 4;

async function runLoad(database: Database, start: LoadStart): Promise<LoadReport> {
  const { sql, recordEvents } = await serverStack();
  const expected: number[] = [];
  const commitTimes: Record<number, number> = {};
  const total = Math.round(start.rate * start.seconds);
  const interval = 1000 / start.rate;
  const apiResults: { status: number; ms: number }[] = [];
  // API load: a few callers in a closed loop, each paced to its share of --api-rate (so an overloaded
  // machine shows slower answers, not a client-side queue that grows without bound)
  const apiAgent = new http.Agent({ keepAlive: true, maxSockets: apiCallers });
  let apiStop = false;
  const apiLoop = Promise.all(
    Array.from({ length: start.apiRate > 0 ? apiCallers : 0 }, async () => {
      const pace = (1000 * apiCallers) / start.apiRate;
      while (!apiStop) {
        const t0 = now();
        apiResults.push(await get(apiAgent, `${start.base}/api/mes/operations`, start.token));
        const wait = t0 + pace - now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }),
  );
  const writeStarted = now();
  for (let i = 0; i < total; i++) {
    const wait = writeStarted + i * interval - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    let commitAt = 0;
    await database.db.transaction().execute(async (trx) => {
      await recordEvents(
        trx,
        [{ topic: 'plans', entityType: 'plan', entityId: `PPL-BENCH-${i}`, change: 'updated', planId: `PPL-BENCH-${i}`, payload: { seq: i } }],
        'bench',
      );
      const { rows } = await sql<{ id: number }>`select max(id) as id from mes.events where tx_id = pg_current_xact_id()`.execute(trx);
      expected.push(Number(rows[0]!.id));
      commitAt = now(); // COMMIT is sent right after this callback returns
    });
    commitTimes[expected.at(-1)!] = commitAt;
  }
  const writeSeconds = (now() - writeStarted) / 1000;
  apiStop = true;
  await apiLoop;
  apiAgent.destroy();
  return { expected, commitTimes, apiResults, writeSeconds };
}

async function runLoadChild(): Promise<void> {
  const start = await new Promise<LoadStart>((resolve) => process.once('message', (m) => resolve(m as LoadStart)));
  const { openDatabase } = await serverStack();
  const database = await openDatabase({ databaseUrl: start.databaseUrl, poolSize: 2, applicationName: 'burkol-mes-bench-writer' });
  const report = await runLoad(database, start);
  await database.close();
  process.send!(report, () => process.exit(0));
}

async function runParent(): Promise<void> {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '1000' },
      rate: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '10' },
      procs: { type: 'string', default: '2' },
      'api-rate': { type: 'string', default: '50' },
      // unset: the server's default (realtime.schema.ts)
      'fanout-rest': { type: 'string' },
    },
  });
  const { sql, buildApp, loadConfig, openDatabase, migrateToLatest, createUser } = await serverStack();
  const clients = Number(values.clients);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const procs = Math.max(1, Math.min(Number(values.procs), clients));
  const apiRate = Number(values['api-rate']);
  watchdog('bench/sse', (seconds + 120) * 1000);

  let tmp: string | undefined;
  const databaseUrl = process.env.DATABASE_URL || undefined;
  if (!databaseUrl) tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-bench-sse-'));
  const database = await openDatabase({ databaseUrl, dataDir: tmp ? path.join(tmp, 'pg') : undefined, poolSize: 10 });
  await migrateToLatest(database.db);
  const password = 'bench-sse-password';
  await sql`delete from mes.users where username = 'bench-sse'`.execute(database.db);
  await createUser(database.db, { username: 'bench-sse', role: 'planner', password });

  const config = {
    ...loadConfig([], { NODE_ENV: 'production', LOG_LEVEL: 'warn' }),
    databaseUrl,
    loginRateLimit: 10_000,
    realtime: values['fanout-rest'] === undefined ? {} : { fanoutRest: Number(values['fanout-rest']) },
  };
  const app = await buildApp({ database, config });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await app.inject({ method: 'POST', url: '/api/mes/auth/login', payload: { username: 'bench-sse', password } });
  const token = login.json().token as string;
  const realtime = app.realtime;

  console.log(`bench/sse: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, engine ${database.engine} (${database.location})`);
  console.log(
    `clients ${clients} in ${procs} processes, writer ${rate} commits/s for ${seconds} s, API up to ${apiRate} req/s alongside (${apiCallers} callers)`,
  );
  const fdLimit = (() => {
    try {
      return fs.readFileSync('/proc/self/limits', 'utf8').match(/Max open files\s+(\d+)/)?.[1] ?? '?';
    } catch {
      return '?';
    }
  })();

  // reference figures, same run, before load
  const notify = await notifyRoundTrip(database, 200);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const bare: number[] = [];
  for (let i = 0; i < 200; i++) bare.push((await get(agent, `${base}/healthz`)).ms);

  // clients
  const children = Array.from({ length: procs }, () => fork(fileURLToPath(import.meta.url), ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const per = Math.ceil(clients / procs);
  const ready = await Promise.all(
    children.map(
      (child, i) =>
        new Promise<{ connected: number; failed: number; connectMs: number }>((resolve) => {
          child.once('message', (m) => resolve(m as { connected: number; failed: number; connectMs: number }));
          child.send({ base, token, count: Math.max(0, Math.min(per, clients - i * per)) } satisfies ChildStart);
        }),
    ),
  );
  const connected = ready.reduce((n, r) => n + r.connected, 0);
  const connectFailed = ready.reduce((n, r) => n + r.failed, 0);
  console.log(
    `connected ${connected}/${clients} SSE clients in ${ms(Math.max(...ready.map((r) => r.connectMs)))} ms (${connectFailed} failed); server sees ${realtime.stats.clients}; open fds ${fs.readdirSync('/proc/self/fd').length} (limit ${fdLimit})`,
  );

  // writer and API load: a process of their own on PostgreSQL; in this process on PGlite (one embedded instance)
  const fanout: number[] = [];
  const publish = realtime.hub.publish.bind(realtime.hub);
  const fanoutCpu: number[] = [];
  const publishedAt = new Map<number, number>();
  realtime.hub.publish = (events) => {
    const t0 = now();
    for (const e of events) publishedAt.set(e.id, t0);
    const c0 = process.cpuUsage();
    publish(events);
    fanout.push(now() - t0);
    const c = process.cpuUsage(c0);
    fanoutCpu.push((c.user + c.system) / 1000);
  };
  const serverCpuStart = process.cpuUsage();
  // what stalls the server's event loop while events flow: its own work, garbage collection, or waiting for a core
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const gcPauses: number[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPauses.push(entry.duration);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const loadStart: LoadStart = { base, token, rate, seconds, apiRate, databaseUrl };
  let load: LoadReport;
  if (databaseUrl) {
    const loader = fork(fileURLToPath(import.meta.url), ['--load'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    load = await new Promise<LoadReport>((resolve) => {
      loader.once('message', (m) => resolve(m as LoadReport));
      loader.send(loadStart);
    });
  } else {
    load = await runLoad(database, loadStart);
  }
  const { expected, commitTimes, apiResults, writeSeconds } = load;
  const serverCpu = process.cpuUsage(serverCpuStart);
  // drain: wait until the listener has published the last event, then a little
  const lastId = expected.at(-1)!;
  for (let i = 0; i < 100 && realtime.stats.position.id < lastId; i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 1500));

  // reference: a bare fan-out on the same sockets, no database (a heartbeat comment to every stream)
  const beats: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = now();
    realtime.beat();
    beats.push(now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }

  const reports = await Promise.all(
    children.map(
      (child) =>
        new Promise<ChildReport>((resolve) => {
          child.on('message', (m) => {
            if ((m as { type?: string }).type === 'report') resolve((m as { report: ChildReport }).report);
          });
          child.send({ type: 'finish', expected, commitTimes });
        }),
    ),
  );
  const sum = (k: keyof Omit<ChildReport, 'latencies' | 'cpuShare'>) => reports.reduce((n, r) => n + r[k], 0);
  const latencies = reports.flatMap((r) => r.latencies);
  const apiErrors = apiResults.filter((r) => r.status !== 200).length;
  const stats = realtime.stats;

  console.log('');
  console.log(`events committed        ${expected.length} in ${writeSeconds.toFixed(1)} s (${(expected.length / writeSeconds).toFixed(1)}/s)`);
  console.log(`deliveries expected     ${expected.length * connected}`);
  console.log(`delivered               ${sum('delivered')}`);
  console.log(`lost                    ${sum('lost')}`);
  console.log(`duplicates              ${sum('duplicates')}`);
  console.log(`out of order            ${sum('outOfOrder')}`);
  console.log(`streams cut             ${sum('ended')} (slow clients dropped by the server: ${stats.slowClientsDropped})`);
  console.log(`commit → client         ${summary(latencies)}`);
  console.log(`API GET /operations     ${apiResults.length} requests, ${apiErrors} errors, ${summary(apiResults.map((r) => r.ms))}`);
  const pickup = expected.flatMap((id) => (publishedAt.has(id) && commitTimes[id] !== undefined ? [publishedAt.get(id)! - commitTimes[id]!] : []));
  console.log(`commit → server publish ${summary(pickup)} (NOTIFY, outbox read and any wait behind an older open transaction)`);
  console.log(`server fan-out per read  ${summary(fanout)} (one read = events of one wake-up, to every client)`);
  loopDelay.disable();
  gcObserver.disconnect();
  gcPauses.sort((a, b) => a - b);
  console.log(
    `server event-loop delay p50 ${ms(loopDelay.percentile(50) / 1e6)} ms, p99 ${ms(loopDelay.percentile(99) / 1e6)} ms, max ${ms(loopDelay.max / 1e6)} ms; GC pauses ${gcPauses.length}, total ${ms(gcPauses.reduce((a, b) => a + b, 0))} ms, max ${ms(gcPauses.at(-1) ?? 0)} ms`,
  );
  console.log(`  of which CPU time      ${summary(fanoutCpu)} (wall time well above CPU time = the process waited for a core)`);
  console.log(
    `CPU share while writing  server process${databaseUrl ? '' : ' (+ writer and API load)'} ${(((serverCpu.user + serverCpu.system) / 1e6 / writeSeconds) * 100).toFixed(0)}%, client processes ${reports.map((r) => `${(r.cpuShare * 100).toFixed(0)}%`).join(' ')} (of one core; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
  console.log('reference (same run, before the load, no SSE clients yet):');
  console.log(`  NOTIFY → listener     ${summary(notify)}  [${database.engine}]`);
  console.log(`  GET /healthz          ${summary(bare)}`);
  console.log('reference (same run, after the load):');
  console.log(`  bare fan-out          ${summary(beats)} (one heartbeat written to every stream, no database)`);
  const p99 = percentile(Float64Array.from(latencies).sort(), 99);
  console.log(`ratio p99 commit→client / p99 NOTIFY round trip: ${(p99 / percentile(Float64Array.from(notify).sort(), 99)).toFixed(1)}×`);

  agent.destroy();
  await app.close();
  await database.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  const ok = sum('lost') === 0 && sum('duplicates') === 0 && apiErrors === 0 && connected === clients;
  console.log(ok ? 'result: ok' : 'result: FAILED (lost, duplicated, refused or errored)');
  process.exit(ok ? 0 : 1);
}

if (process.argv.includes('--child')) await runChild();
else if (process.argv.includes('--load')) await runLoadChild();
else await runParent();
