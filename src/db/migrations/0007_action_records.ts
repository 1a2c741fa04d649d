/**
 * 0007 — what a shop-floor action was asked, and who did it.
 *
 * - mes.idempotency_keys.request_hash: sha256 of the request body as it was
 *   first sent under the key. A retry must send the same body; a key reused
 *   for a different request is refused instead of answered with the first
 *   result (a pause for a break is not a pause for a machine fault). Rows
 *   stored before this migration have none and are compared by route only.
 * - mes.worker_assignments.started_by / completed_by: the user who started or
 *   completed the step. A planner acting on a worker's behalf stays on record
 *   with the assignment, not only in the events outbox, which is pruned.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mes.idempotency_keys add column request_hash text check (request_hash ~ '^[0-9a-f]{64}$')`.execute(db);
  await sql`
    alter table mes.worker_assignments
      add column started_by text check (length(started_by) between 1 and 100),
      add column completed_by text check (length(completed_by) between 1 and 100)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mes.worker_assignments drop column completed_by, drop column started_by`.execute(db);
  await sql`alter table mes.idempotency_keys drop column request_hash`.execute(db);
}
