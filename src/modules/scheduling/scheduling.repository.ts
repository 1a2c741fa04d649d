/**
 * Reads of scheduling: what the scheduler needs about the shop (candidate
 * stations with their usable substations, the workers who could do the plan's
 * operations there with their shift calendars, and what other plans already
 * booked; one query), and what a planner's move of one assignment is checked
 * against. Scheduling owns no table: the rows it plans are written by the
 * assignments and plans repositories.
 */
import { type RawBuilder, sql } from 'kysely';
import { type Db, planBlind, PREPARED, type Trx } from '../../db/database.js';
import { take } from '../../db/locks.js';
import { isoSql } from '../../shared/dates.js';
import type { BusyRuns, SchedulerStation, SchedulerWorker, ShiftCalendar } from '../../scheduler/index.js';

interface CalendarRow {
  windows: { weekday: number; start: number; end: number }[] | null;
  exceptions: { date: string; start: number | null; end: number | null }[] | null;
}

/** One row of the candidates (kind, id and bookings null); every other: one resource's bookings (candidates null). */
interface ResourcesRow {
  kind: 'worker' | 'substation' | 'own_worker' | 'own_substation' | null;
  id: string | null;
  candidates: {
    stations: { id: string; substations: string[] }[] | null;
    workers: { id: string; operations: string[]; stations: string[]; calendarId: string | null }[] | null;
    calendars: Record<string, CalendarRow> | null;
  } | null;
  /** see decodeBookings */
  bookings: Uint8Array | null;
}

export interface SchedulingResources {
  stations: SchedulerStation[];
  workers: SchedulerWorker[];
  /** other plans' bookings as busy runs per resource (unlabelled: see findBookingsEndingAt) */
  booked: BusyRuns[];
}

/** Round the clock: a worker without a calendar counts as always on shift (as the workers API reports). */
export const alwaysOnShift: ShiftCalendar = { weekly: Array.from({ length: 7 }, () => [{ start: 0, end: 1440 }]) };

export function toShiftCalendar(row: CalendarRow | undefined): ShiftCalendar {
  const weekly: ShiftCalendar['weekly'] = Array.from({ length: 7 }, () => []);
  for (const w of row?.windows ?? []) weekly[w.weekday]!.push({ start: w.start, end: w.end });
  const byDate = new Map<string, { start: number; end: number }[]>();
  for (const e of row?.exceptions ?? []) {
    const list = byDate.get(e.date) ?? [];
    if (e.start !== null && e.end !== null) list.push({ start: e.start, end: e.end });
    byDate.set(e.date, list);
  }
  return { weekly, exceptions: [...byDate].map(([date, windows]) => ({ date, windows })) };
}

/**
 * The candidate stations, substations and workers of a plan's steps, and what
 * other plans booked on them from `now` until `until` (infinity: all of it).
 * A resource's bookings whose gaps are shorter than `mergeGapMs` (no step of
 * the plan fits in such a gap) come back as one busy run: a floor booked back
 * to back costs a few runs, not one per booking.
 */
export async function loadSchedulingResources(
  trx: Trx,
  /** planId: the plan(s) being scheduled, whose own bookings are left out */
  opts: { planId: string | string[]; stationIds: string[]; operationIds: string[]; now: Date; until?: Date; mergeGapMs?: number },
): Promise<SchedulingResources> {
  const { stationIds, operationIds, now } = opts;
  const planIds = typeof opts.planId === 'string' ? [opts.planId] : opts.planId;
  const until = opts.until ?? 'infinity';
  const mergeGapMs = opts.mergeGapMs ?? 1;
  // Rows of three kinds: one of the candidates (a JSON value: stations, workers, calendars); one per resource with
  // open bookings in [now, until), unmerged and unlabelled, each as its start and end in timestamptz's binary form
  // (timestamptz_send: big-endian int8 of microseconds since 2000, exact), as one bytea; and one per resource on
  // which the plans being scheduled have open bookings, in the same form, to be taken out of the others (a release
  // has none).
  //  - From 0043's busy indexes, by resource key: an index-only scan whose rows carry their pair already
  //    (busy_pair), with no per-row filter on the plan: on a full floor (~10,000 bookings in a release's first
  //    window) per-row work was most of the read's PostgreSQL CPU, and building and escaping JSON text more before.
  //  - Merged into busy runs here (mergeBusyRuns, a pass over sorted numbers), not by range_agg over tstzrange, which
  //    cost PostgreSQL more per booking than the index scan does.
  //  - In no asked order (an ordered aggregate sorts every resource's bookings again): mergeBusyRuns sorts what
  //    does not arrive in start order.
  //  - No labels: a step that waits on a run names the booking that ends it through findBookingsEndingAt.
  //  - Every argument comes in planBlind: with the values in sight, a busy floor's short window made the custom plans
  //    look cheaper than the generic one, and every read was planned anew: ~2–3 ms, as much as reading the busy
  //    floor's extra bookings costs (BENCHMARKS.md, eighth session).
  const inWindow = sql`a.planned_start < ${planBlind(until, 'timestamptz')} and a.planned_end > ${planBlind(now, 'timestamptz')}`;
  const bookings = (keyColumn: RawBuilder<unknown>, key: RawBuilder<unknown>) => sql`
    select string_agg(a.busy_pair, ''::bytea) as bookings
      from mes.worker_assignments a
     where ${keyColumn} = ${key} and a.status in ('pending', 'ready', 'in_progress', 'paused') and ${inWindow}`;
  const own = (column: RawBuilder<unknown>) => sql`
    select ${column} as id, string_agg(a.busy_pair, ''::bytea) as bookings
      from mes.worker_assignments a
     where a.plan_id = any(${planBlind(planIds, 'text[]')}) and a.status in ('pending', 'ready', 'in_progress', 'paused') and ${inWindow}
     group by 1`;
  const result = await sql<ResourcesRow>`${sql.raw(PREPARED)}
    with st as (
      select s.id from mes.stations s where s.id = any(${planBlind(stationIds, 'text[]')}) and s.archived_at is null
    ), subs as (
      select ss.id, ss.station_id, ss.booking_key from mes.substations ss join st on st.id = ss.station_id
       where ss.archived_at is null and ss.status <> 'maintenance'
    ), wk as (
      select w.id, w.shift_calendar_id, w.booking_key from mes.workers w
       where w.archived_at is null
         and exists (select 1 from mes.worker_operations wo where wo.worker_id = w.id and wo.operation_id = any(${planBlind(operationIds, 'text[]')}))
         and exists (select 1 from mes.worker_stations ws join st on st.id = ws.station_id where ws.worker_id = w.id)
    )
    select null as kind, null as id, json_build_object(
      'stations', (select json_agg(json_build_object('id', st.id,
                     'substations', coalesce((select json_agg(subs.id order by subs.id) from subs where subs.station_id = st.id), '[]'::json)) order by st.id) from st),
      'workers', (select json_agg(json_build_object('id', wk.id, 'calendarId', wk.shift_calendar_id,
                     'operations', (select json_agg(operation_id) from mes.worker_operations where worker_id = wk.id),
                     'stations', (select json_agg(station_id) from mes.worker_stations where worker_id = wk.id)) order by wk.id) from wk),
      'calendars', (select json_object_agg(c.id, json_build_object(
                     'windows', (select json_agg(json_build_object('weekday', weekday, 'start', start_minute, 'end', end_minute))
                                   from mes.shift_calendar_windows where calendar_id = c.id),
                     'exceptions', (select json_agg(json_build_object('date', to_char(date, 'YYYY-MM-DD'), 'start', start_minute, 'end', end_minute))
                                   from mes.shift_calendar_exceptions where calendar_id = c.id and date >= (${planBlind(now, 'timestamptz')} - interval '2 days')::date)))
                     from mes.shift_calendars c where c.id in (select shift_calendar_id from wk))
    ) as candidates, null::bytea as bookings
    union all
    select 'worker', wk.id, null, m.bookings from wk cross join lateral (${bookings(sql`a.worker_key`, sql`wk.booking_key`)}) m where m.bookings is not null
    union all
    select 'substation', subs.id, null, m.bookings from subs cross join lateral (${bookings(sql`a.substation_key`, sql`subs.booking_key`)}) m where m.bookings is not null
    union all
    select 'own_worker', o.id, null, o.bookings from (${own(sql`a.worker_id`)}) o
    union all
    select 'own_substation', o.id, null, o.bookings from (${own(sql`a.substation_id`)}) o`.execute(trx);
  // the candidates' row is the one without a kind (a union's rows come in no promised order)
  const c = result.rows.find((row) => row.kind === null)!.candidates!;
  // the scheduled plans' own bookings per resource, end by start (epoch ms)
  const ownOf = new Map<string, Map<number, number>>();
  for (const row of result.rows) {
    if (row.kind !== 'own_worker' && row.kind !== 'own_substation') continue;
    const { starts, ends } = decodeBookings(row.bookings!);
    ownOf.set(`${row.kind.slice(4)} ${row.id}`, new Map(Array.from(starts, (start, i) => [start, ends[i]!])));
  }
  const booked = result.rows.filter((row) => row.kind === 'worker' || row.kind === 'substation');
  return {
    stations: c.stations ?? [],
    workers: (c.workers ?? []).map((w) => ({
      id: w.id,
      operations: w.operations ?? [],
      stations: w.stations ?? [],
      calendar: w.calendarId === null ? alwaysOnShift : toShiftCalendar(c.calendars?.[w.calendarId]),
    })),
    booked: booked
      .map((row) => {
        const kind = row.kind as 'worker' | 'substation';
        const own = ownOf.get(`${kind} ${row.id}`);
        const bookings = decodeBookings(row.bookings!);
        return { kind, id: row.id!, ...mergeBusyRuns(own ? without(bookings, own) : bookings, now.getTime(), mergeGapMs) };
      })
      .filter((b) => b.starts.length > 0),
  };
}

/**
 * The bookings that are not the scheduled plans' own (`own`: their end by start, epoch ms, on this resource). Open
 * bookings of one resource never overlap, so no other booking has an own one's start and end.
 */
function without(bookings: { starts: Float64Array; ends: Float64Array }, own: Map<number, number>): { starts: Float64Array; ends: Float64Array } {
  const keep = Array.from(bookings.starts.keys()).filter((i) => own.get(bookings.starts[i]!) !== bookings.ends[i]);
  return { starts: Float64Array.from(keep, (i) => bookings.starts[i]!), ends: Float64Array.from(keep, (i) => bookings.ends[i]!) };
}

/** Microseconds from the Unix epoch to 2000-01-01, PostgreSQL's epoch of timestamps. */
const PG_EPOCH_US = 946_684_800_000_000;

/**
 * One resource's bookings as loadSchedulingResources reads them ((start, end) pairs, each a big-endian int8 of
 * microseconds since 2000) as epoch ms, the nearest float8 to each (microseconds since 1970 are integers well
 * below 2^53, so the only rounding is the division by 1000).
 */
export function decodeBookings(bytes: Uint8Array): { starts: Float64Array; ends: Float64Array } {
  const n = bytes.byteLength >> 4;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  // high word signed (before 2000 is negative), low word unsigned
  const us = (o: number) =>
    ((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!) * 4_294_967_296 +
    (((bytes[o + 4]! << 24) | (bytes[o + 5]! << 16) | (bytes[o + 6]! << 8) | bytes[o + 7]!) >>> 0);
  for (let i = 0; i < n; i++) {
    starts[i] = (us(16 * i) + PG_EPOCH_US) / 1000;
    ends[i] = (us(16 * i + 8) + PG_EPOCH_US) / 1000;
  }
  return { starts, ends };
}

/**
 * One resource's bookings (any order; they do not overlap, the exclusion constraints see to that, though a step
 * running past its planned end counts as busy until `now`) as busy runs in start order: bookings whose gap is
 * shorter than `mergeGapMs` (no step of the plan fits in it) become one run; a gap of exactly that stays.
 */
export function mergeBusyRuns(
  bookings: { starts: Float64Array; ends: Float64Array },
  now: number,
  mergeGapMs: number,
): { starts: Float64Array; ends: Float64Array } {
  let { starts: from, ends: to } = bookings;
  const n = from.length;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = from[i - 1]! <= from[i]!;
  if (!sorted) {
    const order = Uint32Array.from({ length: n }, (_, k) => k).sort((a, b) => from[a]! - from[b]!);
    from = Float64Array.from(order, (k) => bookings.starts[k]!);
    to = Float64Array.from(order, (k) => bookings.ends[k]!);
  }
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  let runs = 0;
  for (let i = 0; i < n; i++) {
    const start = from[i]!;
    const end = to[i]! > now ? to[i]! : now;
    if (runs > 0 && start - ends[runs - 1]! < mergeGapMs) {
      if (end > ends[runs - 1]!) ends[runs - 1] = end;
    } else {
      starts[runs] = start;
      ends[runs] = end;
      runs++;
    }
  }
  return { starts: starts.slice(0, runs), ends: ends.slice(0, runs) };
}

/**
 * The bookings that end the busy runs steps wait on (loadSchedulingResources sends runs without labels):
 * for each run (resource and end, epoch ms), the open booking of another plan on that resource that starts
 * last before the run's end (bookings of a resource never overlap, so it is the one that ends the run: one
 * row of the 0014 index read backwards), if it ends there; undefined where it does not (a maintenance
 * block merged into the run ends it). In the order of `runs`.
 */
export async function findBookingsEndingAt(
  trx: Trx,
  opts: { planIds: string[]; runs: { kind: 'worker' | 'substation'; id: string; end: number }[] },
): Promise<(string | undefined)[]> {
  if (opts.runs.length === 0) return [];
  const last = (resource: RawBuilder<unknown>) => sql`(
    select json_build_array(a.id, extract(epoch from a.planned_end) * 1000) from mes.worker_assignments a
     where ${resource} and a.plan_id <> all(${opts.planIds}::text[]) and a.status in ('pending', 'ready', 'in_progress', 'paused')
       and a.planned_start < to_timestamp(x.t / 1000.0)
     order by a.planned_start desc limit 1)`;
  const result = await sql<{ i: number | string; t: number; b: [string, number | string] | null }>`${sql.raw(PREPARED)}
    select x.i, x.t, case when x.kind = 'worker' then ${last(sql`a.worker_id = x.rid`)} else ${last(sql`a.substation_id = x.rid`)} end as b
      from unnest(${opts.runs.map((r) => r.kind)}::text[], ${opts.runs.map((r) => r.id)}::text[], ${opts.runs.map((r) => r.end)}::float8[])
           with ordinality as x(kind, rid, t, i)`.execute(trx);
  const found: (string | undefined)[] = opts.runs.map(() => undefined);
  for (const row of result.rows) {
    if (row.b && Math.abs(Number(row.b[1]) - Number(row.t)) < 1) found[Number(row.i) - 1] = row.b[0];
  }
  return found;
}

// ---- a planner's move ----------------------------------------------------------------

/** What a pin needs: the assignment, its node, plan status and predecessors' planned ends. */
export async function findAssignmentForPin(trx: Trx, assignmentId: string) {
  take(trx, 'assignment');
  const row = await trx
    .selectFrom('mes.worker_assignments as a')
    .innerJoin('mes.production_plan_nodes as n', 'n.id', 'a.node_id')
    .innerJoin('mes.production_plans as p', 'p.id', 'a.plan_id')
    .select([
      'a.id',
      'a.plan_id as planId',
      'a.node_id as nodeDbId',
      'n.node_id as nodeId',
      'n.operation_id as operationId',
      // a move sizes the step for its expected quantity once scrap upstream lowered it (yield carried forward)
      sql<number>`case when n.expected_quantity > 0 then n.expected_quantity else n.quantity end`.as('quantity'),
      'n.nominal_time as nominalTime',
      'n.efficiency',
      'a.status',
      'a.worker_id as workerId',
      'a.station_id as stationId',
      'a.substation_id as substationId',
      'a.planned_start as plannedStart',
      'p.status as planStatus',
      sql<
        { stationId: string; time: number | null }[]
      >`(select json_agg(json_build_object('stationId', station_id, 'time', time_minutes)) from mes.node_stations where node_id = a.node_id)`.as('candidates'),
      sql<string | null>`(select ${isoSql('max(pa.planned_end)')} from mes.node_predecessors e
        join mes.worker_assignments pa on pa.node_id = e.predecessor_id and pa.status <> 'cancelled' where e.node_id = a.node_id)`.as('predecessorsEnd'),
    ])
    .where('a.id', '=', assignmentId)
    .forUpdate('a')
    .executeTakeFirst();
  return row;
}

export async function findWorkerForPin(db: Db, workerId: string) {
  const row = await sql<{
    id: string;
    operations: string[] | null;
    stations: string[] | null;
    calendar: Parameters<typeof toShiftCalendar>[0] | null;
    hasCalendar: boolean;
  }>`
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

/**
 * An active booking of the worker or substation overlapping [start, end), other than the assignment itself.
 * Asked as the exclusion constraints ask it (resource =, [start, end) overlapping, over open bookings); read through the
 * open-booking indexes of 0014 (resource, planned start): the constraints' GiST indexes are over booking keys and, since
 * 0039, boxes.
 */
export async function findOverlap(db: Db, assignmentId: string, workerId: string, substationId: string, start: Date, end: Date) {
  const result = await sql<{ id: string; workerId: string; substationId: string; plannedStart: Date; plannedEnd: Date }>`
    select id, "workerId", "substationId", "plannedStart", "plannedEnd" from (
      select id, worker_id as "workerId", substation_id as "substationId", planned_start as "plannedStart", planned_end as "plannedEnd"
        from mes.worker_assignments
       where worker_id = ${workerId} and tstzrange(planned_start, planned_end, '[)') && tstzrange(${start}::timestamptz, ${end}::timestamptz, '[)')
         and status in ('pending', 'ready', 'in_progress', 'paused') and id <> ${assignmentId}
      union
      select id, worker_id, substation_id, planned_start, planned_end
        from mes.worker_assignments
       where substation_id = ${substationId} and tstzrange(planned_start, planned_end, '[)') && tstzrange(${start}::timestamptz, ${end}::timestamptz, '[)')
         and status in ('pending', 'ready', 'in_progress', 'paused') and id <> ${assignmentId}) o
    order by "plannedStart", id limit 1`.execute(db);
  return result.rows[0];
}
