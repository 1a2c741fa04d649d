/**
 * SQL of production plans: the detail (one statement), its revision stamps,
 * the plan's lock and its lifecycle's writes, and which unfinished
 * plans refer to a piece of master data. Plan documents are written by
 * plan-documents.repository.ts, the list is read by plan-list.repository.ts.
 */
import { type RawBuilder, sql } from 'kysely';
import { type Db, planBlind, PREPARED, type Trx } from '../../db/database.js';
import { take } from '../../db/locks.js';
import { isoSql, isoText } from '../../shared/dates.js';
import { unfinishedPlanStatuses } from '../../shared/schema.js';
import type { Shortage } from '../materials/index.js';
import type { PlanDetail, PlanStatus } from './plans.schema.js';

/**
 * A plan's projected end (SQL text over the plan row `p`): when it completed;
 * else the latest end of its live assignments (the actual end of a completed
 * step, the planned end of any other); none for a draft or a cancelled plan.
 * It reads the assignments, whose every write stamps the plan's revision
 * (migration 0004), so a kept detail is never stale about it; it does not
 * depend on the clock. One probe of worker_assignments_plan_end_idx (0010).
 */
export const projectedEndText = (p: string) => `(case when ${p}.status = 'completed' then ${p}.completed_at
      when ${p}.status in ('draft', 'cancelled') then null::timestamptz
      else (select max(coalesce(a.actual_end, a.planned_end)) from mes.worker_assignments a
             where a.plan_id = ${p}.id and a.status <> 'cancelled') end)`;

/** Whole minutes from the due date to the projected end (positive: late); null without either. */
export const latenessText = (p: string, end: string) => `round(extract(epoch from (${end} - ${p}.due_date)) / 60)::float8`;

/** projectedEnd, latenessMinutes and late as json_build_object arguments, `end` being the projected end. */
const projectionFields = (p: string, end: string) =>
  `'projectedEnd', ${isoText(end)}, 'latenessMinutes', ${latenessText(p, end)}, 'late', coalesce(${latenessText(p, end)} > 0, false)`;

/**
 * The plan row's fields of PlanDetail (all but nodes) as json_build_object
 * arguments: the detail query and plan creation's RETURNING share them.
 * `end` is the plan's projected end (a new plan, a draft, has none).
 */
export const planHeaderFields = (p: string, end = 'null::timestamptz') =>
  sql.raw(`'id', ${p}.id, 'workOrderCode', ${p}.work_order_code, 'name', ${p}.name, 'quantity', ${p}.quantity,
      'status', ${p}.status, 'version', ${p}.version, 'note', ${p}.note, 'allowShortage', ${p}.allow_shortage,
      'shortages', ${p}.shortages, 'plannedStart', ${isoText(`${p}.planned_start`)}, 'plannedEnd', ${isoText(`${p}.planned_end`)},
      'releasedAt', ${isoText(`${p}.released_at`)}, 'startedAt', ${isoText(`${p}.started_at`)}, 'completedAt', ${isoText(`${p}.completed_at`)},
      'cancelledAt', ${isoText(`${p}.cancelled_at`)}, 'createdBy', ${p}.created_by, 'createdAt', ${isoText(`${p}.created_at`)},
      'updatedAt', ${isoText(`${p}.updated_at`)}, 'dueDate', ${isoText(`${p}.due_date`)}, 'priority', ${p}.priority,
      ${projectionFields(p, end)}, 'archivedAt', null`);

/**
 * The whole plan in one SQL statement: the plan row and its nodes in order,
 * each with operation, candidate stations, material inputs, predecessors and
 * its open assignment. Each child table is read once through its plan_id
 * index and grouped per node (not queried once per node).
 */
export async function findPlanDetail(db: Db, planId: string): Promise<PlanDetail | undefined> {
  return (await findRevisedPlanDetail(db, planId))?.plan;
}

/**
 * What a kept copy of a plan's detail is valid for: the plan's revision stamp
 * and the catalog's (names), both set by triggers (migration 0004).
 */
const revisionSql = (plan: string) => sql<string>`coalesce((select r.revision from mes.plan_revisions r where r.plan_id = ${sql.raw(plan)}), 0)::text
  || '.' || coalesce((select c.revision from mes.catalog_revision c), 0)::text`;

/** The revisions plans' details have now, by plan id; a plan that does not exist is left out. One indexed lookup per plan. */
export async function findPlanRevisions(db: Db, planIds: readonly string[]): Promise<Map<string, string>> {
  const result = await sql<{ id: string; revision: string }>`${sql.raw(PREPARED)}
    select p.id, ${revisionSql('p.id')} as revision from mes.production_plans p where p.id = any(${planBlind(planIds, 'text[]')})`.execute(db);
  return new Map(result.rows.map((r) => [r.id, r.revision]));
}

/** The plan's detail and the revision it was read at (one statement, so one snapshot). */
export async function findRevisedPlanDetail(db: Db, planId: string): Promise<{ plan: PlanDetail; revision: string } | undefined> {
  const result = await sql<{ plan: PlanDetail; revision: string }>`${sql.raw(PREPARED)}
    with n as (
      select n.*, o.name as operation_name from mes.production_plan_nodes n
        join mes.operations o on o.id = n.operation_id where n.plan_id = ${planId}
    ), preds as (
      select e.node_id, json_agg(pn.node_id order by pn.sequence) as list
        from mes.node_predecessors e join n pn on pn.id = e.predecessor_id
       where e.plan_id = ${planId} group by e.node_id
    ), cands as (
      select s.node_id, json_agg(json_strip_nulls(json_build_object('stationId', s.station_id, 'stationName', st.name,
               'priority', s.priority, 'time', s.time_minutes)) order by s.priority, s.station_id collate "C") as list
        from mes.node_stations s join mes.stations st on st.id = s.station_id
       where s.plan_id = ${planId} group by s.node_id
    ), inputs as (
      select i.node_id, json_agg(json_strip_nulls(json_build_object('materialCode', i.material_code, 'materialName', m.name,
               'unit', m.unit, 'requiredQuantity', i.required_quantity, 'fromNodeId', fn.node_id)) order by i.material_code collate "C") as list
        from mes.node_material_inputs i join mes.materials m on m.code = i.material_code
        left join n fn on fn.id = i.from_node_id
       where i.plan_id = ${planId} group by i.node_id
    ), asg as (
      select a.node_id, a.id, a.status, a.worker_id, w.name as worker_name, json_build_object('id', a.id, 'status', a.status, 'workerId', a.worker_id, 'workerName', w.name,
               'stationId', a.station_id, 'substationId', a.substation_id,
               'plannedStart', ${isoSql('a.planned_start')}, 'plannedEnd', ${isoSql('a.planned_end')}, 'workMinutes', a.work_minutes,
               'pinned', a.pinned, 'waitReason', a.wait_reason,
               'actualStart', ${isoSql('a.actual_start')}, 'actualEnd', ${isoSql('a.actual_end')}, 'pausedMinutes', a.paused_minutes,
               'workedMinutes', a.worked_minutes, 'goodQuantity', a.good_quantity, 'scrapQuantity', a.scrap_quantity)::jsonb
             -- the planner's booking once the live one left it (0017): kept in the archive document with the rest
             || jsonb_strip_nulls(jsonb_build_object('baselineStart', ${isoSql('a.baseline_start')}, 'baselineEnd', ${isoSql('a.baseline_end')})) as obj
        from mes.worker_assignments a join mes.workers w on w.id = a.worker_id
       where a.plan_id = ${planId} and a.status <> 'cancelled'
    ), waits as (
      -- what each step waits for: its predecessors whose step is not completed (the portal's waitingFor)
      select e.node_id, json_agg(json_build_object('nodeId', pn.node_id, 'nodeName', pn.name, 'assignmentId', pa.id,
               'status', pa.status, 'workerId', pa.worker_id, 'workerName', pa.worker_name) order by pn.sequence) as list
        from mes.node_predecessors e join n pn on pn.id = e.predecessor_id
        left join asg pa on pa.node_id = pn.id
       where e.plan_id = ${planId} and pa.status is distinct from 'completed'
       group by e.node_id
    )
    select case when p.archived_at is not null then (
      -- archived: the document as it was served when the plan was archived
      -- (due date, priority and the projection come from the plan row: plans archived before 0010 get them too)
      select (a.document || jsonb_build_object('archivedAt', ${isoSql('p.archived_at')}, 'dueDate', ${isoSql('p.due_date')}, 'priority', p.priority,
               ${sql.raw(projectionFields('p', 'pe.projected_end'))}))::json
        from mes.plan_archives a where a.plan_id = p.id
    ) else json_build_object(${planHeaderFields('p', 'pe.projected_end')},
      'nodes', coalesce((
        select json_agg(json_build_object(
          'nodeId', n.node_id, 'name', n.name, 'operationId', n.operation_id, 'operationName', n.operation_name,
          'quantity', n.quantity, 'nominalTime', n.nominal_time, 'efficiency', n.efficiency,
          'output', case when n.output_material_code is null then null
                         else json_build_object('materialCode', n.output_material_code, 'quantity', n.output_quantity) end,
          'position', json_build_object('x', n.position_x, 'y', n.position_y),
          'note', n.note,
          'pin', case when coalesce(n.pinned_station_id, n.pinned_substation_id, n.pinned_worker_id) is null then null
                      else json_strip_nulls(json_build_object('stationId', n.pinned_station_id,
                             'substationId', n.pinned_substation_id, 'workerId', n.pinned_worker_id)) end,
          'predecessors', coalesce(preds.list, '[]'::json),
          'assignedStations', coalesce(cands.list, '[]'::json),
          'materialInputs', coalesce(inputs.list, '[]'::json),
          'assignment', asg.obj,
          'waitingFor', coalesce(waits.list, '[]'::json)
        )::jsonb
        -- yield (0019): present only when set, so a plan no scrap has touched reads as it always did
        || jsonb_strip_nulls(jsonb_build_object('expectedQuantity', n.expected_quantity,
             'extraOf', (select x.node_id from n x where x.id = n.extra_of), 'extraKind', n.extra_kind)) order by n.sequence)
          from n left join preds on preds.node_id = n.id left join cands on cands.node_id = n.id
          left join inputs on inputs.node_id = n.id left join asg on asg.node_id = n.id
          left join waits on waits.node_id = n.id), '[]'::json)
    ) end as plan,
    ${revisionSql('p.id')} as revision
    from mes.production_plans p cross join lateral (select ${sql.raw(projectedEndText('p'))} as projected_end) pe
    where p.id = ${planId}`.execute(db);
  return result.rows[0];
}

export function lockPlan(trx: Trx, planId: string) {
  take(trx, 'plan');
  return trx
    .selectFrom('mes.production_plans')
    .select(['id', 'status', 'version', 'archived_at as archivedAt'])
    .where('id', '=', planId)
    .forUpdate()
    .executeTakeFirst();
}

/** Db ids of a plan's nodes by their node id. */
export async function nodeDbIds(trx: Trx, planId: string): Promise<Map<string, number>> {
  const rows = await trx.selectFrom('mes.production_plan_nodes').select(['id', 'node_id']).where('plan_id', '=', planId).execute();
  return new Map(rows.map((r) => [r.node_id, r.id]));
}

// ---- the plan's lifecycle ---------------------------------------------------------------

/** A plan that starts or ends on the floor moves on: first start (in_production) or last completion (completed). */
export async function movePlan(trx: Trx, planId: string, status: 'in_production' | 'completed', at: Date): Promise<void> {
  await trx
    .updateTable('mes.production_plans')
    .set((eb) => ({
      status,
      version: eb('version', '+', 1),
      ...(status === 'in_production' ? { started_at: sql<Date>`coalesce(started_at, ${at}::timestamptz)` } : { completed_at: at }),
    }))
    .where('id', '=', planId)
    .execute();
}

/** The plan is released: its status, when, its planned window and what was short. */
export async function markReleased(
  trx: Trx,
  planId: string,
  r: { status: PlanStatus; at: Date; plannedStart: Date; plannedEnd: Date; allowShortage: boolean; shortages: Shortage[] },
): Promise<void> {
  await trx
    .updateTable('mes.production_plans')
    .set((eb) => ({
      status: r.status,
      released_at: r.at,
      planned_start: r.plannedStart,
      planned_end: r.plannedEnd,
      allow_shortage: r.allowShortage,
      shortages: r.shortages.length > 0 ? JSON.stringify(r.shortages) : null,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', planId)
    .execute();
}

/** A planner's move of the plan (pause, resume) and, on cancel, when it was cancelled. */
export async function setPlanStatus(trx: Trx, planId: string, status: PlanStatus, cancelledAt?: Date): Promise<void> {
  await trx
    .updateTable('mes.production_plans')
    .set((eb) => ({ status, version: eb('version', '+', 1), ...(cancelledAt ? { cancelled_at: cancelledAt } : {}) }))
    .where('id', '=', planId)
    .execute();
}

/** A new version of the plan whose status stays (its schedule changed). */
export async function bumpPlanVersion(trx: Trx, planId: string): Promise<void> {
  await trx
    .updateTable('mes.production_plans')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', planId)
    .execute();
}

/**
 * A plan's planned start once its steps moved: its earliest active step's (steps may now start earlier than at release:
 * replanned on a Saturday shift, a plan released for Monday starts on Saturday), never after its planned end.
 */
const plannedStartSql = (end: RawBuilder<unknown>) =>
  sql`least(${end}, coalesce((select min(a.planned_start) from mes.worker_assignments a where a.plan_id = p.id and a.status <> 'cancelled'), p.planned_start))`;

/** After a plan's steps were replanned: its planned end, and its planned start with it (plannedStartSql). */
export async function setPlannedEnd(trx: Trx, planId: string, plannedEnd: Date): Promise<void> {
  const end = sql`${plannedEnd}::timestamptz`;
  await sql`update mes.production_plans p set planned_end = ${end}, planned_start = ${plannedStartSql(end)} where p.id = ${planId}`.execute(trx);
}

/** Whether work on the plan has ever started (a resumed plan goes back to production, not to released). */
export async function hasStarted(trx: Trx, planId: string): Promise<boolean> {
  const row = await trx.selectFrom('mes.production_plans').select('started_at').where('id', '=', planId).executeTakeFirstOrThrow();
  return row.started_at !== null;
}

// ---- what refers to master data ----------------------------------------------------------

/** Master data a plan's nodes may refer to; a station may be narrowed to the nodes of some operations. */
export type PlanReference =
  | { operationId: string }
  | { stationId: string; operationIds?: readonly string[] }
  | { substationId: string }
  | { workerId: string }
  | { materialCode: string };

/**
 * Up to five unfinished plans (draft to paused) with a node that refers to it:
 * by operation; a station as a candidate or pinned; a substation or worker
 * pinned; a material as an input or the output. What keeps master data from
 * being archived or losing what such a plan relies on.
 */
export async function unfinishedPlansReferencing(db: Db, ref: PlanReference): Promise<string[]> {
  if ('stationId' in ref && ref.operationIds?.length === 0) return [];
  const rows = await db
    .selectFrom('mes.production_plans as p')
    .select('p.id')
    .where('p.status', 'in', unfinishedPlanStatuses)
    .where((eb) => {
      const nodes = eb
        .selectFrom('mes.production_plan_nodes as n')
        .select(sql`1`.as('one'))
        .whereRef('n.plan_id', '=', 'p.id');
      if ('operationId' in ref) return eb.exists(nodes.where('n.operation_id', '=', ref.operationId));
      if ('substationId' in ref) return eb.exists(nodes.where('n.pinned_substation_id', '=', ref.substationId));
      if ('workerId' in ref) return eb.exists(nodes.where('n.pinned_worker_id', '=', ref.workerId));
      if ('materialCode' in ref) {
        const code = ref.materialCode;
        return eb.exists(
          nodes.where((n) =>
            n.or([
              n('n.output_material_code', '=', code),
              n.exists(
                n
                  .selectFrom('mes.node_material_inputs as i')
                  .select(sql`1`.as('one'))
                  .whereRef('i.node_id', '=', 'n.id')
                  .where('i.material_code', '=', code),
              ),
            ]),
          ),
        );
      }
      const station = ref.stationId;
      let onStation = nodes.where((n) =>
        n.or([
          n('n.pinned_station_id', '=', station),
          n.exists(
            n
              .selectFrom('mes.node_stations as ns')
              .select(sql`1`.as('one'))
              .whereRef('ns.node_id', '=', 'n.id')
              .where('ns.station_id', '=', station),
          ),
        ]),
      );
      if (ref.operationIds) onStation = onStation.where('n.operation_id', 'in', ref.operationIds);
      return eb.exists(onStation);
    })
    .orderBy('p.id')
    .limit(5)
    .execute();
  return rows.map((r) => r.id);
}

// ---- the floor's reschedule ---------------------------------------------------------------

/** Status of each plan that exists (archived ones included), by id; unlocked. */
export async function findPlanStatuses(db: Db, planIds: readonly string[]): Promise<Map<string, { status: PlanStatus; archived: boolean }>> {
  if (planIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('mes.production_plans')
    .select(['id', 'status', sql<boolean>`archived_at is not null`.as('archived')])
    .where('id', 'in', planIds)
    .execute();
  return new Map(rows.map((r) => [r.id, { status: r.status, archived: r.archived }]));
}

/** Ids of the live plans in these statuses, in id order. */
export async function planIdsInStatus(db: Db, statuses: readonly PlanStatus[]): Promise<string[]> {
  const rows = await db
    .selectFrom('mes.production_plans')
    .select('id')
    .where('status', 'in', statuses)
    .where('archived_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** The floor's reschedule locks its plans in one statement, in id order (code-unit order, as the single-plan paths sort them). */
export async function lockPlans(trx: Trx, planIds: readonly string[]) {
  take(trx, 'plan');
  if (planIds.length === 0) return [];
  const result = await sql<{ id: string; status: PlanStatus }>`
    select p.id, p.status from (select distinct unnest(${planIds}::text[]) as id) ids join mes.production_plans p on p.id = ids.id
     order by p.id collate "C" for update of p`.execute(trx);
  return result.rows;
}

/** A plan as scheduling reads it (SchedulablePlan of scheduling.service.ts), with its name, status and node db ids. */
export interface FloorPlanRow {
  id: string;
  name: string;
  status: PlanStatus;
  dueDate: string | null;
  priority: number;
  nodes: {
    dbId: number;
    nodeId: string;
    operationId: string;
    quantity: number;
    nominalTime: number;
    efficiency: number;
    pin: { stationId?: string; substationId?: string; workerId?: string } | null;
    predecessors: string[];
    assignedStations: { stationId: string; priority: number; time?: number }[];
  }[];
}

/**
 * What the floor's reschedule needs of many plans, in one statement: each child table is read once for all of
 * them through its plan_id index and grouped (not one plan detail per plan: 200 of those cost a second).
 */
export async function findFloorPlans(trx: Trx, planIds: readonly string[]): Promise<FloorPlanRow[]> {
  if (planIds.length === 0) return [];
  // each plan's rows through the plan_id indexes (a lateral per plan): `plan_id = any(array of 200)` or a join
  // with the ids is estimated at a fifth of the floor, which picks sequential scans and JIT-compiles the query
  // (seconds on a loaded machine). `offset 0` keeps each lateral a probe of its own: pulled up into a join, the
  // nodes' was a hash join over every plan's nodes (101,069 rows of the 5,000-plan floor, 16 ms against 6 ms for
  // 200 plans' probes), a cost that grows with the history instead of with the plans asked for
  const result = await sql<FloorPlanRow>`
    with ids as materialized (
      select distinct unnest(${planIds}::text[]) as id
    ), n as materialized (
      select n.* from ids cross join lateral (select * from mes.production_plan_nodes n where n.plan_id = ids.id offset 0) n
    ), preds as (
      select e.node_id, json_agg(pn.node_id order by pn.sequence) as list
        from ids cross join lateral (select * from mes.node_predecessors e where e.plan_id = ids.id offset 0) e join n pn on pn.id = e.predecessor_id
       group by e.node_id
    ), cands as (
      select s.node_id, json_agg(json_strip_nulls(json_build_object('stationId', s.station_id, 'priority', s.priority, 'time', s.time_minutes))
               order by s.priority, s.station_id collate "C") as list
        from ids cross join lateral (select * from mes.node_stations s where s.plan_id = ids.id offset 0) s group by s.node_id
    ), nodes as (
      select n.plan_id, json_agg(json_build_object(
               'dbId', n.id, 'nodeId', n.node_id, 'operationId', n.operation_id, 'quantity', n.quantity,
               'nominalTime', n.nominal_time, 'efficiency', n.efficiency,
               'pin', case when coalesce(n.pinned_station_id, n.pinned_substation_id, n.pinned_worker_id) is null then null
                           else json_strip_nulls(json_build_object('stationId', n.pinned_station_id,
                                  'substationId', n.pinned_substation_id, 'workerId', n.pinned_worker_id)) end,
               'predecessors', coalesce(preds.list, '[]'::json),
               'assignedStations', coalesce(cands.list, '[]'::json)) order by n.sequence) as list
        from n left join preds on preds.node_id = n.id left join cands on cands.node_id = n.id
       group by n.plan_id
    )
    select p.id, p.name, p.status, ${isoSql('p.due_date')} as "dueDate", p.priority, coalesce(nodes.list, '[]'::json) as nodes
      from ids join mes.production_plans p on p.id = ids.id left join nodes on nodes.plan_id = p.id`.execute(trx);
  return result.rows;
}

/**
 * After the floor's reschedule, for every plan whose steps moved, in one statement: its planned end, its planned
 * start = its earliest active step's (steps may now start earlier than at release), and a new version.
 */
export async function setPlannedWindows(trx: Trx, ends: readonly { planId: string; plannedEnd: Date }[]): Promise<void> {
  if (ends.length === 0) return;
  await sql`
    update mes.production_plans p
       set planned_end = x.planned_end, planned_start = ${plannedStartSql(sql`x.planned_end`)}, version = p.version + 1
      from unnest(${ends.map((e) => e.planId)}::text[], ${ends.map((e) => e.plannedEnd.toISOString())}::timestamptz[]) as x(id, planned_end)
     where p.id = x.id`.execute(trx);
}
