/**
 * 0026 — indexes for the analytics reads (issue #18 items 2 and 4).
 *
 * Every analytics query is bounded by a period on one time column: completed
 * steps by their actual end, pauses by their start, plans by their
 * completion. Without these indexes each query scans all of
 * worker_assignments (≈210,000 completed steps at 24 months of history) even
 * for one day. Partial indexes keep them small and off the open bookings the
 * shop floor writes all day: a step enters the index once, when it completes.
 * (Rollup tables were measured against: see docs/ANALYTICS.md and BENCHMARKS.md.)
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index worker_assignments_completed_by_end on mes.worker_assignments (actual_end) where status = 'completed'`.execute(db);
  await sql`create index assignment_pauses_ended_by_start on mes.assignment_pauses (started_at) where ended_at is not null`.execute(db);
  await sql`create index production_plans_completed_by_time on mes.production_plans (completed_at) where status = 'completed'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index mes.production_plans_completed_by_time`.execute(db);
  await sql`drop index mes.assignment_pauses_ended_by_start`.execute(db);
  await sql`drop index mes.worker_assignments_completed_by_end`.execute(db);
}
