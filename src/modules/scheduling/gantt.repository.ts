/**
 * SQL behind the Gantt views: a plan's bars (live or archived), a worker's bars
 * across plans, and what splits a bar into worked segments (the shift calendars
 * of its workers and substations, the substations' maintenance blocks).
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { isoSql } from '../../shared/dates.js';
import type { ShiftCalendar } from '../../scheduler/index.js';
import type { GanttBarRow, GanttBlock } from './gantt.schema.js';
import { alwaysOnShift, toShiftCalendar } from './scheduling.repository.js';

/** Whether the plan exists and is archived (its bars then come from the archive), and its due date; undefined when it does not exist. */
export function findGanttPlan(db: Db, planId: string) {
  return db
    .selectFrom('mes.production_plans')
    .select(['id', sql<boolean>`archived_at is not null`.as('archived'), sql<string | null>`${isoSql('due_date')}`.as('dueDate')])
    .where('id', '=', planId)
    .executeTakeFirst();
}

export async function workerExists(db: Db, workerId: string): Promise<boolean> {
  return (await db.selectFrom('mes.workers').select('id').where('id', '=', workerId).executeTakeFirst()) !== undefined;
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
      sql<string | null>`${isoSql('a.baseline_start')}`.as('baselineStart'),
      sql<string | null>`${isoSql('a.baseline_end')}`.as('baselineEnd'),
    ])
    .where('a.status', '<>', 'cancelled')
    .orderBy('a.planned_start')
    .orderBy('a.id');
}

export function planBars(db: Db, planId: string): Promise<GanttBarRow[]> {
  return bars(db).where('a.plan_id', '=', planId).execute();
}

/** An archived plan's bars, from its archive document (station and substation names from master data). */
export async function archivedPlanBars(db: Db, planId: string): Promise<GanttBarRow[]> {
  const result = await sql<GanttBarRow>`
    select a->>'id' as "assignmentId", x.plan_id as "planId", n->>'nodeId' as "nodeId", n->>'name' as name,
           n->>'operationId' as "operationId", a->>'status' as status, a->>'workerId' as "workerId", a->>'workerName' as "workerName",
           a->>'stationId' as "stationId", coalesce(s.name, a->>'stationId') as "stationName",
           a->>'substationId' as "substationId", coalesce(ss.name, a->>'substationId') as "substationName",
           a->>'plannedStart' as "plannedStart", a->>'plannedEnd' as "plannedEnd", a->>'actualStart' as "actualStart",
           a->>'actualEnd' as "actualEnd", coalesce((a->>'pinned')::boolean, false) as pinned, a->'waitReason' as "waitReason",
           a->>'baselineStart' as "baselineStart", a->>'baselineEnd' as "baselineEnd"
      from mes.plan_archives x
     cross join lateral jsonb_array_elements(x.document->'nodes') as n
     cross join lateral (select n->'assignment' as a) as asg
      left join mes.stations s on s.id = a->>'stationId'
      left join mes.substations ss on ss.id = a->>'substationId'
     where x.plan_id = ${planId} and jsonb_typeof(a) = 'object'
     order by a->>'plannedStart', a->>'id'`.execute(db);
  return result.rows;
}

export function workerBars(db: Db, workerId: string, from: Date, to: Date): Promise<GanttBarRow[]> {
  return bars(db).where('a.worker_id', '=', workerId).where('a.planned_end', '>', from).where('a.planned_start', '<', to).execute();
}

/**
 * The shift calendars that split bars: each worker's and each substation's
 * (availability), by resource id; a resource without a calendar is always
 * available. Dated exceptions only from a little before `from`.
 */
export async function resourceCalendars(
  db: Db,
  workerIds: string[],
  substationIds: string[],
  from: Date,
): Promise<{ workers: Map<string, ShiftCalendar>; substations: Map<string, ShiftCalendar> }> {
  const result = await sql<{
    kind: 'worker' | 'substation';
    id: string;
    calendar: Parameters<typeof toShiftCalendar>[0] | null;
  }>`
    with r as (
      select 'worker' as kind, id, shift_calendar_id as calendar_id from mes.workers where id = any(${workerIds}::text[])
      union all
      select 'substation', id, availability_calendar_id from mes.substations where id = any(${substationIds}::text[]))
    select r.kind, r.id,
      case when r.calendar_id is null then null else json_build_object(
        'windows', (select json_agg(json_build_object('weekday', weekday, 'start', start_minute, 'end', end_minute))
                      from mes.shift_calendar_windows where calendar_id = r.calendar_id),
        'exceptions', (select json_agg(json_build_object('date', to_char(date, 'YYYY-MM-DD'), 'start', start_minute, 'end', end_minute))
                         from mes.shift_calendar_exceptions
                        where calendar_id = r.calendar_id and date >= (${from}::timestamptz - interval '2 days')::date)) end as calendar
      from r`.execute(db);
  const workers = new Map<string, ShiftCalendar>();
  const substations = new Map<string, ShiftCalendar>();
  for (const row of result.rows) {
    (row.kind === 'worker' ? workers : substations).set(row.id, row.calendar ? toShiftCalendar(row.calendar) : alwaysOnShift);
  }
  return { workers, substations };
}

/** Maintenance blocks of the substations overlapping [from, to), in start order. */
export function substationBlocks(db: Db, substationIds: string[], from: Date, to: Date): Promise<GanttBlock[]> {
  if (substationIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('mes.substation_blocks')
    .select([
      sql<string>`id::text`.as('id'),
      'substation_id as substationId',
      sql<string>`${isoSql('starts_at')}`.as('start'),
      sql<string>`${isoSql('ends_at')}`.as('end'),
      'reason',
    ])
    .where('substation_id', 'in', substationIds)
    .where('ends_at', '>', from)
    .where('starts_at', '<', to)
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
}
