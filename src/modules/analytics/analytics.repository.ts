/**
 * The analytics reads over the base tables (the shop floor's own rows), as
 * they were before the rollups of migration 0027: the service answers from
 * rollups.repository.ts, and these stay as the from-scratch recomputation the
 * property test and `npm run doctor` compare with (plus the master-data and
 * calendar reads both share, and the drill-down). Read-only, each bounded by the period
 * (the service refuses periods longer than MAX_PERIOD_DAYS) and by the filters.
 * Steps count in the bucket of their actual end; pauses in the bucket of their
 * start; plans in the bucket of their completion. Buckets are local dates
 * (UTC + utcOffsetMinutes), weeks starting on Monday (date_trunc's ISO week).
 */
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { StoredCalendar } from './analytics.rules.js';
import type { Grouping } from './analytics.schema.js';

export interface Scope {
  from: Date;
  to: Date;
  groupBy: Grouping;
  utcOffsetMinutes: number;
  stationId?: string | undefined;
  substationId?: string | undefined;
  operationId?: string | undefined;
  workerId?: string | undefined;
  planId?: string | undefined;
}

const none = sql``;

/**
 * The plan node of step a, looked up by primary key per step (`offset 0` keeps
 * PostgreSQL from flattening it into a hash join over every node of two years:
 * measured 280 → 80 ms for 30 days plant-wide; BENCHMARKS.md).
 */
const nodeOfStep = sql`cross join lateral (select x.operation_id, x.nominal_time, x.efficiency, x.name from mes.production_plan_nodes x where x.id = a.node_id offset 0) pn`;
const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const nOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** One result row of each read as the service's shape (this file's reads and rollups.repository.ts's answer with the same columns). */
export const stepSumsRow = (r: Record<string, unknown>): StepSums => ({
  bucket: String(r.bucket),
  stationId: String(r.station_id),
  substationId: String(r.substation_id),
  runMinutes: n(r.run),
  idealMinutes: n(r.ideal),
  good: n(r.good),
  scrap: n(r.scrap),
});
export const pauseSumsRow = (r: Record<string, unknown>): PauseSums => ({
  bucket: String(r.bucket),
  stationId: String(r.station_id),
  reason: String(r.reason),
  minutes: n(r.minutes),
  pauses: n(r.pauses),
});
export const scrapSumsRow = (r: Record<string, unknown>): ScrapSums => ({
  bucket: String(r.bucket),
  operationId: String(r.operation_id),
  reason: String(r.reason),
  scrap: n(r.scrap),
  steps: n(r.steps),
});
export const plannedVsActualRow = (r: Record<string, unknown>) => ({
  operationId: String(r.operation_id),
  stationId: String(r.station_id),
  steps: n(r.steps),
  units: n(r.units),
  nominalPerUnit: nOrNull(r.nominal_per_unit),
  plannedPerUnit: nOrNull(r.planned_per_unit),
  actualMeanPerUnit: nOrNull(r.actual_mean),
  actualMedianPerUnit: nOrNull(r.actual_median),
  suggestedNominal: nOrNull(r.suggested),
});
export const deliveryRow = (r: Record<string, unknown>) => ({
  bucket: String(r.bucket),
  completedPlans: n(r.completed),
  withDueDate: n(r.with_due),
  onTime: n(r.on_time),
  onTimeRate: n(r.with_due) > 0 ? n(r.on_time) / n(r.with_due) : null,
  leadTimeMedianHours: nOrNull(r.lead_median),
  leadTimeP90Hours: nOrNull(r.lead_p90),
  units: n(r.units),
  goodUnits: n(r.good_units),
});

/** The local bucket label of a timestamptz expression. */
function bucketOf(s: Scope, expr: RawBuilder<unknown>) {
  return sql<string>`to_char(date_trunc(${sql.lit(s.groupBy)}, (${expr} at time zone 'UTC') + make_interval(mins => ${s.utcOffsetMinutes}::int)), 'YYYY-MM-DD')`;
}

/** The filters on a step a (worker_assignments) and its node pn (production_plan_nodes). */
function stepFilters(s: Scope) {
  return sql`${s.stationId ? sql`and a.station_id = ${s.stationId}` : none}
    ${s.substationId ? sql`and a.substation_id = ${s.substationId}` : none}
    ${s.operationId ? sql`and pn.operation_id = ${s.operationId}` : none}
    ${s.workerId ? sql`and a.worker_id = ${s.workerId}` : none}
    ${s.planId ? sql`and a.plan_id = ${s.planId}` : none}`;
}

/** Completed steps ending in the period. */
function completedIn(s: Scope) {
  return sql`a.status = 'completed' and a.actual_end >= ${s.from} and a.actual_end < ${s.to} ${stepFilters(s)}`;
}

/** Which of the named master-data rows exist: the names of the query fields whose id is unknown. */
export async function unknownFilterIds(db: Db, s: Scope): Promise<string[]> {
  const { rows } = await sql<{ field: string }>`
    select f.field from (values
      ('stationId', ${s.stationId ?? null}::text, (select count(*) from mes.stations where id = ${s.stationId ?? null})),
      ('substationId', ${s.substationId ?? null}::text, (select count(*) from mes.substations where id = ${s.substationId ?? null})),
      ('operationId', ${s.operationId ?? null}::text, (select count(*) from mes.operations where id = ${s.operationId ?? null})),
      ('workerId', ${s.workerId ?? null}::text, (select count(*) from mes.workers where id = ${s.workerId ?? null})),
      ('planId', ${s.planId ?? null}::text, (select count(*) from mes.production_plans where id = ${s.planId ?? null}))
    ) as f(field, id, found) where f.id is not null and f.found = 0`.execute(db);
  return rows.map((r) => r.field);
}

export interface StepSums {
  bucket: string;
  stationId: string;
  substationId: string;
  runMinutes: number;
  idealMinutes: number;
  good: number;
  scrap: number;
}

/** Run time, ideal time, good and scrap per bucket and substation. */
export async function stepSums(db: Db, s: Scope): Promise<StepSums[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select ${bucketOf(s, sql`a.actual_end`)} as bucket, a.station_id, a.substation_id,
           sum(coalesce(a.worked_minutes, 0)) as run,
           sum(coalesce(ns.time_minutes, pn.nominal_time) * (coalesce(a.good_quantity, 0) + coalesce(a.scrap_quantity, 0)) / pn.efficiency) as ideal,
           sum(coalesce(a.good_quantity, 0)) as good, sum(coalesce(a.scrap_quantity, 0)) as scrap
      from mes.worker_assignments a
      ${nodeOfStep}
      left join mes.node_stations ns on ns.node_id = a.node_id and ns.station_id = a.station_id
     where ${completedIn(s)}
     group by 1, 2, 3`.execute(db);
  return rows.map(stepSumsRow);
}

export interface SubstationCalendar {
  substationId: string;
  stationId: string;
  /** the substation's own calendar; when null, workerCalendars (the shifts of the workers allowed at its station) */
  own: StoredCalendar | null;
  /** per worker allowed at the station: their calendar, null = always available */
  workerCalendars: (StoredCalendar | null)[];
  blocks: { start: number; end: number }[];
}

const calendarJson = (id: RawBuilder<unknown>, from: Date, to: Date) => sql`json_build_object(
  'id', ${id}::text,
  'windows', coalesce((select json_agg(json_build_object('weekday', weekday, 'start', start_minute, 'end', end_minute)) from mes.shift_calendar_windows where calendar_id = ${id}), '[]'::json),
  'exceptions', coalesce((select json_agg(json_build_object('date', to_char(date, 'YYYY-MM-DD'), 'start', start_minute, 'end', end_minute))
                  from mes.shift_calendar_exceptions where calendar_id = ${id} and date between (${from}::timestamptz - interval '2 days')::date and (${to}::timestamptz + interval '2 days')::date), '[]'::json))`;

/** The substations in scope (by the station/substation filters, not archived, or with steps listed) with what their planned production time is made of. */
export async function substationCalendars(db: Db, s: Scope, withSteps: readonly string[]): Promise<SubstationCalendar[]> {
  // ids only per substation (its own calendar, its station's workers' calendars); each calendar read once below: a plant's
  // dozens of substations and hundreds of allowed workers share a handful of calendars
  const { rows } = await sql<{
    id: string;
    station_id: string;
    own: string | null;
    workers: (string | null)[] | null;
    blocks: [number, number][] | null;
  }>`
    select ss.id, ss.station_id, ss.availability_calendar_id as own,
           case when ss.availability_calendar_id is not null then null else
             (select array_agg(w.shift_calendar_id)
                from mes.worker_stations ws join mes.workers w on w.id = ws.worker_id
               where ws.station_id = ss.station_id and w.archived_at is null) end as workers,
           (select json_agg(json_build_array(extract(epoch from b.starts_at) * 1000, extract(epoch from b.ends_at) * 1000))
              from mes.substation_blocks b where b.substation_id = ss.id and b.ends_at > ${s.from} and b.starts_at < ${s.to}) as blocks
      from mes.substations ss
     where (ss.archived_at is null or ss.id = any(${withSteps as string[]}::text[]))
       ${s.stationId ? sql`and ss.station_id = ${s.stationId}` : none}
       ${s.substationId ? sql`and ss.id = ${s.substationId}` : none}
     order by ss.id`.execute(db);
  const ids = [...new Set(rows.flatMap((r) => [r.own, ...(r.workers ?? [])]).filter((id): id is string => id !== null))];
  const calendars = await calendarsById(db, s, ids);
  return rows.map((r) => ({
    substationId: r.id,
    stationId: r.station_id,
    own: r.own === null ? null : calendars.get(r.own)!,
    workerCalendars: (r.workers ?? []).map((id) => (id === null ? null : calendars.get(id)!)),
    blocks: (r.blocks ?? []).map(([a, b]) => ({ start: Number(a), end: Number(b) })),
  }));
}

/** Calendars by id, with their weekly windows and the period's exceptions. */
async function calendarsById(db: Db, s: Scope, ids: string[]): Promise<Map<string, StoredCalendar>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<{ id: string; cal: StoredCalendar }>`
    select c.id, ${calendarJson(sql`c.id`, s.from, s.to)} as cal from unnest(${ids}::text[]) as c(id)`.execute(db);
  return new Map(rows.map((r) => [r.id, r.cal]));
}

export interface PauseSums {
  bucket: string;
  stationId: string;
  reason: string;
  minutes: number;
  pauses: number;
}

/** Ended pauses starting in the period, per bucket, station and reason. */
export async function pauseSums(db: Db, s: Scope): Promise<PauseSums[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select ${bucketOf(s, sql`p.started_at`)} as bucket, a.station_id, p.reason,
           sum(extract(epoch from (p.ended_at - p.started_at)) / 60) as minutes, count(*) as pauses
      from mes.assignment_pauses p
      join mes.worker_assignments a on a.id = p.assignment_id
      ${nodeOfStep}
     where p.ended_at is not null and p.started_at >= ${s.from} and p.started_at < ${s.to} ${stepFilters(s)}
     group by 1, 2, 3
     order by 1, 2, 3`.execute(db);
  return rows.map(pauseSumsRow);
}

export interface ScrapSums {
  bucket: string;
  operationId: string;
  reason: string;
  scrap: number;
  steps: number;
}

/** Scrapped units of completed steps, per bucket, operation and reason ('unspecified' when none was given). */
export async function scrapSums(db: Db, s: Scope): Promise<ScrapSums[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select ${bucketOf(s, sql`a.actual_end`)} as bucket, pn.operation_id, coalesce(nullif(a.scrap_reason, ''), 'unspecified') as reason,
           sum(a.scrap_quantity) as scrap, count(*) as steps
      from mes.worker_assignments a
      ${nodeOfStep}
     where ${completedIn(s)} and a.scrap_quantity > 0
     group by 1, 2, 3
     order by 1, 2, 3`.execute(db);
  return rows.map(scrapSumsRow);
}

/** Per operation and station: planned vs actual minutes per unit, and the nominal time per unit the actuals' median suggests. */
export async function plannedVsActual(db: Db, s: Scope) {
  const { rows } = await sql<Record<string, unknown>>`
    with x as (
      select pn.operation_id, a.station_id,
             coalesce(a.good_quantity, 0) + coalesce(a.scrap_quantity, 0) as units,
             coalesce(ns.time_minutes, pn.nominal_time) as nominal,
             a.work_minutes, a.worked_minutes, pn.efficiency
        from mes.worker_assignments a
        ${nodeOfStep}
        left join mes.node_stations ns on ns.node_id = a.node_id and ns.station_id = a.station_id
       where ${completedIn(s)} and coalesce(a.good_quantity, 0) + coalesce(a.scrap_quantity, 0) > 0 and a.worked_minutes is not null
    )
    select operation_id, station_id, count(*) as steps, sum(units) as units,
           percentile_cont(0.5) within group (order by nominal) as nominal_per_unit,
           sum(work_minutes) / sum(units) as planned_per_unit,
           sum(worked_minutes) / sum(units) as actual_mean,
           percentile_cont(0.5) within group (order by worked_minutes / units) as actual_median,
           percentile_cont(0.5) within group (order by worked_minutes * efficiency / units) as suggested
      from x group by 1, 2 order by 1, 2`.execute(db);
  return rows.map(plannedVsActualRow);
}

/** Plans completed in the period, per bucket of completion: on time against the due date, lead time (release → completion), units. */
export async function delivery(db: Db, s: Scope) {
  const stepScoped = s.stationId || s.substationId || s.operationId || s.workerId;
  const { rows } = await sql<Record<string, unknown>>`
    select ${bucketOf(s, sql`p.completed_at`)} as bucket, count(*) as completed,
           count(p.due_date) as with_due, count(*) filter (where p.completed_at <= p.due_date) as on_time,
           percentile_cont(0.5) within group (order by extract(epoch from (p.completed_at - p.released_at)) / 3600) as lead_median,
           percentile_cont(0.9) within group (order by extract(epoch from (p.completed_at - p.released_at)) / 3600) as lead_p90,
           sum(p.quantity) as units,
           sum((select coalesce(sum(a.good_quantity), 0) from mes.worker_assignments a
                 ${nodeOfStep}
                where a.plan_id = p.id and a.status = 'completed'
                  and not exists (select 1 from mes.node_predecessors np where np.plan_id = p.id and np.predecessor_id = a.node_id))) as good_units
      from mes.production_plans p
     where p.status = 'completed' and p.completed_at >= ${s.from} and p.completed_at < ${s.to}
       ${s.planId ? sql`and p.id = ${s.planId}` : none}
       ${
         stepScoped
           ? sql`and exists (select 1 from mes.worker_assignments a join mes.production_plan_nodes pn on pn.id = a.node_id
                             where a.plan_id = p.id ${stepFilters({ ...s, planId: undefined })})`
           : none
       }
     group by 1 order by 1`.execute(db);
  return rows.map(deliveryRow);
}

/** Worked minutes per bucket and worker, with each worker's calendar. */
export async function workedByWorker(db: Db, s: Scope) {
  const { rows } = await sql<{ bucket: string; worker_id: string; worked: unknown }>`
    select ${bucketOf(s, sql`a.actual_end`)} as bucket, a.worker_id, sum(coalesce(a.worked_minutes, 0)) as worked
      from mes.worker_assignments a
      ${nodeOfStep}
     where ${completedIn(s)}
     group by 1, 2 order by 1, 2`.execute(db);
  return {
    worked: rows.map((r) => ({ bucket: r.bucket, workerId: r.worker_id, workedMinutes: n(r.worked) })),
    calendars: await workerCalendars(db, s, [...new Set(rows.map((r) => r.worker_id))]),
  };
}

/** The shift calendars of the given workers (null = no calendar: always available). */
export async function workerCalendars(db: Db, s: Scope, ids: string[]): Promise<Map<string, StoredCalendar | null>> {
  const { rows: cals } = await sql<{ id: string; cal: StoredCalendar | null }>`
    select w.id, case when w.shift_calendar_id is null then null else ${calendarJson(sql`w.shift_calendar_id`, s.from, s.to)} end as cal
      from mes.workers w where w.id = any(${ids}::text[])`.execute(db);
  return new Map(cals.map((c) => [c.id, c.cal]));
}

/**
 * A step behind a scrap bar of `reason`: scrapped units, and the reason as the
 * rollups bucket it (0027: a missing or empty reason is 'unspecified').
 */
const scrapReasonIs = (reason: string) => sql`(a.scrap_quantity > 0 and coalesce(nullif(a.scrap_reason, ''), 'unspecified') = ${reason})`;

/** The steps behind a bar: completed steps in the period matching the filters and, when given, a pause or scrap reason; keyset by assignment id. */
export async function steps(db: Db, s: Scope, reason: string | undefined, after: string | undefined, limit: number) {
  const { rows } = await sql<Record<string, unknown>>`
    select a.id, a.plan_id, p.name as plan_name, pn.name as node_name, pn.operation_id, a.station_id, a.substation_id, a.worker_id,
           a.actual_start, a.actual_end, a.worked_minutes, a.paused_minutes, a.good_quantity, a.scrap_quantity, a.scrap_reason
      from mes.worker_assignments a
      ${nodeOfStep}
      join mes.production_plans p on p.id = a.plan_id
     where ${completedIn(s)}
       ${reason ? sql`and (${scrapReasonIs(reason)} or exists (select 1 from mes.assignment_pauses x where x.assignment_id = a.id and x.reason = ${reason}))` : none}
       ${after ? sql`and a.id > ${after}` : none}
     order by a.id
     limit ${limit + 1}`.execute(db);
  const page = rows.slice(0, limit).map((r) => ({
    assignmentId: String(r.id),
    planId: String(r.plan_id),
    planName: String(r.plan_name),
    nodeName: String(r.node_name),
    operationId: String(r.operation_id),
    stationId: String(r.station_id),
    substationId: String(r.substation_id),
    workerId: String(r.worker_id),
    actualStart: r.actual_start ? new Date(r.actual_start as string).toISOString() : null,
    actualEnd: new Date(r.actual_end as string).toISOString(),
    workedMinutes: n(r.worked_minutes),
    pausedMinutes: n(r.paused_minutes),
    good: n(r.good_quantity),
    scrap: n(r.scrap_quantity),
    scrapReason: (r.scrap_reason as string | null) ?? null,
  }));
  return { rows: page, next: rows.length > limit ? page[page.length - 1]!.assignmentId : null };
}
