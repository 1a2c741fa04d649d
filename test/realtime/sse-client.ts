/**
 * A streaming SSE client for tests: node:http on a socket of its own, frames
 * parsed by eventsource-parser. Keeps every message, comment and retry hint,
 * and the raw text, and lets a test wait for what it expects.
 *
 * Not fetch: after an aborted stream, Node's fetch (undici) opens a fresh
 * keep-alive connection that sends nothing, and the server's close waits for
 * it to time out on the client side (~4 s).
 */
import http from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface StreamMessage {
  id: string | undefined;
  event: string | undefined;
  data: unknown;
}

export interface SseClient {
  status: number;
  contentType: string | null;
  /** The body when the server answered with something other than a stream. */
  body: unknown;
  messages: StreamMessage[];
  comments: string[];
  retries: number[];
  raw: string;
  /** What an EventSource would send as Last-Event-ID on reconnect (id-only blocks count too). */
  readonly lastEventId: string | undefined;
  /** True once the server ended or cut the stream. */
  ended: boolean;
  /** Messages of these event names (default: the topics, not `reset`). */
  events(names?: string[]): StreamMessage[];
  waitFor(predicate: (client: SseClient) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  waitForEvents(count: number, timeoutMs?: number): Promise<StreamMessage[]>;
  close(): void;
}

export interface ConnectOptions {
  token?: string;
  cookie?: string;
  lastEventId?: string;
}

const topicNames = ['plans', 'assignments', 'workers', 'stations', 'materials', 'master'];

export async function connectSse(baseUrl: string, path: string, options: ConnectOptions = {}): Promise<SseClient> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const request = http.request(`${baseUrl}${path}`, { headers, agent: false });
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
    request.end();
  });
  request.on('error', () => undefined);
  response.on('error', () => undefined);
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };

  const client: SseClient = {
    status: response.statusCode ?? 0,
    contentType: response.headers['content-type'] ?? null,
    body: undefined,
    messages: [],
    comments: [],
    retries: [],
    raw: '',
    ended: false,
    get lastEventId() {
      const complete = client.raw.slice(0, client.raw.lastIndexOf('\n\n') + 1);
      const ids = [...complete.matchAll(/^id: ?(.*)$/gm)];
      return ids.at(-1)?.[1];
    },
    events(names = topicNames) {
      return client.messages.filter((m) => m.event !== undefined && names.includes(m.event));
    },
    waitFor(predicate, timeoutMs = 5_000, what = 'condition') {
      if (predicate(client)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!predicate(client)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${client.events().length} events: ${client.raw.slice(-600)}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    async waitForEvents(count, timeoutMs = 5_000) {
      await client.waitFor((c) => c.events().length >= count, timeoutMs, `${count} events`);
      return client.events();
    },
    close() {
      request.destroy();
    },
  };

  if (!client.contentType?.startsWith('text/event-stream')) {
    let text = '';
    for await (const chunk of response) text += String(chunk);
    try {
      client.body = JSON.parse(text);
    } catch {
      client.body = text;
    }
    client.ended = true;
    return client;
  }

  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      let data: unknown = message.data;
      try {
        data = JSON.parse(message.data);
      } catch {
        /* not JSON: keep the text */
      }
      client.messages.push({ id: message.id, event: message.event, data });
    },
    onComment(comment) {
      client.comments.push(comment.trim());
    },
    onRetry(retry) {
      client.retries.push(retry);
    },
  });

  void (async () => {
    response.setEncoding('utf8');
    try {
      for await (const text of response as AsyncIterable<string>) {
        client.raw += text;
        parser.feed(text);
        notify();
      }
    } catch {
      /* aborted or cut */
    }
    client.ended = true;
    notify();
  })();
  return client;
}

/** The JSON of the topic messages, in arrival order. */
export function eventData<T = Record<string, unknown>>(messages: StreamMessage[]): T[] {
  return messages.map((m) => m.data as T);
}
