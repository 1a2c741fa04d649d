/** Use cases of workers and shift calendars: one function, one transaction. */
import type { Db, Trx } from '../../db/database.js';
import { lockScheduling } from '../../db/locks.js';
import { recordEvents } from '../realtime/index.js';
import { repairBookings } from '../scheduling/index.js';
import { nextMasterCode } from '../../shared/codes.js';
import { DomainError, m, messageOfDetail, notFound } from '../../shared/errors.js';
import type { PageOf } from '../../shared/pagination.js';
import { unfinishedPlansReferencing } from '../plans/index.js';
import * as repo from './workers.repository.js';
import { calendarGained, isOnShift, reportedStatus, shiftCalendarProblems } from './workers.rules.js';
import type { ShiftCalendar, ShiftCalendarCreate, ShiftCalendarReplace, Worker, WorkerCreate, WorkerListQuery, WorkerUpdate } from './workers.schema.js';

/** Reads that need nothing but the query. */
export { listShiftCalendars } from './workers.repository.js';

/** When "now" is, and the plant's offset from UTC: what off_shift is decided with. */
export interface ShiftClock {
  now: Date;
  utcOffsetMinutes: number;
}

function toWorker(row: repo.WorkerRow, calendars: ReadonlyMap<string, ShiftCalendar>, clock: ShiftClock): Worker {
  const { shiftCalendarId, storedStatus, currentPlanId, currentAssignmentId, currentNodeId, ...rest } = row;
  const shiftCalendar = (shiftCalendarId && calendars.get(shiftCalendarId)) || null;
  return {
    ...rest,
    shiftCalendar,
    status: reportedStatus(storedStatus, shiftCalendar, clock.now, clock.utcOffsetMinutes),
    currentTask: currentAssignmentId && currentPlanId ? { planId: currentPlanId, nodeId: currentNodeId, assignmentId: currentAssignmentId } : null,
    archivedAt: rest.archivedAt ? rest.archivedAt.toISOString() : null,
    createdAt: rest.createdAt.toISOString(),
    updatedAt: rest.updatedAt.toISOString(),
  };
}

async function loadWorker(db: Db, id: string, clock: ShiftClock): Promise<Worker | undefined> {
  const row = await repo.findWorker(db, id);
  if (!row) return undefined;
  const calendars = await repo.findShiftCalendars(db, row.shiftCalendarId ? [row.shiftCalendarId] : []);
  return toWorker(row, new Map(calendars.map((c) => [c.id, c])), clock);
}

export async function listWorkers(db: Db, query: WorkerListQuery & { limit: number; offset: number }, clock: ShiftClock): Promise<PageOf<Worker>> {
  // calendars are few: decide which are on shift now, and let SQL filter by that
  const calendars = await repo.findShiftCalendars(db);
  const onShiftCalendarIds = calendars.filter((c) => isOnShift(c, clock.now, clock.utcOffsetMinutes)).map((c) => c.id);
  const { rows, total } = await repo.listWorkers(db, { ...query, onShiftCalendarIds });
  const byId = new Map(calendars.map((c) => [c.id, c]));
  return { items: rows.map((r) => toWorker(r, byId, clock)), total, limit: query.limit, offset: query.offset };
}

/** One worker; an operator may read only their own record (planners and admins any). */
export async function getWorker(db: Db, id: string, clock: ShiftClock, user: { role: string; workerId: string | null }): Promise<Worker> {
  if (user.role === 'operator' && user.workerId !== id)
    throw new DomainError('forbidden', m('worker.own_record_only', { you: user.workerId ?? '', workerId: id }));
  const worker = await loadWorker(db, id, clock);
  if (!worker) throw notFound('worker', id);
  return worker;
}

/** Stations and operations must exist and not be archived; the calendar must exist (422 naming the field). */
async function assertReferences(trx: Trx, input: WorkerUpdate): Promise<void> {
  const lists = [
    ['station', 'mes.stations', 'stationIds', input.stationIds],
    ['operation', 'mes.operations', 'operationIds', input.operationIds],
  ] as const;
  for (const [what, table, field, ids] of lists) {
    if (!ids) continue;
    const active = await repo.activeIds(trx, table, ids);
    const index = ids.findIndex((id) => !active.has(id));
    if (index >= 0) {
      const id = ids[index]!;
      throw new DomainError('rule_violated', what === 'station' ? m('station.missing_or_archived', { id }) : m('operation.missing_or_archived', { id }), {
        field: `body/${field}/${index}`,
      });
    }
  }
  if (input.shiftCalendarId && !(await repo.findShiftCalendar(trx, input.shiftCalendarId))) {
    throw new DomainError('rule_violated', m('not_found.shift_calendar', { id: input.shiftCalendarId }), { field: 'body/shiftCalendarId' });
  }
}

export async function createWorker(db: Db, input: WorkerCreate, actor: string, clock: ShiftClock): Promise<Worker> {
  return db.transaction().execute(async (trx) => {
    const id = input.id ?? (await nextMasterCode(trx, 'workers', 'W'));
    if (await repo.findWorker(trx, id)) throw new DomainError('conflict', m('worker.exists', { workerId: id }), { field: 'body/id' });
    await assertReferences(trx, input);
    await repo.insertWorker(trx, id, input);
    await repo.replaceWorkerLinks(trx, 'stations', id, input.stationIds ?? []);
    await repo.replaceWorkerLinks(trx, 'operations', id, input.operationIds ?? []);
    await recordEvents(trx, [{ topic: 'workers', entityType: 'worker', entityId: id, workerId: id, change: 'created', payload: { name: input.name } }], actor);
    return (await loadWorker(trx, id, clock))!;
  });
}

export async function updateWorker(db: Db, id: string, input: WorkerUpdate, actor: string, clock: ShiftClock): Promise<Worker> {
  return db.transaction().execute(async (trx) => {
    // another shift calendar repairs the worker's bookings: the scheduling lock comes before the worker's (src/db/locks.ts)
    if (input.shiftCalendarId !== undefined) await lockScheduling(trx);
    if (!(await repo.lockWorker(trx, id))) throw notFound('worker', id);
    await assertReferences(trx, input);
    const current = (await repo.findWorker(trx, id))!;
    const removed = (before: string[], after: string[] | undefined) => (after ? before.filter((x) => !after.includes(x)) : undefined);
    const checks = [
      ['stationIds', await repo.openAssignmentsOfWorker(trx, id, { stationIds: removed(current.stationIds, input.stationIds) ?? [] })],
      ['operationIds', await repo.openAssignmentsOfWorker(trx, id, { operationIds: removed(current.operationIds, input.operationIds) ?? [] })],
    ] as const;
    for (const [field, assignments] of checks) {
      if (assignments.length > 0) {
        throw new DomainError(
          'conflict',
          m(field === 'stationIds' ? 'worker.removed_stations_in_use' : 'worker.removed_operations_in_use', {
            workerId: id,
            assignments: assignments.join(', '),
          }),
          {
            field: `body/${field}`,
            dependents: assignments,
          },
        );
      }
    }
    await repo.updateWorker(trx, id, input);
    if (input.stationIds) await repo.replaceWorkerLinks(trx, 'stations', id, input.stationIds);
    if (input.operationIds) await repo.replaceWorkerLinks(trx, 'operations', id, input.operationIds);
    const changedCalendar = input.shiftCalendarId !== undefined && input.shiftCalendarId !== current.shiftCalendarId;
    const repaired = changedCalendar
      ? await repairCalendarChange(
          trx,
          { workerIds: [id] },
          actor,
          clock,
          calendarGained(await calendarTimes(trx, current.shiftCalendarId), await calendarTimes(trx, input.shiftCalendarId ?? null)),
        )
      : [];
    await recordEvents(
      trx,
      [{ topic: 'workers', entityType: 'worker', entityId: id, workerId: id, change: 'updated', payload: { ...input } }, ...repaired],
      actor,
    );
    return (await loadWorker(trx, id, clock))!;
  });
}

/** Archives a worker; archiving an archived worker changes nothing. */
export async function archiveWorker(db: Db, id: string, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const worker = await repo.lockWorker(trx, id);
    if (!worker) throw notFound('worker', id);
    if (worker.archivedAt) return;
    const assignments = await repo.openAssignmentsOfWorker(trx, id);
    const plans = await unfinishedPlansReferencing(trx, { workerId: id });
    if (assignments.length > 0 || plans.length > 0) {
      const reasons = [
        ...(assignments.length > 0 ? [m('worker.open_assignments', { assignments: assignments.join(', ') })] : []),
        ...(plans.length > 0 ? [m('worker.pinned_in_plans', { plans: plans.join(', ') })] : []),
      ];
      throw new DomainError('conflict', m('archive.refused', { what: m('worker.named', { workerId: id }), reasons }), {
        dependents: [...assignments, ...plans],
      });
    }
    await repo.archiveWorker(trx, id);
    await recordEvents(trx, [{ topic: 'workers', entityType: 'worker', entityId: id, workerId: id, change: 'archived' }], actor);
  });
}

// ---- shift calendars ----------------------------------------------------------

export async function getShiftCalendar(db: Db, id: string): Promise<ShiftCalendar> {
  const calendar = await repo.findShiftCalendar(db, id);
  if (!calendar) throw notFound('shift_calendar', id);
  return calendar;
}

function assertValidTimes(input: ShiftCalendarReplace): void {
  const problems = shiftCalendarProblems({ windows: input.windows, exceptions: input.exceptions ?? [] });
  if (problems.length === 0) return;
  const errors = problems.map((p) => ({ ...p, field: `body/${p.field}` }));
  throw new DomainError('rule_violated', m('validation.detail', { field: errors[0]!.field!, message: messageOfDetail(errors[0]!) }), {
    field: errors[0]!.field,
    errors,
  });
}

export async function createShiftCalendar(db: Db, input: ShiftCalendarCreate, actor: string): Promise<ShiftCalendar> {
  return db.transaction().execute(async (trx) => {
    if (await repo.findShiftCalendar(trx, input.id)) throw new DomainError('conflict', m('shift_calendar.exists', { id: input.id }), { field: 'body/id' });
    assertValidTimes(input);
    await repo.insertShiftCalendar(trx, input.id, input.name);
    await repo.replaceShiftCalendarTimes(trx, input.id, input.windows, input.exceptions ?? []);
    await recordEvents(trx, [{ topic: 'workers', entityType: 'shift_calendar', entityId: input.id, change: 'created', payload: { name: input.name } }], actor);
    return (await repo.findShiftCalendar(trx, input.id))!;
  });
}

/** Replaces name, windows and exceptions. */
export async function replaceShiftCalendar(db: Db, id: string, input: ShiftCalendarReplace, actor: string, clock: ShiftClock): Promise<ShiftCalendar> {
  return db.transaction().execute(async (trx) => {
    // the bookings of the workers and substations on it are repaired: the scheduling lock first (src/db/locks.ts)
    await lockScheduling(trx);
    if (!(await repo.lockShiftCalendar(trx, id))) throw notFound('shift_calendar', id);
    assertValidTimes(input);
    const before = (await repo.findShiftCalendar(trx, id))!;
    await repo.renameShiftCalendar(trx, id, input.name);
    await repo.replaceShiftCalendarTimes(trx, id, input.windows, input.exceptions ?? []);
    const repaired = await repairCalendarChange(
      trx,
      { workerIds: await repo.activeWorkersUsingCalendar(trx, id), substationIds: await repo.substationsUsingCalendar(trx, id) },
      actor,
      clock,
      calendarGained(before, { windows: input.windows, exceptions: input.exceptions ?? [] }),
    );
    await recordEvents(
      trx,
      [{ topic: 'workers', entityType: 'shift_calendar', entityId: id, change: 'updated', payload: { name: input.name } }, ...repaired],
      actor,
    );
    return (await repo.findShiftCalendar(trx, id))!;
  });
}

/** The times of a calendar by id; null for none (always available). */
async function calendarTimes(trx: Trx, id: string | null): Promise<ShiftCalendar | null> {
  return id === null ? null : ((await repo.findShiftCalendar(trx, id)) ?? null);
}

/**
 * After a calendar changed (its windows and exceptions, or the one a worker works on): the not-started bookings of
 * these workers and substations that now lie outside their availability move to the next time they fit, and
 * what they push follows (the living schedule's repair, in the caller's transaction, which holds the scheduling
 * lock); pinned ones stay and are reported. When the change `gained` time, their not-started bookings of plans
 * with auto_compact may move left into it, as after an early finish. Returns the repair's events for the caller's batch.
 */
async function repairCalendarChange(
  trx: Trx,
  resources: { workerIds?: string[]; substationIds?: string[] },
  actor: string,
  clock: ShiftClock,
  gained: boolean,
) {
  if ((resources.workerIds?.length ?? 0) + (resources.substationIds?.length ?? 0) === 0) return [];
  const repair = await repairBookings(trx, {
    now: clock.now,
    utcOffsetMinutes: clock.utcOffsetMinutes,
    actor,
    cause: 'calendar',
    ...resources,
    compactResources: gained,
  });
  return repair.events;
}

/** Deletes a calendar no active worker uses (archived workers that name it lose it). */
export async function deleteShiftCalendar(db: Db, id: string, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await repo.lockShiftCalendar(trx, id))) throw notFound('shift_calendar', id);
    const active = await repo.activeWorkersUsingCalendar(trx, id);
    if (active.length > 0) {
      const shown = active.slice(0, 5).join(', ') + (active.length > 5 ? `, … (${active.length} in all)` : '');
      throw new DomainError('conflict', m('shift_calendar.in_use', { id, workers: shown }), { dependents: active.slice(0, 50) });
    }
    await repo.deleteShiftCalendar(trx, id);
    await recordEvents(trx, [{ topic: 'workers', entityType: 'shift_calendar', entityId: id, change: 'deleted' }], actor);
  });
}
