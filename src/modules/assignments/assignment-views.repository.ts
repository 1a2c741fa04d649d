/**
 * Read SQL of shop-floor execution: the assignment detail, the assignment
 * list, a worker's queue and problems. Each view is built by one statement
 * (JSON assembled in SQL), whatever the number of rows.
 */
import { type RawBuilder, sql } from 'kysely';
import type { StoredWorkerStatus } from '../../db/schema.js';
import { PREPARED, type Db } from '../../db/database.js';
import { isoSql } from '../../shared/dates.js';
import type { CalendarTimes } from '../workers/index.js';
import type { AssignmentDetail, AssignmentStatus, AssignmentSummary, MaterialInputView, ProblemView } from './assignments.schema.js';
import type { WaitingNode } from './assignments.rules.js';

/** ISO 8601 in UTC with milliseconds, like Date.toISOString(), whatever the session time zone. */
const iso = isoSql;

const pauseJson = (alias: string) => sql`json_build_object('id', ${sql.raw(alias)}.id, 'reason', ${sql.raw(alias)}.reason, 'note', ${sql.raw(alias)}.note,
  'startedAt', ${iso(`${alias}.started_at`)}, 'endedAt', ${iso(`${alias}.ended_at`)}, 'startedBy', ${sql.raw(alias)}.started_by)`;

/** A problem as JSON; aliases pr (problem), pa (its assignment), pn (its node). */
const problemJson = sql`json_build_object('id', pr.id, 'assignmentId', pr.assignment_id, 'planId', pr.plan_id,
  'nodeId', pn.node_id, 'nodeName', pn.name, 'workerId', pa.worker_id, 'category', pr.category, 'text', pr.text,
  'reportedBy', pr.reported_by, 'reportedAt', ${iso('pr.reported_at')}, 'resolvedAt', ${iso('pr.resolved_at')},
  'resolvedBy', pr.resolved_by, 'resolution', pr.resolution)`;

/**
 * An assignment with plan, node, operation, station, substation and worker, over fromAssignments' a, p, n. The names of
 * the operation, station, substation and worker are scalar lookups by primary key, not joins: with all seven tables
 * joined, PostgreSQL spent 2.5-5 ms searching join orders for every call (custom plans, kept afresh each time) against
 * 0.2-0.5 ms of running it, which made the board's running steps and a worker's tasks ~500 and ~1,100 req/s.
 */
const summaryJson = sql`json_build_object(
  'id', a.id, 'status', a.status, 'version', a.version,
  'planId', p.id, 'planName', p.name, 'planStatus', p.status, 'workOrderCode', p.work_order_code, 'planNote', p.note,
  'nodeId', n.node_id, 'nodeName', n.name, 'plannerNote', n.note, 'operationId', n.operation_id, 'operationName', (select o.name from mes.operations o where o.id = n.operation_id),
  'stationId', a.station_id, 'stationName', (select st.name from mes.stations st where st.id = a.station_id),
  'substationId', a.substation_id, 'substationName', (select ss.name from mes.substations ss where ss.id = a.substation_id),
  'workerId', a.worker_id, 'workerName', (select w.name from mes.workers w where w.id = a.worker_id), 'quantity', n.quantity, 'expectedQuantity', n.expected_quantity,
  'output', case when n.output_material_code is null then null
                 else json_build_object('materialCode', n.output_material_code, 'quantity', n.output_quantity,
                                        'unit', (select m.unit from mes.materials m where m.code = n.output_material_code)) end,
  'plannedStart', ${iso('a.planned_start')}, 'plannedEnd', ${iso('a.planned_end')}, 'workMinutes', a.work_minutes,
  'pinned', a.pinned, 'waitReason', a.wait_reason,
  'actualStart', ${iso('a.actual_start')}, 'actualEnd', ${iso('a.actual_end')},
  'startedBy', a.started_by, 'completedBy', a.completed_by,
  'pausedMinutes', a.paused_minutes, 'workedMinutes', a.worked_minutes,
  'goodQuantity', a.good_quantity, 'scrapQuantity', a.scrap_quantity, 'scrapReason', a.scrap_reason, 'note', a.note,
  'openPause', (select ${pauseJson('op')} from mes.assignment_pauses op where op.assignment_id = a.id and op.ended_at is null),
  'createdAt', ${iso('a.created_at')}, 'updatedAt', ${iso('a.updated_at')})`;

/** An assignment with its plan and node; aliases a, p, n. */
const fromAssignments = sql`mes.worker_assignments a
  join mes.production_plans p on p.id = a.plan_id
  join mes.production_plan_nodes n on n.id = a.node_id`;

const inputsJson = sql`coalesce((
  select json_agg(json_build_object('materialCode', i.material_code, 'materialName', m.name, 'unit', m.unit,
           'requiredQuantity', i.required_quantity, 'fromNodeId', fn.node_id) order by i.material_code collate "C")
    from mes.node_material_inputs i join mes.materials m on m.code = i.material_code
    left join mes.production_plan_nodes fn on fn.id = i.from_node_id
   where i.node_id = a.node_id), '[]'::json)`;

/** Predecessors of the assignment's node with their assignment; `openOnly` keeps those not completed. */
const predecessorsJson = (openOnly: boolean) => sql`coalesce((
  select json_agg(json_build_object('nodeId', pn.node_id, 'nodeName', pn.name, 'assignmentId', pa.id, 'status', pa.status,
           'workerId', pa.worker_id, 'workerName', pw.name) order by pn.sequence)
    from mes.node_predecessors e
    -- the plan's own nodes (its plan_id index): without it the planner may hash the whole nodes table per row
    join mes.production_plan_nodes pn on pn.id = e.predecessor_id and pn.plan_id = a.plan_id
    left join mes.worker_assignments pa on pa.node_id = pn.id and pa.status <> 'cancelled'
    left join mes.workers pw on pw.id = pa.worker_id
   where e.node_id = a.node_id ${openOnly ? sql`and pa.status is distinct from 'completed'` : sql``}), '[]'::json)`;

export async function findAssignmentDetail(db: Db, id: string): Promise<AssignmentDetail | undefined> {
  const result = await sql<{ detail: AssignmentDetail }>`
    select (${summaryJson})::jsonb || jsonb_build_object(
      'materialInputs', ${inputsJson},
      'predecessors', ${predecessorsJson(false)},
      'pauses', coalesce((select json_agg(${pauseJson('pz')} order by pz.id) from mes.assignment_pauses pz where pz.assignment_id = a.id), '[]'::json),
      'problems', coalesce((select json_agg(${problemJson} order by pr.id)
                              from mes.assignment_problems pr
                              join mes.worker_assignments pa on pa.id = pr.assignment_id
                              join mes.production_plan_nodes pn on pn.id = pa.node_id
                             where pr.assignment_id = a.id), '[]'::json)) as detail
      from ${fromAssignments}
     where a.id = ${id}`.execute(db);
  return result.rows[0]?.detail;
}

export interface AssignmentFilter {
  planId?: string | undefined;
  workerId?: string | undefined;
  stationId?: string | undefined;
  substationId?: string | undefined;
  status?: readonly AssignmentStatus[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
}

/** One page of assignments in planned order, with the total. */
export async function listAssignments(db: Db, f: AssignmentFilter): Promise<{ items: AssignmentSummary[]; total: number }> {
  const where: RawBuilder<unknown>[] = [sql`true`];
  if (f.planId) where.push(sql`a.plan_id = ${f.planId}`);
  if (f.workerId) where.push(sql`a.worker_id = ${f.workerId}`);
  if (f.stationId) where.push(sql`a.station_id = ${f.stationId}`);
  if (f.substationId) where.push(sql`a.substation_id = ${f.substationId}`);
  if (f.status?.length) where.push(sql`a.status = any(${[...f.status]}::text[])`);
  // a window: everything planned to run in it, also what began before `from` and is still going
  if (f.from) where.push(sql`a.planned_end > ${f.from}::timestamptz`);
  if (f.to) where.push(sql`a.planned_start < ${f.to}::timestamptz`);
  // prepared, one statement per combination of filters, with the page's limit and offset written into the text (validated
  // integers): planning was most of this statement's time (see summaryJson), and with a parameter for the limit
  // PostgreSQL kept planning each call afresh
  const result = await sql<{ item: AssignmentSummary; total: number }>`${sql.raw(PREPARED)}
    select ${summaryJson} as item, count(*) over ()::int as total
      from ${fromAssignments}
     where ${sql.join(where, sql` and `)}
     order by a.planned_start, a.id
     limit ${sql.raw(String(Math.trunc(f.limit)))} offset ${sql.raw(String(Math.trunc(f.offset)))}`.execute(db);
  let total = result.rows[0]?.total ?? 0;
  if (result.rows.length === 0 && f.offset > 0) {
    const count = await sql<{ n: number }>`select count(*)::int as n from mes.worker_assignments a where ${sql.join(where, sql` and `)}`.execute(db);
    total = count.rows[0]!.n;
  }
  return { items: result.rows.map((r) => r.item), total };
}

export interface QueueRow {
  task: AssignmentSummary & { materialInputs: MaterialInputView[]; waitingFor: WaitingNode[] };
  substationStatus: string;
  substationAssignmentId: string | null;
}

/** The order of a worker's queue: the current task (in progress, paused) first, then ready, then pending, each in planned order. */
const queueOrder = sql`case a.status when 'in_progress' then 0 when 'paused' then 0 when 'ready' then 1 else 2 end, a.planned_start, a.id`;

/**
 * A worker's first `limit` open tasks in queue order, and how many open tasks the worker has in all. The order is
 * taken over the bare bookings (an index-only scan of worker_open_idx, which holds their status since 0044) and only
 * the tasks shown are built as JSON: with a full order book a worker holds thousands of open steps (5,220 on the
 * release bench's 5,000-plan floor), and building them all took 3.3 s and 5.5 MB for every refresh of the tablet.
 */
export async function findWorkerQueue(db: Db, workerId: string, limit: number): Promise<{ rows: QueueRow[]; total: number }> {
  // prepared: planning this statement cost more than running it for a 30-task queue
  const result = await sql<QueueRow & { total: number }>`${sql.raw(PREPARED)}
    with first as (
      select a.id, count(*) over () as total
        from mes.worker_assignments a
       where a.worker_id = ${workerId} and a.status in ('in_progress', 'paused', 'ready', 'pending')
       order by ${queueOrder}
       limit ${limit}
    )
    select (${summaryJson})::jsonb || jsonb_build_object('materialInputs', ${inputsJson}, 'waitingFor', ${predecessorsJson(true)}) as task,
           ss.status as "substationStatus", ss.current_assignment_id as "substationAssignmentId", first.total::int as total
      from first
      join mes.worker_assignments a on a.id = first.id
      join mes.production_plans p on p.id = a.plan_id
      join mes.production_plan_nodes n on n.id = a.node_id
      join mes.substations ss on ss.id = a.substation_id
     order by ${queueOrder}`.execute(db);
  return { rows: result.rows, total: result.rows[0]?.total ?? 0 };
}

export interface WorkerRecord {
  id: string;
  name: string;
  status: StoredWorkerStatus;
  currentAssignmentId: string | null;
  currentPlanId: string | null;
  currentStatus: AssignmentStatus | null;
  calendar: CalendarTimes | null;
}

/** A worker with the shift windows and the exceptions around `at` (what on/off shift is decided with). */
export async function findWorkerRecord(db: Db, workerId: string, at: Date): Promise<WorkerRecord | undefined> {
  const result = await sql<WorkerRecord>`
    select w.id, w.name, w.status, w.current_assignment_id as "currentAssignmentId", w.current_plan_id as "currentPlanId",
           (select x.status from mes.worker_assignments x where x.id = w.current_assignment_id) as "currentStatus",
           case when w.shift_calendar_id is null then null else json_build_object(
             'windows', coalesce((select json_agg(json_build_object('weekday', cw.weekday, 'startMinute', cw.start_minute, 'endMinute', cw.end_minute))
                                    from mes.shift_calendar_windows cw where cw.calendar_id = w.shift_calendar_id), '[]'::json),
             'exceptions', coalesce((select json_agg(json_build_object('date', to_char(ce.date, 'YYYY-MM-DD'), 'startMinute', ce.start_minute, 'endMinute', ce.end_minute))
                                      from mes.shift_calendar_exceptions ce
                                     where ce.calendar_id = w.shift_calendar_id
                                       and ce.date between (${at}::timestamptz - interval '2 days')::date and (${at}::timestamptz + interval '2 days')::date), '[]'::json)
           ) end as calendar
      from mes.workers w where w.id = ${workerId}`.execute(db);
  return result.rows[0];
}

export interface ProblemFilter {
  planId?: string | undefined;
  assignmentId?: string | undefined;
  open?: boolean | undefined;
  limit: number;
  offset: number;
}

const fromProblems = sql`mes.assignment_problems pr
  join mes.worker_assignments pa on pa.id = pr.assignment_id
  join mes.production_plan_nodes pn on pn.id = pa.node_id`;

/** Problems newest first. */
export async function listProblems(db: Db, f: ProblemFilter): Promise<{ items: ProblemView[]; total: number }> {
  const where: RawBuilder<unknown>[] = [sql`true`];
  if (f.planId) where.push(sql`pr.plan_id = ${f.planId}`);
  if (f.assignmentId) where.push(sql`pr.assignment_id = ${f.assignmentId}`);
  if (f.open === true) where.push(sql`pr.resolved_at is null`);
  if (f.open === false) where.push(sql`pr.resolved_at is not null`);
  const result = await sql<{ item: ProblemView; total: number }>`
    select ${problemJson} as item, count(*) over ()::int as total
      from ${fromProblems}
     where ${sql.join(where, sql` and `)}
     order by pr.id desc
     limit ${f.limit} offset ${f.offset}`.execute(db);
  let total = result.rows[0]?.total ?? 0;
  if (result.rows.length === 0 && f.offset > 0) {
    const count = await sql<{ n: number }>`select count(*)::int as n from mes.assignment_problems pr where ${sql.join(where, sql` and `)}`.execute(db);
    total = count.rows[0]!.n;
  }
  return { items: result.rows.map((r) => r.item), total };
}

export async function findProblem(db: Db, id: number): Promise<ProblemView | undefined> {
  const result = await sql<{ item: ProblemView }>`select ${problemJson} as item from ${fromProblems} where pr.id = ${id}`.execute(db);
  return result.rows[0]?.item;
}
