/**
 * 0030 — the analytics triggers of 0027 skip the statements that change no
 * fact (issue #15's repair and #16's reschedule: figures in BENCHMARKS.md).
 *
 * A repair that moves 1,000 bookings, a reschedule that moves 4,000, and the
 * plan revision stamp every change of a booking writes (0004) all fired the
 * analytics triggers, which re-derived the step facts of every moved row and
 * the plan facts of their plans: about 20 ms of a 1,000-row repair, for rows
 * whose facts cannot change, since a booking's planned times, baseline,
 * version, pin and wait reason are in no fact, and a booking that has not
 * started has none at all. The update triggers now also see the old rows and
 * do nothing unless some row changed a column a fact is made of (for bookings:
 * one that has started, before or after the change); an insert still always
 * counts.
 */
import { type Kysely } from 'kysely';
import { assignmentFacts, runStatements } from './0027_analytics_rollups.js';

/** The worker_assignments columns the step, pause and plan-step facts are made of. */
export const assignmentColumns = [
  'status',
  'plan_id',
  'node_id',
  'station_id',
  'substation_id',
  'worker_id',
  'actual_end',
  'worked_minutes',
  'work_minutes',
  'good_quantity',
  'scrap_quantity',
  'scrap_reason',
];
/** The production_plans columns the plan facts are made of. */
const planColumns = ['status', 'completed_at', 'released_at', 'due_date', 'quantity', 'archived_at'];

/**
 * Whether a row of the statement changed one of `columns` (and, with `where`, whether the old or the new version of such
 * a row meets it): a row whose columns stayed is one group of both sides (a count of 2; GROUP BY takes nulls as equal, as
 * IS NOT DISTINCT FROM does), a changed row is two groups of one. Grouped rather than joined by id: transition tables
 * have no statistics, and the planner's nested loop over two 1,000-row tables cost more than the guard saves.
 */
export const changed = (columns: string[], where = 'true') =>
  `exists (select 1 from (select id, ${columns.join(', ')} from new_rows union all select id, ${columns.join(', ')} from old_rows) x
            group by id, ${columns.join(', ')} having count(*) = 1 and bool_or(${where}))`;

/**
 * Only a booking that runs, ran or is done has facts: step facts are of completed steps, pause facts of started ones, plan
 * facts of completed plans (all of whose steps are completed or cancelled, and a cancelled step is not rebooked). A
 * not-started booking taking another worker, station or time (a repair, a move, the floor's reschedule) changes none.
 */
export const hasFacts = `status in ('in_progress', 'paused', 'completed')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create function mes.analytics_assignments_updated() returns trigger language plpgsql as $$
    begin
      if not ${changed(assignmentColumns, hasFacts)} then return null; end if;${assignmentFacts}
    end $$;
    create function mes.analytics_plans_updated() returns trigger language plpgsql as $$
    begin
      if not ${changed(planColumns)} then return null; end if;
      perform mes.analytics_refresh_plans(array(select id from new_rows where archived_at is null));
      return null;
    end $$;
    drop trigger analytics_assignments_updated on mes.worker_assignments;
    create trigger analytics_assignments_updated after update on mes.worker_assignments referencing old table as old_rows new table as new_rows
      for each statement execute function mes.analytics_assignments_updated();
    drop trigger analytics_plans_updated on mes.production_plans;
    create trigger analytics_plans_updated after update on mes.production_plans referencing old table as old_rows new table as new_rows
      for each statement execute function mes.analytics_plans_updated();`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    drop trigger analytics_assignments_updated on mes.worker_assignments;
    create trigger analytics_assignments_updated after update on mes.worker_assignments referencing new table as new_rows
      for each statement execute function mes.analytics_assignments_changed();
    drop trigger analytics_plans_updated on mes.production_plans;
    create trigger analytics_plans_updated after update on mes.production_plans referencing new table as new_rows
      for each statement execute function mes.analytics_plans_changed();
    drop function mes.analytics_assignments_updated(), mes.analytics_plans_updated();`,
  );
}
