/** Shared by the benchmark scripts: a scratch database, the app on a loopback port, autocannon runs. */
import os from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
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
