/**
 * 0038 — each plan's list figures kept beside it, in the writing transaction,
 * so a page of the plans list read afresh (after any change: kept pages of
 * 0033 are then dropped) reads them instead of every shown plan's nodes and
 * assignments, and the sorts by projected end and lateness walk an index
 * instead of computing every plan's projection (issue #18 item 4; figures in
 * BENCHMARKS.md, "The pages on two years of history").
 *
 * `mes.plan_summaries`, one row per plan (made by the plan's insert, gone with
 * the plan): the node count; the completed steps; the latest end of its live
 * steps (actual end when done, planned end otherwise; cancelled ones left
 * out); the planned ends of its open steps, sorted (a page counts the late
 * ones against the clock, and finds the earliest still ahead, without reading
 * the assignments); and, for the sorts, the projected end (completion time
 * when completed, none for a draft or a cancelled plan, else that latest end),
 * its lateness in whole minutes against the due date, and whether the plan is
 * listed by default (not archived). An archived plan's counts stay those of
 * its archive row (0003), as before.
 *
 * Why a table of its own rather than columns on the plan row: the repair, the
 * overrun sweep and the floor's reschedule move bookings of plans they do not
 * lock (they hold the scheduling lock), so a trigger that updated the plan row
 * would take a plan lock after assignment locks, against the order of
 * src/db/locks.ts: an operator recording a check (plan lock, then the step's
 * lock) while the sweep extends that step (the step, then the plan row) would
 * deadlock. This row is written only by these triggers, after the revision
 * stamps of 0004 (trigger names sort after theirs), so whoever waits for it
 * already waited for the same plan's stamp row: no new order. It is also
 * narrow, so its new versions and index entries are cheap.
 *
 * Kept by statement triggers with transition tables: node inserts and deletes
 * add and subtract their counts; any write to assignments recomputes its
 * plans' step figures from their assignments (one index scan each: the
 * plan_id index carries status and both ends, 0029) and writes only a row
 * whose figures changed; a plan's insert makes its row, and a change of its
 * status, completion time, due date or archiving (a row trigger whose WHEN
 * skips every other update without a call) recomputes the projection.
 */
import { type Kysely } from 'kysely';
import { runStatements } from './0027_analytics_rollups.js';

/** The projected end from the plan row `p` and its steps' latest end `stepsEnd` (plans.repository.ts' projectedEndText, with the steps read once). */
const projected = (p: string, stepsEnd: string) =>
  `(case when ${p}.status = 'completed' then ${p}.completed_at when ${p}.status in ('draft', 'cancelled') then null::timestamptz else ${stepsEnd} end)`;
/** Whole minutes from the due date to `end` (plans.repository.ts' latenessText). */
const lateness = (end: string, due: string) => `round(extract(epoch from (${end} - ${due})) / 60)::float8`;
/** A plan's step figures from its assignments, over `planId` (one index scan). */
const stepFigures = (planId: string) => `
  select count(*) filter (where w.status = 'completed')::int as completed_count,
         max(coalesce(w.actual_end, w.planned_end)) filter (where w.status <> 'cancelled') as steps_end,
         coalesce(array_agg(w.planned_end order by w.planned_end)
                    filter (where w.status not in ('completed', 'cancelled') and w.planned_end is not null), '{}') as open_ends
    from mes.worker_assignments w where w.plan_id = ${planId}`;

const statements = `
  create table mes.plan_summaries (
    plan_id text primary key references mes.production_plans (id) on delete cascade,
    node_count integer not null default 0 check (node_count >= 0),
    completed_count integer not null default 0 check (completed_count >= 0),
    steps_end timestamptz,
    open_ends timestamptz[] not null default '{}',
    projected_end timestamptz,
    lateness float8,
    listed boolean not null default true
  );

  insert into mes.plan_summaries (plan_id, node_count, completed_count, steps_end, open_ends, projected_end, lateness, listed)
  select p.id, (select count(*)::int from mes.production_plan_nodes n where n.plan_id = p.id),
         f.completed_count, f.steps_end, f.open_ends, x.projected_end, ${lateness('x.projected_end', 'p.due_date')}, p.archived_at is null
    from mes.production_plans p
    cross join lateral (${stepFigures('p.id')}) f
    cross join lateral (select ${projected('p', 'f.steps_end')} as projected_end) x;

  -- the sorts, both ways with plans without a key last (an index read backwards puts them first)
  create index plan_summaries_projected_idx on mes.plan_summaries (projected_end, plan_id) where listed;
  create index plan_summaries_projected_desc_idx on mes.plan_summaries (projected_end desc nulls last, plan_id desc) where listed;
  create index plan_summaries_lateness_idx on mes.plan_summaries (lateness, plan_id) where listed;
  create index plan_summaries_lateness_desc_idx on mes.plan_summaries (lateness desc nulls last, plan_id desc) where listed;
  analyze mes.plan_summaries;

  -- the plans' step figures again from their assignments, written only where a figure changed (plpgsql: its plan is kept).
  -- The rows are locked first, in plan order, and the figures read by the next statement: under READ COMMITTED that
  -- statement's snapshot is taken after the lock is granted, so it sees the assignments of a transaction that wrote the
  -- same plan's row and committed while this one waited (an UPDATE … FROM that waits re-checks only the target row: its
  -- figures, read before the wait, would put the other transaction's steps back as they were)
  create function mes.plan_summaries_refresh_steps(ids text[]) returns void language plpgsql as $$
  begin
    perform 1 from mes.plan_summaries where plan_id = any(ids) order by plan_id for no key update;
    update mes.plan_summaries s
       set completed_count = v.completed_count, steps_end = v.steps_end, open_ends = v.open_ends,
           projected_end = v.projected_end, lateness = v.lateness
      from (select t.plan_id, f.completed_count, f.steps_end, f.open_ends, x.projected_end, ${lateness('x.projected_end', 'x.due_date')} as lateness
              from unnest(ids) t(plan_id)
              cross join lateral (${stepFigures('t.plan_id')}) f
              cross join lateral (select ${projected('p', 'f.steps_end')} as projected_end, p.due_date
                                    from mes.production_plans p where p.id = t.plan_id) x) v
     where s.plan_id = v.plan_id
       and (s.completed_count, s.steps_end, s.open_ends, s.projected_end, s.lateness)
           is distinct from (v.completed_count, v.steps_end, v.open_ends, v.projected_end, v.lateness);
  end $$;

  create function mes.plan_summaries_steps_new() returns trigger language plpgsql as $$
  begin
    perform mes.plan_summaries_refresh_steps(array(select distinct plan_id from new_rows));
    return null;
  end $$;
  create function mes.plan_summaries_steps_old() returns trigger language plpgsql as $$
  begin
    perform mes.plan_summaries_refresh_steps(array(select distinct plan_id from old_rows));
    return null;
  end $$;
  -- a step moved to another plan (no write path does it): the plan it left, row by row
  create function mes.plan_summaries_step_moved() returns trigger language plpgsql as $$
  begin
    perform mes.plan_summaries_refresh_steps(array[old.plan_id]);
    return null;
  end $$;

  create function mes.plan_summaries_nodes_added() returns trigger language plpgsql as $$
  begin
    update mes.plan_summaries s set node_count = s.node_count + d.n
      from (select plan_id, count(*)::int as n from new_rows group by plan_id) d where s.plan_id = d.plan_id;
    return null;
  end $$;
  create function mes.plan_summaries_nodes_removed() returns trigger language plpgsql as $$
  begin
    update mes.plan_summaries s set node_count = s.node_count - d.n
      from (select plan_id, count(*)::int as n from old_rows group by plan_id) d where s.plan_id = d.plan_id;
    return null;
  end $$;
  create function mes.plan_summaries_node_moved() returns trigger language plpgsql as $$
  begin
    update mes.plan_summaries set node_count = node_count - 1 where plan_id = old.plan_id;
    update mes.plan_summaries set node_count = node_count + 1 where plan_id = new.plan_id;
    return null;
  end $$;

  create function mes.plan_summaries_plans_added() returns trigger language plpgsql as $$
  begin
    insert into mes.plan_summaries (plan_id, projected_end, lateness, listed)
    select p.id, x.projected_end, ${lateness('x.projected_end', 'p.due_date')}, p.archived_at is null
      from new_rows p cross join lateral (select ${projected('p', 'null::timestamptz')} as projected_end) x;
    return null;
  end $$;
  create function mes.plan_summaries_plan_changed() returns trigger language plpgsql as $$
  begin
    -- over the target row's own steps_end: an update that waits for another writer of the row re-reads it
    update mes.plan_summaries s
       set projected_end = ${projected('new', 's.steps_end')}, lateness = ${lateness(projected('new', 's.steps_end'), 'new.due_date')},
           listed = new.archived_at is null
     where s.plan_id = new.id
       and (s.projected_end, s.lateness, s.listed)
           is distinct from (${projected('new', 's.steps_end')}, ${lateness(projected('new', 's.steps_end'), 'new.due_date')}, new.archived_at is null);
    return null;
  end $$;

  -- named after 0004's revision triggers (…_revision_…), so they fire after them: see the doc comment
  create trigger production_plans_summary_insert after insert on mes.production_plans
    referencing new table as new_rows for each statement execute function mes.plan_summaries_plans_added();
  create trigger production_plans_summary_update after update of status, completed_at, due_date, archived_at on mes.production_plans
    for each row when (old.status is distinct from new.status or old.completed_at is distinct from new.completed_at
                       or old.due_date is distinct from new.due_date or old.archived_at is distinct from new.archived_at)
    execute function mes.plan_summaries_plan_changed();
  create trigger production_plan_nodes_summary_insert after insert on mes.production_plan_nodes
    referencing new table as new_rows for each statement execute function mes.plan_summaries_nodes_added();
  create trigger production_plan_nodes_summary_delete after delete on mes.production_plan_nodes
    referencing old table as old_rows for each statement execute function mes.plan_summaries_nodes_removed();
  create trigger production_plan_nodes_summary_update after update of plan_id on mes.production_plan_nodes
    for each row when (old.plan_id is distinct from new.plan_id) execute function mes.plan_summaries_node_moved();
  create trigger worker_assignments_summary_insert after insert on mes.worker_assignments
    referencing new table as new_rows for each statement execute function mes.plan_summaries_steps_new();
  create trigger worker_assignments_summary_update after update on mes.worker_assignments
    referencing new table as new_rows for each statement execute function mes.plan_summaries_steps_new();
  create trigger worker_assignments_summary_move after update of plan_id on mes.worker_assignments
    for each row when (old.plan_id is distinct from new.plan_id) execute function mes.plan_summaries_step_moved();
  create trigger worker_assignments_summary_delete after delete on mes.worker_assignments
    referencing old table as old_rows for each statement execute function mes.plan_summaries_steps_old();
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    drop trigger production_plans_summary_insert on mes.production_plans;
    drop trigger production_plans_summary_update on mes.production_plans;
    drop trigger production_plan_nodes_summary_insert on mes.production_plan_nodes;
    drop trigger production_plan_nodes_summary_delete on mes.production_plan_nodes;
    drop trigger production_plan_nodes_summary_update on mes.production_plan_nodes;
    drop trigger worker_assignments_summary_insert on mes.worker_assignments;
    drop trigger worker_assignments_summary_update on mes.worker_assignments;
    drop trigger worker_assignments_summary_delete on mes.worker_assignments;
    drop trigger worker_assignments_summary_move on mes.worker_assignments;
    drop function mes.plan_summaries_steps_new(), mes.plan_summaries_steps_old(), mes.plan_summaries_step_moved(),
      mes.plan_summaries_refresh_steps(text[]), mes.plan_summaries_nodes_added(), mes.plan_summaries_nodes_removed(),
      mes.plan_summaries_node_moved(), mes.plan_summaries_plans_added(), mes.plan_summaries_plan_changed();
    drop table mes.plan_summaries;`,
  );
}
