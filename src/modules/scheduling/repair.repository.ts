/**
 * SQL of the living schedule (issue #15): what a repair reads (the open
 * bookings of the affected workers and substations from now on, windowed by
 * the 0014 partial indexes, with their plan predecessors' live ends), what a
 * start is checked against, the overrunning bookings the sweep extends, and
 * the one set-based write of a repair's final state.
 */
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.js';
import type { ShiftCalendar } from '../../scheduler/index.js';
import { alwaysOnShift, toShiftCalendar } from './scheduling.repository.js';

const open = sql.raw(`('pending', 'ready', 'in_progress', 'paused')`);

export interface RepairRow {
  id: string;
  planId: string;
  nodeId: string;
  workerId: string;
  stationId: string;
  substationId: string;
  status: 'pending' | 'ready' | 'in_progress' | 'paused';
  pinned: boolean;
  start: number;
  end: number;
  workMinutes: number;
  autoCompact: boolean;
  /** [assignment id, live end in epoch ms, open?] of each plan predecessor's booking */
  predecessors: [string, number, boolean][];
  /** open bookings of its plan successors */
  successors: string[];
}

/**
 * The ids of the open bookings on these workers or substations that end after `now`, and of the named open bookings;
 * none of the plans in `besides` (plans read whole already).
 */
function openIdsSql(q: { now: Date; workerIds: string[]; substationIds: string[]; ids: string[]; besides?: string[] }) {
  const others = q.besides?.length ? sql` and a.plan_id <> all(${q.besides}::text[])` : sql``;
  return sql`
    select a.id from mes.worker_assignments a
     where a.worker_id = any(${q.workerIds}::text[]) and a.status in ${open} and a.planned_end > ${q.now}::timestamptz${others}
    union
    select a.id from mes.worker_assignments a
     where a.substation_id = any(${q.substationIds}::text[]) and a.status in ${open} and a.planned_end > ${q.now}::timestamptz${others}
    union
    select a.id from mes.worker_assignments a where a.id = any(${q.ids}::text[]) and a.status in ${open}${others}`;
}

/**
 * Open bookings that end after `now` (the repair passes the earliest of now and its anchors' starts) on the given workers or substations,
 * the named ones, and every open booking of the plans of the `planOf` ones (what a push through plan successors reaches, in one read); each with its predecessors' live ends (completed: the actual
 * end) and its open successors.
 */
export async function loadRepairRows(
  trx: Trx,
  q: { now: Date; workerIds: string[]; substationIds: string[]; ids: string[]; planOf?: string[] },
): Promise<RepairRow[]> {
  // one json document of positional rows: the driver parses it with JSON.parse, where four text arrays a row took its
  // array parser (in JavaScript) and most of the read's Node time
  const result = await sql<RepairTuples>`
    with picked as (
      select u.id from (
        ${openIdsSql(q)}
        union
        select a.id from mes.worker_assignments a
         where a.plan_id in (select b.plan_id from mes.worker_assignments b where b.id = any(${q.planOf ?? []}::text[])) and a.status in ${open}
      ) u
    ),
    rows as materialized (
      select a.id, a.plan_id, n.node_id as node_key, a.node_id, a.worker_id, a.station_id, a.substation_id, a.status, a.pinned,
             a.work_minutes::float8 as work_minutes, p.auto_compact,
             (extract(epoch from a.planned_start) * 1000)::float8 as start, (extract(epoch from a.planned_end) * 1000)::float8 as end
        from picked join mes.worker_assignments a on a.id = picked.id
        join mes.production_plan_nodes n on n.id = a.node_id
        join mes.production_plans p on p.id = a.plan_id
    )
    -- the rows, then every (row, predecessor's booking) and (row, open successor's booking) pair as flat lists: grouped per
    -- row in SQL, 1,000 rows' three array_agg states each overflowed the hash aggregate's memory and spilled to disk
    select (select coalesce(json_agg(json_build_array(r.id, r.plan_id, r.node_key, r.worker_id, r.station_id, r.substation_id, r.status, r.pinned,
                                                      r.work_minutes, r.auto_compact, r.start, r.end)), '[]') from rows r) as rows,
           (select coalesce(json_agg(json_build_array(r.id, pa.id, (extract(epoch from coalesce(pa.actual_end, pa.planned_end)) * 1000)::float8,
                                                      pa.status in ${open})), '[]')
              from rows r join mes.node_predecessors e on e.node_id = r.node_id
              join mes.worker_assignments pa on pa.node_id = e.predecessor_id and pa.status <> 'cancelled') as predecessors,
           (select coalesce(json_agg(json_build_array(r.id, sa.id)), '[]')
              from rows r join mes.node_predecessors e on e.predecessor_id = r.node_id
              join mes.worker_assignments sa on sa.node_id = e.node_id and sa.status in ${open}) as successors`.execute(trx);
  const { rows, predecessors, successors } = result.rows[0]!;
  const byId = new Map<string, RepairRow>();
  const out = rows.map((t) => {
    const row: RepairRow = {
      id: t[0],
      planId: t[1],
      nodeId: t[2],
      workerId: t[3],
      stationId: t[4],
      substationId: t[5],
      status: t[6],
      pinned: t[7],
      workMinutes: Number(t[8]),
      autoCompact: t[9],
      start: Number(t[10]),
      end: Number(t[11]),
      predecessors: [],
      successors: [],
    };
    byId.set(row.id, row);
    return row;
  });
  for (const [id, predecessor, end, open] of predecessors) byId.get(id)!.predecessors.push([predecessor, Number(end), open]);
  for (const [id, successor] of successors) byId.get(id)!.successors.push(successor);
  return out;
}

/** The rows of loadRepairRows as they come: id … end of each booking, [booking, predecessor's booking, its live end, open?], [booking, open successor's booking]. */
interface RepairTuples {
  rows: [string, string, string, string, string, string, RepairRow['status'], boolean, number, boolean, number, number][];
  predecessors: [string, string, number, boolean][];
  successors: [string, string][];
}

/**
 * Ids only of the open bookings `loadRepairRows` would read for these resources and ids (no plans): a later round of a repair
 * asks this first and reads in full only the bookings it has not read yet (most later rounds find none: the plan was read whole).
 */
export async function openBookingIds(
  trx: Trx,
  q: { now: Date; workerIds: string[]; substationIds: string[]; ids: string[]; besides?: string[] },
): Promise<string[]> {
  // one json array: a row per id cost the driver's row parser more than the query
  const result = await sql<{ ids: string[] }>`
    select coalesce(json_agg(u.id), '[]') as ids from (${openIdsSql(q)}) u`.execute(trx);
  return result.rows[0]!.ids;
}

/** Shift calendars of workers (a worker without one: always on shift). */
export async function loadWorkerCalendars(trx: Db, workerIds: string[], now: Date): Promise<Map<string, ShiftCalendar>> {
  if (workerIds.length === 0) return new Map();
  const result = await sql<{ id: string; hasCalendar: boolean; calendar: Parameters<typeof toShiftCalendar>[0] }>`
    select w.id, w.shift_calendar_id is not null as "hasCalendar",
      json_build_object(
        'windows', (select json_agg(json_build_object('weekday', weekday, 'start', start_minute, 'end', end_minute)) from mes.shift_calendar_windows where calendar_id = w.shift_calendar_id),
        'exceptions', (select json_agg(json_build_object('date', to_char(date, 'YYYY-MM-DD'), 'start', start_minute, 'end', end_minute))
                         from mes.shift_calendar_exceptions where calendar_id = w.shift_calendar_id and date >= (${now}::timestamptz - interval '2 days')::date)
      ) as calendar
    from mes.workers w where w.id = any(${workerIds}::text[])`.execute(trx);
  return new Map(result.rows.map((w) => [w.id, w.hasCalendar ? toShiftCalendar(w.calendar) : alwaysOnShift]));
}

/** Maintenance blocks of the substations that end after `now`. */
export async function loadSubstationBlocks(trx: Trx, substationIds: string[], now: Date) {
  if (substationIds.length === 0) return [];
  const rows = await trx
    .selectFrom('mes.substation_blocks')
    .select(['substation_id as substationId', 'starts_at as startsAt', 'ends_at as endsAt'])
    .where('substation_id', 'in', substationIds)
    .where('ends_at', '>', now)
    .execute();
  return rows.map((r) => ({ kind: 'substation' as const, id: r.substationId, start: r.startsAt.getTime(), end: r.endsAt.getTime() }));
}

/** A PostgreSQL array literal of numbers, made in one join (the driver's array writer quotes and escapes each element). */
const numbers = (values: number[]) => `{${values.join(',')}}`;

/**
 * Writes a repair's final state in one statement. The exclusion constraints
 * are deferred for it (moving A into B's old slot and B further on is no
 * overlap, in whatever order the rows are written) and checked again at once
 * after it, so a violation fails here and not at commit. `bump` counts the
 * change in the row's version (an action that writes the row bumps it itself). The first time a
 * booking leaves the planner's booking, the planner's booking is kept as the
 * baseline. Setting updated_at here spares each row the touch trigger's call
 * (0036: it runs only when updated_at is not already now()).
 * The rows are written in the order given (inWriteOrder's): the list drives
 * the join (the probe side of a hash join on a small table, the outer side of
 * a nested loop over the primary key on a large one), as the plans of this
 * statement show; a JSON list instead, estimated at 100 rows, was hashed and
 * the table's order won. Times go as whole epoch milliseconds.
 */
export async function writeBookings(trx: Trx, moves: { id: string; start: number; end: number; bump: boolean }[]): Promise<void> {
  if (moves.length === 0) return;
  const constraints = sql.raw('mes.worker_assignments_worker_no_overlap, mes.worker_assignments_substation_no_overlap');
  await sql`set constraints ${constraints} deferred`.execute(trx);
  await sql`
    update mes.worker_assignments a
       set planned_start = m.s, planned_end = m.e,
           baseline_start = coalesce(a.baseline_start, a.planned_start), baseline_end = coalesce(a.baseline_end, a.planned_end),
           version = a.version + m.bump, updated_at = now()
      from (select u.id, to_timestamp(u.s / 1000) as s, to_timestamp(u.e / 1000) as e, u.bump
              from unnest(${moves.map((x) => x.id)}::text[], ${numbers(moves.map((x) => Math.trunc(x.start)))}::float8[],
                          ${numbers(moves.map((x) => Math.trunc(x.end)))}::float8[], ${numbers(moves.map((x) => (x.bump ? 1 : 0)))}::int[]) as u(id, s, e, bump)) m
     where a.id = m.id and (a.planned_start <> m.s or a.planned_end <> m.e)`.execute(trx);
  await sql`set constraints ${constraints} immediate`.execute(trx);
}

// ---- what the shop-floor actions need --------------------------------------------

/** An open booking's live times, work, worker calendar id and what was worked so far. */
export async function findLiveBooking(trx: Trx, id: string) {
  const result = await sql<{
    id: string;
    planId: string;
    nodeId: string;
    workerId: string;
    stationId: string;
    substationId: string;
    status: string;
    start: Date;
    end: Date;
    workMinutes: number;
    actualStart: Date | null;
    pausedMinutes: number;
    openPauseStart: Date | null;
  }>`
    select a.id, a.plan_id as "planId", n.node_id as "nodeId", a.worker_id as "workerId", a.station_id as "stationId",
           a.substation_id as "substationId", a.status, a.planned_start as start, a.planned_end as end,
           a.work_minutes::float8 as "workMinutes", a.actual_start as "actualStart",
           coalesce((select sum(extract(epoch from (coalesce(p.ended_at, p.started_at) - p.started_at)) / 60) from mes.assignment_pauses p
                      where p.assignment_id = a.id), 0)::float8 as "pausedMinutes",
           (select p.started_at from mes.assignment_pauses p where p.assignment_id = a.id and p.ended_at is null limit 1) as "openPauseStart"
      from mes.worker_assignments a join mes.production_plan_nodes n on n.id = a.node_id where a.id = ${id}`.execute(trx);
  const r = result.rows[0];
  return r ? { ...r, workMinutes: Number(r.workMinutes), pausedMinutes: Number(r.pausedMinutes) } : undefined;
}

/** An open booking that holds a step's worker or substation at its start (findStartClashes). */
export interface StartClash {
  id: string;
  planId: string;
  nodeId: string;
  workerId: string;
  substationId: string;
  plannedStart: Date;
  plannedEnd: Date;
}

/**
 * For each step of one worker that would start now and run until its `end`, the first other open booking of the worker
 * or of the step's substation over [now, end) that a start cannot push away: started, pinned, or another worker's step
 * already begun at `now` (that worker is due at the substation). The worker's own not-started steps never hold them:
 * they choose what to do first, and the repair pushes the rest. One statement for all the steps (a worker's queue asks
 * for each startable task; a start for its own). Keyed by step id; a step missing is free to start.
 */
export async function findStartClashes(
  db: Db,
  q: { workerId: string; now: Date; steps: { id: string; substationId: string; end: number }[] },
): Promise<Map<string, StartClash>> {
  if (q.steps.length === 0) return new Map();
  const result = await sql<StartClash & { stepId: string }>`
    select t.id as "stepId", a.id, a.plan_id as "planId", n.node_id as "nodeId", a.worker_id as "workerId", a.substation_id as "substationId",
           a.planned_start as "plannedStart", a.planned_end as "plannedEnd"
      from unnest(${q.steps.map((x) => x.id)}::text[], ${q.steps.map((x) => x.substationId)}::text[], ${q.steps.map((x) => x.end)}::float8[]) as t(id, substation_id, e)
      cross join lateral (
        select a.* from mes.worker_assignments a
         where (a.worker_id = ${q.workerId} or a.substation_id = t.substation_id) and a.id <> t.id and a.status in ${open}
           and tstzrange(a.planned_start, a.planned_end, '[)') && tstzrange(${q.now}::timestamptz, to_timestamp(t.e / 1000), '[)')
           and (a.status in ('in_progress', 'paused') or a.pinned or (a.planned_start <= ${q.now}::timestamptz and a.worker_id <> ${q.workerId}))
         order by a.planned_start, a.id limit 1) a
      join mes.production_plan_nodes n on n.id = a.node_id`.execute(db);
  return new Map(result.rows.map(({ stepId, ...clash }) => [stepId, clash]));
}

/** Every started booking (at most one per worker): what the overrun sweep looks at. */
export async function findStartedBookings(trx: Trx): Promise<string[]> {
  const rows = await trx.selectFrom('mes.worker_assignments').select('id').where('status', 'in', ['in_progress', 'paused']).orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** Completion: the booking ends where the work ended (when that leaves it a non-empty interval). */
export async function endBookingAt(trx: Trx, id: string, at: Date): Promise<void> {
  await sql`update mes.worker_assignments set planned_end = ${at}::timestamptz where id = ${id} and planned_start < ${at}::timestamptz`.execute(trx);
}

/** Open bookings of the step's plan successors. */
export async function openSuccessorIds(trx: Trx, assignmentId: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    select sa.id from mes.worker_assignments a
      join mes.node_predecessors e on e.predecessor_id = a.node_id
      join mes.worker_assignments sa on sa.node_id = e.node_id and sa.status in ${open}
     where a.id = ${assignmentId}`.execute(trx);
  return result.rows.map((r) => r.id);
}

/** The next not-started booking of the worker and of the substation after `now` (what an early finish frees room for). */
export async function nextBookingIds(trx: Trx, workerId: string, substationId: string, now: Date): Promise<string[]> {
  const result = await sql<{ id: string }>`
    (select a.id from mes.worker_assignments a where a.worker_id = ${workerId} and a.status in ('pending', 'ready') and a.planned_end > ${now}::timestamptz
      order by a.planned_start limit 1)
    union
    (select a.id from mes.worker_assignments a where a.substation_id = ${substationId} and a.status in ('pending', 'ready') and a.planned_end > ${now}::timestamptz
      order by a.planned_start limit 1)`.execute(trx);
  return result.rows.map((r) => r.id);
}
