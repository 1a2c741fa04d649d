/**
 * SQL of idempotency keys. A key is taken with a transaction-scoped advisory
 * lock, so two requests carrying the same key queue: the second one reads
 * what the first stored once it has committed.
 */
import type { Trx } from '../../db/database.js';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { take } from '../../db/locks.js';
import { stringify } from 'safe-stable-stringify';

/** How long a stored response answers retries. */
export const idempotencyTtl = '24 hours';

/** sha256 of the body with its keys sorted (the order a client writes them in does not matter); no body = {}. */
export function requestHash(body: unknown): string {
  return createHash('sha256')
    .update(stringify(body ?? {}) ?? '{}')
    .digest('hex');
}

export async function lockIdempotencyKey(trx: Trx, key: string): Promise<void> {
  take(trx, 'idempotency-key');
  await sql`select pg_advisory_xact_lock(hashtext(${`idem:${key}`}))`.execute(trx);
}

export async function findStoredResponse(trx: Trx, key: string, userId: number) {
  return trx
    .selectFrom('mes.idempotency_keys')
    .select(['route', 'status_code as statusCode', 'response', 'request_hash as requestHash'])
    .where('key', '=', key)
    .where('user_id', '=', userId)
    .where('created_at', '>', sql<Date>`now() - ${idempotencyTtl}::interval`)
    .executeTakeFirst();
}

/** Stores a successful response; an expired row with the same key is replaced. */
export async function storeResponse(
  trx: Trx,
  r: { key: string; userId: number; route: string; requestHash: string; statusCode: number; response: unknown },
): Promise<void> {
  await sql`
    insert into mes.idempotency_keys (key, user_id, route, request_hash, status_code, response)
    values (${r.key}, ${r.userId}, ${r.route}, ${r.requestHash}, ${r.statusCode}, ${JSON.stringify(r.response)}::jsonb)
    on conflict (key, user_id) do update
      set route = excluded.route, request_hash = excluded.request_hash, status_code = excluded.status_code,
          response = excluded.response, created_at = now()`.execute(trx);
}

/** Deletes a batch of expired keys, skipping rows another transaction holds (never waits). */
export async function pruneExpiredKeys(trx: Trx, batch = 100): Promise<void> {
  await sql`
    delete from mes.idempotency_keys k
     using (select key, user_id from mes.idempotency_keys
             where created_at < now() - ${idempotencyTtl}::interval
             order by created_at limit ${batch} for update skip locked) old
     where k.key = old.key and k.user_id = old.user_id`.execute(trx);
}
