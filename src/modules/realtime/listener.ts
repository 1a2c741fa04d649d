/**
 * The one listener of a process. A dedicated connection LISTENs on
 * `mes_events` (a pg.Client on PostgreSQL, outside the query pool; PGlite's
 * own listen on the embedded engine). Every wake-up, every reconnect and a
 * periodic poll read the outbox through the normal pool from the last
 * position and publish to the hub, so a NOTIFY missed while disconnected
 * loses nothing: the next read catches up.
 *
 * The same connection LISTENs on `mes_sessions` for the session cache: a
 * user id there drops that user's kept sessions, and the cache is used only
 * while this connection is up (emptied when it comes back). `<user id>:<reason>`
 * there says sessions of the user were deleted and why (migration 0008): the
 * realtime service ends the SSE streams of those sessions. A connection that
 * died without the socket noticing keeps the cache in use until the socket
 * errors or MES_SESSION_CACHE_SECONDS ends each entry.
 *
 * Reconnects use exponential backoff with jitter (half the delay fixed, half
 * random), so a fleet of processes does not reconnect in step after a
 * database restart.
 *
 * Caveat of the safe horizon (see events.repository): the snapshot's xmin is
 * cluster-wide, so a long-running writing transaction anywhere on the
 * PostgreSQL server delays delivery (never loses or reorders) until it ends.
 */
import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import type { Database } from '../../db/database.js';
import { type Position, origin, readCommittedEvents, safeHead } from './events.repository.js';
import type { EventHub } from './hub.js';
import type { RealtimeSettings } from './realtime.schema.js';

export const eventsChannel = 'mes_events';
/**
 * NOTIFYed with a user id when one of the user's sessions is deleted or the user changes (migration 0004),
 * and with `<user id>:<reason>` when sessions of the user are deleted (migration 0008).
 */
export const sessionsChannel = 'mes_sessions';

/** Told what the listening connection hears about sessions, and whether it is listening (the session cache, the streams). */
export interface SessionSignals {
  setLive(live: boolean): void;
  dropUser(userId: string): void;
  /** Sessions of the user were deleted, for this reason (`logout`, `disabled`, …). */
  sessionsEnded?(userId: string, reason: string): void;
}

/** Passes one `mes_sessions` payload on: `<user id>` or `<user id>:<reason>`. */
export function signalSessions(signals: SessionSignals | undefined, payload: string): void {
  const ended = /^([0-9]+):([a-z_]{1,40})$/.exec(payload);
  if (ended) signals?.sessionsEnded?.(ended[1]!, ended[2]!);
  else signals?.dropUser(payload);
}
const heldReadMaxMs = 200;

/** Delay before reconnect attempt `attempt` (0-based): min·2^attempt capped at max, half of it random. */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(cap / 2 + random() * (cap / 2));
}

export interface ListenerStats {
  connected: boolean;
  reconnects: number;
  reads: number;
  readErrors: number;
}

type ListenerSettings = Pick<RealtimeSettings, 'pollMs' | 'readBatchSize' | 'fanoutRest' | 'reconnectMinMs' | 'reconnectMaxMs' | 'listenerApplicationName'>;

export class OutboxListener {
  private position: Position = origin;
  private initialized = false;
  private stopped = true;
  private reading = false;
  private readAgain = false;
  private client: pg.Client | undefined;
  private unlistenPglite: (() => Promise<void>)[] = [];
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private heldTimer: NodeJS.Timeout | undefined;
  private restTimer: NodeJS.Timeout | undefined;
  /** performance.now() before which the next read waits: the rest owed for the last fan-out. */
  private restUntil = 0;
  private heldDelayMs = 0;
  private lastErrorLogAt = 0;
  private idleWaiters: (() => void)[] = [];
  readonly stats: ListenerStats = { connected: false, reconnects: 0, reads: 0, readErrors: 0 };

  constructor(
    private readonly database: Database,
    private readonly settings: ListenerSettings,
    private readonly hub: EventHub,
    private readonly log: FastifyBaseLogger,
    private readonly sessions?: SessionSignals,
  ) {}

  private setConnected(connected: boolean): void {
    this.stats.connected = connected;
    this.sessions?.setLive(connected);
  }

  get isInitialized(): boolean {
    return this.initialized;
  }

  /** Connects (a failure is logged and retried in the background) and takes the current head as the start. */
  async start(): Promise<void> {
    this.stopped = false;
    this.pollTimer = setInterval(() => this.wake(), this.settings.pollMs);
    this.pollTimer.unref();
    await this.connect();
    this.wake();
    await this.whenIdle();
  }

  private whenIdle(): Promise<void> {
    return this.reading ? new Promise<void>((resolve) => this.idleWaiters.push(resolve)) : Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.heldTimer);
    clearTimeout(this.restTimer);
    const client = this.client;
    this.client = undefined;
    this.setConnected(false);
    if (client) await client.end().catch(() => undefined);
    for (const unlisten of this.unlistenPglite.splice(0)) await unlisten().catch(() => undefined);
    // let a read in flight finish before the pool closes
    await this.whenIdle();
  }

  /**
   * Reads new events soon; wake-ups that arrive during a read fold into one
   * more read. After a fan-out that took D ms the next read waits until
   * fanoutRest × D ms have passed: under a stream of commits the fan-out
   * keeps at most 1 / (1 + fanoutRest) of the event loop, and the commits of
   * the rest go out together (one write per client); after a quiet spell a
   * commit is read at once.
   */
  wake(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    const rest = this.restUntil - performance.now();
    if (rest > 0) {
      this.restTimer ??= setTimeout(() => {
        this.restTimer = undefined;
        this.wake();
      }, rest);
      return;
    }
    void this.read();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    if (this.database.engine === 'pglite') {
      const pglite = this.database.pglite!;
      this.unlistenPglite.push(await pglite.listen(eventsChannel, () => this.wake()));
      this.unlistenPglite.push(await pglite.listen(sessionsChannel, (payload) => signalSessions(this.sessions, payload)));
      this.setConnected(true);
      return;
    }
    const client = new pg.Client({
      ...(this.database.pool.options as pg.ClientConfig),
      application_name: this.settings.listenerApplicationName,
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
    });
    client.on('notification', (message) => {
      if (message.channel === eventsChannel) this.wake();
      else if (message.channel === sessionsChannel) signalSessions(this.sessions, message.payload ?? '');
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    this.client = client;
    try {
      await client.connect();
      await client.query(`listen ${eventsChannel}; listen ${sessionsChannel}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.lost(client, error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.attempt = 0;
    this.setConnected(true);
    // catch up on whatever was committed while we were away
    this.wake();
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (this.stopped) return;
    if (this.client !== client) return; // an old connection's late 'end'
    if (this.reconnectTimer) return; // already scheduled
    this.client = undefined;
    this.setConnected(false);
    client.removeAllListeners('notification');
    client.on('error', () => undefined);
    const delay = backoffDelay(this.attempt++, this.settings.reconnectMinMs, this.settings.reconnectMaxMs);
    this.log.warn({ err: error, delayMs: delay, attempt: this.attempt }, 'event listener lost its database connection; reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.stats.reconnects++;
      void this.connect();
    }, delay);
  }

  private async read(): Promise<void> {
    this.reading = true;
    let held: boolean;
    try {
      do {
        this.readAgain = false;
        if (!this.initialized) {
          this.position = await safeHead(this.database.db);
          // a fresh listener starts at the head: it does not publish the past
          this.hub.position = this.position;
          this.initialized = true;
        }
        for (;;) {
          const batch = await readCommittedEvents(this.database.db, this.position, this.settings.readBatchSize);
          this.stats.reads++;
          held = batch.held;
          const last = batch.events.at(-1);
          if (last) {
            this.position = { txId: last.txId, id: last.id };
            const started = performance.now();
            this.hub.publish(batch.events);
            const ended = performance.now();
            this.restUntil = ended + (ended - started) * this.settings.fanoutRest;
          }
          if (batch.events.length < this.settings.readBatchSize || this.stopped) break;
        }
        // read again at once only if no rest is owed; otherwise wake() below waits it out
      } while (this.readAgain && !this.stopped && performance.now() >= this.restUntil);
    } catch (error) {
      this.stats.readErrors++;
      held = false;
      const now = Date.now();
      if (now - this.lastErrorLogAt > 10_000 && !this.stopped) {
        this.lastErrorLogAt = now;
        this.log.warn({ err: error }, 'reading the events outbox failed; retrying on the next wake-up or poll');
      }
    } finally {
      this.reading = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
    if (this.stopped) return;
    if (this.readAgain) {
      this.wake();
      return;
    }
    this.scheduleHeldRead(held);
  }

  /**
   * Committed events wait behind an older open transaction that may add no
   * event (so no NOTIFY will come when it ends): look again soon, backing off
   * from 5 ms to 200 ms (or the poll interval if shorter).
   */
  private scheduleHeldRead(held: boolean): void {
    clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    if (!held) {
      this.heldDelayMs = 0;
      return;
    }
    this.heldDelayMs = Math.min(this.settings.pollMs, heldReadMaxMs, this.heldDelayMs ? this.heldDelayMs * 2 : 5);
    this.heldTimer = setTimeout(() => this.wake(), this.heldDelayMs);
    this.heldTimer.unref();
  }
}
