/** Use cases of stations and substations: one function, one transaction. */
import type { Db, Trx } from '../../db/database.js';
import { lockScheduling } from '../../db/locks.js';
import { recordEvents } from '../realtime/index.js';
import { repairBookings } from '../scheduling/index.js';
import { calendarGained, findShiftCalendar } from '../workers/index.js';
import { nextMasterCode } from '../../shared/codes.js';
import { DomainError, m, type Message, notFound } from '../../shared/errors.js';
import { unfinishedPlansReferencing } from '../plans/index.js';
import * as repo from './stations.repository.js';
import type { Station, StationCreate, StationUpdate, Substation, SubstationCreate, SubstationUpdate } from './stations.schema.js';

/** Reads that need nothing but the query. */
export { listStations, listSubstations } from './stations.repository.js';

export async function getStation(db: Db, id: string): Promise<Station> {
  const station = await repo.findStation(db, id);
  if (!station) throw notFound('station', id);
  return station;
}

export async function getSubstation(db: Db, id: string): Promise<Substation> {
  const substation = await repo.findSubstation(db, id);
  if (!substation) throw notFound('substation', id);
  return substation;
}

/** Every id must name an existing, non-archived operation (422 naming the first that does not). */
async function assertActiveOperations(trx: Trx, operationIds: readonly string[], field: string): Promise<void> {
  const active = await repo.activeOperationIds(trx, operationIds);
  const index = operationIds.findIndex((id) => !active.has(id));
  if (index >= 0) {
    throw new DomainError('rule_violated', m('operation.missing_or_archived', { id: operationIds[index]! }), { field: `${field}/${index}` });
  }
}

/** An availability calendar must be an existing shift calendar (422 naming the field). */
async function assertCalendar(trx: Trx, calendarId: string | null | undefined, field: string): Promise<void> {
  if (calendarId === undefined || calendarId === null) return;
  if (!(await repo.existingCalendarIds(trx, [calendarId])).has(calendarId)) {
    throw new DomainError('rule_violated', m('substation.calendar_missing', { id: calendarId }), { field });
  }
}

/** The times of a calendar by id; null for none (always available). */
async function calendarTimes(trx: Trx, id: string | null) {
  return id === null ? null : ((await findShiftCalendar(trx, id)) ?? null);
}

const substationPattern = (stationId: string) => new RegExp(`^${stationId}-([0-9]{2,})$`);
const substationCode = (stationId: string, n: number) => `${stationId}-${String(n).padStart(2, '0')}`;

export async function createStation(db: Db, input: StationCreate, actor: string): Promise<Station> {
  return db.transaction().execute(async (trx) => {
    const id = input.id ?? (await nextMasterCode(trx, 'stations', 'ST'));
    if (await repo.findStation(trx, id)) throw new DomainError('conflict', m('station.exists', { id }), { field: 'body/id' });
    const operationIds = input.operationIds ?? [];
    await assertActiveOperations(trx, operationIds, 'body/operationIds');

    // given substation ids must belong to this station; the others continue after the highest number
    const given = (input.substations ?? []).map((s) => s.id);
    const numbers: number[] = [];
    for (const [i, subId] of given.entries()) {
      if (subId === undefined) continue;
      const match = substationPattern(id).exec(subId);
      if (!match)
        throw new DomainError('rule_violated', m('substation.numbering', { substationId: subId, stationId: id }), {
          field: `body/substations/${i}/id`,
        });
      if (given.indexOf(subId) !== i)
        throw new DomainError('rule_violated', m('substation.listed_twice', { substationId: subId }), { field: `body/substations/${i}/id` });
      numbers.push(Number(match[1]));
    }
    const taken = await repo.takenSubstationIds(
      trx,
      given.filter((s): s is string => s !== undefined),
    );
    const clash = given.findIndex((s) => s !== undefined && taken.has(s));
    if (clash >= 0) throw new DomainError('conflict', m('substation.exists', { substationId: given[clash]! }), { field: `body/substations/${clash}/id` });
    for (const [i, s] of (input.substations ?? []).entries())
      await assertCalendar(trx, s.availabilityCalendarId, `body/substations/${i}/availabilityCalendarId`);
    let next = Math.max(0, ...numbers);
    const substations = (input.substations ?? []).map((s) => ({
      id: s.id ?? substationCode(id, ++next),
      stationId: id,
      name: s.name,
      availabilityCalendarId: s.availabilityCalendarId,
    }));

    await repo.insertStation(trx, id, input);
    await repo.replaceStationOperations(trx, id, operationIds);
    await repo.insertSubstations(trx, substations);
    await recordEvents(
      trx,
      [
        { topic: 'stations', entityType: 'station', entityId: id, stationId: id, change: 'created', payload: { name: input.name, operationIds } },
        ...substations.map((s) => ({
          topic: 'stations' as const,
          entityType: 'substation',
          entityId: s.id,
          stationId: id,
          change: 'created',
          payload: { name: s.name },
        })),
      ],
      actor,
    );
    return (await repo.findStation(trx, id))!;
  });
}

export async function updateStation(db: Db, id: string, input: StationUpdate, actor: string): Promise<Station> {
  return db.transaction().execute(async (trx) => {
    if (!(await repo.lockStation(trx, id))) throw notFound('station', id);
    if (input.operationIds) {
      await assertActiveOperations(trx, input.operationIds, 'body/operationIds');
      const keep = new Set(input.operationIds);
      const removed = (await repo.stationOperationIds(trx, id)).filter((op) => !keep.has(op));
      const plans = await unfinishedPlansReferencing(trx, { stationId: id, operationIds: removed });
      if (plans.length > 0) {
        throw new DomainError('conflict', m('station.operations_in_use', { id, operations: removed.join(', '), plans: plans.join(', ') }), {
          field: 'body/operationIds',
          dependents: plans,
        });
      }
      await repo.replaceStationOperations(trx, id, input.operationIds);
    }
    await repo.updateStation(trx, id, input);
    await recordEvents(trx, [{ topic: 'stations', entityType: 'station', entityId: id, stationId: id, change: 'updated', payload: { ...input } }], actor);
    return (await repo.findStation(trx, id))!;
  });
}

function dependentsConflict(what: Message, dependents: { plans: string[]; assignments: string[] }): DomainError | undefined {
  const reasons = [
    ...(dependents.plans.length > 0 ? [m('archive.used_by_plans', { plans: dependents.plans.join(', ') })] : []),
    ...(dependents.assignments.length > 0 ? [m('archive.booked_by_assignments', { assignments: dependents.assignments.join(', ') })] : []),
  ];
  if (reasons.length === 0) return undefined;
  return new DomainError('conflict', m('archive.refused', { what, reasons }), { dependents: [...dependents.plans, ...dependents.assignments] });
}

/** Archives a station with its substations; archiving an archived station changes nothing. */
export async function archiveStation(db: Db, id: string, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const station = await repo.lockStation(trx, id);
    if (!station) throw notFound('station', id);
    if (station.archivedAt) return;
    const refused = dependentsConflict(m('station.named', { id }), {
      plans: await unfinishedPlansReferencing(trx, { stationId: id }),
      assignments: await repo.openAssignments(trx, 'station_id', id),
    });
    if (refused) throw refused;
    await repo.archiveStation(trx, id);
    await recordEvents(trx, [{ topic: 'stations', entityType: 'station', entityId: id, stationId: id, change: 'archived' }], actor);
  });
}

export async function createSubstation(db: Db, input: SubstationCreate, actor: string): Promise<Substation> {
  return db.transaction().execute(async (trx) => {
    // the station lock also serializes numbering
    const station = await repo.lockStation(trx, input.stationId);
    if (!station) throw new DomainError('rule_violated', m('not_found.station', { id: input.stationId }), { field: 'body/stationId' });
    if (station.archivedAt) throw new DomainError('rule_violated', m('station.archived', { id: input.stationId }), { field: 'body/stationId' });
    if (input.id !== undefined && !substationPattern(input.stationId).test(input.id)) {
      throw new DomainError('rule_violated', m('substation.numbering', { substationId: input.id, stationId: input.stationId }), {
        field: 'body/id',
      });
    }
    const id = input.id ?? substationCode(input.stationId, (await repo.lastSubstationNumber(trx, input.stationId)) + 1);
    if ((await repo.takenSubstationIds(trx, [id])).size > 0)
      throw new DomainError('conflict', m('substation.exists', { substationId: id }), { field: 'body/id' });
    await assertCalendar(trx, input.availabilityCalendarId, 'body/availabilityCalendarId');
    await repo.insertSubstations(trx, [{ id, stationId: input.stationId, name: input.name, availabilityCalendarId: input.availabilityCalendarId }]);
    await recordEvents(
      trx,
      [{ topic: 'stations', entityType: 'substation', entityId: id, stationId: input.stationId, change: 'created', payload: { name: input.name } }],
      actor,
    );
    return (await repo.findSubstation(trx, id))!;
  });
}

export async function updateSubstation(
  db: Db,
  id: string,
  input: SubstationUpdate,
  actor: string,
  clock: { now: Date; utcOffsetMinutes: number },
): Promise<Substation> {
  return db.transaction().execute(async (trx) => {
    // another availability calendar repairs the substation's bookings: the scheduling lock comes first (src/db/locks.ts)
    if (input.availabilityCalendarId !== undefined) await lockScheduling(trx);
    const substation = await repo.lockSubstation(trx, id);
    if (!substation) throw notFound('substation', id);
    await assertCalendar(trx, input.availabilityCalendarId, 'body/availabilityCalendarId');
    if (input.status !== undefined && substation.status === 'in_use') {
      throw new DomainError('conflict', m('substation.status_while_in_use', { substationId: id }), {
        field: 'body/status',
        status: substation.status,
      });
    }
    await repo.updateSubstation(trx, id, input);
    // its not-started bookings now outside its availability move to the next time they fit (the living schedule's repair)
    // and when the new one gained time, its not-started bookings of plans with auto_compact may move left into it
    const repair =
      input.availabilityCalendarId !== undefined && input.availabilityCalendarId !== substation.availabilityCalendarId
        ? await repairBookings(trx, {
            now: clock.now,
            utcOffsetMinutes: clock.utcOffsetMinutes,
            actor,
            cause: 'calendar',
            substationIds: [id],
            compactResources: calendarGained(
              await calendarTimes(trx, substation.availabilityCalendarId),
              await calendarTimes(trx, input.availabilityCalendarId),
            ),
          })
        : undefined;
    await recordEvents(
      trx,
      [
        { topic: 'stations', entityType: 'substation', entityId: id, stationId: substation.stationId, change: 'updated', payload: { ...input } },
        ...(repair?.events ?? []),
      ],
      actor,
    );
    return (await repo.findSubstation(trx, id))!;
  });
}

export async function archiveSubstation(db: Db, id: string, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const substation = await repo.lockSubstation(trx, id);
    if (!substation) throw notFound('substation', id);
    if (substation.archivedAt) return;
    const refused = dependentsConflict(m('substation.named', { substationId: id }), {
      plans: await unfinishedPlansReferencing(trx, { substationId: id }),
      assignments: await repo.openAssignments(trx, 'substation_id', id),
    });
    if (refused) throw refused;
    await repo.archiveSubstation(trx, id);
    await recordEvents(trx, [{ topic: 'stations', entityType: 'substation', entityId: id, stationId: substation.stationId, change: 'archived' }], actor);
  });
}
