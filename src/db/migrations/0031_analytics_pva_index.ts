/**
 * 0031 — planned vs actual by index (issue #18 item 4).
 *
 * The report's medians are exact (`percentile_cont` over every step of the
 * period, docs/ANALYTICS.md), so no daily rollup can hold them; what was slow
 * was how the steps were reached: all of a 400-day period's steps (≈115,000 at
 * 24 months) fetched from the heap by their end time, then sorted by
 * operation and station (spilling to disk) before each group's medians were
 * sorted again. This index holds, per operation and station in end-time
 * order, every column the report reads: the report walks the (operation,
 * station) pairs (a loose index scan, a few dozen probes) and reads each
 * pair's period as one index-only range, already grouped, so only the
 * medians' own sorts remain (small, per group, in memory).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index analytics_steps_pva on mes.analytics_steps (operation_id, station_id, ended_at)
      include (nominal_per_unit, actual_per_unit, suggested_per_unit, good, scrap, work_minutes, worked_minutes)
      where actual_per_unit is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index mes.analytics_steps_pva`.execute(db);
}
