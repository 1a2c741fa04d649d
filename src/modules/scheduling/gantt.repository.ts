/** SQL behind the Gantt views: a plan's bars (live or archived) and a worker's bars across plans. */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { isoSql } from '../../shared/dates.js';
import type { GanttBar } from './gantt.schema.js';

/** Whether the plan exists and is archived (its bars then come from the archive); undefined when it does not exist. */
export function findGanttPlan(db: Db, planId: string) {
  return db
    .selectFrom('mes.production_plans')
    .select(['id', sql<boolean>`archived_at is not null`.as('archived')])
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
    ])
    .where('a.status', '<>', 'cancelled')
    .orderBy('a.planned_start')
    .orderBy('a.id');
}

export function planBars(db: Db, planId: string): Promise<GanttBar[]> {
  return bars(db).where('a.plan_id', '=', planId).execute();
}

/** An archived plan's bars, from its archive document (station and substation names from master data). */
export async function archivedPlanBars(db: Db, planId: string): Promise<GanttBar[]> {
  const result = await sql<GanttBar>`
    select a->>'id' as "assignmentId", x.plan_id as "planId", n->>'nodeId' as "nodeId", n->>'name' as name,
           n->>'operationId' as "operationId", a->>'status' as status, a->>'workerId' as "workerId", a->>'workerName' as "workerName",
           a->>'stationId' as "stationId", coalesce(s.name, a->>'stationId') as "stationName",
           a->>'substationId' as "substationId", coalesce(ss.name, a->>'substationId') as "substationName",
           a->>'plannedStart' as "plannedStart", a->>'plannedEnd' as "plannedEnd", a->>'actualStart' as "actualStart",
           a->>'actualEnd' as "actualEnd", coalesce((a->>'pinned')::boolean, false) as pinned, a->'waitReason' as "waitReason"
      from mes.plan_archives x
     cross join lateral jsonb_array_elements(x.document->'nodes') as n
     cross join lateral (select n->'assignment' as a) as asg
      left join mes.stations s on s.id = a->>'stationId'
      left join mes.substations ss on ss.id = a->>'substationId'
     where x.plan_id = ${planId} and jsonb_typeof(a) = 'object'
     order by a->>'plannedStart', a->>'id'`.execute(db);
  return result.rows;
}

export function workerBars(db: Db, workerId: string, from: Date, to: Date): Promise<GanttBar[]> {
  return bars(db).where('a.worker_id', '=', workerId).where('a.planned_end', '>', from).where('a.planned_start', '<', to).execute();
}
