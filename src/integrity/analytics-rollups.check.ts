/**
 * The analytics rollups of migration 0027 equal their recomputation from
 * scratch (used by `npm run doctor` and the property test). Written
 * independently of the triggers that keep them:
 * - every fact of a step, pause or plan still in the hot tables equals the
 *   same row computed from those tables, and no such row lacks its fact (facts
 *   of archived plans have nothing left to compare with and are kept);
 * - every daily rollup equals the facts grouped by their plant-local day at
 *   the offset of mes.analytics_settings.
 * Each offending row names the table and the key that differs.
 */
import { sql } from 'kysely';

const stepsFromBase = sql`
  select a.id as assignment_id, a.plan_id, a.node_id, pn.operation_id, a.station_id, a.substation_id, a.worker_id, a.actual_end as ended_at,
         coalesce(a.worked_minutes, 0) as run_minutes,
         coalesce(ns.time_minutes, pn.nominal_time) * (coalesce(a.good_quantity, 0) + coalesce(a.scrap_quantity, 0)) / pn.efficiency as ideal_minutes,
         coalesce(a.good_quantity, 0) as good, coalesce(a.scrap_quantity, 0) as scrap, a.scrap_reason, a.work_minutes, a.worked_minutes, pn.efficiency,
         not exists (select 1 from mes.node_predecessors np where np.plan_id = a.plan_id and np.predecessor_id = a.node_id) as is_last,
         coalesce(ns.time_minutes, pn.nominal_time)::float8 as nominal_per_unit,
         case when coalesce(a.good_quantity, 0) + coalesce(a.scrap_quantity, 0) > 0 then (a.worked_minutes / (coalesce(a.good_quantity, 0) + coalesce(a.scrap_quantity, 0)))::float8 end as actual_per_unit,
         case when coalesce(a.good_quantity, 0) + coalesce(a.scrap_quantity, 0) > 0 then (a.worked_minutes * pn.efficiency / (coalesce(a.good_quantity, 0) + coalesce(a.scrap_quantity, 0)))::float8 end as suggested_per_unit
    from mes.worker_assignments a
    join mes.production_plan_nodes pn on pn.id = a.node_id
    left join mes.node_stations ns on ns.node_id = a.node_id and ns.station_id = a.station_id
   where a.status = 'completed'`;
const stepColumns = sql`assignment_id, plan_id, node_id, operation_id, station_id, substation_id, worker_id, ended_at, run_minutes, ideal_minutes,
  good, scrap, scrap_reason, work_minutes, worked_minutes, efficiency, is_last, nominal_per_unit, actual_per_unit, suggested_per_unit`;
/** facts whose base rows are still in the hot tables (or whose plan is not archived: then they must be there) */
const hotSteps = sql`select ${stepColumns} from mes.analytics_steps f
  where exists (select 1 from mes.worker_assignments a where a.id = f.assignment_id)
     or exists (select 1 from mes.production_plans p where p.id = f.plan_id and p.archived_at is null)`;

const pausesFromBase = sql`
  select p.id as pause_id, p.assignment_id, a.plan_id, pn.operation_id, a.station_id, a.substation_id, a.worker_id, p.reason, p.started_at,
         extract(epoch from (p.ended_at - p.started_at)) / 60 as minutes
    from mes.assignment_pauses p
    join mes.worker_assignments a on a.id = p.assignment_id
    join mes.production_plan_nodes pn on pn.id = a.node_id
   where p.ended_at is not null`;
const pauseColumns = sql`pause_id, assignment_id, plan_id, operation_id, station_id, substation_id, worker_id, reason, started_at, minutes`;
const hotPauses = sql`select ${pauseColumns} from mes.analytics_pauses f
  where exists (select 1 from mes.assignment_pauses p where p.id = f.pause_id)
     or exists (select 1 from mes.production_plans p where p.id = f.plan_id and p.archived_at is null)`;

const plansFromBase = sql`
  select p.id as plan_id, p.completed_at, p.released_at, p.due_date, p.quantity,
         (select coalesce(sum(a.good_quantity), 0) from mes.worker_assignments a
           where a.plan_id = p.id and a.status = 'completed'
             and not exists (select 1 from mes.node_predecessors np where np.plan_id = p.id and np.predecessor_id = a.node_id)) as good_units
    from mes.production_plans p where p.status = 'completed' and p.archived_at is null`;
const hotPlans = sql`select f.plan_id, f.completed_at, f.released_at, f.due_date, f.quantity, f.good_units from mes.analytics_plans f
  join mes.production_plans p on p.id = f.plan_id where p.archived_at is null`;
const planStepsFromBase = sql`
  select distinct a.plan_id, a.station_id, a.substation_id, pn.operation_id, a.worker_id
    from mes.worker_assignments a join mes.production_plan_nodes pn on pn.id = a.node_id
    join mes.production_plans p on p.id = a.plan_id where p.status = 'completed' and p.archived_at is null`;
const hotPlanSteps = sql`select s.plan_id, s.station_id, s.substation_id, s.operation_id, s.worker_id from mes.analytics_plan_steps s
  join mes.production_plans p on p.id = s.plan_id where p.archived_at is null`;

const day = (ts: string) => sql.raw(`((${ts} at time zone 'UTC') + make_interval(mins => (select utc_offset_minutes from mes.analytics_settings)))::date`);
const dailies = [
  [
    'analytics_daily_substations',
    "x.day::text || ' ' || x.substation_id",
    sql`select day, station_id, substation_id, run_minutes, ideal_minutes, good, scrap, n from mes.analytics_daily_substations`,
    sql`select ${day('ended_at')}, station_id, substation_id, sum(run_minutes), sum(ideal_minutes), sum(good), sum(scrap), count(*)::int
          from mes.analytics_steps group by 1, 2, 3`,
  ],
  [
    'analytics_daily_workers',
    "x.day::text || ' ' || x.worker_id",
    sql`select day, worker_id, worked_minutes, n from mes.analytics_daily_workers`,
    sql`select ${day('ended_at')}, worker_id, sum(run_minutes), count(*)::int from mes.analytics_steps group by 1, 2`,
  ],
  [
    'analytics_daily_scrap',
    "x.day::text || ' ' || x.station_id || ' ' || x.operation_id || ' ' || x.reason",
    sql`select day, station_id, operation_id, reason, scrap, n from mes.analytics_daily_scrap`,
    sql`select ${day('ended_at')}, station_id, operation_id, coalesce(nullif(scrap_reason, ''), 'unspecified'), sum(scrap), count(*)::int
          from mes.analytics_steps where scrap > 0 group by 1, 2, 3, 4`,
  ],
  [
    'analytics_daily_pauses',
    "x.day::text || ' ' || x.station_id || ' ' || x.reason",
    sql`select day, station_id, reason, minutes, n from mes.analytics_daily_pauses`,
    sql`select ${day('started_at')}, station_id, reason, sum(minutes), count(*)::int from mes.analytics_pauses group by 1, 2, 3`,
  ],
] as const;

/** Rows in one set and not the other, both ways, named by `kind` and the first `keys` columns. */
const differ = (kind: string, keys: string, a: ReturnType<typeof sql>, b: ReturnType<typeof sql>) => sql`
  select ${kind} || ' (' || x.side || ')' as kind, ${sql.raw(keys)} as id from (
    (select 'stored, not recomputed' as side, * from (${a} except all ${b}) d)
    union all
    (select 'recomputed, not stored', * from (${b} except all ${a}) d)
  ) x`;

export const analyticsRollupsQuery = sql`
  ${differ('analytics_steps', 'x.assignment_id', hotSteps, sql`select ${stepColumns} from (${stepsFromBase}) s`)}
  union all
  ${differ('analytics_pauses', 'x.pause_id::text', hotPauses, sql`select ${pauseColumns} from (${pausesFromBase}) s`)}
  union all
  ${differ('analytics_plans', 'x.plan_id', hotPlans, plansFromBase)}
  union all
  ${differ('analytics_plan_steps', "x.plan_id || ' ' || x.station_id || ' ' || x.substation_id || ' ' || x.operation_id || ' ' || x.worker_id", hotPlanSteps, planStepsFromBase)}
  ${sql.join(
    dailies.map(([table, id, stored, recomputed]) => sql`union all ${differ(table, id, stored, recomputed)}`),
    sql` `,
  )}`;
