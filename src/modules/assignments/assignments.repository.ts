/** SQL of worker assignments written by release, reschedule and cancel. */
import { sql, type Transaction } from 'kysely';
import type { AssignmentStatus, DB } from '../../db/schema.js';

export interface NewAssignment {
  nodeId: number;
  workerId: string;
  stationId: string;
  substationId: string;
  start: number;
  end: number;
  workMinutes: number;
  status: 'pending' | 'ready';
  pinned: boolean;
  waitReason: string | null;
}

/** Inserts assignments in one statement; returns their WA codes in input order. */
export async function insertAssignments(trx: Transaction<DB>, planId: string, rows: NewAssignment[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const codes = await sql<{ id: string }>`
    select mes.generate_assignment_code() as id from generate_series(1, ${rows.length}::int) g order by g`.execute(trx);
  const ids = codes.rows.map((r) => r.id);
  const json = rows.map((r, i) => ({
    id: ids[i],
    node_id: r.nodeId,
    worker_id: r.workerId,
    station_id: r.stationId,
    substation_id: r.substationId,
    planned_start: new Date(r.start).toISOString(),
    planned_end: new Date(r.end).toISOString(),
    work_minutes: r.workMinutes,
    status: r.status,
    pinned: r.pinned,
    wait_reason: r.waitReason,
  }));
  await sql`
    insert into mes.worker_assignments (id, plan_id, node_id, worker_id, station_id, substation_id, planned_start, planned_end,
      work_minutes, status, pinned, wait_reason)
    select id, ${planId}, node_id, worker_id, station_id, substation_id, planned_start, planned_end, work_minutes, status, pinned, wait_reason
      from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as x(id text, node_id bigint, worker_id text, station_id text,
        substation_id text, planned_start timestamptz, planned_end timestamptz, work_minutes numeric, status text, pinned boolean, wait_reason text)`.execute(trx);
  return ids;
}

/** Open assignments of a plan with what reschedule and cancel need. */
export function listPlanAssignments(trx: Transaction<DB>, planId: string, statuses: AssignmentStatus[]) {
  return trx
    .selectFrom('mes.worker_assignments')
    .select(['id', 'node_id as nodeId', 'worker_id as workerId', 'station_id as stationId', 'substation_id as substationId', 'status', 'pinned',
      'planned_start as plannedStart', 'planned_end as plannedEnd', 'actual_end as actualEnd'])
    .where('plan_id', '=', planId)
    .where('status', 'in', statuses)
    .orderBy('planned_start')
    .forUpdate()
    .execute();
}

export async function cancelAssignments(trx: Transaction<DB>, ids: string[], reason: string): Promise<void> {
  if (ids.length === 0) return;
  await trx.updateTable('mes.worker_assignments').set({ status: 'cancelled', wait_reason: reason }).where('id', 'in', ids).execute();
}

/** Frees the workers and substations that hold any of these assignments. */
export async function releaseHolders(trx: Transaction<DB>, assignmentIds: string[]): Promise<{ workers: string[]; substations: string[] }> {
  if (assignmentIds.length === 0) return { workers: [], substations: [] };
  const workers = await trx
    .updateTable('mes.workers')
    .set({ status: 'available', current_plan_id: null, current_node_id: null, current_assignment_id: null })
    .where('current_assignment_id', 'in', assignmentIds)
    .returning('id')
    .execute();
  const substations = await trx
    .updateTable('mes.substations')
    .set({ status: 'available', current_assignment_id: null })
    .where('current_assignment_id', 'in', assignmentIds)
    .returning('id')
    .execute();
  return { workers: workers.map((w) => w.id), substations: substations.map((s) => s.id) };
}
