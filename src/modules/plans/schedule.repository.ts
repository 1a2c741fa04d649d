/** SQL behind the Gantt views and planner pins. */
import { openAssignmentStatuses } from '../assignments/assignments.rules.js';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { isoSql } from '../../shared/dates.js';
import { alwaysOnShift, toShiftCalendar } from './scheduling.repository.js';

type Db = Kysely<DB> | Transaction<DB>;

export interface ScheduleBar {
  assignmentId: string;
  planId: string;
  nodeId: string;
  name: string;
  operationId: string;
  status: string;
  workerId: string;
  workerName: string;
  stationId: string;
  stationName: string;
  substationId: string;
  substationName: string;
  plannedStart: string;
  plannedEnd: string;
  actualStart: string | null;
  actualEnd: string | null;
  pinned: boolean;
  waitReason: string | null;
}

function bars(db: Db) {
  return db
    .selectFrom('mes.worker_assignments as a')
    .innerJoin('mes.production_plan_nodes as n', 'n.id', 'a.node_id')
    .innerJoin('mes.workers as w', 'w.id', 'a.worker_id')
    .innerJoin('mes.stations as s', 's.id', 'a.station_id')
    .innerJoin('mes.substations as ss', 'ss.id', 'a.substation_id')
    .select([
      'a.id as assignmentId',
      'a.plan_id as planId',
      'n.node_id as nodeId',
      'n.name',
      'n.operation_id as operationId',
      'a.status',
      'a.worker_id as workerId',
      'w.name as workerName',
      'a.station_id as stationId',
      's.name as stationName',
      'a.substation_id as substationId',
      'ss.name as substationName',
      sql<string>`${isoSql('a.planned_start')}`.as('plannedStart'),
      sql<string>`${isoSql('a.planned_end')}`.as('plannedEnd'),
      sql<string | null>`${isoSql('a.actual_start')}`.as('actualStart'),
      sql<string | null>`${isoSql('a.actual_end')}`.as('actualEnd'),
      'a.pinned',
      'a.wait_reason as waitReason',
    ])
    .where('a.status', '<>', 'cancelled')
    .orderBy('a.planned_start')
    .orderBy('a.id');
}

export function planBars(db: Db, planId: string): Promise<ScheduleBar[]> {
  return bars(db).where('a.plan_id', '=', planId).execute();
}

/** An archived plan's bars, from its archive document (station and substation names from master data). */
export async function archivedPlanBars(db: Db, planId: string): Promise<ScheduleBar[]> {
  const result = await sql<ScheduleBar>`
    select a->>'id' as "assignmentId", x.plan_id as "planId", n->>'nodeId' as "nodeId", n->>'name' as name,
           n->>'operationId' as "operationId", a->>'status' as status, a->>'workerId' as "workerId", a->>'workerName' as "workerName",
           a->>'stationId' as "stationId", coalesce(s.name, a->>'stationId') as "stationName",
           a->>'substationId' as "substationId", coalesce(ss.name, a->>'substationId') as "substationName",
           a->>'plannedStart' as "plannedStart", a->>'plannedEnd' as "plannedEnd", a->>'actualStart' as "actualStart",
           a->>'actualEnd' as "actualEnd", coalesce((a->>'pinned')::boolean, false) as pinned, a->>'waitReason' as "waitReason"
      from mes.plan_archives x
     cross join lateral jsonb_array_elements(x.document->'nodes') as n
     cross join lateral (select n->'assignment' as a) as asg
      left join mes.stations s on s.id = a->>'stationId'
      left join mes.substations ss on ss.id = a->>'substationId'
     where x.plan_id = ${planId} and jsonb_typeof(a) = 'object'
     order by a->>'plannedStart', a->>'id'`.execute(db);
  return result.rows;
}

export function workerBars(db: Db, workerId: string, from: Date, to: Date): Promise<ScheduleBar[]> {
  return bars(db).where('a.worker_id', '=', workerId).where('a.planned_end', '>', from).where('a.planned_start', '<', to).execute();
}

/** What a pin needs: the assignment, its node, plan status and predecessors' planned ends. */
export async function findAssignmentForPin(trx: Transaction<DB>, assignmentId: string) {
  const row = await trx
    .selectFrom('mes.worker_assignments as a')
    .innerJoin('mes.production_plan_nodes as n', 'n.id', 'a.node_id')
    .innerJoin('mes.production_plans as p', 'p.id', 'a.plan_id')
    .select([
      'a.id', 'a.plan_id as planId', 'a.node_id as nodeDbId', 'n.node_id as nodeId', 'n.operation_id as operationId', 'n.quantity',
      'n.nominal_time as nominalTime', 'n.efficiency', 'a.status', 'a.worker_id as workerId', 'a.station_id as stationId',
      'a.substation_id as substationId', 'a.planned_start as plannedStart', 'p.status as planStatus',
      sql<{ stationId: string; time: number | null }[]>`(select json_agg(json_build_object('stationId', station_id, 'time', time_minutes)) from mes.node_stations where node_id = a.node_id)`.as('candidates'),
      sql<string | null>`(select ${isoSql('max(pa.planned_end)')} from mes.node_predecessors e
        join mes.worker_assignments pa on pa.node_id = e.predecessor_id and pa.status <> 'cancelled' where e.node_id = a.node_id)`.as('predecessorsEnd'),
    ])
    .where('a.id', '=', assignmentId)
    .forUpdate('a')
    .executeTakeFirst();
  return row;
}

export async function findWorkerForPin(db: Db, workerId: string) {
  const row = await sql<{ id: string; operations: string[] | null; stations: string[] | null; calendar: Parameters<typeof toShiftCalendar>[0] | null; hasCalendar: boolean }>`
    select w.id,
      (select json_agg(operation_id) from mes.worker_operations where worker_id = w.id) as operations,
      (select json_agg(station_id) from mes.worker_stations where worker_id = w.id) as stations,
      w.shift_calendar_id is not null as "hasCalendar",
      json_build_object(
        'windows', (select json_agg(json_build_object('weekday', weekday, 'start', start_minute, 'end', end_minute)) from mes.shift_calendar_windows where calendar_id = w.shift_calendar_id),
        'exceptions', (select json_agg(json_build_object('date', to_char(date, 'YYYY-MM-DD'), 'start', start_minute, 'end', end_minute)) from mes.shift_calendar_exceptions where calendar_id = w.shift_calendar_id)
      ) as calendar
    from mes.workers w where w.id = ${workerId} and w.archived_at is null`.execute(db);
  const w = row.rows[0];
  if (!w) return undefined;
  return {
    id: w.id,
    operations: new Set(w.operations ?? []),
    stations: new Set(w.stations ?? []),
    calendar: w.hasCalendar ? toShiftCalendar(w.calendar ?? undefined) : alwaysOnShift,
  };
}

/** A substation with its station, whether archived and its status. */
export function findSubstationForPin(db: Db, substationId: string) {
  return db
    .selectFrom('mes.substations')
    .select(['id', 'station_id as stationId', 'status', sql<boolean>`archived_at is not null`.as('archived')])
    .where('id', '=', substationId)
    .executeTakeFirst();
}

/** The earliest-planned not-cancelled assignment of the node's successors, if any. */
export function findFirstSuccessor(db: Db, nodeDbId: number) {
  return db
    .selectFrom('mes.node_predecessors as e')
    .innerJoin('mes.production_plan_nodes as n', 'n.id', 'e.node_id')
    .innerJoin('mes.worker_assignments as a', 'a.node_id', 'e.node_id')
    .select(['a.id', 'n.node_id as nodeId', 'a.planned_start as plannedStart'])
    .where('e.predecessor_id', '=', nodeDbId)
    .where('a.status', '<>', 'cancelled')
    .orderBy('a.planned_start')
    .orderBy('a.id')
    .executeTakeFirst();
}

/** An active booking of the worker or substation overlapping [start, end), other than the assignment itself. */
export function findOverlap(db: Db, assignmentId: string, workerId: string, substationId: string, start: Date, end: Date) {
  return db
    .selectFrom('mes.worker_assignments')
    .select(['id', 'worker_id as workerId', 'substation_id as substationId', 'planned_start as plannedStart', 'planned_end as plannedEnd'])
    .where('id', '<>', assignmentId)
    .where('status', 'in', openAssignmentStatuses)
    .where((eb) => eb.or([eb('worker_id', '=', workerId), eb('substation_id', '=', substationId)]))
    .where('planned_start', '<', end)
    .where('planned_end', '>', start)
    .orderBy('planned_start')
    .executeTakeFirst();
}
