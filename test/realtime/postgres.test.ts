/**
 * Event streams on PostgreSQL only: the listener's own connection (killed,
 * counted), several app processes on one database, transactions that commit
 * out of id order, and many clients at once.
 */
import http from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents } from '../../src/modules/realtime/outbox.repository.js';
import { type Client, seed, signIn } from '../helpers/api.js';
import { type TestDatabase, createTestDatabase } from '../helpers/engines.js';
import { type RunningApp, caughtUp, commitEvents, eventIds, planEvent, sleep, startApp } from './helpers.js';
import { type SseClient, connectSse, eventData } from './sse-client.js';

type Data = { id: number; entityId: string };

describe.runIf(!!process.env.TEST_DATABASE_URL)('event streams on PostgreSQL', () => {
  let test: TestDatabase;
  let planner: Client;
  const apps: RunningApp[] = [];
  const clients: SseClient[] = [];
  const start = async (...args: Parameters<typeof startApp> extends [unknown, ...infer R] ? R : never) => {
    const running = await startApp(test.database, ...args);
    apps.push(running);
    return running;
  };
  const connect = async (running: RunningApp, path = '/api/mes/stream', lastEventId?: string) => {
    const client = await connectSse(running.base, path, { token: planner.token, ...(lastEventId ? { lastEventId } : {}) });
    clients.push(client);
    return client;
  };
  const db = () => test.database.db;
  const listenerBackends = async () =>
    (
      await sql<{ pid: number; query: string }>`
        select pid, query from pg_stat_activity
         where datname = current_database() and application_name = 'burkol-mes-listener'
         order by pid`.execute(db())
    ).rows;
  const entityIdsOf = (client: SseClient) => eventData<Data>(client.events()).map((d) => d.entityId);

  beforeAll(async () => {
    test = await createTestDatabase('postgres', 10);
    await seed(test.database.db, 'minimal');
    const first = await start();
    planner = await signIn(first.app, 'planner');
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    for (const running of apps) await running.close();
    await test?.drop();
  });

  it('keeps exactly one LISTEN connection per app, however many clients; none per client', async () => {
    const running = apps[0]!;
    const many = await Promise.all(Array.from({ length: 50 }, () => connect(running)));
    expect(running.realtime.stats.clients).toBe(50);
    const listeners = await listenerBackends();
    expect(listeners).toHaveLength(1);
    expect(listeners[0]!.query.toLowerCase()).toContain('listen mes_events');
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database()`.execute(db());
    expect(rows[0]!.n).toBeLessThanOrEqual(10 + 1); // the pool (shared by app and test) and the listener
    const event = planEvent();
    await commitEvents(db(), [event]);
    await Promise.all(many.map((c) => c.waitForEvents(1)));
    for (const client of many) client.close();
  });

  it('delivers every event to the clients of two app instances on one database, and a client may move between them', async () => {
    const a = apps[0]!;
    const b = await start();
    expect(await listenerBackends()).toHaveLength(2);
    const onA = await Promise.all([1, 2, 3].map(() => connect(a, '/api/mes/stream/plans')));
    const onB = await Promise.all([1, 2, 3].map(() => connect(b, '/api/mes/stream/plans')));
    const events = Array.from({ length: 40 }, () => planEvent());
    for (let i = 0; i < events.length; i += 4) await commitEvents(db(), events.slice(i, i + 4));
    const expected = events.map((e) => e.entityId);
    for (const client of [...onA, ...onB]) {
      await client.waitForEvents(40);
      expect(entityIdsOf(client)).toEqual(expected);
    }
    // a client that read half on A reconnects to B: the rest, no duplicates
    const half = onA[0]!.events()[19]!.id!;
    onA[0]!.close();
    const moved = await connect(b, '/api/mes/stream/plans', half);
    const more = [planEvent(), planEvent()];
    await commitEvents(db(), more);
    await moved.waitForEvents(22);
    await sleep(100);
    expect(entityIdsOf(moved)).toEqual([...expected.slice(20), ...more.map((e) => e.entityId)]);
    await b.close();
    apps.splice(apps.indexOf(b), 1);
    expect(await listenerBackends()).toHaveLength(1);
  });

  it('a client that moves to an instance whose listener is behind gets each event once, as that instance catches up', async () => {
    // in a rollout the client's last id can come from the stopped instance before the other one has read it
    const a = apps[0]!;
    const b = await start();
    const onA = await connect(a, '/api/mes/stream/plans');
    await b.realtime.listener.stop(); // B stops reading the outbox and falls behind
    const seen = Array.from({ length: 6 }, () => planEvent());
    await commitEvents(db(), seen);
    await onA.waitForEvents(6);
    const lastSeen = onA.events().at(-1)!.id!;
    onA.close();
    expect(b.realtime.stats.position.id).toBeLessThan(Number(lastSeen));
    const moved = await connect(b, '/api/mes/stream/plans', lastSeen);
    const later = [planEvent(), planEvent()];
    await commitEvents(db(), later);
    await b.realtime.listener.start(); // B catches up: publishes `seen` (the client has them) and `later`
    await moved.waitForEvents(2);
    await caughtUp(db(), b);
    await sleep(100);
    expect(entityIdsOf(moved)).toEqual(later.map((e) => e.entityId));
    expect(moved.events().map((m) => m.id)).toEqual(
      (
        await eventIds(
          db(),
          later.map((e) => e.entityId),
        )
      ).map(String),
    );
    expect(moved.messages.filter((m) => m.event === 'reset')).toEqual([]);
    moved.close();
    await b.close();
    apps.splice(apps.indexOf(b), 1);
  });

  it('loses nothing when the listener connection is terminated while events are written', async () => {
    // no poll safety net here: only the reconnect's catch-up read can deliver what was missed
    const running = await start({ pollMs: 60_000, reconnectMinMs: 300, reconnectMaxMs: 1_000 });
    const client = await connect(running, '/api/mes/stream/plans');
    expect(await listenerBackends()).toHaveLength(apps.length);
    const events = Array.from({ length: 90 }, () => planEvent());
    const terminate = async () => {
      const pids = new Set((await listenerBackends()).map((l) => l.pid));
      await sql`select pg_terminate_backend(pid) from pg_stat_activity
                 where datname = current_database() and application_name = 'burkol-mes-listener'`.execute(db());
      return pids;
    };
    for (let i = 0; i < 60; i += 2) {
      if (i === 20) await terminate();
      await commitEvents(db(), events.slice(i, i + 2));
      await sleep(5);
    }
    await client.waitForEvents(60, 10_000);
    // the last ones are committed while the listener is away, and nothing is written after them
    const old = await terminate();
    for (let i = 60; i < 90; i += 3) await commitEvents(db(), events.slice(i, i + 3));
    await client.waitForEvents(90, 10_000);
    await sleep(100);
    expect(entityIdsOf(client)).toEqual(events.map((e) => e.entityId));
    expect(client.events().map((m) => m.id)).toEqual(
      (
        await eventIds(
          db(),
          events.map((e) => e.entityId),
        )
      ).map(String),
    );
    expect(running.realtime.stats.listenerReconnects).toBeGreaterThanOrEqual(2);
    const now = await listenerBackends();
    expect(now).toHaveLength(apps.length);
    expect(now.some((l) => old.has(l.pid))).toBe(false);
  });

  it('delivers an event whose transaction took a lower id but committed later, in transaction order, skipping none', async () => {
    const running = apps[0]!;
    const client = await connect(running, '/api/mes/stream/plans');
    const first = planEvent();
    const second = planEvent();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedA = new Promise<void>((resolve) => (inserted = resolve));
    const transactionA = db()
      .transaction()
      .execute(async (trx) => {
        await recordEvents(trx, [first], 'A');
        inserted();
        await gate;
      });
    await insertedA;
    await commitEvents(db(), [second], 'B'); // B commits first, with the higher id
    await sleep(400);
    expect(client.events()).toEqual([]); // B waits: A could still commit below it
    release();
    await transactionA;
    await client.waitForEvents(2);
    await sleep(100);
    expect(entityIdsOf(client)).toEqual([first.entityId, second.entityId]);
    const ids = client.events().map((m) => Number(m.id));
    expect(ids[0]).toBeLessThan(ids[1]!); // A took the lower id, yet committed last
  });

  it('delivers soon even when the older open transaction ends without an event (no NOTIFY from it)', async () => {
    const running = await start({ pollMs: 60_000 });
    const client = await connect(running, '/api/mes/stream/plans');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const startedA = new Promise<void>((resolve) => (started = resolve));
    const transactionA = db()
      .transaction()
      .execute(async (trx) => {
        await sql`select pg_current_xact_id()`.execute(trx); // takes a transaction id, writes no event
        started();
        await gate;
      });
    await startedA;
    const event = planEvent();
    await commitEvents(db(), [event]);
    await sleep(300);
    expect(client.events()).toEqual([]);
    const released = Date.now();
    release();
    await transactionA;
    await client.waitForEvents(1, 3_000);
    expect(Date.now() - released).toBeLessThan(1_000);
    expect(entityIdsOf(client)).toEqual([event.entityId]);
  });

  it('serves 200 clients while API requests keep succeeding', async () => {
    const running = apps[0]!;
    await caughtUp(db(), running); // a fresh client starts at its app's position
    const many = await Promise.all(Array.from({ length: 200 }, () => connect(running, '/api/mes/stream/plans')));
    const events = Array.from({ length: 20 }, () => planEvent());
    const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
    const api = () =>
      new Promise<number>((resolve) => {
        const request = http.get(`${running.base}/api/mes/operations`, { agent, headers: { authorization: `Bearer ${planner.token}` } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        request.on('error', () => resolve(0));
      });
    const writer = (async () => {
      for (const event of events) {
        await commitEvents(db(), [event]);
        await sleep(20);
      }
    })();
    const statuses = await Promise.all(Array.from({ length: 100 }, () => api()));
    await writer;
    agent.destroy();
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const expected = events.map((e) => e.entityId);
    for (const client of many) {
      await client.waitForEvents(20, 10_000);
      expect(entityIdsOf(client)).toEqual(expected);
    }
    expect(await listenerBackends()).toHaveLength(apps.length);
    for (const client of many) client.close();
  });
});
