/**
 * 0017 — the columns and tables the living schedule builds on (issue #15),
 * laid down first so the pieces written beside it (bookings that follow the
 * floor, maintenance windows, the Gantt, analytics) share one shape.
 *
 * - mes.worker_assignments.baseline_start / baseline_end: the booking as the
 *   planner last set it (release, reschedule or a planner's move). From this
 *   migration on, planned_start/planned_end are the *live* booking: what the
 *   exclusion constraints guard, moved by starts, overruns and repair. While
 *   the two agree the baseline is null; it is written the first time the live
 *   booking leaves it, so "planned vs actual" and "how far repair moved it"
 *   stay answerable.
 * - mes.production_plans.auto_compact: whether an early finish lets the plan's
 *   later steps move left (default on); a planner who promised times to the
 *   floor turns it off.
 * - mes.substations.availability_calendar_id: the substation's weekly windows
 *   and dated exceptions, the same calendars workers use; null = always
 *   available.
 * - mes.substation_blocks: planned maintenance (or any other reason a machine
 *   is out) as [starts_at, ends_at). Nothing may be booked across one; the
 *   application repairs bookings a new block overlaps and refuses a block over
 *   a running step. Analytics subtracts them from planned production time.
 * - the two exclusion constraints against double booking become DEFERRABLE
 *   INITIALLY IMMEDIATE: every statement is still checked as it runs, but a
 *   repair or a reschedule that moves many bookings in one transaction may say
 *   `set constraints ... deferred` and be checked once, at commit, on the
 *   final state (moving A into B's old slot and B further on is not an
 *   overlap, whatever order the rows are written in). PostgreSQL cannot alter
 *   an exclusion constraint's deferrability, so they are dropped and added
 *   again, over the same columns and rows.
 */
import { type Kysely, sql } from 'kysely';

const open = sql.raw(`status in ('pending', 'ready', 'in_progress', 'paused')`);

async function exclusions(db: Kysely<unknown>, deferrable: boolean): Promise<void> {
  const mode = sql.raw(deferrable ? 'deferrable initially immediate' : '');
  await sql`alter table mes.worker_assignments
    drop constraint worker_assignments_worker_no_overlap,
    drop constraint worker_assignments_substation_no_overlap,
    add constraint worker_assignments_worker_no_overlap exclude using gist (
      worker_id with =, tstzrange(planned_start, planned_end, '[)') with &&) where (${open}) ${mode},
    add constraint worker_assignments_substation_no_overlap exclude using gist (
      substation_id with =, tstzrange(planned_start, planned_end, '[)') with &&) where (${open}) ${mode}`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await exclusions(db, true);
  await sql`alter table mes.worker_assignments
    add column baseline_start timestamptz,
    add column baseline_end timestamptz,
    add constraint worker_assignments_baseline_pair check ((baseline_start is null) = (baseline_end is null)),
    add constraint worker_assignments_baseline_order check (baseline_end is null or baseline_end > baseline_start)`.execute(db);

  await sql`alter table mes.production_plans add column auto_compact boolean not null default true`.execute(db);

  await sql`alter table mes.substations add column availability_calendar_id text references mes.shift_calendars (id)`.execute(db);

  await sql`
    create table mes.substation_blocks (
      id bigint generated always as identity primary key,
      substation_id text not null references mes.substations (id) on delete cascade,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      reason text not null check (length(reason) between 1 and 500),
      created_by text,
      created_at timestamptz not null default now(),
      constraint substation_blocks_order check (ends_at > starts_at)
    )`.execute(db);
  await sql`create index substation_blocks_substation_idx on mes.substation_blocks (substation_id, starts_at) include (ends_at)`.execute(db);
  await sql`create index substation_blocks_period_idx on mes.substation_blocks using gist (tstzrange(starts_at, ends_at, '[)'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table mes.substation_blocks`.execute(db);
  await sql`alter table mes.substations drop column availability_calendar_id`.execute(db);
  await sql`alter table mes.production_plans drop column auto_compact`.execute(db);
  await sql`alter table mes.worker_assignments drop column baseline_end, drop column baseline_start`.execute(db);
  await exclusions(db, false);
}
