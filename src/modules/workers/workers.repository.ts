/** SQL of workers, their qualifications and allowed stations, and shift calendars (this module owns those tables). */
import type { Db, Trx } from '../../db/database.js';
import { sql } from 'kysely';
import type { PageOf } from '../../shared/pagination.js';
import { openAssignmentStatuses } from '../../shared/schema.js';
import { take } from '../../db/locks.js';
import type { CalendarWindow } from './workers.rules.js';
import type { ShiftCalendar, ShiftExceptionRow, WorkerCreate, WorkerListQuery, WorkerUpdate } from './workers.schema.js';

/**
 * Workers allowed at a station who hold no task right now (the seed's
 * "available workers for a node" question), optionally qualified for an operation.
 */
export async function findAvailableWorkers(
  db: Db,
  stationId: string,
  operationId?: string,
): Promise<{ id: string; name: string; shiftCalendarId: string | null }[]> {
  let query = db
    .selectFrom('mes.workers as w')
    .innerJoin('mes.worker_stations as ws', 'ws.worker_id', 'w.id')
    .select(['w.id', 'w.name', 'w.shift_calendar_id as shiftCalendarId'])
    .where('ws.station_id', '=', stationId)
    .where('w.current_assignment_id', 'is', null)
    .where('w.archived_at', 'is', null);
  if (operationId) {
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('mes.worker_operations as wo')
          .select(sql`1`.as('one'))
          .whereRef('wo.worker_id', '=', 'w.id')
          .where('wo.operation_id', '=', operationId),
      ),
    );
  }
  return query.orderBy('w.id').execute();
}

// ---- workers ----------------------------------------------------------------

type WorkerListArgs = WorkerListQuery & { limit: number; offset: number; onShiftCalendarIds: readonly string[] };

function selectWorkers(db: Db) {
  return db.selectFrom('mes.workers as w').select([
    'w.id',
    'w.name',
    'w.email',
    'w.shift_calendar_id as shiftCalendarId',
    'w.status as storedStatus',
    'w.current_plan_id as currentPlanId',
    'w.current_assignment_id as currentAssignmentId',
    'w.archived_at as archivedAt',
    'w.created_at as createdAt',
    'w.updated_at as updatedAt',
    sql<string | null>`(select n.node_id from mes.production_plan_nodes n
        where n.id = coalesce(w.current_node_id, (select a.node_id from mes.worker_assignments a where a.id = w.current_assignment_id)))`.as('currentNodeId'),
    sql<string[]>`coalesce((select array_agg(ws.station_id order by ws.station_id) from mes.worker_stations ws where ws.worker_id = w.id), '{}')`.as(
      'stationIds',
    ),
    sql<string[]>`coalesce((select array_agg(wo.operation_id order by wo.operation_id) from mes.worker_operations wo where wo.worker_id = w.id), '{}')`.as(
      'operationIds',
    ),
  ]);
}
export type WorkerRow = Awaited<ReturnType<ReturnType<typeof selectWorkers>['executeTakeFirstOrThrow']>>;

/** One page of workers; `status` is the reported one, decided with the calendars on shift now. */
export async function listWorkers(db: Db, query: WorkerListArgs): Promise<{ rows: WorkerRow[]; total: number }> {
  let q = selectWorkers(db).select(sql<number>`count(*) over ()::int`.as('total'));
  if (!query.includeArchived) q = q.where('w.archived_at', 'is', null);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, '\\$&')}%`;
    q = q.where((eb) => eb.or([eb('w.id', 'ilike', like), eb('w.name', 'ilike', like), eb('w.email', 'ilike', like)]));
  }
  if (query.stationId) {
    const stationId = query.stationId;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('mes.worker_stations as ws')
          .select(sql`1`.as('one'))
          .whereRef('ws.worker_id', '=', 'w.id')
          .where('ws.station_id', '=', stationId),
      ),
    );
  }
  if (query.operationId) {
    const operationId = query.operationId;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('mes.worker_operations as wo')
          .select(sql`1`.as('one'))
          .whereRef('wo.worker_id', '=', 'w.id')
          .where('wo.operation_id', '=', operationId),
      ),
    );
  }
  const onShift = sql<boolean>`(w.shift_calendar_id is null or w.shift_calendar_id = any(${[...query.onShiftCalendarIds]}::text[]))`;
  if (query.status === 'available') q = q.where('w.status', '=', 'available').where(onShift);
  else if (query.status === 'off_shift') q = q.where('w.status', '=', 'available').where(sql<boolean>`not ${onShift}`);
  else if (query.status) q = q.where('w.status', '=', query.status);
  const rows = await q.orderBy('w.id').limit(query.limit).offset(query.offset).execute();
  const total = rows[0]?.total ?? (query.offset > 0 ? (await listWorkers(db, { ...query, limit: 1, offset: 0 })).total : 0);
  return { rows: rows.map(({ total: _t, ...r }) => r), total };
}

export async function findWorker(db: Db, id: string): Promise<WorkerRow | undefined> {
  return selectWorkers(db).where('w.id', '=', id).executeTakeFirst();
}

export async function lockWorker(trx: Trx, id: string) {
  take(trx, 'worker');
  return trx.selectFrom('mes.workers').select(['id', 'archived_at as archivedAt']).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Ids among `ids` of existing, non-archived stations or operations. */
export async function activeIds(trx: Db, table: 'mes.stations' | 'mes.operations', ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await trx.selectFrom(table).select('id').where('id', 'in', ids).where('archived_at', 'is', null).execute();
  return new Set(rows.map((r) => r.id));
}

export async function insertWorker(trx: Db, id: string, input: WorkerCreate): Promise<void> {
  await trx
    .insertInto('mes.workers')
    .values({ id, name: input.name, email: input.email ?? null, shift_calendar_id: input.shiftCalendarId ?? null })
    .execute();
}

export async function updateWorker(trx: Db, id: string, input: WorkerUpdate): Promise<void> {
  await trx
    .updateTable('mes.workers')
    .set({
      updated_at: new Date(),
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.shiftCalendarId !== undefined ? { shift_calendar_id: input.shiftCalendarId } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Replaces the worker's allowed stations or qualified operations. */
export async function replaceWorkerLinks(trx: Db, link: 'stations' | 'operations', workerId: string, ids: readonly string[]): Promise<void> {
  if (link === 'stations') {
    await trx.deleteFrom('mes.worker_stations').where('worker_id', '=', workerId).execute();
    if (ids.length > 0)
      await trx
        .insertInto('mes.worker_stations')
        .values(ids.map((station_id) => ({ worker_id: workerId, station_id })))
        .execute();
  } else {
    await trx.deleteFrom('mes.worker_operations').where('worker_id', '=', workerId).execute();
    if (ids.length > 0)
      await trx
        .insertInto('mes.worker_operations')
        .values(ids.map((operation_id) => ({ worker_id: workerId, operation_id })))
        .execute();
  }
}

/** Open assignments of the worker; narrowed to some stations or operations when given. */
export async function openAssignmentsOfWorker(
  trx: Db,
  workerId: string,
  only: { stationIds?: readonly string[]; operationIds?: readonly string[] } = {},
): Promise<string[]> {
  if (only.stationIds?.length === 0 || only.operationIds?.length === 0) return [];
  let q = trx
    .selectFrom('mes.worker_assignments as a')
    .innerJoin('mes.production_plan_nodes as n', 'n.id', 'a.node_id')
    .select('a.id')
    .where('a.worker_id', '=', workerId)
    .where('a.status', 'in', openAssignmentStatuses);
  if (only.stationIds) q = q.where('a.station_id', 'in', only.stationIds);
  if (only.operationIds) q = q.where('n.operation_id', 'in', only.operationIds);
  return (await q.orderBy('a.id').limit(5).execute()).map((r) => r.id);
}

export async function archiveWorker(trx: Db, id: string): Promise<void> {
  await trx.updateTable('mes.workers').set({ archived_at: new Date() }).where('id', '=', id).where('archived_at', 'is', null).execute();
}

// ---- the shop floor's hold on workers ---------------------------------------------

/** The worker row, locked, with their other task in progress or paused (if any). */
export async function lockWorkerForStart(trx: Trx, workerId: string, assignmentId: string) {
  take(trx, 'worker');
  const result = await sql<{ id: string; status: string; currentAssignmentId: string | null; otherTask: { assignmentId: string; status: string } | null }>`
    select w.id, w.status, w.current_assignment_id as "currentAssignmentId",
           coalesce(
             (select json_build_object('assignmentId', x.id, 'status', x.status) from mes.worker_assignments x
               where x.id = w.current_assignment_id and x.id <> ${assignmentId}),
             (select json_build_object('assignmentId', x.id, 'status', x.status) from mes.worker_assignments x
               where x.worker_id = w.id and x.status in ('in_progress', 'paused') and x.id <> ${assignmentId} order by x.id limit 1)
           ) as "otherTask"
      from mes.workers w where w.id = ${workerId}
       for update of w`.execute(trx);
  return result.rows[0]!;
}

/** The worker takes the assignment: busy with it. */
export async function occupyWorker(trx: Trx, workerId: string, task: { assignmentId: string; planId: string; nodeDbId: number }): Promise<void> {
  await trx
    .updateTable('mes.workers')
    .set({ status: 'busy', current_plan_id: task.planId, current_node_id: task.nodeDbId, current_assignment_id: task.assignmentId })
    .where('id', '=', workerId)
    .execute();
}

/** Sets the stored status of the worker holding this assignment (busy or on_break); returns who that was. */
export async function setStatusOfHolder(trx: Trx, assignmentId: string, status: 'busy' | 'on_break'): Promise<string[]> {
  const rows = await trx.updateTable('mes.workers').set({ status }).where('current_assignment_id', '=', assignmentId).returning('id').execute();
  return rows.map((r) => r.id);
}

/** Frees the workers holding any of these assignments (available, no current task); returns their ids. */
export async function freeWorkersHolding(trx: Trx, assignmentIds: readonly string[]): Promise<string[]> {
  if (assignmentIds.length === 0) return [];
  const rows = await trx
    .updateTable('mes.workers')
    .set({ status: 'available', current_plan_id: null, current_node_id: null, current_assignment_id: null })
    .where('current_assignment_id', 'in', assignmentIds)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

// ---- shift calendars ----------------------------------------------------------

function selectShiftCalendars(db: Db) {
  return db.selectFrom('mes.shift_calendars as c').select([
    'c.id',
    'c.name',
    sql<ShiftCalendar['windows']>`coalesce((
        select json_agg(json_build_object('weekday', cw.weekday, 'startMinute', cw.start_minute, 'endMinute', cw.end_minute)
                        order by cw.weekday, cw.start_minute)
          from mes.shift_calendar_windows cw where cw.calendar_id = c.id), '[]'::json)`.as('windows'),
    sql<ShiftCalendar['exceptions']>`coalesce((
        select json_agg(json_build_object('date', ce.date::text, 'startMinute', ce.start_minute, 'endMinute', ce.end_minute, 'note', ce.note)
                        order by ce.date, ce.start_minute nulls first)
          from mes.shift_calendar_exceptions ce where ce.calendar_id = c.id), '[]'::json)`.as('exceptions'),
  ]);
}

/** One page of calendars in code order; `q` searches code and name. */
export async function listShiftCalendars(db: Db, page: { q?: string | undefined; limit: number; offset: number }): Promise<PageOf<ShiftCalendar>> {
  let q = selectShiftCalendars(db).select(sql<number>`count(*) over ()::int`.as('total'));
  if (page.q) {
    const like = `%${page.q.replace(/[\\%_]/g, '\\$&')}%`;
    q = q.where((eb) => eb.or([eb('c.id', 'ilike', like), eb('c.name', 'ilike', like)]));
  }
  const rows = await q.orderBy('c.id').limit(page.limit).offset(page.offset).execute();
  const total = rows[0]?.total ?? (page.offset > 0 ? (await listShiftCalendars(db, { q: page.q, limit: 1, offset: 0 })).total : 0);
  return { items: rows.map(({ total: _t, ...r }) => r), total, limit: page.limit, offset: page.offset };
}

/** Calendars by id, or every calendar when `ids` is absent. */
export async function findShiftCalendars(db: Db, ids?: readonly string[]): Promise<ShiftCalendar[]> {
  if (ids?.length === 0) return [];
  let q = selectShiftCalendars(db);
  if (ids) q = q.where('c.id', 'in', ids);
  return q.orderBy('c.id').execute();
}

export async function findShiftCalendar(db: Db, id: string): Promise<ShiftCalendar | undefined> {
  return selectShiftCalendars(db).where('c.id', '=', id).executeTakeFirst();
}

export async function lockShiftCalendar(trx: Trx, id: string): Promise<boolean> {
  take(trx, 'shift-calendar');
  return (await trx.selectFrom('mes.shift_calendars').select('id').where('id', '=', id).forUpdate().executeTakeFirst()) !== undefined;
}

export async function insertShiftCalendar(trx: Db, id: string, name: string): Promise<void> {
  await trx.insertInto('mes.shift_calendars').values({ id, name }).execute();
}

export async function renameShiftCalendar(trx: Db, id: string, name: string): Promise<void> {
  await trx.updateTable('mes.shift_calendars').set({ name }).where('id', '=', id).execute();
}

type ExceptionInput = Omit<ShiftExceptionRow, 'note' | 'startMinute' | 'endMinute'> & { startMinute?: number | null; endMinute?: number | null; note?: string };

/** Replaces every window and exception of the calendar. */
export async function replaceShiftCalendarTimes(trx: Db, id: string, windows: readonly CalendarWindow[], exceptions: readonly ExceptionInput[]): Promise<void> {
  await trx.deleteFrom('mes.shift_calendar_windows').where('calendar_id', '=', id).execute();
  await trx.deleteFrom('mes.shift_calendar_exceptions').where('calendar_id', '=', id).execute();
  if (windows.length > 0) {
    await trx
      .insertInto('mes.shift_calendar_windows')
      .values(windows.map((w) => ({ calendar_id: id, weekday: w.weekday, start_minute: w.startMinute, end_minute: w.endMinute })))
      .execute();
  }
  if (exceptions.length > 0) {
    await trx
      .insertInto('mes.shift_calendar_exceptions')
      .values(
        exceptions.map((e) => ({ calendar_id: id, date: e.date, start_minute: e.startMinute ?? null, end_minute: e.endMinute ?? null, note: e.note ?? '' })),
      )
      .execute();
  }
}

/** Active (non-archived) workers that use the calendar. */
export async function activeWorkersUsingCalendar(trx: Db, id: string): Promise<string[]> {
  const rows = await trx.selectFrom('mes.workers').select('id').where('shift_calendar_id', '=', id).where('archived_at', 'is', null).orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** The active substations whose availability calendar it is (a read across owners: what a calendar change repairs). */
export async function substationsUsingCalendar(trx: Db, id: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('mes.substations')
    .select('id')
    .where('availability_calendar_id', '=', id)
    .where('archived_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Deletes the calendar; archived workers that still name it lose it. */
export async function deleteShiftCalendar(trx: Db, id: string): Promise<void> {
  await trx.updateTable('mes.workers').set({ shift_calendar_id: null }).where('shift_calendar_id', '=', id).where('archived_at', 'is not', null).execute();
  await trx.deleteFrom('mes.shift_calendars').where('id', '=', id).execute();
}
