/**
 * The bytes of Server-Sent Events messages (see sse.ts for the format): an
 * event, a heartbeat. Encoded once per process by the hub, written to every
 * stream as they are.
 */
import type { Position, StoredEvent } from './events.repository.js';
import type { StreamEvent } from './realtime.schema.js';

export function wireEvent(e: StoredEvent): StreamEvent {
  return {
    id: e.id,
    topic: e.topic,
    entityType: e.entityType,
    entityId: e.entityId,
    change: e.change,
    planId: e.planId,
    workerId: e.workerId,
    stationId: e.stationId,
    payload: e.payload,
    actor: e.actor,
    createdAt: e.createdAt,
  };
}

export function eventFrame(e: StoredEvent): string {
  return `id: ${e.id}\nevent: ${e.topic}\ndata: ${JSON.stringify(wireEvent(e))}\n\n`;
}

export function heartbeatFrame(position: Position): Buffer {
  return Buffer.from(position.id > 0 ? `: heartbeat\nid: ${position.id}\n\n` : ': heartbeat\n\n');
}
