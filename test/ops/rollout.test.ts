/**
 * Blue-green rollout on PostgreSQL, as docs/DEPLOYMENT.md describes it ("Drain
 * blue"): two server processes on one database behind a balancer; SSE
 * clients on A; writers committing events through the balancer all along; a
 * health checker polling A's /readyz. A is taken out of the balancer and sent
 * SIGTERM at once, with requests still in flight on it.
 *
 * A must exit 0 (requests in flight finish, streams end, no 10 s timeout),
 * its readiness must not go back to 200 once it failed, and every client —
 * reconnecting through the balancer (to B) with Last-Event-ID, as an
 * EventSource does — must end up with exactly the events committed since it
 * connected: those of mes.events after its starting position, in delivered
 * order (tx_id, id), no duplicate, no gap, no reset.
 *
 * Half the clients reconnect at once (B may not yet have read what the client
 * saw on A); the other half only after the writers have committed more events
 * since their stream ended, so B must replay those from the outbox.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { recordEvents } from '../../src/modules/realtime/outbox.repository.js';
import { adminPassword, seed } from '../helpers/api.js';
import { type TestDatabase, createTestDatabase } from '../helpers/engines.js';
import { type ServerProcess, startServer } from '../helpers/processes.js';
import { sleep } from '../realtime/helpers.js';
import { type SseClient, connectSse } from '../realtime/sse-client.js';

const clientCount = 20;
const writerCount = 3;
/** Events every client must get from A before A is stopped, and after it moved to B. */
const eventsBefore = 15;
const eventsAfter = 15;
/** A late client reconnects only once this many more events have been committed. */
const lateBy = 10;
/** For waits that should take well under a second: only a hung or broken system reaches it. */
const generous = 30_000;

async function until(condition: () => boolean, what: string, timeoutMs = generous): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Stands in for nginx: A until it is marked down, then B. */
class Balancer {
  aDown = false;
  constructor(
    readonly a: ServerProcess,
    readonly b: ServerProcess,
  ) {}
  pick(): ServerProcess {
    return this.aDown ? this.b : this.a;
  }
}

/**
 * Writers booking stock receipts through the balancer (one material each)
 * until stopped. Like a client, a write refused by a stopping instance (503,
 * or the connection closed) is sent again and goes to the other one.
 */
class Writers {
  committed = 0;
  readonly committedOn = new Map<ServerProcess, number>();
  retried = 0;
  private stopped = false;
  private readonly errors: string[] = [];
  private loops: Promise<void>[] = [];

  constructor(
    private readonly balancer: Balancer,
    private readonly headers: Record<string, string>,
    private readonly codes: string[],
  ) {}

  start(): void {
    this.loops = this.codes.map((code) => this.loop(code));
  }

  async write(code: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const server = this.balancer.pick();
      let status: number | string;
      try {
        const res = await fetch(`${server.url}/api/mes/materials/${code}/adjustments`, {
          method: 'POST',
          headers: this.headers,
          body: JSON.stringify({ kind: 'receipt', quantity: 1, reason: 'rollout test' }),
        });
        status = res.status;
        const body = await res.text();
        if (status === 201) {
          this.committed++;
          this.committedOn.set(server, (this.committedOn.get(server) ?? 0) + 1);
          return;
        }
        if (status !== 503) throw new Error(`receipt for ${code}: ${status} ${body}`);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('receipt for')) throw error;
        status = String(error);
      }
      if (attempt === 5) throw new Error(`receipt for ${code}: gave up after ${attempt} attempts, last: ${status}`);
      this.retried++;
      await sleep(50);
    }
  }

  private async loop(code: string): Promise<void> {
    while (!this.stopped) {
      try {
        await this.write(code);
      } catch (error) {
        this.errors.push(String(error));
        return;
      }
    }
  }

  /** Waits until `n` more events have been committed, failing if a writer broke. */
  async advance(n: number, what: string): Promise<void> {
    const target = this.committed + n;
    await until(() => {
      this.check();
      return this.committed >= target;
    }, what);
  }

  check(): void {
    if (this.errors.length > 0) throw new Error(`a writer failed: ${this.errors[0]}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
    this.check();
  }
}

/** A balancer's active health check: GET /readyz on one instance every 20 ms, until it stops answering. */
class Prober {
  readonly answers: (number | 'refused')[] = [];
  /** answers.length when SIGTERM was sent. */
  atSignal = -1;
  private readonly done: Promise<void>;
  constructor(server: ServerProcess) {
    this.done = (async () => {
      while (server.child.exitCode === null) {
        try {
          this.answers.push((await fetch(`${server.url}/readyz`)).status);
          await sleep(20);
        } catch {
          this.answers.push('refused');
          if (this.atSignal >= 0) return;
          await sleep(50);
        }
      }
    })();
  }
  finished(): Promise<void> {
    return this.done;
  }
}

/** One browser tab: an EventSource on the combined stream, reconnecting through the balancer. */
class Follower {
  readonly segments: { server: ServerProcess; client: SseClient }[] = [];
  /** The position the stream gave when the client first connected (the `id:` line sent on connect). */
  startId = 0;
  private closed = false;
  private loop: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly balancer: Balancer,
    private readonly token: string,
    /** Reconnect at once, or only after the writers have moved on (B must replay). */
    readonly late: boolean,
    private readonly writers: Writers,
  ) {}

  async connect(): Promise<void> {
    const client = await this.open();
    await client.waitFor((c) => c.lastEventId !== undefined, generous, 'the position sent when the stream opens');
    this.startId = Number(client.lastEventId);
    this.loop = this.follow(client).catch((error: unknown) => {
      this.failure = error;
    });
  }

  private async open(lastEventId?: string): Promise<SseClient> {
    const server = this.balancer.pick();
    const client = await connectSse(server.url, '/api/mes/stream', { token: this.token, ...(lastEventId ? { lastEventId } : {}) });
    this.segments.push({ server, client });
    return client;
  }

  private async follow(first: SseClient): Promise<void> {
    let current = first;
    for (;;) {
      await current.waitFor((c) => c.ended || this.closed, 10 * 60_000, 'the stream to end');
      if (this.closed) return;
      const lastEventId = this.lastEventId();
      if (this.late) await this.writers.advance(lateBy, 'the writers to move on before a late reconnect');
      else if (current.status !== 200) await sleep(current.retries.at(-1) ?? 100); // refused: try again later, as EventSource would
      if (this.closed) return;
      current = await this.open(lastEventId);
    }
  }

  /** What EventSource sends as Last-Event-ID: the last id any connection of it received. */
  lastEventId(): string | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const id = this.segments[i]!.client.lastEventId;
      if (id !== undefined) return id;
    }
    return undefined;
  }

  /** Topic event ids received, in arrival order, over every connection. */
  received(): number[] {
    return this.segments.flatMap((s) => s.client.events().map((m) => Number(m.id)));
  }

  resets(): number {
    return this.segments.reduce((n, s) => n + s.client.messages.filter((m) => m.event === 'reset').length, 0);
  }

  eventsOn(server: ServerProcess): number {
    return this.segments.filter((s) => s.server === server).reduce((n, s) => n + s.client.events().length, 0);
  }

  lastReceived(): number | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const last = this.segments[i]!.client.events().at(-1);
      if (last) return Number(last.id);
    }
    return undefined;
  }

  check(): void {
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.segments) s.client.close();
    await this.loop;
  }
}

describe.runIf(!!process.env.TEST_DATABASE_URL)('blue-green rollout on one PostgreSQL database', () => {
  it('an instance stopped with SIGTERM mid-stream exits 0 and its SSE clients resume on the other without losing an event', { timeout: 180_000 }, async () => {
    const t0 = performance.now();
    const marks: string[] = [];
    const mark = (what: string) => marks.push(`${what} ${Math.round(performance.now() - t0)}`);
    const test: TestDatabase = await createTestDatabase('postgres', 4);
    const servers: ServerProcess[] = [];
    const followers: Follower[] = [];
    let writers: Writers | undefined;
    let prober: Prober | undefined;
    try {
      const db = test.database.db;
      await seed(db, 'minimal');
      // one event before the servers start: every stream then opens at a real position (`id:` on connect)
      await db.transaction().execute((trx) => recordEvents(trx, [{ topic: 'master', entityType: 'test', entityId: 'rollout', change: 'started' }], 'test'));

      const env = { DATABASE_URL: test.url!, MES_ADMIN_PASSWORD: adminPassword, MES_SEED_ON_EMPTY: 'false', MES_LOGIN_RATE_LIMIT: '1000', MES_POOL_SIZE: '5' };
      const [a, b] = (await Promise.all([startServer(env), startServer(env)])) as [ServerProcess, ServerProcess];
      servers.push(a, b);
      mark('started');
      const balancer = new Balancer(a, b);
      prober = new Prober(a);

      const login = await fetch(`${a.url}/api/mes/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'planner', password: adminPassword }),
      });
      expect(login.status).toBe(200);
      const { token } = (await login.json()) as { token: string };
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const codes = Array.from({ length: writerCount }, (_, i) => `RT-ROLLOUT-${i + 1}`);
      for (const code of codes) {
        const res = await fetch(`${a.url}/api/mes/materials`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ code, name: `Rollout ${code}`, unit: 'pcs' }),
        });
        expect(res.status, await res.text()).toBe(201);
      }
      writers = new Writers(balancer, headers, codes);

      for (let i = 0; i < clientCount; i++) followers.push(new Follower(balancer, token, i % 2 === 1, writers));
      await Promise.all(followers.map((f) => f.connect()));
      for (const f of followers) expect(f.segments[0]!.client.status).toBe(200);
      mark('connected');

      // before: the writers run and every client gets events from A
      writers.start();
      await until(() => {
        writers!.check();
        return followers.every((f) => f.eventsOn(a) >= eventsBefore);
      }, `${eventsBefore} events on every client of A`);
      mark('sigterm');

      // drain A: out of the balancer, then SIGTERM at once (writes may be in flight on A)
      balancer.aDown = true;
      prober.atSignal = prober.answers.length;
      const exited = a.stop('SIGTERM');

      // after: every client is on B and gets live events there
      await until(() => {
        writers!.check();
        for (const f of followers) f.check();
        return followers.every((f) => f.eventsOn(b) >= eventsAfter);
      }, `${eventsAfter} events on every client after it moved to B`);
      mark('moved');
      const code = await exited;
      mark('exited');
      await prober.finished();
      expect(code, `A's exit code; A's log:\n${a.output().slice(-3000)}`).toBe(0);
      await writers.stop();

      // one more event after the writers stopped: anything sent twice would come before it
      await writers.write(codes[0]!);
      const { rows } = await sql<{ id: string }>`select id from mes.events order by tx_id, id`.execute(db);
      const all = rows.map((r) => Number(r.id));
      const last = all.at(-1)!;
      await until(() => {
        for (const f of followers) f.check();
        return followers.every((f) => f.lastReceived() === last);
      }, 'every client to receive the last event');
      mark('settled');

      for (const [index, f] of followers.entries()) {
        const received = f.received();
        const start = all.indexOf(f.startId);
        expect(start, `client ${index}: its starting position is an event of mes.events`).toBeGreaterThanOrEqual(0);
        const expected = all.slice(start + 1);
        const wanted = new Set(expected);
        const seen = new Set<number>();
        const summary = {
          duplicates: received.filter((id) => seen.has(id) || !seen.add(id)),
          missing: expected.filter((id) => !seen.has(id)).slice(0, 20),
          unexpected: received.filter((id) => !wanted.has(id)),
          resets: f.resets(),
          inDeliveredOrder: received.join() === expected.join(),
        };
        expect(summary, `client ${index} (${f.late ? 'late' : 'immediate'} reconnect), ${received.length} of ${expected.length} events`).toEqual({
          duplicates: [],
          missing: [],
          unexpected: [],
          resets: 0,
          inDeliveredOrder: true,
        });
        // it did move: its first stream was on A and ended, the last one is on B
        expect(f.segments[0]!.server).toBe(a);
        expect(f.segments[0]!.client.ended).toBe(true);
        expect(f.segments.at(-1)!.server).toBe(b);
        expect(f.segments.at(-1)!.client.status).toBe(200);
        expect(f.eventsOn(a)).toBeGreaterThanOrEqual(eventsBefore);
      }
      expect(writers.committedOn.get(a)).toBeGreaterThan(0);
      expect(writers.committedOn.get(b)).toBeGreaterThan(0);

      // readiness: 200 until the signal; once it failed (503 draining, or refused), never 200 again.
      // An answer right after the signal may still be 200: the request can be read before the signal is handled.
      const { answers, atSignal } = prober;
      expect(
        answers.slice(0, atSignal).every((s) => s === 200),
        answers.join(' '),
      ).toBe(true);
      const firstDown = answers.findIndex((s) => s !== 200);
      if (firstDown >= 0) expect(answers.slice(firstDown), answers.slice(atSignal).join(' ')).not.toContain(200);
      expect(a.output()).toContain('shutting down: draining connections');

      console.info(
        `rollout: ${all.length} events; writes ${writers.committedOn.get(a)} on A, ${writers.committedOn.get(b)} on B, ${writers.retried} retried; ` +
          `${clientCount} clients moved (${followers.filter((f) => f.late).length} late); ` +
          `A's /readyz after SIGTERM: ${answers.slice(atSignal).join(' ')}; ms: ${marks.join(', ')}`,
      );
    } finally {
      await writers?.stop().catch(() => undefined);
      await Promise.all(followers.map((f) => f.close()));
      for (const server of servers) await server.stop();
      await prober?.finished();
      await test.drop();
    }
  });
});
