/** SQL of stations, the operations they perform, and their substations (this module owns those tables). */
import type { Db, Trx } from '../../db/database.js';
import { sql } from 'kysely';
import type { PageOf } from '../../shared/pagination.js';
import { openAssignmentStatuses } from '../../shared/schema.js';
import { take } from '../../db/locks.js';
import type { Station, StationCreate, StationListQuery, StationUpdate, Substation, SubstationListQuery, SubstationUpdate } from './stations.schema.js';

type Paged<Q> = Q & { limit: number; offset: number };

const iso = (d: Date) => d.toISOString();
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, '\\$&')}%`;

// ---- stations --------------------------------------------------------------

function selectStations(db: Db) {
  return db.selectFrom('mes.stations as s').select([
    's.id',
    's.name',
    's.description',
    's.location',
    's.archived_at as archivedAt',
    's.created_at as createdAt',
    's.updated_at as updatedAt',
    sql<Station['operations']>`coalesce((
        select json_agg(json_build_object('id', o.id, 'name', o.name) order by o.id)
          from mes.station_operations so join mes.operations o on o.id = so.operation_id
         where so.station_id = s.id), '[]'::json)`.as('operations'),
    sql<Station['substations']>`coalesce((
        select json_agg(json_build_object('id', ss.id, 'name', ss.name, 'status', ss.status,
                                          'currentAssignmentId', ss.current_assignment_id,
                                          'availabilityCalendarId', ss.availability_calendar_id) order by ss.id)
          from mes.substations ss
         where ss.station_id = s.id and ss.archived_at is null), '[]'::json)`.as('substations'),
  ]);
}

type StationRow = Awaited<ReturnType<ReturnType<typeof selectStations>['executeTakeFirstOrThrow']>>;
const toStation = (r: StationRow): Station => ({
  ...r,
  archivedAt: r.archivedAt ? iso(r.archivedAt) : null,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

export async function listStations(db: Db, query: Paged<StationListQuery>): Promise<PageOf<Station>> {
  let q = selectStations(db).select(sql<number>`count(*) over ()::int`.as('total'));
  if (!query.includeArchived) q = q.where('s.archived_at', 'is', null);
  if (query.q) {
    const like = likePattern(query.q);
    q = q.where((eb) => eb.or([eb('s.id', 'ilike', like), eb('s.name', 'ilike', like), eb('s.location', 'ilike', like)]));
  }
  if (query.operationId) {
    const operationId = query.operationId;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('mes.station_operations as so')
          .select(sql`1`.as('one'))
          .whereRef('so.station_id', '=', 's.id')
          .where('so.operation_id', '=', operationId),
      ),
    );
  }
  const rows = await q.orderBy('s.id').limit(query.limit).offset(query.offset).execute();
  // past the last page the window count has no row to ride on: count with the first row
  const total = rows[0]?.total ?? (query.offset > 0 ? (await listStations(db, { ...query, limit: 1, offset: 0 })).total : 0);
  return { items: rows.map(({ total: _t, ...r }) => toStation(r)), total, limit: query.limit, offset: query.offset };
}

export async function findStation(db: Db, id: string): Promise<Station | undefined> {
  const row = await selectStations(db).where('s.id', '=', id).executeTakeFirst();
  return row && toStation(row);
}

/** Locks the station row; undefined when it does not exist. */
export async function lockStation(trx: Trx, id: string): Promise<{ id: string; archivedAt: Date | null } | undefined> {
  take(trx, 'station');
  return trx.selectFrom('mes.stations').select(['id', 'archived_at as archivedAt']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function insertStation(trx: Db, id: string, input: StationCreate): Promise<void> {
  await trx
    .insertInto('mes.stations')
    .values({ id, name: input.name, description: input.description ?? '', location: input.location ?? '' })
    .execute();
}

export async function updateStation(trx: Db, id: string, input: StationUpdate): Promise<void> {
  const { name, description, location } = input;
  // always touches the row, so updated_at moves when only the operations change
  await trx
    .updateTable('mes.stations')
    .set({
      updated_at: new Date(),
      ...(name !== undefined ? { name } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(location !== undefined ? { location } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Operation ids among `ids` that exist and are not archived. */
export async function activeOperationIds(trx: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await trx.selectFrom('mes.operations').select('id').where('id', 'in', ids).where('archived_at', 'is', null).execute();
  return new Set(rows.map((r) => r.id));
}

export async function stationOperationIds(trx: Db, stationId: string): Promise<string[]> {
  const rows = await trx.selectFrom('mes.station_operations').select('operation_id').where('station_id', '=', stationId).orderBy('operation_id').execute();
  return rows.map((r) => r.operation_id);
}

export async function replaceStationOperations(trx: Db, stationId: string, operationIds: readonly string[]): Promise<void> {
  let del = trx.deleteFrom('mes.station_operations').where('station_id', '=', stationId);
  if (operationIds.length > 0) del = del.where('operation_id', 'not in', operationIds);
  await del.execute();
  if (operationIds.length === 0) return;
  await trx
    .insertInto('mes.station_operations')
    .values(operationIds.map((operation_id) => ({ station_id: stationId, operation_id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Up to five open assignments that book the station or substation (they keep it from being archived). */
export async function openAssignments(trx: Db, column: 'station_id' | 'substation_id', id: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('mes.worker_assignments')
    .select('id')
    .where(column, '=', id)
    .where('status', 'in', openAssignmentStatuses)
    .orderBy('id')
    .limit(5)
    .execute();
  return rows.map((r) => r.id);
}

/** Archives the station and its substations. */
export async function archiveStation(trx: Db, id: string): Promise<void> {
  const now = new Date();
  await trx.updateTable('mes.stations').set({ archived_at: now }).where('id', '=', id).where('archived_at', 'is', null).execute();
  await trx.updateTable('mes.substations').set({ archived_at: now }).where('station_id', '=', id).where('archived_at', 'is', null).execute();
}

// ---- substations -----------------------------------------------------------

function selectSubstations(db: Db) {
  return db
    .selectFrom('mes.substations as ss')
    .select([
      'ss.id',
      'ss.station_id as stationId',
      'ss.name',
      'ss.status',
      'ss.current_assignment_id as currentAssignmentId',
      'ss.availability_calendar_id as availabilityCalendarId',
      'ss.archived_at as archivedAt',
      'ss.created_at as createdAt',
      'ss.updated_at as updatedAt',
    ]);
}

type SubstationRow = Awaited<ReturnType<ReturnType<typeof selectSubstations>['executeTakeFirstOrThrow']>>;
const toSubstation = (r: SubstationRow): Substation => ({
  ...r,
  archivedAt: r.archivedAt ? iso(r.archivedAt) : null,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

export async function listSubstations(db: Db, query: Paged<SubstationListQuery>): Promise<PageOf<Substation>> {
  let q = selectSubstations(db).select(sql<number>`count(*) over ()::int`.as('total'));
  if (!query.includeArchived) q = q.where('ss.archived_at', 'is', null);
  if (query.stationId) q = q.where('ss.station_id', '=', query.stationId);
  const rows = await q.orderBy('ss.id').limit(query.limit).offset(query.offset).execute();
  const total = rows[0]?.total ?? (query.offset > 0 ? (await listSubstations(db, { ...query, limit: 1, offset: 0 })).total : 0);
  return { items: rows.map(({ total: _t, ...r }) => toSubstation(r)), total, limit: query.limit, offset: query.offset };
}

export async function findSubstation(db: Db, id: string): Promise<Substation | undefined> {
  const row = await selectSubstations(db).where('ss.id', '=', id).executeTakeFirst();
  return row && toSubstation(row);
}

/** The substation row, locked: its station, status, archiving and the assignment that holds it. */
export async function lockSubstation(trx: Trx, id: string) {
  take(trx, 'substation');
  return trx
    .selectFrom('mes.substations')
    .select([
      'id',
      'station_id as stationId',
      'status',
      'archived_at as archivedAt',
      'current_assignment_id as currentAssignmentId',
      'availability_calendar_id as availabilityCalendarId',
    ])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Ids among `ids` that are taken by any substation (archived ones too). */
export async function takenSubstationIds(trx: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await trx.selectFrom('mes.substations').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

/** Highest number used after `<stationId>-` (0 when none). */
export async function lastSubstationNumber(trx: Db, stationId: string): Promise<number> {
  const row = await trx
    .selectFrom('mes.substations')
    .select(sql<number>`coalesce(max(substring(id from ${`^${stationId}-([0-9]+)$`})::int), 0)`.as('n'))
    .where('station_id', '=', stationId)
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function insertSubstations(
  trx: Db,
  rows: { id: string; stationId: string; name: string; availabilityCalendarId?: string | null | undefined }[],
): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('mes.substations')
    .values(rows.map((r) => ({ id: r.id, station_id: r.stationId, name: r.name, availability_calendar_id: r.availabilityCalendarId ?? null })))
    .execute();
}

export async function updateSubstation(trx: Db, id: string, input: SubstationUpdate): Promise<void> {
  await trx
    .updateTable('mes.substations')
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.availabilityCalendarId !== undefined ? { availability_calendar_id: input.availabilityCalendarId } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function archiveSubstation(trx: Db, id: string): Promise<void> {
  await trx.updateTable('mes.substations').set({ archived_at: new Date() }).where('id', '=', id).where('archived_at', 'is', null).execute();
}

// ---- the shop floor's hold on substations ---------------------------------------------

/** The substation is in use by the assignment. */
export async function occupySubstation(trx: Trx, substationId: string, assignmentId: string): Promise<void> {
  await trx.updateTable('mes.substations').set({ status: 'in_use', current_assignment_id: assignmentId }).where('id', '=', substationId).execute();
}

/** Frees the substations held by any of these assignments (available); returns their ids. */
export async function freeSubstationsHolding(trx: Trx, assignmentIds: readonly string[]): Promise<string[]> {
  if (assignmentIds.length === 0) return [];
  const rows = await trx
    .updateTable('mes.substations')
    .set({ status: 'available', current_assignment_id: null })
    .where('current_assignment_id', 'in', assignmentIds)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Calendar ids among `ids` that exist (an availability calendar is a shift calendar). */
export async function existingCalendarIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('mes.shift_calendars').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}
