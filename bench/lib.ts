/** Shared by the benchmark scripts: a scratch database, the app on a loopback port, autocannon runs, the bench plan. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import type { PlanDocument } from '../src/modules/plans/plans.schema.js';

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/**
 * CPU time of a piece of work, in ms: this process's (process.cpuUsage: every thread, GC included) and the PostgreSQL
 * backend's that served it (/proc/<pid>/schedstat, nanoseconds on a CPU); `backendPid` null (a server on another
 * machine, or PGlite, whose CPU is this process's) counts the process alone. It leaves out the waits for a CPU that wall
 * time counts on a shared machine, but not everything: at load 12 on this two-core VM the same repair took about 1.3x
 * the CPU time it takes quiet (caches, and a vCPU's stolen time counts as run time), so compare figures of one load.
 */
export function cpuMeter(backendPid: number | null): () => { node: number; nodeMain: number; db: number } {
  const backend = () => (backendPid === null ? 0 : Number(readFileSync(`/proc/${backendPid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
  // the main thread alone (the rest of `node` is V8's helper threads: concurrent marking and sweeping, optimizing compiles)
  const main = () => {
    try {
      return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      return Number.NaN;
    }
  };
  const startNode = process.cpuUsage();
  const startMain = main();
  const startDb = backend();
  return () => {
    const used = process.cpuUsage(startNode);
    return { node: (used.user + used.system) / 1000, nodeMain: main() - startMain, db: backend() - startDb };
  };
}

/** The pid of the backend serving a local PostgreSQL connection, or null where its CPU cannot be read (PGlite, another host). */
export function localBackendPid(pid: number | null, url: string | undefined): number | null {
  if (pid === null || !url) return null;
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) return null;
  try {
    readFileSync(`/proc/${pid}/schedstat`);
    return pid;
  } catch {
    return null;
  }
}

/** A fresh PostgreSQL database for the bench, on the server of BENCH_DATABASE_URL / DATABASE_URL / local default. */
export async function scratchDatabase(name: string): Promise<string> {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
}

/**
 * autocannon in a worker thread: the load generator gets its own event loop,
 * so its parsing and timing do not queue behind the server's (both share this
 * process, and the machine's two cores with PostgreSQL).
 */
export async function cannon(name: string, options: autocannon.Options): Promise<Measured> {
  const result = await autocannon({ duration: 5, connections: 50, workers: 1, ...options } as autocannon.Options);
  const errors = result.errors + result.timeouts + result.non2xx;
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors, requests: result.requests.total };
}

export function table(rows: Measured[], reference?: Measured): string {
  const head = `| route | req/s | p50 ms | p99 ms | errors |${reference ? ` vs ${reference.name} |` : ''}`;
  const sep = `| --- | ---: | ---: | ---: | ---: |${reference ? ' ---: |' : ''}`;
  const lines = rows.map(
    (r) => `| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.errors} |${reference ? ` ${(r.rps / reference.rps).toFixed(2)}× |` : ''}`,
  );
  return [head, sep, ...lines].join('\n');
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * A chain of `nodes` steps on the --full dataset's stations, 1-5 minutes each, branching: every step after the
 * first depends on one or two earlier ones. The dataset repeats each station kind every 5 stations (ST-001,
 * ST-006, ...): each step may use two. `materialEvery`: every n-th step (from the first) takes a sheet from stock.
 */
export function chainPlan(name: string, nodes: number, options: { workOrderCode: string; quantity: number; materialEvery?: number }): PlanDocument {
  const ops = ['OP-001', 'OP-003', 'OP-004', 'OP-006', 'OP-007', 'OP-008'];
  const stationFor: Record<string, string> = {
    'OP-001': 'ST-001',
    'OP-003': 'ST-002',
    'OP-004': 'ST-003',
    'OP-006': 'ST-004',
    'OP-007': 'ST-005',
    'OP-008': 'ST-005',
  };
  const { materialEvery } = options;
  return {
    workOrderCode: options.workOrderCode,
    name,
    quantity: options.quantity,
    nodes: Array.from({ length: nodes }, (_, i) => {
      const op = ops[i % ops.length]!;
      const predecessors = i === 0 ? [] : i % 3 === 0 && i > 1 ? [`N${i - 1}`, `N${i - 2}`] : [`N${i - 1}`];
      return {
        nodeId: `N${i}`,
        name: `Step ${i}`,
        operationId: op,
        nominalTime: 1 + (i % 5),
        predecessors,
        assignedStations: [
          { stationId: stationFor[op]!, priority: 1 },
          { stationId: `ST-${String(Number(stationFor[op]!.slice(3)) + 5).padStart(3, '0')}`, priority: 2 },
        ],
        materialInputs: materialEvery !== undefined && i % materialEvery === 0 ? [{ materialCode: 'SHEET-S235-2', requiredQuantity: 1 }] : [],
      };
    }),
  };
}

/** The release-scale bench's plan, and the repair bench's parts: 20 steps, 2 parts at 1-5 minutes each, no material. */
export const scalePlan = (name: string): PlanDocument => chainPlan(name, 20, { workOrderCode: 'WO-SCALE', quantity: 2 });
