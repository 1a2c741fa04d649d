/**
 * SQL of worker assignments, their pauses and problems (this module owns those
 * tables and mes.idempotency_keys): written by release, reschedule and cancel,
 * moved by a planner, and moved on by the shop-floor actions.
 */
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.js';
import { take } from '../../db/locks.js';
import type { AssignmentStatus, PauseReason, ProblemCategory } from '../../db/schema.js';
import type { CancelCause, WaitReason } from '../../shared/wait-reasons.js';

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
  waitReason: WaitReason[] | null;
}

/** A booking's columns as the JSON records the set-based insert and rebooking read. */
function bookingColumns(r: Omit<NewAssignment, 'nodeId'>) {
  return {
    worker_id: r.workerId,
    station_id: r.stationId,
    substation_id: r.substationId,
    planned_start: new Date(r.start).toISOString(),
    planned_end: new Date(r.end).toISOString(),
    work_minutes: r.workMinutes,
    status: r.status,
    pinned: r.pinned,
    wait_reason: r.waitReason,
  };
}

/** Inserts assignments in one statement; returns their WA codes in input order. */
export function insertAssignments(trx: Trx, planId: string, rows: NewAssignment[]): Promise<string[]> {
  return insertAssignmentsOfPlans(
    trx,
    rows.map((r) => ({ ...r, planId })),
  );
}

/** Inserts assignments of several plans in one statement (the floor's reschedule); returns their WA codes in input order. */
export async function insertAssignmentsOfPlans(trx: Trx, rows: (NewAssignment & { planId: string })[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const codes = await sql<{ id: string }>`
    select mes.generate_assignment_code() as id from generate_series(1, ${rows.length}::int) g order by g`.execute(trx);
  const ids = codes.rows.map((r) => r.id);
  const json = rows.map((r, i) => ({ id: ids[i], plan_id: r.planId, node_id: r.nodeId, ...bookingColumns(r) }));
  await sql`
    insert into mes.worker_assignments (id, plan_id, node_id, worker_id, station_id, substation_id, planned_start, planned_end,
      work_minutes, status, pinned, wait_reason)
    select id, plan_id, node_id, worker_id, station_id, substation_id, planned_start, planned_end, work_minutes, status, pinned, wait_reason
      from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as x(id text, plan_id text, node_id bigint, worker_id text, station_id text,
        substation_id text, planned_start timestamptz, planned_end timestamptz, work_minutes numeric, status text, pinned boolean, wait_reason jsonb)`.execute(
    trx,
  );
  return ids;
}

/** Open assignments of a plan with what reschedule and cancel need. */
export function listPlanAssignments(trx: Trx, planId: string, statuses: AssignmentStatus[]) {
  take(trx, 'assignment');
  return trx
    .selectFrom('mes.worker_assignments')
    .select([
      'id',
      'node_id as nodeId',
      'worker_id as workerId',
      'station_id as stationId',
      'substation_id as substationId',
      'status',
      'pinned',
      'planned_start as plannedStart',
      'planned_end as plannedEnd',
      'actual_end as actualEnd',
    ])
    .where('plan_id', '=', planId)
    .where('status', 'in', statuses)
    .orderBy('planned_start')
    .forUpdate()
    .execute();
}

/** Open assignments of several plans (the floor's reschedule), locked, with their plan id: one statement, each plan's through its index. */
export async function listAssignmentsOfPlans(trx: Trx, planIds: readonly string[], statuses: AssignmentStatus[]) {
  take(trx, 'assignment');
  const result = await sql<{
    id: string;
    planId: string;
    nodeId: number;
    workerId: string;
    stationId: string;
    substationId: string;
    status: AssignmentStatus;
    pinned: boolean;
    plannedStart: Date;
    plannedEnd: Date;
    actualEnd: Date | null;
  }>`
    select a.id, a.plan_id as "planId", a.node_id as "nodeId", a.worker_id as "workerId", a.station_id as "stationId",
           a.substation_id as "substationId", a.status, a.pinned, a.planned_start as "plannedStart", a.planned_end as "plannedEnd",
           a.actual_end as "actualEnd"
      from (select distinct unnest(${[...planIds]}::text[]) as id) ids
     cross join lateral (select * from mes.worker_assignments a where a.plan_id = ids.id and a.status = any(${statuses}::text[]) for update) a
     order by a.plan_id, a.planned_start`.execute(trx);
  return result.rows;
}

export async function cancelAssignments(trx: Trx, ids: string[], cause: CancelCause): Promise<void> {
  if (ids.length === 0) return;
  const reasons: WaitReason[] = [{ kind: 'cancelled', cause }];
  await trx
    .updateTable('mes.worker_assignments')
    .set({ status: 'cancelled', wait_reason: JSON.stringify(reasons) })
    .where('id', 'in', ids)
    .execute();
}

/**
 * The floor's reschedule: not-started assignments take their new worker, station, substation and times in place (one statement;
 * they keep their ids). The exclusion constraints are deferred for it (A moving into B's old slot while B moves on is no overlap,
 * in whatever order the rows are written) and checked again at once after it. The new schedule is the planner's: no baseline.
 */
export async function rebookAssignments(trx: Trx, rows: (Omit<NewAssignment, 'nodeId'> & { id: string })[]): Promise<void> {
  if (rows.length === 0) return;
  const json = rows.map((r) => ({ id: r.id, ...bookingColumns(r) }));
  const constraints = sql.raw('mes.worker_assignments_worker_no_overlap, mes.worker_assignments_substation_no_overlap');
  await sql`set constraints ${constraints} deferred`.execute(trx);
  await sql`
    update mes.worker_assignments a
       set worker_id = x.worker_id, station_id = x.station_id, substation_id = x.substation_id, planned_start = x.planned_start,
           planned_end = x.planned_end, work_minutes = x.work_minutes, status = x.status, pinned = x.pinned, wait_reason = x.wait_reason,
           baseline_start = null, baseline_end = null, version = a.version + 1,
           -- the new resources' booking keys, which the foreign keys check against the ids (0041) instead of a row trigger
           -- looking each up again; an unknown id keeps the old key, so the trigger runs and names the missing row
           worker_key = coalesce(w.booking_key, a.worker_key), substation_key = coalesce(s.booking_key, a.substation_key)
      from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as x(id text, worker_id text, station_id text, substation_id text,
             planned_start timestamptz, planned_end timestamptz, work_minutes numeric, status text, pinned boolean, wait_reason jsonb)
           left join mes.workers w on w.id = x.worker_id left join mes.substations s on s.id = x.substation_id
     where a.id = x.id and a.status in ('pending', 'ready')`.execute(trx);
  await sql`set constraints ${constraints} immediate`.execute(trx);
}

/** A planner's move: the not-started assignment goes to this worker, station, substation and time, pinned. */
export async function moveAssignment(
  trx: Trx,
  id: string,
  to: { workerId: string; stationId: string; substationId: string; start: Date; end: Date; workMinutes: number },
): Promise<void> {
  await trx
    .updateTable('mes.worker_assignments')
    .set((eb) => ({
      worker_id: to.workerId,
      station_id: to.stationId,
      substation_id: to.substationId,
      planned_start: to.start,
      planned_end: to.end,
      work_minutes: to.workMinutes,
      pinned: true,
      wait_reason: null,
      // the planner's booking: it is the plan again (0017)
      baseline_start: null,
      baseline_end: null,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .execute();
}

// ---- shop floor: locks and writes of start, pause, resume, complete ---------------

/** Whose an assignment is and its plan, unlocked: the plan never changes; the worker may (a planner's pin), so check again once locked. */
export function findAssignmentOwner(db: Db, id: string) {
  return db.selectFrom('mes.worker_assignments').select(['id', 'plan_id as planId', 'worker_id as workerId']).where('id', '=', id).executeTakeFirst();
}

/** The assignment row with what the actions need of its node; locked until the transaction ends. Lock the plan first. */
export function lockAssignment(trx: Trx, id: string) {
  take(trx, 'assignment');
  return trx
    .selectFrom('mes.worker_assignments as a')
    .innerJoin('mes.production_plan_nodes as n', 'n.id', 'a.node_id')
    .select([
      'a.id',
      'a.status',
      'a.plan_id as planId',
      'a.node_id as nodeDbId',
      'n.node_id as nodeId',
      'n.name as nodeName',
      'n.quantity as nodeQuantity',
      'n.output_material_code as outputMaterialCode',
      'n.output_quantity as outputQuantity',
      'a.worker_id as workerId',
      'a.station_id as stationId',
      'a.substation_id as substationId',
      'a.actual_start as actualStart',
    ])
    .where('a.id', '=', id)
    .forUpdate('a')
    .executeTakeFirstOrThrow();
}
export type LockedAssignment = Awaited<ReturnType<typeof lockAssignment>>;

/** Predecessor nodes whose (open or completed) assignment is not completed, in plan order. */
export async function waitingPredecessors(db: Db, nodeDbId: number) {
  const result = await sql<{
    nodeId: string;
    nodeName: string;
    assignmentId: string | null;
    status: AssignmentStatus | null;
    workerId: string | null;
    workerName: string | null;
  }>`
    select pn.node_id as "nodeId", pn.name as "nodeName", pa.id as "assignmentId", pa.status, pa.worker_id as "workerId", pw.name as "workerName"
      from mes.node_predecessors e
      join mes.production_plan_nodes pn on pn.id = e.predecessor_id
      left join mes.worker_assignments pa on pa.node_id = pn.id and pa.status <> 'cancelled'
      left join mes.workers pw on pw.id = pa.worker_id
     where e.node_id = ${nodeDbId} and pa.status is distinct from 'completed'
     order by pn.sequence`.execute(db);
  return result.rows;
}

export async function markStarted(trx: Trx, id: string, now: Date, by: string): Promise<void> {
  await trx
    .updateTable('mes.worker_assignments')
    .set((eb) => ({ status: 'in_progress', actual_start: now, started_by: by, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export async function setAssignmentStatus(trx: Trx, id: string, status: AssignmentStatus, pausedMinutes?: number): Promise<void> {
  await trx
    .updateTable('mes.worker_assignments')
    .set((eb) => ({ status, version: eb('version', '+', 1), ...(pausedMinutes !== undefined ? { paused_minutes: pausedMinutes } : {}) }))
    .where('id', '=', id)
    .execute();
}

export async function openPause(trx: Trx, p: { assignmentId: string; reason: PauseReason; note: string; at: Date; by: string }) {
  return trx
    .insertInto('mes.assignment_pauses')
    .values({ assignment_id: p.assignmentId, reason: p.reason, note: p.note, started_at: p.at, started_by: p.by })
    .returning(['id', 'started_at as startedAt'])
    .executeTakeFirstOrThrow();
}

/** Ends the open pause (never before it began); undefined when none was open. */
export async function closeOpenPause(trx: Trx, assignmentId: string, at: Date) {
  return trx
    .updateTable('mes.assignment_pauses')
    .set({ ended_at: sql`greatest(started_at, ${at}::timestamptz)` })
    .where('assignment_id', '=', assignmentId)
    .where('ended_at', 'is', null)
    .returning(['id', 'reason', 'started_at as startedAt', 'ended_at as endedAt'])
    .executeTakeFirst();
}

/**
 * Ends the open pauses of assignments that stop for good (their plan is
 * cancelled), so no pause stays open on a cancelled assignment. For cancelPlan.
 */
export async function endOpenPauses(trx: Trx, assignmentIds: string[], at: Date): Promise<void> {
  if (assignmentIds.length === 0) return;
  await trx
    .updateTable('mes.assignment_pauses')
    .set({ ended_at: sql`greatest(started_at, ${at}::timestamptz)` })
    .where('assignment_id', 'in', assignmentIds)
    .where('ended_at', 'is', null)
    .execute();
}

export function pauseTimes(trx: Trx, assignmentId: string) {
  return trx.selectFrom('mes.assignment_pauses').select(['started_at as startedAt', 'ended_at as endedAt']).where('assignment_id', '=', assignmentId).execute();
}

export async function markCompleted(
  trx: Trx,
  id: string,
  c: {
    at: Date;
    by: string;
    goodQuantity: number;
    scrapQuantity: number;
    scrapReason: string | null;
    note: string | undefined;
    pausedMinutes: number;
    workedMinutes: number;
  },
): Promise<void> {
  await trx
    .updateTable('mes.worker_assignments')
    .set((eb) => ({
      status: 'completed',
      actual_end: c.at,
      completed_by: c.by,
      good_quantity: c.goodQuantity,
      scrap_quantity: c.scrapQuantity,
      scrap_reason: c.scrapReason,
      paused_minutes: c.pausedMinutes,
      worked_minutes: c.workedMinutes,
      ...(c.note !== undefined ? { note: c.note } : {}),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .execute();
}

/** Material inputs of a node; fromNodeId is the node id of the predecessor whose output it is. */
export async function nodeInputs(db: Db, nodeDbId: number) {
  const result = await sql<{ materialCode: string; requiredQuantity: number; fromNodeId: string | null }>`
    select i.material_code as "materialCode", i.required_quantity as "requiredQuantity", fn.node_id as "fromNodeId"
      from mes.node_material_inputs i left join mes.production_plan_nodes fn on fn.id = i.from_node_id
     where i.node_id = ${nodeDbId}
     order by i.material_code collate "C"`.execute(db);
  return result.rows;
}

/** Pending successors of a node whose predecessors are now all completed become ready. */
export async function readySuccessors(trx: Trx, planId: string, nodeDbId: number) {
  const result = await sql<{ id: string; workerId: string; stationId: string; substationId: string; nodeId: string }>`
    update mes.worker_assignments a set status = 'ready', version = a.version + 1
      from mes.production_plan_nodes n
     where n.id = a.node_id and a.plan_id = ${planId} and a.status = 'pending'
       and a.node_id in (select e.node_id from mes.node_predecessors e where e.predecessor_id = ${nodeDbId})
       and not exists (
         select 1 from mes.node_predecessors e
          where e.node_id = a.node_id
            and not exists (select 1 from mes.worker_assignments pa where pa.node_id = e.predecessor_id and pa.status = 'completed'))
    returning a.id, a.worker_id as "workerId", a.station_id as "stationId", a.substation_id as "substationId", n.node_id as "nodeId"`.execute(trx);
  return result.rows;
}

/** True when every node of the plan has a completed assignment. */
export async function allNodesCompleted(trx: Trx, planId: string): Promise<boolean> {
  const result = await sql<{ done: boolean }>`
    select not exists (
      select 1 from mes.production_plan_nodes n
       where n.plan_id = ${planId}
         and not exists (select 1 from mes.worker_assignments a where a.node_id = n.id and a.status = 'completed')) as done`.execute(trx);
  return result.rows[0]!.done;
}

// ---- problems -------------------------------------------------------------------

export async function insertProblem(
  trx: Trx,
  p: { assignmentId: string; planId: string; category: ProblemCategory; text: string; by: string; at: Date },
): Promise<number> {
  const row = await trx
    .insertInto('mes.assignment_problems')
    .values({ assignment_id: p.assignmentId, plan_id: p.planId, category: p.category, text: p.text, reported_by: p.by, reported_at: p.at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function lockProblem(trx: Trx, id: number) {
  take(trx, 'problem');
  return trx
    .selectFrom('mes.assignment_problems as pr')
    .innerJoin('mes.worker_assignments as a', 'a.id', 'pr.assignment_id')
    .select([
      'pr.id',
      'pr.assignment_id as assignmentId',
      'pr.plan_id as planId',
      'pr.resolved_at as resolvedAt',
      'pr.resolved_by as resolvedBy',
      'a.worker_id as workerId',
      'a.station_id as stationId',
    ])
    .where('pr.id', '=', id)
    .forUpdate('pr')
    .executeTakeFirst();
}

export async function resolveProblem(trx: Trx, id: number, r: { by: string; at: Date; resolution: string }): Promise<void> {
  await trx
    .updateTable('mes.assignment_problems')
    .set({ resolved_at: sql<Date>`greatest(reported_at, ${r.at}::timestamptz)`, resolved_by: r.by, resolution: r.resolution })
    .where('id', '=', id)
    .execute();
}
