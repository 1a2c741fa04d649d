/**
 * 0029 — indexes that serve the plans list's filters and sorts exactly, so its
 * pages stay flat on years of history (issue #18 item 4; figures in
 * BENCHMARKS.md, "The pages on two years of history").
 *
 * The list is now read in index order and cut after one page (keyset cursor,
 * no count): a status filter with the default order (newest first) or the
 * due-date order needs an index that starts with the status and goes on with
 * that order and the plan code, the tie-breaker, or PostgreSQL reads every
 * plan of the status and sorts them. Both are partial on the hot table's
 * plans (archived plans are listed only when asked for). The status +
 * created_at index of 0001 becomes the first of them: same leading columns,
 * plus the code, without the archived rows.
 *
 * Each shown plan's progress, late steps and projection come from one scan
 * of its assignments; the plan_id index of 0001 now carries the columns that
 * scan reads (status, planned and actual end), so on all-visible pages (a
 * finished plan's rows, once vacuumed) it is an index-only scan. Those columns
 * are in other indexes already, so no update that was HOT stops being HOT.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index mes.production_plans_status_idx`.execute(db);
  await sql`create index production_plans_status_created_idx on mes.production_plans (status, created_at desc, id desc) where archived_at is null`.execute(db);
  await sql`create index production_plans_status_due_idx on mes.production_plans (status, due_date, id) where archived_at is null`.execute(db);
  await sql`drop index mes.worker_assignments_plan_idx`.execute(db);
  await sql`create index worker_assignments_plan_idx on mes.worker_assignments (plan_id) include (status, planned_end, actual_end)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index mes.worker_assignments_plan_idx`.execute(db);
  await sql`create index worker_assignments_plan_idx on mes.worker_assignments (plan_id)`.execute(db);
  await sql`drop index mes.production_plans_status_due_idx`.execute(db);
  await sql`drop index mes.production_plans_status_created_idx`.execute(db);
  await sql`create index production_plans_status_idx on mes.production_plans (status, created_at desc)`.execute(db);
}
