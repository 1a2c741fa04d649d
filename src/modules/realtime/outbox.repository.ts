/**
 * Writing to the events outbox. Every change clients are told about calls
 * recordEvents inside the transaction that makes the change; all its events
 * go in one INSERT, and the statement trigger wakes listeners once.
 */
import type { Trx } from '../../db/database.js';
import { sql } from 'kysely';
import type { EventTopic } from '../../db/schema.js';

export interface OutboxEvent {
  topic: EventTopic;
  entityType: string;
  entityId: string;
  /** created, updated, archived, released, started, ... */
  change: string;
  planId?: string | null;
  workerId?: string | null;
  stationId?: string | null;
  /** Small: ids, status and the fields that changed. */
  payload?: Record<string, unknown>;
}

export async function recordEvents(trx: Trx, events: OutboxEvent[], actor: string | null): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    topic: e.topic,
    entity_type: e.entityType,
    entity_id: e.entityId,
    change: e.change,
    plan_id: e.planId ?? null,
    worker_id: e.workerId ?? null,
    station_id: e.stationId ?? null,
    payload: e.payload ?? {},
    actor,
  }));
  await sql`
    insert into mes.events (topic, entity_type, entity_id, change, plan_id, worker_id, station_id, payload, actor)
    select topic, entity_type, entity_id, change, plan_id, worker_id, station_id, payload, actor
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(topic text, entity_type text, entity_id text, change text,
        plan_id text, worker_id text, station_id text, payload jsonb, actor text)`.execute(trx);
}
