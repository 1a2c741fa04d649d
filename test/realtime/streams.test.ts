/**
 * Event streams end to end, on both engines: an app on a real port, clients
 * reading text/event-stream over fetch, changes committed in transactions of
 * their own.
 */
import net from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/modules/realtime/listener.js';
import { type Client, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { type RunningApp, caughtUp, commitEvents, eventIds, planEvent, sleep, startApp } from './helpers.js';
import { type SseClient, type StreamMessage, connectSse, eventData } from './sse-client.js';

type Data = {
  id: number;
  topic: string;
  entityId: string;
  change: string;
  planId: string | null;
  workerId: string | null;
  stationId: string | null;
  payload: Record<string, unknown>;
  actor: string | null;
  createdAt: string;
};

describeEachEngine('event streams', (ctx) => {
  let running: RunningApp;
  let planner: Client;
  const open: SseClient[] = [];
  const connect = async (path: string, options: { lastEventId?: string; token?: string } = {}) => {
    const client = await connectSse(running.base, path, { token: planner.token, ...options });
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    await seed(ctx.database.db, 'minimal');
    running = await startApp(ctx.database, { heartbeatMs: 150, retryMs: 1_500, replayPageSize: 4 });
    planner = await signIn(running.app, 'planner');
  });
  afterAll(async () => {
    for (const client of open) client.close();
    await running?.close();
  });

  it('delivers a change committed in another transaction, with id, topic name and the event JSON', async () => {
    const stream = await connect('/api/mes/stream/plans');
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const event = planEvent({ change: 'released', payload: { status: 'released' } });
    await commitEvents(ctx.database.db, [event], 'planner');
    const [message] = await stream.waitForEvents(1);
    const [id] = await eventIds(ctx.database.db, [event.entityId]);
    expect(message).toMatchObject({ id: String(id), event: 'plans' });
    const data = message!.data as Data;
    expect(data).toEqual({
      id,
      topic: 'plans',
      entityType: 'plan',
      entityId: event.entityId,
      change: 'released',
      planId: event.planId,
      workerId: null,
      stationId: null,
      payload: { status: 'released' },
      actor: 'planner',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('sends a retry hint and comment heartbeats carrying the current position', async () => {
    const stream = await connect('/api/mes/stream');
    await stream.waitFor((c) => c.comments.filter((x) => x === 'heartbeat').length >= 2, 3_000, 'two heartbeats');
    expect(stream.retries).toEqual([1_500]);
    expect(stream.raw).toMatch(/^retry: 1500\n/);
    expect(stream.raw).toMatch(new RegExp(`: heartbeat\\nid: ${running.realtime.stats.position.id}\\n\\n`));
  });

  it('serves the topic streams and filters by topics, plan, worker and station', async () => {
    const plans = await connect('/api/mes/stream/plans');
    const assignments = await connect('/api/mes/stream/assignments');
    const workers = await connect('/api/mes/stream/workers');
    const chosen = await connect('/api/mes/stream?topics=plans,assignments&planId=PPL-F-1');
    const byWorker = await connect('/api/mes/stream?workerId=W-001');
    const byStation = await connect('/api/mes/stream?topics=stations,assignments&stationId=ST-001');
    const all = await connect('/api/mes/stream');
    const events = [
      planEvent({ entityId: 'PPL-F-1', planId: 'PPL-F-1' }),
      planEvent({ entityId: 'PPL-F-2', planId: 'PPL-F-2' }),
      planEvent({ topic: 'assignments', entityType: 'assignment', entityId: 'WA-F-1', planId: 'PPL-F-1', workerId: 'W-001', stationId: 'ST-001' }),
      planEvent({ topic: 'assignments', entityType: 'assignment', entityId: 'WA-F-2', planId: 'PPL-F-2', workerId: 'W-002', stationId: 'ST-002' }),
      planEvent({ topic: 'workers', entityType: 'worker', entityId: 'W-001', planId: null, workerId: 'W-001' }),
      planEvent({ topic: 'stations', entityType: 'station', entityId: 'ST-001', planId: null, stationId: 'ST-001' }),
      planEvent({ topic: 'master', entityType: 'operation', entityId: 'OP-F-1', planId: null }),
    ];
    await commitEvents(ctx.database.db, events.slice(0, 4));
    await commitEvents(ctx.database.db, events.slice(4));
    await all.waitForEvents(7);
    const ids = (c: SseClient) => eventData<Data>(c.events()).map((d) => d.entityId);
    expect(ids(all)).toEqual(['PPL-F-1', 'PPL-F-2', 'WA-F-1', 'WA-F-2', 'W-001', 'ST-001', 'OP-F-1']);
    await sleep(100);
    expect(ids(plans)).toEqual(['PPL-F-1', 'PPL-F-2']);
    expect(ids(assignments)).toEqual(['WA-F-1', 'WA-F-2']);
    expect(ids(workers)).toEqual(['W-001']);
    expect(ids(chosen)).toEqual(['PPL-F-1', 'WA-F-1']);
    expect(ids(byWorker)).toEqual(['WA-F-1', 'W-001']);
    expect(ids(byStation)).toEqual(['WA-F-1', 'ST-001']);
    expect(all.events().map((m) => m.event)).toEqual(['plans', 'plans', 'assignments', 'assignments', 'workers', 'stations', 'master']);
  });

  it('replays exactly the missed events on reconnect with Last-Event-ID, in order, then goes on live', async () => {
    const first = await connect('/api/mes/stream/plans');
    const seen = [planEvent(), planEvent(), planEvent()];
    await commitEvents(ctx.database.db, seen);
    await first.waitForEvents(3);
    const lastEventId = first.lastEventId!;
    first.close();
    const missed = Array.from({ length: 10 }, () => planEvent());
    // several transactions, and events of another topic in between
    await commitEvents(ctx.database.db, missed.slice(0, 3));
    await commitEvents(ctx.database.db, [planEvent({ topic: 'workers', entityType: 'worker', workerId: 'W-001' })]);
    await commitEvents(ctx.database.db, missed.slice(3, 7));
    await commitEvents(ctx.database.db, missed.slice(7));
    const again = await connect('/api/mes/stream/plans', { lastEventId });
    await again.waitForEvents(10); // more than two replay pages of 4
    const live = planEvent();
    await commitEvents(ctx.database.db, [live]);
    await again.waitForEvents(11);
    await sleep(100);
    const got = eventData<Data>(again.events());
    expect(got.map((d) => d.entityId)).toEqual([...missed, live].map((e) => e.entityId));
    expect(again.events().map((m) => m.id)).toEqual(
      (
        await eventIds(
          ctx.database.db,
          [...missed, live].map((e) => e.entityId),
        )
      ).map(String),
    );
    expect(again.messages.filter((m) => m.event === 'reset')).toEqual([]);
  });

  it('resumes from the position a quiet filtered stream was given, and the query form of the id works', async () => {
    const quiet = await connect('/api/mes/stream?planId=PPL-Q-1');
    await commitEvents(ctx.database.db, [planEvent()]);
    await quiet.waitFor(
      (c) => c.comments.includes('heartbeat') && c.lastEventId === String(running.realtime.stats.position.id),
      3_000,
      'a heartbeat with the position',
    );
    const position = quiet.lastEventId!;
    quiet.close();
    const wanted = planEvent({ entityId: 'PPL-Q-1', planId: 'PPL-Q-1' });
    await commitEvents(ctx.database.db, [planEvent(), wanted, planEvent()]);
    const resumed = await connect(`/api/mes/stream?planId=PPL-Q-1&lastEventId=${position}`);
    await resumed.waitForEvents(1);
    await sleep(100);
    expect(eventData<Data>(resumed.events()).map((d) => d.entityId)).toEqual(['PPL-Q-1']);
  });

  it('replays through the same filter as live fan-out (SQL and JavaScript agree)', async () => {
    const filters = [
      '/api/mes/stream?topics=assignments,workers',
      '/api/mes/stream?planId=PPL-R-1',
      '/api/mes/stream?workerId=W-002&topics=assignments',
      '/api/mes/stream?stationId=ST-002',
    ];
    const marker = await connect('/api/mes/stream');
    await commitEvents(ctx.database.db, [planEvent()]);
    await marker.waitForEvents(1);
    const from = marker.lastEventId!;
    const live = await Promise.all(filters.map((f) => connect(f)));
    const mixed = [];
    for (const topic of ['plans', 'assignments', 'workers', 'stations'] as const) {
      for (const planId of ['PPL-R-1', 'PPL-R-2', null]) {
        for (const workerId of ['W-001', 'W-002', null]) {
          mixed.push(planEvent({ topic, planId, workerId, stationId: workerId === 'W-002' ? 'ST-002' : null }));
        }
      }
    }
    await commitEvents(ctx.database.db, mixed);
    await marker.waitForEvents(1 + mixed.length);
    await sleep(150);
    const replayed = await Promise.all(filters.map((f) => connect(f, { lastEventId: from })));
    await sleep(300);
    for (let i = 0; i < filters.length; i++) {
      expect(replayed[i]!.events().length, filters[i]).toBeGreaterThan(0);
      expect(replayed[i]!.events(), filters[i]).toEqual(live[i]!.events());
    }
  });

  it('sends `reset` when Last-Event-ID is older than the retention, then carries on live', async () => {
    const old = [planEvent(), planEvent()];
    await commitEvents(ctx.database.db, old);
    const oldIds = await eventIds(
      ctx.database.db,
      old.map((e) => e.entityId),
    );
    const db = ctx.database.db;
    await sql`update mes.events set created_at = now() - interval '100 hours' where id <= ${oldIds[1]!}`.execute(db);
    const kept = planEvent();
    await commitEvents(db, [kept]);
    const deleted = await running.realtime.prune(72);
    expect(deleted).toBeGreaterThanOrEqual(2);
    expect(
      await eventIds(
        db,
        old.map((e) => e.entityId),
      ),
    ).toEqual([]);
    // `kept` was committed before the stream opens: once the hub has read it, the stream starts live after it
    await caughtUp(db, running);

    const stream = await connect('/api/mes/stream', { lastEventId: String(oldIds[0]) });
    await stream.waitFor((c) => c.messages.some((m) => m.event === 'reset'), 3_000, 'reset');
    const reset = stream.messages.find((m) => m.event === 'reset')!;
    expect(reset.data).toMatchObject({ reason: 'expired', lastEventId: String(oldIds[0]), oldestEventId: (await eventIds(db, [kept.entityId]))[0] });
    const next = planEvent();
    await commitEvents(db, [next]);
    await stream.waitForEvents(1);
    expect(eventData<Data>(stream.events()).map((d) => d.entityId)).toEqual([next.entityId]);

    const garbage = await connect('/api/mes/stream', { lastEventId: 'not-a-number' });
    await garbage.waitFor((c) => c.messages.some((m) => m.event === 'reset'), 3_000, 'reset');
    expect(garbage.messages[0]).toMatchObject({ event: 'reset', data: { reason: 'unknown' } });
  });

  it('prunes in batches and keeps recent events', async () => {
    const db = ctx.database.db;
    const batch = Array.from({ length: 23 }, () => planEvent());
    await commitEvents(db, batch);
    await sql`update mes.events set created_at = now() - interval '80 hours' where entity_id in (${sql.join(batch.map((e) => e.entityId))})`.execute(db);
    const keep = planEvent();
    await commitEvents(db, [keep]);
    const { pruneEvents } = await import('../../src/modules/realtime/index.js');
    expect(await pruneEvents(db, { retentionHours: 72, batchSize: 5 })).toBe(23);
    expect(await eventIds(db, [keep.entityId])).toHaveLength(1);
  });

  it('refuses requests without a session (401) and bad filters (400) with problem documents', async () => {
    const anonymous = await connectSse(running.base, '/api/mes/stream/plans');
    expect(anonymous.status).toBe(401);
    expect(anonymous.contentType).toMatch(/^application\/problem\+json/);
    expect(anonymous.body).toMatchObject({ status: 401, title: expect.any(String), detail: expect.any(String) });
    const badToken = await connectSse(running.base, '/api/mes/stream', { token: 'nope' });
    expect(badToken.status).toBe(401);
    const bad = await connect('/api/mes/stream?topics=plans,gossip');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 400, field: expect.stringContaining('topics') });
    const unknown = await connect('/api/mes/stream/plans?topics=plans');
    expect(unknown.status).toBe(400);
  });

  it('shows operators plan events and their own worker and assignment events only', async () => {
    const operator = await signInWorker(running.app, 'W-001');
    const stream = await connect('/api/mes/stream', { token: operator.token });
    const marker = planEvent();
    await commitEvents(ctx.database.db, [marker]);
    // wait for the marker itself: on a loaded machine a previous test's last event can still arrive first
    const isMarker = (m: StreamMessage) => (m.data as Data).entityId === marker.entityId;
    await stream.waitFor((c) => c.events().some(isMarker), 3_000, 'the marker');
    const from = stream.events().find(isMarker)!.id!;
    const afterMarker = () => eventData<Data>(stream.events().slice(stream.events().findIndex(isMarker)));
    const other = await connect('/api/mes/stream?workerId=W-002', { token: operator.token });
    await commitEvents(ctx.database.db, [
      planEvent({ entityId: 'PPL-O-1' }),
      planEvent({ topic: 'assignments', entityType: 'assignment', entityId: 'WA-O-1', workerId: 'W-001' }),
      planEvent({ topic: 'assignments', entityType: 'assignment', entityId: 'WA-O-2', workerId: 'W-002' }),
      planEvent({ topic: 'workers', entityType: 'worker', entityId: 'W-001', workerId: 'W-001' }),
      planEvent({ topic: 'workers', entityType: 'worker', entityId: 'W-002', workerId: 'W-002' }),
      planEvent({ topic: 'stations', entityType: 'station', entityId: 'ST-O-1', workerId: 'W-001' }),
      planEvent({ topic: 'materials', entityType: 'material', entityId: 'MAT-O-1' }),
      planEvent({ entityId: 'PPL-O-2' }),
    ]);
    await stream.waitFor((c) => c.events().some((m) => (m.data as Data).entityId === 'PPL-O-2'), 3_000, 'the last plan event');
    await sleep(100);
    expect(afterMarker().map((d) => d.entityId)).toEqual([marker.entityId, 'PPL-O-1', 'WA-O-1', 'W-001', 'PPL-O-2']);
    expect(eventData<Data>(other.events()).map((d) => d.entityId)).toEqual([]);
    // the replay applies the same slice
    const replayed = await connect('/api/mes/stream', { token: operator.token, lastEventId: from });
    await replayed.waitForEvents(4);
    await sleep(100);
    expect(eventData<Data>(replayed.events()).map((d) => d.entityId)).toEqual(['PPL-O-1', 'WA-O-1', 'W-001', 'PPL-O-2']);
  });

  it('disconnects a client that stops reading once its backlog passes the bound, and serves others on', async () => {
    for (const client of open.splice(0)) client.close();
    const small = await startApp(ctx.database, { maxBufferedBytes: 2 * 1024 * 1024 });
    try {
      const port = Number(new URL(small.base).port);
      const stalled = net.connect(port, '127.0.0.1');
      stalled.on('error', () => undefined);
      await new Promise((resolve) => stalled.once('connect', resolve));
      stalled.write(`GET /api/mes/stream HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${planner.token}\r\naccept: text/event-stream\r\n\r\n`);
      await new Promise((resolve) => stalled.once('data', resolve));
      stalled.pause(); // reads nothing more: the kernel buffers fill, then the server's
      const closed = new Promise<void>((resolve) => stalled.once('close', () => resolve()));
      const big = 'x'.repeat(50_000);
      let written = 0;
      while (small.realtime.stats.slowClientsDropped === 0 && written < 600) {
        await commitEvents(
          ctx.database.db,
          Array.from({ length: 20 }, () => planEvent({ payload: { big } })),
        );
        written += 20;
        await sleep(10);
      }
      expect(small.realtime.stats.slowClientsDropped).toBe(1);
      stalled.resume(); // let the socket see the server's reset
      await Promise.race([closed, sleep(5_000)]);
      expect(stalled.destroyed).toBe(true);
      expect(small.realtime.stats.clients).toBe(0);

      const next = await connectSse(small.base, '/api/mes/stream', { token: planner.token });
      open.push(next);
      const after = planEvent();
      await commitEvents(ctx.database.db, [after]);
      await next.waitForEvents(1);
      expect(eventData<Data>(next.events()).map((d) => d.entityId)).toEqual([after.entityId]);
    } finally {
      await small.close();
    }
  });

  it('ends open streams when the app closes, without holding the close', async () => {
    const other = await startApp(ctx.database);
    const streams = await Promise.all([1, 2, 3].map(() => connectSse(other.base, '/api/mes/stream', { token: planner.token })));
    expect(other.realtime.stats.clients).toBe(3);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    await Promise.all(streams.map((s) => s.waitFor((c) => c.ended, 2_000, 'the end of the stream')));
  });
});

describe('listener backoff', () => {
  it('grows exponentially to a ceiling, half of each delay random', () => {
    expect(backoffDelay(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 10_000, () => 0.5)).toBe(600);
    expect(backoffDelay(20, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffDelay(20, 100, 10_000, () => 0)).toBe(5_000);
  });
});
