/**
 * The in-process fan-out: the one listener publishes batches of events here,
 * every SSE stream of the process subscribes. Each event is serialized and
 * encoded once per process, not once per client; a client that wants every
 * event of a batch gets the same bytes as all the others.
 */
import { type StoredEvent, type Position, origin } from './events.repository.js';
import { eventFrame } from './sse-frames.js';

export interface Delivery {
  event: StoredEvent;
  /** The SSE message, encoded. */
  bytes: Buffer;
}

export interface Batch {
  items: readonly Delivery[];
  /** Every item's bytes, concatenated. */
  bytes: Buffer;
}

export interface Subscriber {
  /** Called synchronously, in delivered order; must not throw. */
  deliver(batch: Batch): void;
}

export class EventHub {
  /** Everything up to here has been published. */
  position: Position = origin;
  published = 0;
  onSubscriberError: ((error: unknown) => void) | undefined;
  private readonly subscribers = new Set<Subscriber>();

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Subscribes and returns the position from which the subscriber gets live events (exclusive). */
  subscribe(subscriber: Subscriber): Position {
    this.subscribers.add(subscriber);
    return this.position;
  }

  unsubscribe(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
  }

  publish(events: readonly StoredEvent[]): void {
    const last = events.at(-1);
    if (!last) return;
    const items = events.map((event) => ({ event, bytes: Buffer.from(eventFrame(event)) }));
    const batch: Batch = { items, bytes: items.length === 1 ? items[0]!.bytes : Buffer.concat(items.map((d) => d.bytes)) };
    this.position = { txId: last.txId, id: last.id };
    this.published += events.length;
    for (const subscriber of this.subscribers) {
      try {
        subscriber.deliver(batch);
      } catch (error) {
        // one broken subscriber must not keep the batch from the others
        this.onSubscriberError?.(error);
      }
    }
  }
}
