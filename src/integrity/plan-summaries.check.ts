/**
 * Each plan's kept list figures (migration 0038, `mes.plan_summaries`) equal
 * their computation from its row, nodes and assignments, written here apart
 * from the triggers that keep them (used by `npm run doctor` and the property
 * test). An archived plan's nodes and assignments are gone, so its counts are
 * zero here too (the list shows its archive row's counts instead).
 */
import { sql } from 'kysely';

export const planSummariesQuery = sql`
  with computed as (
    select p.id, (select count(*)::int from mes.production_plan_nodes n where n.plan_id = p.id) as node_count,
           a.completed_count, a.steps_end, a.open_ends,
           case when p.status = 'completed' then p.completed_at when p.status in ('draft', 'cancelled') then null else a.steps_end end as projected_end,
           p.due_date, p.archived_at is null as listed
      from mes.production_plans p
      cross join lateral (
        select count(*) filter (where w.status = 'completed')::int as completed_count,
               max(coalesce(w.actual_end, w.planned_end)) filter (where w.status <> 'cancelled') as steps_end,
               coalesce(array_agg(w.planned_end order by w.planned_end)
                          filter (where w.status not in ('completed', 'cancelled') and w.planned_end is not null), '{}') as open_ends
          from mes.worker_assignments w where w.plan_id = p.id) a
  ), expected as (
    select c.id, c.node_count, c.completed_count, c.steps_end, c.open_ends, c.projected_end,
           round(extract(epoch from (c.projected_end - c.due_date)) / 60)::float8 as lateness, c.listed
      from computed c
  )
  select 'plan ' || e.id as kind,
         case when s.plan_id is null then 'no summary row'
              else 'kept ' || row(s.node_count, s.completed_count, s.steps_end, s.open_ends, s.projected_end, s.lateness, s.listed)::text
                   || ' vs computed ' || row(e.node_count, e.completed_count, e.steps_end, e.open_ends, e.projected_end, e.lateness, e.listed)::text end as id
    from expected e left join mes.plan_summaries s on s.plan_id = e.id
   where s.plan_id is null
      or (s.node_count, s.completed_count, s.steps_end, s.open_ends, s.projected_end, s.lateness, s.listed)
         is distinct from (e.node_count, e.completed_count, e.steps_end, e.open_ends, e.projected_end, e.lateness, e.listed)`;
