/** Apps on real ports and outbox writes for the realtime tests. */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { buildApp } from '../../src/app.js';
import type { Database } from '../../src/db/database.js';
import type { DB } from '../../src/db/schema.js';
import { type OutboxEvent, recordEvents } from '../../src/modules/realtime/outbox.repository.js';
import type { Realtime, RealtimeSettings } from '../../src/modules/realtime/index.js';
import { testConfig } from '../helpers/engines.js';

export interface RunningApp {
  app: FastifyInstance;
  base: string;
  realtime: Realtime;
  close(): Promise<void>;
}

/** An app listening on 127.0.0.1 on a free port (SSE needs a real socket). */
export async function startApp(database: Database, realtime: Partial<RealtimeSettings> = {}): Promise<RunningApp> {
  const app = await buildApp({ database, config: testConfig({ realtime: { heartbeatMs: 60_000, ...realtime } }), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { app, base, realtime: app.realtime, close: () => app.close() };
}

let counter = 0;

/** A plans event with a unique entity id (tests tell their events apart by it). */
export function planEvent(overrides: Partial<OutboxEvent> = {}): OutboxEvent {
  counter++;
  return {
    topic: 'plans',
    entityType: 'plan',
    entityId: `PPL-T-${counter}`,
    change: 'updated',
    planId: `PPL-T-${counter}`,
    payload: { n: counter },
    ...overrides,
  };
}

/** Commits the events in one transaction of its own, as services do. */
export async function commitEvents(db: Kysely<DB>, events: OutboxEvent[], actor = 'tester'): Promise<void> {
  await db.transaction().execute((trx) => recordEvents(trx, events, actor));
}

export async function eventIds(db: Kysely<DB>, entityIds: string[]): Promise<number[]> {
  const rows = await db.selectFrom('mes.events').select('id').where('entity_id', 'in', entityIds).orderBy('tx_id').orderBy('id').execute();
  return rows.map((r) => Number(r.id));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the app's hub has read every committed event (the NOTIFY that
 * wakes it arrives asynchronously): a stream opened after this starts live
 * after them.
 */
export async function caughtUp(db: Kysely<DB>, running: RunningApp): Promise<void> {
  const { rows } = await sql<{ id: number | null }>`select max(id) as id from mes.events`.execute(db);
  const head = Number(rows[0]?.id ?? 0);
  for (let i = 0; i < 100 && running.realtime.stats.position.id < head; i++) await sleep(20);
}
