/**
 * One Server-Sent Events connection: framing, replay-then-live ordering and a
 * bounded write buffer.
 *
 * Frames are written by hand. The SSE libraries looked at (@fastify/sse 0.6,
 * fastify-sse-v2, better-sse) answer backpressure by awaiting 'drain' per
 * message, which in a fan-out to many clients turns one slow client into an
 * unbounded queue of pending writes; they run a timer per connection for
 * heartbeats and leave ending open streams at shutdown to the app. Here a
 * slow client is disconnected once its unsent bytes pass a bound, one timer
 * serves every stream's heartbeat, and the module ends every stream before
 * the server closes.
 *
 * The route hijacks the reply and the stream writes the response head and
 * then the frames straight to the socket (`connection: close`, so the body
 * ends with the connection and needs no chunked encoding). Each frame is
 * encoded once per process and the same bytes go to every client; going
 * through ServerResponse would add a chunk header, a cork and a nextTick per
 * write per client, which is most of the cost of a fan-out to 1,000 clients.
 *
 * Format: `id:`, `event:`, one `data:` line of JSON (JSON.stringify never
 * emits a raw line break), a blank line. Each event is sent as
 * `event: <topic>` (plans, assignments, workers, stations, materials, master),
 * so a browser EventSource on the combined stream can addEventListener per
 * topic; `event: reset` says the client's position is gone (reload, then carry
 * on live); `event: session_ended` (data `{"reason": …}`) is the last message
 * of a stream whose session ended (sign-out, account disabled, credentials
 * changed, …), after which the stream closes. Heartbeats are comment lines, followed by `id: <position>` while
 * the stream is live, so a client whose filter matched nothing for a while
 * still resumes from a recent position.
 */
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { type StoredEvent, type Position, comparePositions } from './events.repository.js';
import type { Batch, Delivery, Subscriber } from './hub.js';
import { type EventFilter, matchesFilter } from './realtime.rules.js';
import type { ResetNotice, SessionEndedNotice } from './realtime.schema.js';
import { eventFrame } from './sse-frames.js';

const responseHead = [
  'HTTP/1.1 200 OK',
  'content-type: text/event-stream; charset=utf-8',
  'cache-control: no-cache, no-transform',
  // the body ends with the connection: no chunked encoding, and ending it frees the socket at once
  'connection: close',
  'x-accel-buffering: no',
  '',
  '',
].join('\r\n');

/** The session a stream was opened with: the stream ends with it. */
export interface StreamSession {
  /** As text, as the `mes_sessions` NOTIFY names it. */
  userId: string;
  tokenHash: string;
  expiresAt: Date;
}

export interface SseStreamOptions {
  maxBufferedBytes: number;
  maxPendingEvents: number;
  log: FastifyBaseLogger;
  onSlowClient?: () => void;
}

type State = 'replaying' | 'live' | 'closed';

export class SseStream implements Subscriber {
  private state: State = 'replaying';
  /** Live events that arrive while the replay runs; written after it. */
  private pending: Delivery[] = [];
  /** The client has already seen events up to here (it came from a process further ahead). */
  private seenUpTo: Position | undefined;
  private readonly closeCallbacks: (() => void)[] = [];
  delivered = 0;

  constructor(
    private readonly socket: Socket,
    readonly filter: EventFilter,
    private readonly options: SseStreamOptions,
    readonly session?: StreamSession,
  ) {
    socket.on('close', () => this.closed());
    socket.on('error', () => this.closed());
    if (socket.destroyed) this.state = 'closed';
  }

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  onClose(callback: () => void): void {
    if (this.state === 'closed') callback();
    else this.closeCallbacks.push(callback);
  }

  /** Status line, headers and the `retry:` hint. */
  open(retryMs: number): void {
    if (this.state === 'closed') return;
    this.socket.setNoDelay(true);
    this.socket.setTimeout(0);
    this.socket.write(`${responseHead}retry: ${retryMs}\n: connected\n\n`);
  }

  /** Live events the client must not get again (it saw them through another process). */
  skipUpTo(position: Position): void {
    this.seenUpTo = position;
  }

  deliver(batch: Batch): void {
    if (this.state === 'closed') return;
    const items = batch.items;
    let matched: Delivery[] | undefined;
    let all = true;
    for (let i = 0; i < items.length; i++) {
      const d = items[i]!;
      let wanted = matchesFilter(d.event, this.filter);
      if (wanted && this.seenUpTo) {
        if (comparePositions(d.event, this.seenUpTo) <= 0) wanted = false;
        else this.seenUpTo = undefined;
      }
      if (wanted) {
        if (!all) matched!.push(d);
      } else if (all) {
        all = false;
        matched = items.slice(0, i);
      }
    }
    const count = all ? items.length : matched!.length;
    if (count === 0) return;
    if (this.state === 'replaying') {
      for (const d of all ? items : matched!) this.pending.push(d);
      if (this.pending.length > this.options.maxPendingEvents) {
        this.drop(`more than ${this.options.maxPendingEvents} live events arrived during its replay`);
      }
      return;
    }
    if (this.write(all ? batch.bytes : Buffer.concat(matched!.map((d) => d.bytes)))) this.delivered += count;
  }

  /** Writes replayed events, waiting for the socket to drain: the replay paces itself. */
  async replay(events: readonly StoredEvent[]): Promise<void> {
    if (this.state !== 'replaying' || events.length === 0) return;
    this.delivered += events.length;
    if (!this.socket.write(events.map(eventFrame).join('')) && !this.socket.destroyed) await this.drained();
  }

  reset(notice: ResetNotice, position: Position): void {
    const id = position.id > 0 ? `id: ${position.id}\n` : '';
    this.write(Buffer.from(`${id}event: reset\ndata: ${JSON.stringify(notice)}\n\n`));
  }

  /** Replay done: the client stands at `position`; flush what arrived meanwhile and go live. */
  goLive(position: Position): void {
    if (this.state !== 'replaying') return;
    this.state = 'live';
    const pending = this.pending;
    this.pending = [];
    const parts: Buffer[] = [];
    if (!this.seenUpTo && position.id > 0) parts.push(Buffer.from(`id: ${position.id}\n\n`));
    for (const d of pending) parts.push(d.bytes);
    if (parts.length > 0 && this.write(Buffer.concat(parts))) this.delivered += pending.length;
  }

  heartbeat(frame: Buffer, plain: Buffer): void {
    if (this.state === 'live') this.write(this.seenUpTo ? plain : frame);
    else if (this.state === 'replaying') this.write(plain);
  }

  /** The stream's session ended: a last `session_ended` message says why, then the stream ends. */
  endSession(notice: SessionEndedNotice): void {
    if (this.state === 'closed') return;
    this.pending = [];
    this.write(Buffer.from(`event: session_ended\ndata: ${JSON.stringify(notice)}\n\n`));
    this.end();
  }

  /** Ends the stream (shutdown): flushes what is buffered, then closes; cut after `graceMs` if the client does not read. */
  end(graceMs = 1_000): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.pending = [];
    this.socket.destroySoon();
    setTimeout(() => this.socket.destroy(), graceMs).unref();
    this.runCloseCallbacks();
  }

  /** Cuts the connection, e.g. when the replay failed. */
  abort(reason: string, error?: unknown): void {
    if (this.state === 'closed') return;
    this.options.log.warn({ err: error }, `SSE stream aborted: ${reason}`);
    this.state = 'closed';
    this.pending = [];
    this.socket.destroy();
    this.runCloseCallbacks();
  }

  private write(bytes: Buffer): boolean {
    if (this.state === 'closed') return false;
    // a backlog past the bound means the client is not keeping up (one big batch alone is fine)
    if (this.socket.writableLength > this.options.maxBufferedBytes) {
      this.drop(`its unsent data passed ${this.options.maxBufferedBytes} bytes`);
      return false;
    }
    this.socket.write(bytes);
    return true;
  }

  private drop(reason: string): void {
    if (this.state === 'closed') return;
    this.options.log.warn(
      { remote: `${this.socket.remoteAddress}:${this.socket.remotePort}`, buffered: this.socket.writableLength },
      `slow SSE client disconnected: ${reason}`,
    );
    this.options.onSlowClient?.();
    this.state = 'closed';
    this.pending = [];
    this.socket.destroy();
    this.runCloseCallbacks();
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private closed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.pending = [];
    this.runCloseCallbacks();
  }

  private runCloseCallbacks(): void {
    const callbacks = this.closeCallbacks.splice(0);
    for (const callback of callbacks) callback();
  }
}
