import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { releasePlan } from '../../src/modules/plans/lifecycle.service.js';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { createPlan } from '../../src/modules/plans/plans.service.js';
import { seed } from '../helpers/api.js';
import { describeEachEngine, testConfig } from '../helpers/engines.js';

/**
 * Release reads the bookings of its candidates inside a window from now (a
 * week and a bit), merged into busy intervals where the gaps are too short for
 * any of the plan's steps, and reads further when the plan does not fit. One
 * round-the-clock worker (W-951) and one substation (ST-950-01) are the only
 * candidates here, and a blocker plan's bookings are set where a test needs them.
 */
describeEachEngine('release reads bookings in a window', (ctx) => {
  const MIN = 60_000;
  const HOUR = 60 * MIN;
  const DAY = 24 * HOUR;
  let now: Date;

  const doc = (name: string, steps: number, minutes = 60): PlanDocument => ({
    workOrderCode: 'WO-WINDOW',
    name,
    quantity: 1,
    nodes: Array.from({ length: steps }, (_, i) => ({
      nodeId: `N${i + 1}`,
      name: `Step ${i + 1}`,
      operationId: 'OP-001',
      nominalTime: minutes,
      predecessors: [],
      assignedStations: [{ stationId: 'ST-950', priority: 1 }],
      materialInputs: [],
    })),
  });
  const opts = () => ({ actor: 'planner', now, utcOffsetMinutes: testConfig().utcOffsetMinutes, schedulerBudgetMs: testConfig().schedulerBudgetMs });

  /** A released plan whose steps' bookings are moved to `intervals` (ms after now), on W-951 and ST-950-01; returns their ids in order. */
  async function block(intervals: [number, number][]): Promise<string[]> {
    const db = ctx.database.db;
    const plan = await createPlan(db, doc(`Blocker ${intervals.length}`, intervals.length), 'planner');
    await releasePlan(db, plan.id, true, opts());
    const ids = (await sql<{ id: string }>`select id from mes.worker_assignments where plan_id = ${plan.id} order by id`.execute(db)).rows.map((r) => r.id);
    // park them in the past first, so the exclusion constraints never see two of them overlap while they move
    for (const [i, id] of ids.entries()) {
      await sql`update mes.worker_assignments set planned_start = ${new Date(now.getTime() - (i + 2) * DAY)}, planned_end = ${new Date(now.getTime() - (i + 2) * DAY + HOUR)} where id = ${id}`.execute(
        db,
      );
    }
    for (const [i, id] of ids.entries()) {
      const [start, end] = intervals[i]!;
      await sql`update mes.worker_assignments set planned_start = ${new Date(now.getTime() + start)}, planned_end = ${new Date(now.getTime() + end)} where id = ${id}`.execute(
        db,
      );
    }
    return ids;
  }

  /** The bookings of other plans a step's wait reasons name (`by.assignmentId` of worker_busy / substation_busy). */
  const blockersOf = (a: { waitReason: unknown }) =>
    ((a.waitReason ?? []) as { by?: { assignmentId?: string } }[]).flatMap((r) => (r.by?.assignmentId ? [r.by.assignmentId] : []));

  async function release(name: string) {
    const db = ctx.database.db;
    const plan = await createPlan(db, doc(name, 1), 'planner');
    const released = await releasePlan(db, plan.id, true, opts());
    return released.plan.nodes[0]!.assignment!;
  }

  beforeAll(async () => {
    const db = ctx.database.db;
    await seed(db, 'default');
    await sql`insert into mes.stations (id, name) values ('ST-950', 'Window laser')`.execute(db);
    await sql`insert into mes.station_operations (station_id, operation_id) values ('ST-950', 'OP-001')`.execute(db);
    await sql`insert into mes.substations (id, station_id, name) values ('ST-950-01', 'ST-950', 'Window laser 1')`.execute(db);
    await sql`insert into mes.workers (id, name) values ('W-951', 'Any hour')`.execute(db);
    await sql`insert into mes.worker_operations (worker_id, operation_id) values ('W-951', 'OP-001')`.execute(db);
    await sql`insert into mes.worker_stations (worker_id, station_id) values ('W-951', 'ST-950')`.execute(db);
  });

  it('schedules a plan that only fits past the first window, after the booking that holds it, naming it', async () => {
    now = new Date(Date.UTC(2031, 0, 6, 8, 0));
    // the only worker and substation are booked for 40 days: the first window (a week and 4.2 hours) has no room
    const [blocker] = await block([[0, 40 * DAY]]);
    const a = await release('Past the window');
    expect(a).toMatchObject({ workerId: 'W-951', substationId: 'ST-950-01' });
    expect(Date.parse(a.plannedStart)).toBe(now.getTime() + 40 * DAY);
    expect(Date.parse(a.plannedEnd)).toBe(now.getTime() + 40 * DAY + HOUR);
    expect(blockersOf(a)).toContain(blocker);
  });

  it('waits on back-to-back bookings as one, named by the one that ends last, and uses a gap exactly as long as the step', async () => {
    now = new Date(Date.UTC(2032, 0, 5, 8, 0));
    // A and B leave 30 minutes between them (too short for the 60-minute step); B and C leave exactly 60
    const [first, second] = await block([
      [0, HOUR],
      [HOUR + 30 * MIN, 3 * HOUR],
      [4 * HOUR, 5 * HOUR],
    ]);
    const a = await release('In the gap');
    expect(Date.parse(a.plannedStart)).toBe(now.getTime() + 3 * HOUR);
    expect(Date.parse(a.plannedEnd)).toBe(now.getTime() + 4 * HOUR);
    expect(blockersOf(a)).toContain(second);
    expect(blockersOf(a)).not.toContain(first);
  });

  it('places a plan on a floor booked beyond the first window where it fits first, past the window when nothing inside has room', async () => {
    now = new Date(Date.UTC(2033, 0, 3, 8, 0));
    // bookings every 2 hours for 20 days, each leaving 30 minutes: no room for 60 minutes until they end
    const intervals: [number, number][] = Array.from({ length: 240 }, (_, i) => [i * 2 * HOUR, i * 2 * HOUR + 90 * MIN]);
    const ids = await block(intervals);
    const a = await release('After a busy month');
    expect(Date.parse(a.plannedStart)).toBe(now.getTime() + 239 * 2 * HOUR + 90 * MIN);
    expect(blockersOf(a)).toContain(ids[239]);
  });
});
