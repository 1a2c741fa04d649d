/**
 * Every SQL statement that reads or prunes the events outbox.
 *
 * Order and safety: event ids come from a sequence taken at insert time, so
 * transactions can commit out of id order and `where id > last` could skip an
 * event whose transaction commits later with a lower id. Each row carries the
 * id of its transaction (tx_id xid8); readers only take rows whose tx_id is
 * below the xmin of the current snapshot (every older transaction has ended,
 * so no row below it can still appear), and walk a cursor over (tx_id, id).
 * Delivered order is (tx_id, id).
 */
import { type Selectable, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { EventTable } from '../../db/schema.js';
import type { EventFilter } from './realtime.rules.js';
import type { StreamEvent } from './realtime.schema.js';

/** A place in the delivered order. */
export interface Position {
  /** xid8 as decimal text. */
  txId: string;
  id: number;
}

export const origin: Position = { txId: '0', id: 0 };

export function comparePositions(a: Position, b: Position): number {
  const ta = BigInt(a.txId);
  const tb = BigInt(b.txId);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id - b.id;
}

export interface StoredEvent extends StreamEvent {
  txId: string;
}

/** A row of mes.events as read here (payload may arrive as JSON text from a raw query). */
type EventRow = Selectable<EventTable>;

const columns = sql.raw(
  'e.id, e.tx_id::text as tx_id, e.topic, e.entity_type, e.entity_id, e.change, e.plan_id, e.worker_id, e.station_id, e.payload, e.actor, e.created_at',
);

function toEvent(row: EventRow): StoredEvent {
  return {
    id: Number(row.id),
    txId: row.tx_id,
    topic: row.topic,
    entityType: row.entity_type,
    entityId: row.entity_id,
    change: row.change,
    planId: row.plan_id,
    workerId: row.worker_id,
    stationId: row.station_id,
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload,
    actor: row.actor,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const after = (p: Position) => sql`(e.tx_id, e.id) > (${p.txId}::xid8, ${p.id}::bigint)`;

/**
 * Events after `from` that no running transaction can still precede, in
 * delivered order. `held` tells that committed events exist beyond the safe
 * horizon (an older transaction is still open): the caller reads again soon.
 */
export async function readCommittedEvents(db: Db, from: Position, limit: number): Promise<{ events: StoredEvent[]; held: boolean }> {
  const { rows } = await sql<EventRow & { held: boolean }>`
    with snap as materialized (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
    select exists (select 1 from mes.events h, snap where h.tx_id >= snap.xmin) as held, e.*
      from snap
      left join lateral (
        select ${columns} from mes.events e
         where e.tx_id < snap.xmin and ${after(from)}
         order by e.tx_id, e.id
         limit ${limit}
      ) e on true`.execute(db);
  const held = rows[0]?.held ?? false;
  return { events: rows.filter((r) => r.id !== null).map(toEvent), held };
}

/** The newest position every earlier event of which is final: where a fresh listener starts. */
export async function safeHead(db: Db): Promise<Position> {
  const { rows } = await sql<{ tx_id: string; id: number }>`
    select e.tx_id::text as tx_id, e.id from mes.events e
     where e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
     order by e.tx_id desc, e.id desc limit 1`.execute(db);
  const row = rows[0];
  return row ? { txId: row.tx_id, id: Number(row.id) } : origin;
}

/** Where a client that last saw event `id` stands, or undefined if that event is not kept. */
export async function positionOfEvent(db: Db, id: number): Promise<Position | undefined> {
  const { rows } = await sql<{ tx_id: string }>`select tx_id::text as tx_id from mes.events where id = ${id}`.execute(db);
  return rows[0] ? { txId: rows[0].tx_id, id } : undefined;
}

export async function oldestEventId(db: Db): Promise<number | null> {
  const { rows } = await sql<{ id: number | null }>`select min(id) as id from mes.events`.execute(db);
  return rows[0]?.id == null ? null : Number(rows[0].id);
}

function filterSql(filter: EventFilter) {
  const parts = [sql`true`];
  if (filter.topics) parts.push(filter.topics.length ? sql`e.topic in (${sql.join(filter.topics)})` : sql`false`);
  if (filter.planId !== undefined) parts.push(sql`e.plan_id = ${filter.planId}`);
  if (filter.workerId !== undefined) parts.push(sql`e.worker_id = ${filter.workerId}`);
  if (filter.stationId !== undefined) parts.push(sql`e.station_id = ${filter.stationId}`);
  if (filter.operatorWorkerId !== undefined) {
    parts.push(
      filter.operatorWorkerId === null
        ? sql`e.topic = 'plans'`
        : sql`(e.topic = 'plans' or (e.topic in ('workers', 'assignments', 'alerts') and e.worker_id = ${filter.operatorWorkerId}))`,
    );
  }
  return sql.join(parts, sql` and `);
}

/**
 * One page of what a reconnecting client missed: events after `from` up to
 * and including `upTo` (the listener's position when the client subscribed),
 * matching its filter, in delivered order.
 */
export async function readMissedEvents(db: Db, from: Position, upTo: Position, filter: EventFilter, limit: number): Promise<StoredEvent[]> {
  const { rows } = await sql<EventRow>`
    select ${columns} from mes.events e
     where ${after(from)}
       and (e.tx_id, e.id) <= (${upTo.txId}::xid8, ${upTo.id}::bigint)
       and ${filterSql(filter)}
     order by e.tx_id, e.id
     limit ${limit}`.execute(db);
  return rows.map(toEvent);
}

/**
 * Deletes events older than the retention, `batchSize` rows per statement so
 * no statement holds many locks or a long transaction. Rows another process
 * is already deleting are skipped. Returns how many rows went.
 */
export async function pruneEvents(db: Db, options: { retentionHours: number; batchSize?: number }): Promise<number> {
  const batchSize = options.batchSize ?? 5_000;
  let total = 0;
  for (;;) {
    const result = await sql`
      with doomed as (
        select id from mes.events
         where created_at < now() - make_interval(hours => ${options.retentionHours})
         order by id
         limit ${batchSize}
         for update skip locked
      )
      delete from mes.events e using doomed where e.id = doomed.id`.execute(db);
    const deleted = Number(result.numAffectedRows ?? 0);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}

/** Age in seconds of the oldest committed event after `position` (0 when caught up). */
export async function undeliveredEventAge(db: Db, position: Position): Promise<number> {
  const { rows } = await sql<{ age: number | string | null }>`
    select extract(epoch from now() - min(e.created_at)) as age from mes.events e
     where ${after(position)}`.execute(db);
  const age = Number(rows[0]?.age ?? 0);
  return Number.isFinite(age) && age > 0 ? age : 0;
}
