/**
 * 0043 — what a release reads of each candidate's bookings, in an index that
 * holds exactly that (issue #16 item 4; figures in BENCHMARKS.md, "Busy
 * pairs").
 *
 * A release reads every candidate worker's and substation's open bookings
 * from now to its window's end, as (start, end) pairs in timestamptz's binary
 * form (loadSchedulingResources). On a floor booked tightly for the coming
 * days that is ~10,000 rows for a 20-step plan on ten stations, and reading
 * them was most of what a release on a full floor cost more than one on an
 * empty floor. Through 0014's indexes each row cost a comparison of its text
 * plan id (the scheduled plans' own bookings were left out in SQL) and two
 * timestamptz_send calls and a concatenation in the aggregate.
 *
 * `busy_pair` is that pair, stored (a generated column: always the row's
 * planned start and end, 16 bytes), and these two partial indexes hold, per
 * resource key (0035), the open bookings' start, end and pair: the read is an
 * index-only scan that only concatenates. The scheduled plans' own bookings
 * are taken out after the read, from a second small read by plan id (a
 * release has none). Measured on the release bench's 5,000-plan floor with
 * psql, the workers' half of the read: 0.77 ms against 1.3 ms through 0014's
 * index (both after VACUUM).
 *
 * 0014's indexes stay: the lookups by text id (a start's clashes, a move's
 * overlap, the booking that ends a busy run) use them. Adding a stored column
 * rewrites the table once: 3.2 s for the bench's 100,060 bookings.
 */
import { type Kysely } from 'kysely';
import { runStatements } from './0027_analytics_rollups.js';

const open = `status in ('pending', 'ready', 'in_progress', 'paused')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table mes.worker_assignments
      add column busy_pair bytea generated always as (timestamptz_send(planned_start) || timestamptz_send(planned_end)) stored;
    create index worker_assignments_worker_busy_idx on mes.worker_assignments (worker_key, planned_start) include (planned_end, busy_pair) where ${open};
    create index worker_assignments_substation_busy_idx on mes.worker_assignments (substation_key, planned_start) include (planned_end, busy_pair) where ${open};`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    drop index mes.worker_assignments_substation_busy_idx;
    drop index mes.worker_assignments_worker_busy_idx;
    alter table mes.worker_assignments drop column busy_pair;`,
  );
}
