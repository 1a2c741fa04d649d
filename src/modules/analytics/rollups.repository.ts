/**
 * The analytics reads over the rollups of migration 0027 (docs/ANALYTICS.md
 * "Speed"): the same answers as analytics.repository.ts (the base reads, kept
 * as the recomputation the tests and `npm run doctor` compare against), from
 * - the facts (one row per completed step, ended pause, completed plan; they
 *   outlive archiving) for the ragged edges of a period and for the filters a
 *   daily rollup has no column for, and for the exact medians and percentiles;
 * - the daily rollups for the period's whole plant-local days, when they were
 *   bucketed with the offset asked for.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import {
  deliveryRow,
  type PauseSums,
  pauseSumsRow,
  plannedVsActualRow,
  type Scope,
  type ScrapSums,
  scrapSumsRow,
  type StepSums,
  stepSumsRow,
  workerCalendars,
} from './analytics.repository.js';
import { wholeLocalDays } from './analytics.rules.js';

const none = sql``;
const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** The local bucket (a timestamp without time zone) of a timestamptz expression (as analytics.repository.ts); grouped by it, labelled by `label`. */
const bucketOfTime = (s: Scope, expr: RawBuilder<unknown>) =>
  sql<Date>`date_trunc(${sql.lit(s.groupBy)}, (${expr} at time zone 'UTC') + make_interval(mins => ${s.utcOffsetMinutes}::int))`;
/** The bucket of a local date. */
const bucketOfDay = (s: Scope, expr: RawBuilder<unknown>) => sql<Date>`date_trunc(${sql.lit(s.groupBy)}, ${expr}::timestamp)`;
/** A bucket's label 'YYYY-MM-DD' (formatted per group, not per row). */
const label = sql<string>`to_char(bucket, 'YYYY-MM-DD')`;

/** The filters on a fact f (analytics_steps or analytics_pauses). */
function factFilters(s: Scope) {
  return sql`${s.stationId ? sql`and f.station_id = ${s.stationId}` : none}
    ${s.substationId ? sql`and f.substation_id = ${s.substationId}` : none}
    ${s.operationId ? sql`and f.operation_id = ${s.operationId}` : none}
    ${s.workerId ? sql`and f.worker_id = ${s.workerId}` : none}
    ${s.planId ? sql`and f.plan_id = ${s.planId}` : none}`;
}

/** How a period is read: its whole local days [dayFrom, dayTo) from a rollup, the rest [from, to) minus those days from the facts. */
interface Split {
  days: { from: string; to: string; start: Date; end: Date } | null;
}

/** The offset the daily rollups were bucketed with. */
export async function rollupOffset(db: Db): Promise<number> {
  const { rows } = await sql<{ off: number }>`select utc_offset_minutes as off from mes.analytics_settings`.execute(db);
  return rows[0]!.off;
}

/**
 * Re-buckets the daily rollups when the plant's offset is not the one they
 * were bucketed with (one transaction; the facts do not depend on it).
 * True when it did. Meant for start-up: a completion committing while it runs
 * may still bucket with the old offset (`npm run doctor` would report it).
 */
export async function alignRollupOffset(db: Db, utcOffsetMinutes: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql`update mes.analytics_settings set utc_offset_minutes = ${utcOffsetMinutes}
                                where utc_offset_minutes <> ${utcOffsetMinutes} returning 1`.execute(trx);
    if (rows.length === 0) return false;
    await sql`select mes.analytics_rebuild_daily()`.execute(trx);
    return true;
  });
}

async function splitOf(db: Db, s: Scope, rollupUsable: boolean): Promise<Split> {
  if (!rollupUsable) return { days: null };
  if ((await rollupOffset(db)) !== s.utcOffsetMinutes) return { days: null };
  return { days: wholeLocalDays(s.from.getTime(), s.to.getTime(), s.utcOffsetMinutes) };
}

/** The facts' time column within the period but outside the whole days read from a rollup. */
function factPeriod(column: RawBuilder<unknown>, s: Scope, split: Split) {
  if (!split.days) return sql`${column} >= ${s.from} and ${column} < ${s.to}`;
  return sql`((${column} >= ${s.from} and ${column} < ${split.days.start}) or (${column} >= ${split.days.end} and ${column} < ${s.to}))`;
}

/** A rollup's rows of the whole days (nothing when there are none). */
function dayPeriod(split: Split) {
  return split.days ? sql`d.day >= ${split.days.from}::date and d.day < ${split.days.to}::date` : sql`false`;
}

const f = (name: string) => sql.ref(`f.${name}`);

/** Run time, ideal time, good and scrap per bucket and substation. */
export async function stepSums(db: Db, s: Scope): Promise<StepSums[]> {
  const split = await splitOf(db, s, !(s.operationId || s.workerId || s.planId));
  const { rows } = await sql<Record<string, unknown>>`
    select ${label} as bucket, station_id, substation_id, sum(run) as run, sum(ideal) as ideal, sum(good) as good, sum(scrap) as scrap from (
      select ${bucketOfTime(s, f('ended_at'))} as bucket, f.station_id, f.substation_id, f.run_minutes as run, f.ideal_minutes as ideal, f.good, f.scrap
        from mes.analytics_steps f where ${factPeriod(f('ended_at'), s, split)} ${factFilters(s)}
      union all
      select ${bucketOfDay(s, sql.ref('d.day'))}, d.station_id, d.substation_id, d.run_minutes, d.ideal_minutes, d.good, d.scrap
        from mes.analytics_daily_substations d where ${dayPeriod(split)}
        ${s.stationId ? sql`and d.station_id = ${s.stationId}` : none} ${s.substationId ? sql`and d.substation_id = ${s.substationId}` : none}
    ) x group by x.bucket, 2, 3`.execute(db);
  return rows.map(stepSumsRow);
}

/** Ended pauses starting in the period, per bucket, station and reason. */
export async function pauseSums(db: Db, s: Scope): Promise<PauseSums[]> {
  const split = await splitOf(db, s, !(s.substationId || s.operationId || s.workerId || s.planId));
  const { rows } = await sql<Record<string, unknown>>`
    select ${label} as bucket, station_id, reason, sum(minutes) as minutes, sum(pauses) as pauses from (
      select ${bucketOfTime(s, f('started_at'))} as bucket, f.station_id, f.reason, f.minutes, 1 as pauses
        from mes.analytics_pauses f where ${factPeriod(f('started_at'), s, split)} ${factFilters(s)}
      union all
      select ${bucketOfDay(s, sql.ref('d.day'))}, d.station_id, d.reason, d.minutes, d.n
        from mes.analytics_daily_pauses d where ${dayPeriod(split)} ${s.stationId ? sql`and d.station_id = ${s.stationId}` : none}
    ) x group by x.bucket, 2, 3 order by x.bucket, 2, 3`.execute(db);
  return rows.map(pauseSumsRow);
}

/** Scrapped units of completed steps, per bucket, operation and reason ('unspecified' when none was given). */
export async function scrapSums(db: Db, s: Scope): Promise<ScrapSums[]> {
  const split = await splitOf(db, s, !(s.substationId || s.workerId || s.planId));
  const { rows } = await sql<Record<string, unknown>>`
    select ${label} as bucket, operation_id, reason, sum(scrap) as scrap, sum(steps) as steps from (
      select ${bucketOfTime(s, f('ended_at'))} as bucket, f.operation_id, coalesce(nullif(f.scrap_reason, ''), 'unspecified') as reason, f.scrap, 1 as steps
        from mes.analytics_steps f where ${factPeriod(f('ended_at'), s, split)} and f.scrap > 0 ${factFilters(s)}
      union all
      select ${bucketOfDay(s, sql.ref('d.day'))}, d.operation_id, d.reason, d.scrap, d.n
        from mes.analytics_daily_scrap d where ${dayPeriod(split)}
        ${s.stationId ? sql`and d.station_id = ${s.stationId}` : none} ${s.operationId ? sql`and d.operation_id = ${s.operationId}` : none}
    ) x group by x.bucket, 2, 3 order by x.bucket, 2, 3`.execute(db);
  return rows.map(scrapSumsRow);
}

/**
 * Per operation and station: planned vs actual minutes per unit, and the suggested nominal (exact medians over the step facts).
 * By migration 0031's index: the (operation, station) pairs are walked by a loose index scan, and each pair's period is one
 * index-only range in that pair's order, so no step of the period is sorted by group first (docs/ANALYTICS.md "Speed").
 */
export async function plannedVsActual(db: Db, s: Scope) {
  const { rows } = await sql<Record<string, unknown>>`
    with recursive pairs(operation_id, station_id) as (
      (select f.operation_id, f.station_id from mes.analytics_steps f
        where f.actual_per_unit is not null ${s.operationId ? sql`and f.operation_id = ${s.operationId}` : none}
        order by 1, 2 limit 1)
      union all
      select x.operation_id, x.station_id from pairs p cross join lateral (
        select f.operation_id, f.station_id from mes.analytics_steps f
         where f.actual_per_unit is not null and (f.operation_id, f.station_id) > (p.operation_id, p.station_id)
           ${s.operationId ? sql`and f.operation_id = ${s.operationId}` : none}
         order by 1, 2 limit 1) x
    )
    select p.operation_id, p.station_id, g.* from pairs p cross join lateral (
      select count(*) as steps, sum(f.good + f.scrap) as units,
             percentile_cont(0.5) within group (order by f.nominal_per_unit) as nominal_per_unit,
             sum(f.work_minutes) / sum(f.good + f.scrap) as planned_per_unit,
             sum(f.worked_minutes) / sum(f.good + f.scrap) as actual_mean,
             percentile_cont(0.5) within group (order by f.actual_per_unit) as actual_median,
             percentile_cont(0.5) within group (order by f.suggested_per_unit) as suggested
        from mes.analytics_steps f
       where f.operation_id = p.operation_id and f.station_id = p.station_id
         and f.ended_at >= ${s.from} and f.ended_at < ${s.to} ${factFilters(s)} and f.actual_per_unit is not null) g
     where g.steps > 0
     order by 1, 2`.execute(db);
  return rows.map(plannedVsActualRow);
}

/** Plans completed in the period, per bucket of completion, from the plan facts (exact lead-time percentiles). */
export async function delivery(db: Db, s: Scope) {
  const stepScoped = s.stationId || s.substationId || s.operationId || s.workerId;
  const { rows } = await sql<Record<string, unknown>>`
    select to_char(${bucketOfTime(s, f('completed_at'))}, 'YYYY-MM-DD') as bucket, count(*) as completed,
           count(f.due_date) as with_due, count(*) filter (where f.completed_at <= f.due_date) as on_time,
           percentile_cont(0.5) within group (order by extract(epoch from (f.completed_at - f.released_at)) / 3600) as lead_median,
           percentile_cont(0.9) within group (order by extract(epoch from (f.completed_at - f.released_at)) / 3600) as lead_p90,
           sum(f.quantity) as units, sum(f.good_units) as good_units
      from mes.analytics_plans f
     where f.completed_at >= ${s.from} and f.completed_at < ${s.to}
       ${s.planId ? sql`and f.plan_id = ${s.planId}` : none}
       ${
         stepScoped
           ? sql`and f.plan_id in (select f2.plan_id from mes.analytics_plan_steps f2 where true
                   ${s.stationId ? sql`and f2.station_id = ${s.stationId}` : none}
                   ${s.substationId ? sql`and f2.substation_id = ${s.substationId}` : none}
                   ${s.operationId ? sql`and f2.operation_id = ${s.operationId}` : none}
                   ${s.workerId ? sql`and f2.worker_id = ${s.workerId}` : none})`
           : none
       }
     group by 1 order by 1`.execute(db);
  return rows.map(deliveryRow);
}

/** Worked minutes per bucket and worker, with each worker's calendar. */
export async function workedByWorker(db: Db, s: Scope) {
  const split = await splitOf(db, s, !(s.stationId || s.substationId || s.operationId || s.workerId || s.planId));
  const { rows } = await sql<{ bucket: string; worker_id: string; worked: unknown }>`
    select ${label} as bucket, worker_id, sum(worked) as worked from (
      select ${bucketOfTime(s, f('ended_at'))} as bucket, f.worker_id, f.run_minutes as worked
        from mes.analytics_steps f where ${factPeriod(f('ended_at'), s, split)} ${factFilters(s)}
      union all
      select ${bucketOfDay(s, sql.ref('d.day'))}, d.worker_id, d.worked_minutes from mes.analytics_daily_workers d where ${dayPeriod(split)}
    ) x group by x.bucket, 2 order by x.bucket, 2`.execute(db);
  return {
    worked: rows.map((r) => ({ bucket: r.bucket, workerId: r.worker_id, workedMinutes: n(r.worked) })),
    calendars: await workerCalendars(db, s, [...new Set(rows.map((r) => r.worker_id))]),
  };
}
