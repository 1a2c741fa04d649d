/**
 * A calendar change repairs (issue #15): when a worker's shift calendar or a substation's availability calendar
 * changes through the master-data routes (a calendar's windows replaced, a worker or a substation put on another
 * calendar), the not-started bookings now outside the resource's availability move to the next time they fit, and
 * their successors follow, in the same transaction, with `repaired` events (cause calendar) and a task_moved alert;
 * a pinned one stays and is reported (`repair_blocked`, outsideCalendar). A change that gains time (a gap closed
 * again, a calendar taken off) pulls the not-started bookings of plans with auto_compact left into it, as an early
 * finish does; a plan without auto_compact keeps its times.
 *
 * The floor: two stations of one substation each, a worker at each (W-920 on calendar CAL-920, always on shift
 * until a test replaces it; W-921 with none), plans of three 60-minute steps in a chain.
 */
import { sql } from 'kysely';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { type Client, createAndRelease, planBookings, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { chainPlan } from '../helpers/plans.js';
import { dailyGapWindows } from '../helpers/gantt.js';

const MIN = 60_000;
const allDay = Array.from({ length: 7 }, (_, weekday) => ({ weekday, startMinute: 0, endMinute: 1440 }));

interface Booking {
  id: string;
  substationId: string;
  plannedStart: string;
  plannedEnd: string;
  status: string;
  pinned?: boolean;
}

describeEachEngine('a calendar change repairs the bookings outside it', (ctx) => {
  let planner: Client;
  const live: string[] = [];

  beforeAll(async () => {
    await seed(ctx.database.db, 'minimal');
    planner = await signIn(await ctx.app(), 'planner');
    expect((await planner.post('/api/mes/shift-calendars', { id: 'CAL-920', name: 'Repair shifts', windows: allDay })).statusCode).toBe(201);
    for (const [station, worker, calendar] of [
      ['ST-920', 'W-920', 'CAL-920'],
      ['ST-921', 'W-921', undefined],
    ] as const) {
      const st = await planner.post('/api/mes/stations', {
        id: station,
        name: `Cell ${station}`,
        operationIds: ['OP-008'],
        substations: [{ id: `${station}-01`, name: 'Bench' }],
      });
      expect(st.statusCode, st.body).toBe(201);
      const w = await planner.post('/api/mes/workers', {
        id: worker,
        name: `Worker ${worker}`,
        stationIds: [station],
        operationIds: ['OP-008'],
        ...(calendar ? { shiftCalendarId: calendar } : {}),
      });
      expect(w.statusCode, w.body).toBe(201);
    }
  });

  afterEach(async () => {
    for (const id of live.splice(0)) expect((await planner.post(`/api/mes/production-plans/${id}/cancel`, {})).statusCode).toBe(200);
    expect((await planner.put('/api/mes/shift-calendars/CAL-920', { name: 'Repair shifts', windows: allDay })).statusCode).toBe(200);
    expect((await planner.patch('/api/mes/substations/ST-921-01', { availabilityCalendarId: null })).statusCode).toBe(200);
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
  });

  const release = (doc: PlanDocument) => createAndRelease(planner, doc, live);
  const bookings = (planId: string) => planBookings<Booking>(planner, planId);
  const repairedEvents = async (planId: string) =>
    (
      await sql<{ entity_id: string; change: string; payload: Record<string, unknown> }>`
        select entity_id, change, payload from mes.events where plan_id = ${planId} and change in ('repaired', 'repair_blocked') order by id`.execute(
        ctx.database.db,
      )
    ).rows;
  const movedAlerts = async (workerId: string) =>
    (
      await sql<{ n: number }>`select count(*)::int as n from mes.alerts where kind = 'task_moved' and recipient_worker_id = ${workerId}`.execute(
        ctx.database.db,
      )
    ).rows[0]!.n;

  /**
   * The chain after a 90-minute daily gap opened where N2 starts: N1 (already begun on paper) stays, N2 moves to
   * the gap's end, N3 follows it back to back; events and the worker's alert.
   */
  const expectPushedPastGap = async (plan: string, before: Booking[], gapEnd: number, workerId: string, alertsBefore: number) => {
    const after = await bookings(plan);
    expect(after[0]).toMatchObject({ id: before[0]!.id, plannedStart: before[0]!.plannedStart, plannedEnd: before[0]!.plannedEnd });
    expect(Date.parse(after[1]!.plannedStart)).toBe(gapEnd);
    expect(Date.parse(after[1]!.plannedEnd)).toBe(gapEnd + 60 * MIN);
    expect(after[2]!.plannedStart).toBe(after[1]!.plannedEnd);
    expect(Date.parse(after[2]!.plannedStart)).toBeGreaterThan(Date.parse(before[2]!.plannedStart));
    const events = await repairedEvents(plan);
    expect(events.map((e) => [e.change, e.entity_id])).toEqual([
      ['repaired', before[1]!.id],
      ['repaired', before[2]!.id],
    ]);
    for (const e of events) expect(e.payload).toMatchObject({ cause: 'calendar' });
    expect(events[0]!.payload.from).toEqual({ plannedStart: before[1]!.plannedStart, plannedEnd: before[1]!.plannedEnd });
    expect(await movedAlerts(workerId)).toBe(alertsBefore + 1);
  };

  it("a worker's shift calendar replaced with a gap over a booking: it moves past the gap and its successor follows", async () => {
    const plan = await release(chainPlan('Shift gap', 'ST-920'));
    const before = await bookings(plan);
    expect(before.map((b) => b.substationId)).toEqual(['ST-920-01', 'ST-920-01', 'ST-920-01']);
    const gapStart = Math.floor(Date.parse(before[1]!.plannedStart) / MIN) * MIN;
    const alerts = await movedAlerts('W-920');
    const res = await planner.put('/api/mes/shift-calendars/CAL-920', { name: 'Repair shifts', windows: dailyGapWindows(gapStart, 90) });
    expect(res.statusCode, res.body).toBe(200);
    await expectPushedPastGap(plan, before, gapStart + 90 * MIN, 'W-920', alerts);
  });

  it("a worker put on another calendar, and a substation's availability calendar set: the bookings outside them move", async () => {
    // the worker onto a calendar of its own (W-921 had none)
    let plan = await release(chainPlan('New calendar', 'ST-921'));
    let before = await bookings(plan);
    let gapStart = Math.floor(Date.parse(before[1]!.plannedStart) / MIN) * MIN;
    const own = await planner.post('/api/mes/shift-calendars', { id: 'CAL-921', name: 'Own shifts', windows: dailyGapWindows(gapStart, 90) });
    expect(own.statusCode, own.body).toBe(201);
    let alerts = await movedAlerts('W-921');
    const patched = await planner.patch('/api/mes/workers/W-921', { shiftCalendarId: 'CAL-921' });
    expect(patched.statusCode, patched.body).toBe(200);
    await expectPushedPastGap(plan, before, gapStart + 90 * MIN, 'W-921', alerts);
    expect((await planner.patch('/api/mes/workers/W-921', { shiftCalendarId: null })).statusCode).toBe(200);
    expect((await planner.post(`/api/mes/production-plans/${live.pop()!}/cancel`, {})).statusCode).toBe(200);

    // the substation onto an availability calendar
    plan = await release(chainPlan('Availability', 'ST-921'));
    before = await bookings(plan);
    gapStart = Math.floor(Date.parse(before[1]!.plannedStart) / MIN) * MIN;
    const avail = await planner.post('/api/mes/shift-calendars', { id: 'AV-921', name: 'Bench availability', windows: dailyGapWindows(gapStart, 90) });
    expect(avail.statusCode, avail.body).toBe(201);
    alerts = await movedAlerts('W-921');
    const sub = await planner.patch('/api/mes/substations/ST-921-01', { availabilityCalendarId: 'AV-921' });
    expect(sub.statusCode, sub.body).toBe(200);
    await expectPushedPastGap(plan, before, gapStart + 90 * MIN, 'W-921', alerts);
  });

  /**
   * The chain pulled back left after the gap closed: N2 right after N1 (which never moves later), N3 right after N2,
   * both earlier than the gap had put them, each with a `repaired` event of cause calendar.
   */
  const expectPulledBack = async (plan: string, before: Booking[], pushed: Booking[], eventsBefore: number) => {
    const after = await bookings(plan);
    expect(Date.parse(after[0]!.plannedEnd)).toBeLessThanOrEqual(Date.parse(before[0]!.plannedEnd));
    expect(after[1]!.plannedStart).toBe(after[0]!.plannedEnd);
    expect(Date.parse(after[1]!.plannedEnd)).toBe(Date.parse(after[1]!.plannedStart) + 60 * MIN);
    expect(after[2]!.plannedStart).toBe(after[1]!.plannedEnd);
    expect(Date.parse(after[1]!.plannedStart)).toBeLessThan(Date.parse(pushed[1]!.plannedStart));
    const events = (await repairedEvents(plan)).slice(eventsBefore);
    expect(events.filter((e) => e.entity_id !== before[0]!.id).map((e) => [e.change, e.entity_id])).toEqual([
      ['repaired', before[1]!.id],
      ['repaired', before[2]!.id],
    ]);
    for (const e of events) expect(e.payload).toMatchObject({ cause: 'calendar' });
  };

  it('a shift calendar that gains time again pulls the bookings of an auto_compact plan left into it; a plan without auto_compact stays', async () => {
    for (const compact of [true, false]) {
      const plan = await release(chainPlan(`Gap closed ${compact}`, 'ST-920'));
      if (!compact) await sql`update mes.production_plans set auto_compact = false where id = ${plan}`.execute(ctx.database.db);
      const before = await bookings(plan);
      const gapStart = Math.floor(Date.parse(before[1]!.plannedStart) / MIN) * MIN;
      const gap = await planner.put('/api/mes/shift-calendars/CAL-920', { name: 'Repair shifts', windows: dailyGapWindows(gapStart, 90) });
      expect(gap.statusCode, gap.body).toBe(200);
      const pushed = await bookings(plan);
      expect(Date.parse(pushed[1]!.plannedStart)).toBe(gapStart + 90 * MIN);
      const eventsBefore = (await repairedEvents(plan)).length;
      // the gap closes again: every day all day
      const closed = await planner.put('/api/mes/shift-calendars/CAL-920', { name: 'Repair shifts', windows: allDay });
      expect(closed.statusCode, closed.body).toBe(200);
      if (compact) await expectPulledBack(plan, before, pushed, eventsBefore);
      else {
        expect((await bookings(plan)).map((b) => [b.plannedStart, b.plannedEnd])).toEqual(pushed.map((b) => [b.plannedStart, b.plannedEnd]));
        expect(await repairedEvents(plan)).toHaveLength(eventsBefore);
      }
      expect((await planner.post(`/api/mes/production-plans/${live.pop()!}/cancel`, {})).statusCode).toBe(200);
    }
  });

  it("a substation's availability calendar taken off, and a worker's: the bookings of an auto_compact plan move left into the time gained", async () => {
    // the substation's
    let plan = await release(chainPlan('Availability off', 'ST-921'));
    let before = await bookings(plan);
    let gapStart = Math.floor(Date.parse(before[1]!.plannedStart) / MIN) * MIN;
    const avail = await planner.post('/api/mes/shift-calendars', { id: 'AV-922', name: 'Bench gap', windows: dailyGapWindows(gapStart, 90) });
    expect(avail.statusCode, avail.body).toBe(201);
    expect((await planner.patch('/api/mes/substations/ST-921-01', { availabilityCalendarId: 'AV-922' })).statusCode).toBe(200);
    let pushed = await bookings(plan);
    expect(Date.parse(pushed[1]!.plannedStart)).toBe(gapStart + 90 * MIN);
    let eventsBefore = (await repairedEvents(plan)).length;
    expect((await planner.patch('/api/mes/substations/ST-921-01', { availabilityCalendarId: null })).statusCode).toBe(200);
    await expectPulledBack(plan, before, pushed, eventsBefore);
    expect((await planner.post(`/api/mes/production-plans/${live.pop()!}/cancel`, {})).statusCode).toBe(200);

    // the worker's
    plan = await release(chainPlan('Shifts off', 'ST-921'));
    before = await bookings(plan);
    gapStart = Math.floor(Date.parse(before[1]!.plannedStart) / MIN) * MIN;
    const shifts = await planner.post('/api/mes/shift-calendars', { id: 'CAL-922', name: 'Worker gap', windows: dailyGapWindows(gapStart, 90) });
    expect(shifts.statusCode, shifts.body).toBe(201);
    expect((await planner.patch('/api/mes/workers/W-921', { shiftCalendarId: 'CAL-922' })).statusCode).toBe(200);
    pushed = await bookings(plan);
    expect(Date.parse(pushed[1]!.plannedStart)).toBe(gapStart + 90 * MIN);
    eventsBefore = (await repairedEvents(plan)).length;
    expect((await planner.patch('/api/mes/workers/W-921', { shiftCalendarId: null })).statusCode).toBe(200);
    await expectPulledBack(plan, before, pushed, eventsBefore);
  });

  it('a pinned booking a new calendar leaves outside stays where the planner put it, and is reported', async () => {
    const plan = await release(chainPlan('Pinned', 'ST-920'));
    const before = await bookings(plan);
    // N3 pinned two hours after N2 ends
    const at = Math.ceil((Date.parse(before[2]!.plannedStart) + 120 * MIN) / (5 * MIN)) * 5 * MIN;
    const pin = await planner.put(`/api/mes/worker-assignments/${before[2]!.id}`, { plannedStart: new Date(at).toISOString() });
    expect(pin.statusCode, pin.body).toBe(200);
    const pinned = (await bookings(plan))[2]!;
    const res = await planner.put('/api/mes/shift-calendars/CAL-920', { name: 'Repair shifts', windows: dailyGapWindows(at - 10 * MIN, 60) });
    expect(res.statusCode, res.body).toBe(200);
    const after = await bookings(plan);
    expect(after[2]).toMatchObject({ plannedStart: pinned.plannedStart, plannedEnd: pinned.plannedEnd });
    expect(after.slice(0, 2).map((b) => [b.plannedStart, b.plannedEnd])).toEqual(before.slice(0, 2).map((b) => [b.plannedStart, b.plannedEnd]));
    const events = await repairedEvents(plan);
    expect(events).toEqual([
      { entity_id: before[2]!.id, change: 'repair_blocked', payload: expect.objectContaining({ outsideCalendar: true, pinned: true, cause: 'calendar' }) },
    ]);
  });
});
