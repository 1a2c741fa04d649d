/**
 * 0010 — when a plan is due and how urgent it is (issue #16, item 1).
 *
 * - production_plans.due_date: when the customer wants the plan finished;
 *   optional. Lateness is not stored: it is the plan's projected end (the
 *   latest end of its live assignments) against this date, computed where
 *   plans are read, so it follows every move and completion without a
 *   second write path to forget.
 * - production_plans.priority: 1 = most urgent … 5, default 3; the CHECK
 *   keeps every writer (API, CLI, plain SQL) inside the range.
 * - An index on the due date of hot plans: the late filter starts from the
 *   plans that have one. None for sorting by due date or priority: the list
 *   counts every matching plan (a window count) before it cuts the page, so
 *   an index order would not spare the sort.
 * - An index that gives each plan's latest assignment end by one probe: the
 *   projected end, which the late filter and the sort by projected end or
 *   lateness read for every plan of the filtered set (bench/plan-list.ts,
 *   2,000 plans of 30 steps: that sort took 24–28 ms with it, 199–331 ms
 *   with only the plan_id index, on this 2-core machine).
 * - The plan archive keeps the plan row in mes.production_plans, so these
 *   columns stay with an archived plan; the archived detail document gets
 *   them from the row when it is read (plans.repository).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mes.production_plans add column due_date timestamptz`.execute(db);
  await sql`
    alter table mes.production_plans add column priority smallint not null default 3
      constraint production_plans_priority_range check (priority between 1 and 5)`.execute(db);
  await sql`create index production_plans_due_date_idx on mes.production_plans (due_date, id) where archived_at is null`.execute(db);
  await sql`
    create index worker_assignments_plan_end_idx on mes.worker_assignments (plan_id, (coalesce(actual_end, planned_end)))
      where status <> 'cancelled'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index mes.worker_assignments_plan_end_idx`.execute(db);
  await sql`drop index mes.production_plans_due_date_idx`.execute(db);
  await sql`alter table mes.production_plans drop column priority`.execute(db);
  await sql`alter table mes.production_plans drop column due_date`.execute(db);
}
