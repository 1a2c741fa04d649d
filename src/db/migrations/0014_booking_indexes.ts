/**
 * 0014 — indexes for the reads of release, resume, reschedule and move that
 * must not grow with the floor (issue #16, item 4).
 *
 * The scheduler reads the open bookings of its candidate workers and
 * substations inside a window [now, until): `resource = any(...) and
 * planned_start < until and planned_end > now`, in start order (the query
 * merges each resource's back-to-back bookings into one busy interval). A
 * partial btree on (resource, planned_start) over open bookings serves that
 * as a range scan that stops at `until`; planned_end, id and plan_id are
 * included so the read is index-only. Cancelled and completed rows, the
 * bulk of an old floor, are not in it. The index on (worker_id,
 * planned_start) of 0001 stays: it serves a worker's history, whatever the
 * status.
 *
 * (A move's overlap check uses the exclusion constraints' GiST indexes.)
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index worker_assignments_worker_open_idx on mes.worker_assignments (worker_id, planned_start) include (planned_end, id, plan_id)
    where status in ('pending', 'ready', 'in_progress', 'paused')`.execute(db);
  await sql`create index worker_assignments_substation_open_idx on mes.worker_assignments (substation_id, planned_start) include (planned_end, id, plan_id)
    where status in ('pending', 'ready', 'in_progress', 'paused')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index mes.worker_assignments_substation_open_idx`.execute(db);
  await sql`drop index mes.worker_assignments_worker_open_idx`.execute(db);
}
