/**
 * The realtime module of one process: the listener, the hub, the open SSE
 * streams, the heartbeat and the retention timer. Routes call openStream;
 * the plugin starts it when the app is ready and stops it on close.
 *
 * A stream lives no longer than the session it was opened with. When the
 * listener hears `<user id>:<reason>` on `mes_sessions` (sessions of the user
 * were deleted: sign-out, account disabled, password or PIN or role changed,
 * worker archived; migration 0008), the streams of that user whose sessions
 * are gone get `event: session_ended` with the reason and close, on every
 * instance. The heartbeat ends streams whose session expired; after the
 * listener reconnects (NOTIFYs may have been missed) every stream's session
 * is looked up again.
 */
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../db/database.js';
import { type Position, comparePositions, oldestEventId, positionOfEvent, pruneEvents, readMissedEvents, undeliveredEventAge } from './events.repository.js';
import { EventHub } from './hub.js';
import { openSessions, sessionOf } from '../auth/index.js';
import { OutboxListener, type SessionSignals } from './listener.js';
import type { EventFilter } from './realtime.rules.js';
import { type RealtimeSettings, type SessionEndReason, sessionEndReasons } from './realtime.schema.js';
import { heartbeatFrame } from './sse-frames.js';
import { SseStream, type StreamSession } from './sse.js';

/** The session of a stream about to open, with the session-signal ticket taken before it was looked up. */
export interface OpeningSession extends StreamSession {
  ticket: number;
}

const asReason = (reason: string): SessionEndReason =>
  ((sessionEndReasons as readonly string[]).find((r) => r === reason) as SessionEndReason | undefined) ?? 'revoked';

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
  /** Open streams by the user id of their session. */
  private readonly streamsOfUser = new Map<string, Set<SseStream>>();
  /** Rises with every `sessions ended` signal: a stream whose session was looked up before it looks again. */
  private sessionTicket = 0;
  /** Streams ended because their session ended. */
  private sessionsEnded = 0;
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
    const signals: SessionSignals = {
      setLive: (live) => {
        sessions?.setLive(live);
        // signals may have been missed while the connection was down
        if (live) this.checkSessions([...this.streams], 'revoked');
      },
      dropUser: (userId) => sessions?.dropUser(userId),
      sessionsEnded: (userId, reason) => this.endSessionsOf(userId, asReason(reason)),
    };
    this.listener = new OutboxListener(database, settings, this.hub, log, signals);
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

  /** Sends a heartbeat to every stream now (the timer does this every heartbeatMs); streams whose session expired end instead. */
  beat(now = Date.now()): void {
    const frame = heartbeatFrame(this.hub.position);
    const plain = heartbeatFrame({ txId: '0', id: 0 });
    for (const stream of [...this.streams]) {
      if (stream.session && stream.session.expiresAt.getTime() <= now) this.endStream(stream, 'expired');
      else stream.heartbeat(frame, plain);
    }
  }

  /** Streams ended because their session ended, since the start. */
  get sessionEndedStreams(): number {
    return this.sessionsEnded;
  }

  /** The session behind a token, looked up before a stream opens (undefined: no such open session). */
  async sessionFor(token: string): Promise<OpeningSession | undefined> {
    const ticket = this.sessionTicket;
    const found = await sessionOf(this.database.db, token);
    return found && { userId: String(found.userId), tokenHash: found.tokenHash, expiresAt: found.expiresAt, ticket };
  }

  /** Sessions of a user were deleted: its streams whose sessions are gone end with the reason. */
  private endSessionsOf(userId: string, reason: SessionEndReason): void {
    this.sessionTicket++;
    const streams = this.streamsOfUser.get(userId);
    if (streams && streams.size > 0) this.checkSessions([...streams], reason);
  }

  /** Looks the streams' sessions up and ends those whose session is gone. */
  private checkSessions(streams: SseStream[], reason: SessionEndReason): void {
    const withSession = streams.filter((s) => s.session && s.isOpen);
    if (withSession.length === 0) return;
    const hashes = [...new Set(withSession.map((s) => s.session!.tokenHash))];
    openSessions(this.database.db, hashes).then(
      (open) => {
        for (const stream of withSession) if (!open.has(stream.session!.tokenHash)) this.endStream(stream, reason);
      },
      (error: unknown) => this.log.warn({ err: error, streams: withSession.length }, 'looking up the sessions of SSE streams failed'),
    );
  }

  private endStream(stream: SseStream, reason: SessionEndReason): void {
    if (!stream.isOpen) return;
    this.sessionsEnded++;
    stream.endSession({ reason });
  }

  /**
   * Streams events to one client: subscribe first (live events queue up),
   * replay what it missed from the outbox up to the position at subscription,
   * then flush the queue and go live. Nothing is lost or sent twice.
   */
  async openStream(socket: Socket, filter: EventFilter, lastEventId: string | undefined, log: FastifyBaseLogger, session?: OpeningSession): Promise<void> {
    const stream = new SseStream(
      socket,
      filter,
      {
        maxBufferedBytes: this.settings.maxBufferedBytes,
        maxPendingEvents: this.settings.maxPendingEvents,
        log,
        onSlowClient: () => this.slowClientsDropped++,
      },
      session && { userId: session.userId, tokenHash: session.tokenHash, expiresAt: session.expiresAt },
    );
    if (!stream.isOpen) return; // the client left before its stream began
    this.streams.add(stream);
    if (session) {
      let ofUser = this.streamsOfUser.get(session.userId);
      if (!ofUser) this.streamsOfUser.set(session.userId, (ofUser = new Set()));
      ofUser.add(stream);
    }
    stream.onClose(() => {
      this.hub.unsubscribe(stream);
      this.streams.delete(stream);
      if (!session) return;
      const ofUser = this.streamsOfUser.get(session.userId);
      ofUser?.delete(stream);
      if (ofUser?.size === 0) this.streamsOfUser.delete(session.userId);
    });
    stream.open(this.settings.retryMs);
    // a session signal arrived while the session was looked up: it may have been about this one
    if (session && session.ticket !== this.sessionTicket) this.checkSessions([stream], 'revoked');
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
