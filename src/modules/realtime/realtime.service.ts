/**
 * The realtime module of one process: the listener, the hub, the open SSE
 * streams, the heartbeat and the retention timer. Routes call openStream;
 * the plugin starts it when the app is ready and stops it on close.
 */
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../db/database.js';
import { type Position, comparePositions, oldestEventId, positionOfEvent, pruneEvents, readMissedEvents, undeliveredEventAge } from './events.repository.js';
import { EventHub } from './hub.js';
import { OutboxListener, type SessionSignals } from './listener.js';
import type { EventFilter } from './realtime.rules.js';
import type { RealtimeSettings } from './realtime.schema.js';
import { heartbeatFrame } from './sse-frames.js';
import { SseStream } from './sse.js';

export interface RealtimeStats {
  clients: number;
  /** Events read from the outbox and fanned out. */
  published: number;
  /** Clients disconnected because they could not keep up. */
  slowClientsDropped: number;
  listenerConnected: boolean;
  listenerReconnects: number;
  position: Position;
}

export class Realtime {
  readonly hub = new EventHub();
  readonly listener: OutboxListener;
  private readonly streams = new Set<SseStream>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private slowClientsDropped = 0;
  private running = false;

  constructor(
    private readonly database: Database,
    readonly settings: RealtimeSettings,
    private readonly retentionHours: number,
    private readonly log: FastifyBaseLogger,
    sessions?: SessionSignals,
  ) {
    this.listener = new OutboxListener(database, settings, this.hub, log, sessions);
    this.hub.onSubscriberError = (error) => log.error({ err: error }, 'delivering events to an SSE stream failed');
  }

  get stats(): RealtimeStats {
    return {
      clients: this.streams.size,
      published: this.hub.published,
      slowClientsDropped: this.slowClientsDropped,
      listenerConnected: this.listener.stats.connected,
      listenerReconnects: this.listener.stats.reconnects,
      position: this.hub.position,
    };
  }

  /** Age in seconds of the oldest committed event this process has not fanned out yet (0 when caught up). */
  undeliveredEventAge(): Promise<number> {
    return undeliveredEventAge(this.database.db, this.hub.position);
  }

  get isReady(): boolean {
    return this.running && this.listener.isInitialized;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listener.start();
    this.heartbeatTimer = setInterval(() => this.beat(), this.settings.heartbeatMs);
    this.heartbeatTimer.unref();
    this.pruneTimer = setInterval(() => {
      this.prune().catch((error: unknown) => this.log.warn({ err: error }, 'pruning old events failed'));
    }, this.settings.pruneIntervalMs);
    this.pruneTimer.unref();
  }

  /** Ends every open stream (before the server closes, so open streams do not hold it). */
  endStreams(): void {
    for (const stream of [...this.streams]) stream.end();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.heartbeatTimer);
    clearInterval(this.pruneTimer);
    this.endStreams();
    await this.listener.stop();
  }

  /** Deletes events older than the retention, in batches. */
  async prune(retentionHours = this.retentionHours): Promise<number> {
    const deleted = await pruneEvents(this.database.db, { retentionHours, batchSize: this.settings.pruneBatchSize });
    if (deleted > 0) this.log.info({ deleted, retentionHours }, 'pruned old events');
    return deleted;
  }

  /** Sends a heartbeat to every stream now (the timer does this every heartbeatMs). */
  beat(): void {
    const frame = heartbeatFrame(this.hub.position);
    const plain = heartbeatFrame({ txId: '0', id: 0 });
    for (const stream of this.streams) stream.heartbeat(frame, plain);
  }

  /**
   * Streams events to one client: subscribe first (live events queue up),
   * replay what it missed from the outbox up to the position at subscription,
   * then flush the queue and go live. Nothing is lost or sent twice.
   */
  async openStream(socket: Socket, filter: EventFilter, lastEventId: string | undefined, log: FastifyBaseLogger): Promise<void> {
    const stream = new SseStream(socket, filter, {
      maxBufferedBytes: this.settings.maxBufferedBytes,
      maxPendingEvents: this.settings.maxPendingEvents,
      log,
      onSlowClient: () => this.slowClientsDropped++,
    });
    if (!stream.isOpen) return; // the client left before its stream began
    this.streams.add(stream);
    stream.onClose(() => {
      this.hub.unsubscribe(stream);
      this.streams.delete(stream);
    });
    stream.open(this.settings.retryMs);
    const upTo = this.hub.subscribe(stream);
    if (lastEventId === undefined) {
      stream.goLive(upTo);
      return;
    }
    try {
      const id = /^[0-9]{1,15}$/.test(lastEventId) ? Number(lastEventId) : undefined;
      const from = id === undefined ? undefined : await positionOfEvent(this.database.db, id);
      if (!from) {
        const oldest = await oldestEventId(this.database.db);
        const reason = id !== undefined && (oldest === null || id < oldest) ? 'expired' : 'unknown';
        stream.reset({ reason, lastEventId, oldestEventId: oldest }, upTo);
        stream.goLive(upTo);
        return;
      }
      if (comparePositions(from, upTo) > 0) {
        // the client saw events (through another process) that this process has not read yet
        stream.skipUpTo(from);
        stream.goLive(upTo);
        return;
      }
      let cursor = from;
      while (stream.isOpen) {
        const page = await readMissedEvents(this.database.db, cursor, upTo, filter, this.settings.replayPageSize);
        await stream.replay(page);
        const last = page.at(-1);
        if (!last || page.length < this.settings.replayPageSize) break;
        cursor = { txId: last.txId, id: last.id };
      }
      stream.goLive(upTo);
    } catch (error) {
      stream.abort('replaying missed events failed', error);
    }
  }
}
