/**
 * 0039 — the exclusion constraints against double booking ask their question
 * of one fixed-size box per booking instead of (key, tstzrange) through
 * btree_gist (issue #15's repair; figures in BENCHMARKS.md, "Bookings as
 * boxes").
 *
 * Every row an UPDATE moves gets a new entry in each GiST index, and each
 * constraint then searches its index for a conflicting row: one index scan per
 * row and constraint, checked even while the constraint is deferred. With
 * (integer key, tstzrange) every entry the scan meets is tested by two
 * support functions, and the range's through a detoasted copy of the
 * variable-length value (perf of the backend: detoast_attr, range_deserialize
 * and range_gist_consistent at the top). Moving 999 bookings in one statement
 * spent 36–44 ms in the two constraints, and 12 ms in these (EXPLAIN ANALYZE
 * of the repair's write on the bench's plan, side by side in one session).
 *
 * The box of a booking of resource key k over [start, end):
 *   x from start to end − ½ µs, in µs since 2000-01-01 (float8);
 *   y from k to k + ½.
 * Two boxes overlap (`&&`, closed on every side) exactly when the keys are
 * equal (|k1 − k2| ≤ ½ holds only for k1 = k2) and start1 < end2 and
 * start2 < end1: the half-open [start, end) of the tstzrange it replaces, so
 * bookings that touch do not conflict and one microsecond (PostgreSQL's
 * resolution) of overlap does. The x values are exact: the interval's epoch
 * as numeric, a whole number of µs, cast to float8. Within 2^52 µs of 2000
 * (1857 to 2142) a float8 also holds end − ½ µs, so the box is the interval
 * exactly. From 2^52 to 2^53 µs (to 2285) end − ½ µs rounds to the end or to
 * a microsecond before it: an overlap is still refused, but two bookings that
 * touch may be refused too. The property tests in
 * test/foundation/constraints.test.ts check both; they also caught the first
 * variant, date_part's float8 seconds, mis-ordering microseconds from 2142 on.
 * Every function used is immutable, so the SQL function inlines
 * into the index expression. planned_end > planned_start (0001's check), so no
 * box is inverted.
 *
 * Same names, same rows (open bookings), still DEFERRABLE INITIALLY
 * IMMEDIATE: the application and its error mapping see no difference. The
 * queries that look for overlaps (a start's clashes, a move's overlap, a
 * block's bookings) never used these indexes (they filter on the text ids):
 * the open-booking btrees of 0014 serve them, as before.
 */
import { type Kysely } from 'kysely';
import { exclusions } from './0035_booking_keys.js';
import { runStatements } from './0027_analytics_rollups.js';

const open = `status in ('pending', 'ready', 'in_progress', 'paused')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create function mes.booking_box(resource_key integer, starts_at timestamptz, ends_at timestamptz) returns box
      language sql immutable parallel safe
      return box(point((extract(epoch from starts_at - timestamptz '2000-01-01 00:00:00+00') * 1000000)::float8, resource_key),
                 point((extract(epoch from ends_at - timestamptz '2000-01-01 00:00:00+00') * 1000000)::float8 - 0.5, resource_key + 0.5));

    alter table mes.worker_assignments
      drop constraint worker_assignments_worker_no_overlap,
      drop constraint worker_assignments_substation_no_overlap,
      add constraint worker_assignments_worker_no_overlap exclude using gist (
        mes.booking_box(worker_key, planned_start, planned_end) with &&) where (${open}) deferrable initially immediate,
      add constraint worker_assignments_substation_no_overlap exclude using gist (
        mes.booking_box(substation_key, planned_start, planned_end) with &&) where (${open}) deferrable initially immediate;`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `${exclusions('worker_key', 'substation_key')}\n    drop function mes.booking_box(integer, timestamptz, timestamptz);`);
}
