/**
 * Load test: 100 virtual users for 60 s against one server process on
 * PostgreSQL — planners listing and reading plans, creating and releasing
 * plans; operators fetching their tasks and starting/completing them — plus
 * 1,000 open SSE clients. Loopback only, bounded in time.
 *
 *   npx tsx bench/load.ts [--seconds 60] [--users 100] [--sse 1000] [--think-ms 1000] [--boards 1000]
 *
 * --think-ms: each virtual user waits a random 0.5–1.5 × this between two
 *   requests (as a person at a screen does); 0 = back to back (a saturation
 *   test: latency then only says how long the queue is).
 * --boards: how many of the SSE clients watch everything (planner boards on
 *   /api/mes/stream); the rest are operator tablets (signed in as a worker:
 *   plan events and their own worker's events only). Default: all boards,
 *   the worst case for fan-out.
 *
 * The SSE clients run in two child processes, so parsing 1,000 streams does
 * not delay the virtual users' own timing.
 *
 * Prints per-endpoint req/s, p50/p99, errors, SSE delivery latency, and the
 * database connections in use (pg_stat_activity), next to a reference
 * (GET /healthz) measured in the same run.
 */
import { fork, spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createParser } from 'eventsource-parser';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { seedDatabase } from '../src/seed/seed.js';
import { machine, percentile, scratchDatabase } from './lib.js';
import { watchdog } from './watchdog.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    users: { type: 'string' },
    sse: { type: 'string' },
    'think-ms': { type: 'string' },
    boards: { type: 'string' },
    'sse-child': { type: 'boolean' },
  },
});
const seconds = Number(values.seconds ?? 60);
const users = Number(values.users ?? 100);
const sseClients = Number(values.sse ?? 1000);
const thinkMs = Number(values['think-ms'] ?? 1000);
const boards = Math.min(sseClients, Number(values.boards ?? sseClients));
const think = () => (thinkMs > 0 ? new Promise((r) => setTimeout(r, thinkMs * (0.5 + Math.random()))) : Promise.resolve());
const password = 'bench-password';
const agent = new http.Agent({ keepAlive: true, maxSockets: users * 2 });

interface Sample {
  ms: number;
  ok: boolean;
  status: number;
}
const samples = new Map<string, Sample[]>();
const conflictReasons = new Map<string, number>();
function record(name: string, ms: number, ok: boolean, status: number) {
  (samples.get(name) ?? samples.set(name, []).get(name)!).push({ ms, ok, status });
}

/** `T` is what the caller expects the JSON answer to be (unchecked); `json` is null when the body is empty or not JSON. */
function request<T = unknown>(
  base: string,
  method: string,
  url: string,
  token?: string,
  body?: unknown,
  name = `${method} ${url}`,
): Promise<{ status: number; json: T }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      `${base}${url}`,
      {
        method,
        agent,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          // 409 on a shop-floor action means another user got there first: expected under contention, not an error
          record(name, performance.now() - started, status < 400 || status === 409, status);
          let json: unknown = null;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString() || 'null');
          } catch {
            /* not json */
          }
          if (status === 409) {
            // why: the detail without its ids, so alike refusals count together
            const why = `${name}: ${String((json as { detail?: unknown } | null)?.detail ?? '?')
              .replace(/\b[A-Z]{2,3}-[\w-]+/g, '…')
              .replace(/\d+/g, 'N')}`;
            conflictReasons.set(why, (conflictReasons.get(why) ?? 0) + 1);
          }
          resolve({ status, json: json as T });
        });
      },
    );
    req.on('error', () => {
      record(name, performance.now() - started, false, 0);
      resolve({ status: 0, json: null as T });
    });
    if (payload) req.write(payload);
    req.end();
  });
}

async function main() {
  watchdog('bench/load', (seconds + 600) * 1000);
  const url = await scratchDatabase('mes_bench_load');
  const database = await openDatabase({ databaseUrl: url, poolSize: 4 });
  await migrateToLatest(database.db);
  await seedDatabase(database.db, { size: 'full', adminPassword: password, demoPin: '1234' });
  await database.close();

  const port = 3400 + Math.floor(Math.random() * 500);
  const metricsPort = port + 1000;
  // BENCH_SERVER_NODE_ARGS: extra node flags for the server process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/server.ts', '--port', String(port), '--host', '127.0.0.1'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      LOG_LEVEL: 'warn',
      MES_LOGIN_RATE_LIMIT: '100000',
      MES_POOL_SIZE: '20',
      NODE_ENV: 'production',
      MES_METRICS_PORT: String(metricsPort),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  process.on('exit', () => server.kill('SIGKILL')); // also when the watchdog ends the run
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) break;
    } catch {
      /* starting */
    }
    if (i > 300) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    const planner = (await request<{ token: string }>(base, 'POST', '/api/mes/auth/login', undefined, { username: 'planner', password })).json.token;
    // put work on the floor: release half of the seeded plans
    const drafts = (await request<{ items: { id: string }[] }>(base, 'GET', '/api/mes/production-plans?status=draft&limit=50', planner)).json.items;
    for (const d of drafts) await request(base, 'POST', `/api/mes/production-plans/${d.id}/release`, planner, { allowShortage: true });
    const operatorTokens: { workerId: string; token: string }[] = [];
    for (let i = 1; i <= 50; i++) {
      const workerId = `W-${String(i).padStart(3, '0')}`;
      operatorTokens.push({
        workerId,
        token: (await request<{ token: string }>(base, 'POST', '/api/mes/auth/pin-login', undefined, { workerId, pin: '1234' })).json.token,
      });
    }
    samples.clear();

    // SSE clients in two child processes: boards see everything, tablets their own worker's events
    const streams = Array.from({ length: sseClients }, (_, i) =>
      i < boards ? { token: planner } : { token: operatorTokens[i % operatorTokens.length]!.token },
    );
    const sseChildren = [0, 1].map(() => fork(fileURLToPath(import.meta.url), ['--sse-child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const connectedPer = await Promise.all(
      sseChildren.map(
        (child, c) =>
          new Promise<number>((resolve) => {
            child.once('message', (m) => resolve((m as { connected: number }).connected));
            child.send({ base, streams: streams.filter((_, i) => i % 2 === c) } satisfies SseChildStart);
          }),
      ),
    );
    const sseConnected = connectedPer.reduce((a, b) => a + b, 0);

    const deadline = Date.now() + seconds * 1000;
    const detailIds = drafts.map((d) => d.id);
    const plannerUser = async (n: number) => {
      let k = n;
      while (Date.now() < deadline) {
        await think();
        k++;
        if (k % 20 === 0) {
          const plan = await request<{ id: string }>(
            base,
            'POST',
            '/api/mes/production-plans',
            planner,
            {
              workOrderCode: `WO-LOAD-${n}`,
              name: `Load ${n}-${k}`,
              quantity: 5,
              nodes: [
                {
                  nodeId: 'A',
                  name: 'Cut',
                  operationId: 'OP-001',
                  nominalTime: 1,
                  predecessors: [],
                  assignedStations: [
                    { stationId: 'ST-001', priority: 1 },
                    { stationId: 'ST-006', priority: 2 },
                  ],
                  materialInputs: [{ materialCode: 'SHEET-S235-2', requiredQuantity: 1 }],
                },
                {
                  nodeId: 'B',
                  name: 'Bend',
                  operationId: 'OP-003',
                  nominalTime: 1,
                  predecessors: ['A'],
                  assignedStations: [{ stationId: 'ST-002', priority: 1 }],
                  materialInputs: [],
                },
              ],
            },
            'POST /production-plans',
          );
          if (plan.status === 201)
            await request(
              base,
              'POST',
              `/api/mes/production-plans/${plan.json.id}/release`,
              planner,
              { allowShortage: true },
              'POST /production-plans/:id/release',
            );
        } else if (k % 2 === 0) {
          await request(base, 'GET', '/api/mes/production-plans?limit=20', planner, undefined, 'GET /production-plans');
        } else {
          await request(base, 'GET', `/api/mes/production-plans/${detailIds[k % detailIds.length]}`, planner, undefined, 'GET /production-plans/:id');
        }
      }
    };
    type Task = { id: string; status: string };
    const operatorUser = async (n: number) => {
      const { workerId, token } = operatorTokens[n % operatorTokens.length]!;
      while (Date.now() < deadline) {
        await think();
        const tasks = await request<{ tasks?: Task[]; items?: Task[] } | null>(
          base,
          'GET',
          `/api/mes/workers/${workerId}/tasks`,
          token,
          undefined,
          'GET /workers/:id/tasks',
        );
        const list = tasks.json?.tasks ?? tasks.json?.items ?? [];
        const current = list.find((t) => t.status === 'in_progress');
        const ready = list.find((t) => t.status === 'ready');
        if (current || ready) await think();
        if (current) {
          await request(
            base,
            'POST',
            `/api/mes/worker-assignments/${current.id}/complete`,
            token,
            { goodQuantity: 1 },
            'POST /worker-assignments/:id/complete',
          );
        } else if (ready) {
          await request(base, 'POST', `/api/mes/worker-assignments/${ready.id}/start`, token, {}, 'POST /worker-assignments/:id/start');
        } else {
          await request(base, 'GET', '/healthz', undefined, undefined, 'GET /healthz (reference)');
        }
      }
    };
    // the server's own view: CPU seconds and event-loop delay over the run (the first scrape starts and resets them)
    const scrape = async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return new Map(
        text
          .split('\n')
          .filter((l) => /^[a-z_0-9]+ /.test(l))
          .map((l) => [l.split(' ')[0]!, Number(l.split(' ')[1])] as const),
      );
    };
    const before = await scrape();
    const connections = new pg.Client({ connectionString: url });
    await connections.connect();
    const dbConnections: number[] = [];
    const sampler = setInterval(async () => {
      const r = await connections.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
      );
      dbConnections.push(r.rows[0]!.n);
    }, 1000);
    const planners = Math.round(users * 0.3);
    await Promise.all([...Array.from({ length: planners }, (_, i) => plannerUser(i)), ...Array.from({ length: users - planners }, (_, i) => operatorUser(i))]);
    clearInterval(sampler);
    const after = await scrape();
    await new Promise((r) => setTimeout(r, 1000)); // let the last events arrive
    const listening = await connections.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen%'`,
    );
    await connections.end();
    const sseReports = await Promise.all(
      sseChildren.map(
        (child) =>
          new Promise<SseChildReport>((resolve) => {
            child.once('message', (m) => resolve(m as SseChildReport));
            child.send('report');
          }),
      ),
    );
    const sseEvents = sseReports.reduce((a, r) => a + r.events, 0);
    const sseLatency = sseReports.flatMap((r) => r.latencies);

    console.log(`machine: ${machine()}`);
    console.log(
      `${users} virtual users (${planners} planners, ${users - planners} operators) for ${seconds} s, think time ${thinkMs > 0 ? `${thinkMs / 2}–${(thinkMs * 3) / 2} ms` : 'none'} between requests`,
    );
    console.log(
      `${sseConnected}/${sseClients} SSE clients connected: ${boards} boards (every event), ${sseClients - boards} operator tablets (plan events + their worker's)\n`,
    );
    console.log('| endpoint | requests | req/s | p50 ms | p99 ms | errors | error rate | 409 (someone got there first) |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    let totalErrors = 0;
    let total = 0;
    for (const [name, list] of [...samples].sort()) {
      const ms = list.map((s) => s.ms).sort((a, b) => a - b);
      const errors = list.filter((s) => !s.ok).length;
      totalErrors += errors;
      total += list.length;
      const conflicts = list.filter((s) => s.status === 409).length;
      console.log(
        `| ${name} | ${list.length} | ${(list.length / seconds).toFixed(0)} | ${percentile(ms, 50).toFixed(1)} | ${percentile(ms, 99).toFixed(1)} | ${errors} | ${((100 * errors) / list.length).toFixed(2)}% | ${conflicts} |`,
      );
    }
    sseLatency.sort((a, b) => a - b);
    console.log(`\ntotal: ${total} requests, ${totalErrors} errors (${((100 * totalErrors) / Math.max(1, total)).toFixed(3)}%)`);
    for (const [why, n] of [...conflictReasons].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`  409 × ${n}  ${why}`);
    console.log(
      `SSE: ${sseEvents} events delivered to ${sseConnected} clients; commit→client latency p50 ${percentile(sseLatency, 50)} ms, p99 ${percentile(sseLatency, 99)} ms, max ${sseLatency[sseLatency.length - 1] ?? NaN} ms (sampled on every 10th client: boards and tablets alike)`,
    );
    console.log(
      `database connections of the app during the run (pg_stat_activity): max ${Math.max(...dbConnections)}, listening connections: ${listening.rows[0]!.n}`,
    );
    const cpu = (after.get('process_cpu_seconds_total')! - before.get('process_cpu_seconds_total')!) / seconds;
    const lag = (name: string) => ((after.get(name) ?? NaN) * 1000).toFixed(0);
    console.log(
      `server process: ${(100 * cpu).toFixed(0)} % of one core; event-loop delay p50 ${lag('nodejs_eventloop_lag_p50_seconds')} ms, ` +
        `p99 ${lag('nodejs_eventloop_lag_p99_seconds')} ms, max ${lag('nodejs_eventloop_lag_max_seconds')} ms`,
    );
  } finally {
    server.kill('SIGTERM');
    agent.destroy();
  }
}

interface SseChildStart {
  base: string;
  streams: { token: string }[];
}

interface SseChildReport {
  events: number;
  latencies: number[];
}

/** Child process: opens the streams, counts events and samples commit→client latency, reports when asked. */
async function runSseChild(): Promise<void> {
  const start = await new Promise<SseChildStart>((resolve) => process.once('message', (m) => resolve(m as SseChildStart)));
  const latencies: number[] = [];
  let events = 0;
  let connected = 0;
  const requests: http.ClientRequest[] = [];
  await Promise.all(
    start.streams.map(
      ({ token }, i) =>
        new Promise<void>((resolve) => {
          const req = http.request(`${start.base}/api/mes/stream`, {
            headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
            agent: false,
          });
          req.on('response', (res) => {
            if (res.statusCode === 200) connected++;
            resolve();
            const parser = createParser({
              onEvent: (msg) => {
                if (!msg.id) return;
                events++;
                if (i % 5 === 0) {
                  const created = Date.parse(JSON.parse(msg.data).createdAt);
                  if (Number.isFinite(created)) latencies.push(Date.now() - created);
                }
              },
            });
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => parser.feed(chunk));
            res.on('error', () => undefined);
          });
          req.on('error', () => resolve());
          req.end();
          requests.push(req);
        }),
    ),
  );
  process.send!({ connected });
  await new Promise((resolve) => process.once('message', resolve));
  for (const r of requests) r.destroy();
  process.send!({ events, latencies } satisfies SseChildReport, () => process.exit(0));
}

if (values['sse-child']) {
  await runSseChild();
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
