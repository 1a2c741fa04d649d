/**
 * Substation availability (issue #15 item 4): maintenance blocks and
 * availability calendars. A small floor of its own (one station with one
 * substation, one worker always on shift): blocks are created, listed and
 * deleted; bad blocks are refused with nothing written; release plans around
 * a block and inside the substation's calendar; a new block moves the bookings
 * it overlaps, is refused over a running step; a move into a block is refused.
 */
import { sql } from 'kysely';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { type Client, createAndRelease, expectNoWrite, expectProblem, planBookings, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { chainPlan } from '../helpers/plans.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SUB = 'ST-910-01';

interface Booking {
  id: string;
  substationId: string;
  plannedStart: string;
  plannedEnd: string;
  status: string;
}

const crosses = (b: Booking, block: { start: number; end: number }) => Date.parse(b.plannedStart) < block.end && Date.parse(b.plannedEnd) > block.start;

describeEachEngine('substation blocks and availability', (ctx) => {
  let planner: Client;
  const live: string[] = [];

  beforeAll(async () => {
    await seed(ctx.database.db, 'minimal');
    planner = await signIn(await ctx.app(), 'planner');
    const st = await planner.post('/api/mes/stations', {
      id: 'ST-910',
      name: 'Press cell',
      operationIds: ['OP-008'],
      substations: [{ id: SUB, name: 'Press 1' }],
    });
    expect(st.statusCode, st.body).toBe(201);
    const w = await planner.post('/api/mes/workers', { id: 'W-910', name: 'Press Worker', stationIds: ['ST-910'], operationIds: ['OP-008'] });
    expect(w.statusCode, w.body).toBe(201);
  });

  const release = (doc: PlanDocument) => createAndRelease(planner, doc, live);
  const bookings = (planId: string) => planBookings<Booking>(planner, planId);
  const block = (start: number, end: number, reason = 'maintenance') =>
    planner.post(`/api/mes/substations/${SUB}/blocks`, { start: new Date(start).toISOString(), end: new Date(end).toISOString(), reason });

  afterEach(async () => {
    for (const id of live.splice(0)) {
      if ((await planner.get(`/api/mes/production-plans/${id}`)).json().status === 'in_production')
        await planner.post(`/api/mes/production-plans/${id}/pause`, {});
      const res = await planner.post(`/api/mes/production-plans/${id}/cancel`, {});
      expect(res.statusCode, res.body).toBe(200);
    }
    for (const b of (await planner.get(`/api/mes/substations/${SUB}/blocks`)).json()) {
      expect((await planner.delete(`/api/mes/substations/${SUB}/blocks/${b.id}`)).statusCode).toBe(204);
    }
    await planner.patch(`/api/mes/substations/${SUB}`, { availabilityCalendarId: null });
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
  });

  it('creates, lists (windowed) and deletes a block', async () => {
    const start = Date.now() + 30 * DAY;
    const res = await block(start, start + 4 * HOUR, 'spindle bearing');
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ substationId: SUB, start: new Date(start).toISOString(), reason: 'spindle bearing', createdBy: 'planner', moved: 0 });
    const list = (q: string) => planner.get(`/api/mes/substations/${SUB}/blocks${q}`);
    expect((await list('')).json().map((b: { id: string }) => b.id)).toEqual([created.id]);
    expect((await list(`?from=${new Date(start + 4 * HOUR).toISOString()}`)).json()).toEqual([]);
    expect((await list(`?to=${new Date(start).toISOString()}`)).json()).toEqual([]);
    expect((await list(`?from=${new Date(start + HOUR).toISOString()}&to=${new Date(start + 2 * HOUR).toISOString()}`)).json()).toHaveLength(1);
    expect((await planner.delete(`/api/mes/substations/${SUB}/blocks/${created.id}`)).statusCode).toBe(204);
    expect((await list('')).json()).toEqual([]);
    expectProblem(await planner.delete(`/api/mes/substations/${SUB}/blocks/${created.id}`), 404);
    expectProblem(await planner.get('/api/mes/substations/NO-SUCH/blocks'), 404);
  });

  it('refuses a block that ends before it starts, on an unknown substation, or a calendar that does not exist, writing nothing', async () => {
    const start = Date.now() + 10 * DAY;
    await expectNoWrite(ctx.database.db, async () => {
      expect(expectProblem(await block(start, start), 422).field).toBe('body/end');
      expect(expectProblem(await block(start, start - HOUR), 422).field).toBe('body/end');
      expectProblem(
        await planner.post('/api/mes/substations/ST-910-99/blocks', {
          start: new Date(start).toISOString(),
          end: new Date(start + HOUR).toISOString(),
          reason: 'x',
        }),
        404,
      );
      expect(expectProblem(await planner.post(`/api/mes/substations/${SUB}/blocks`, { start: new Date(start).toISOString(), reason: 'x' }), 400).field).toBe(
        'body/end',
      );
      expect(expectProblem(await planner.patch(`/api/mes/substations/${SUB}`, { availabilityCalendarId: 'NO-SUCH' }), 422).field).toBe(
        'body/availabilityCalendarId',
      );
    });
  });

  it('a release plans around a block: no booking crosses it', async () => {
    const now = Date.now();
    const b = { start: now + 30 * MIN, end: now + 3 * HOUR };
    expect((await block(b.start, b.end)).statusCode).toBe(201);
    const plan = await release(chainPlan('Around', 'ST-910', 3));
    const rows = await bookings(plan);
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(crosses(r, b), JSON.stringify(r)).toBe(false);
    // the 60-minute first step does not fit in the 30 minutes before the block
    expect(Date.parse(rows[0]!.plannedStart)).toBeGreaterThanOrEqual(b.end);
  });

  /** No two open bookings of one worker or substation overlap, and no step starts before its predecessor ends (chains). */
  const expectConsistentFloor = async () => {
    const open = await sql<{ id: string; worker_id: string; substation_id: string; s: string; e: string }>`
      select id, worker_id, substation_id, planned_start::text as s, planned_end::text as e from mes.worker_assignments
       where status in ('pending', 'ready', 'in_progress', 'paused')`.execute(ctx.database.db);
    const rows = open.rows.map((r) => ({ ...r, start: Date.parse(r.s), end: Date.parse(r.e) }));
    for (const a of rows)
      for (const b of rows) {
        if (a.id >= b.id || (a.worker_id !== b.worker_id && a.substation_id !== b.substation_id)) continue;
        expect(a.start < b.end && b.start < a.end, `${a.id} and ${b.id} overlap`).toBe(false);
      }
    const edges = await sql<{ id: string; pe: string; s: string }>`
      select a.id, pa.planned_end::text as pe, a.planned_start::text as s from mes.worker_assignments a
        join mes.node_predecessors e on e.node_id = a.node_id
        join mes.worker_assignments pa on pa.node_id = e.predecessor_id and pa.status in ('pending', 'ready', 'in_progress', 'paused')
       where a.status in ('pending', 'ready')`.execute(ctx.database.db);
    for (const e of edges.rows) expect(Date.parse(e.s), `${e.id} starts before its predecessor ends`).toBeGreaterThanOrEqual(Date.parse(e.pe));
  };

  it('a new block over two not-started bookings moves them and their successor after it by the live repair, with events and an alert', async () => {
    const plan = await release(chainPlan('Moved', 'ST-910', 3));
    const before = await bookings(plan);
    const t0 = Date.parse(before[0]!.plannedStart);
    // over the first two steps (60 minutes each), not the third
    const b = { start: t0 + 30 * MIN, end: t0 + 90 * MIN };
    expect(Date.parse(before[2]!.plannedStart)).toBeGreaterThanOrEqual(b.end);
    const alertsBefore = await sql<{
      n: number;
    }>`select count(*)::int as n from mes.alerts where kind = 'task_moved' and recipient_worker_id = 'W-910'`.execute(ctx.database.db);
    const res = await block(b.start, b.end, 'die change');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().moved).toBe(3);
    const after = await bookings(plan);
    for (const [i, r] of after.entries()) {
      expect(r.status).not.toBe('cancelled');
      expect(r.id).toBe(before[i]!.id); // moved, not replaced
      expect(crosses(r, b), JSON.stringify(r)).toBe(false);
      expect(Date.parse(r.plannedStart), r.id).toBeGreaterThan(Date.parse(before[i]!.plannedStart));
    }
    // right, as little as needed: the first starts where the block ends, the others follow back to back
    expect(Date.parse(after[0]!.plannedStart)).toBe(b.end);
    expect(after[1]!.plannedStart).toBe(after[0]!.plannedEnd);
    expect(after[2]!.plannedStart).toBe(after[1]!.plannedEnd);
    await expectConsistentFloor();
    // the block's event, one repaired event per moved booking (old and new times, cause block), and the worker told
    const events = await sql<{ change: string; entity_id: string; payload: { cause?: string; from?: { plannedStart: string } } | null }>`
      select change, entity_id, payload from mes.events
       where (entity_id = ${SUB} and change = 'blocked' and payload->>'blockId' = ${res.json().id}) or (plan_id = ${plan} and change in ('repaired', 'rescheduled'))`.execute(
      ctx.database.db,
    );
    expect(events.rows.filter((e) => e.change === 'blocked')).toHaveLength(1);
    expect(events.rows.filter((e) => e.change === 'rescheduled')).toEqual([]);
    const repaired = events.rows.filter((e) => e.change === 'repaired');
    expect(repaired.map((e) => e.entity_id).sort()).toEqual(before.map((r) => r.id).sort());
    for (const e of repaired) {
      expect(e.payload!.cause).toBe('block');
      expect(e.payload!.from!.plannedStart).toBe(before.find((r) => r.id === e.entity_id)!.plannedStart);
    }
    const alertsAfter = await sql<{ n: number }>`select count(*)::int as n from mes.alerts where kind = 'task_moved' and recipient_worker_id = 'W-910'`.execute(
      ctx.database.db,
    );
    expect(alertsAfter.rows[0]!.n).toBe(alertsBefore.rows[0]!.n + 1);
  });

  it('refuses a block over a pinned booking with 409 naming it (a repair never moves a pin), writing nothing', async () => {
    const plan = await release(chainPlan('Pinned', 'ST-910', 2));
    const [, second] = await bookings(plan);
    const at = Math.ceil((Date.parse(second!.plannedStart) + 3 * HOUR) / (5 * MIN)) * 5 * MIN;
    const pinned = await planner.put(`/api/mes/worker-assignments/${second!.id}`, { plannedStart: new Date(at).toISOString() });
    expect(pinned.statusCode, pinned.body).toBe(200);
    await expectNoWrite(ctx.database.db, async () => {
      const body = expectProblem(await block(at - 30 * MIN, at + 30 * MIN, 'over the pin'), 409, /pinned/);
      expect(body.conflictingAssignmentId).toBe(second!.id);
      expect(body.field).toBe('body/start');
    });
    // beside it, a block is taken
    expect((await block(at + 60 * MIN, at + 90 * MIN)).statusCode).toBe(201);
  });

  it("a block between a running step and its successors moves them after it, and the plan's Gantt carries it", async () => {
    const plan = await release(chainPlan('Gantt', 'ST-910', 3));
    const [first] = await bookings(plan);
    expect((await planner.post(`/api/mes/worker-assignments/${first!.id}/start`, {})).statusCode).toBe(200);
    const t1 = Date.parse((await bookings(plan))[0]!.plannedEnd);
    const b = { start: t1 + 5 * MIN, end: t1 + 65 * MIN };
    const res = await block(b.start, b.end, 'tool change');
    expect(res.statusCode, res.body).toBe(201);
    const after = await bookings(plan);
    expect(after[0]!.status).toBe('in_progress');
    for (const r of after.slice(1)) expect(Date.parse(r.plannedStart)).toBeGreaterThanOrEqual(b.end);
    const gantt = (await planner.get(`/api/mes/production-plans/${plan}/schedule`)).json();
    expect(gantt.blocks).toEqual([
      { id: res.json().id, substationId: SUB, start: new Date(b.start).toISOString(), end: new Date(b.end).toISOString(), reason: 'tool change' },
    ]);
  });

  it('the doctor names a not-started booking that crosses a block (one written behind the API)', async () => {
    const plan = await release(chainPlan('Doctor', 'ST-910', 1));
    const [step] = await bookings(plan);
    await sql`insert into mes.substation_blocks (substation_id, starts_at, ends_at, reason)
              values (${SUB}, ${step!.plannedStart}::timestamptz, ${step!.plannedEnd}::timestamptz, 'behind the back')`.execute(ctx.database.db);
    const failures = await runIntegrityChecks(ctx.database.db);
    expect(failures.map((f) => f.check)).toEqual(['no_booking_in_maintenance']);
    await sql`delete from mes.substation_blocks where reason = 'behind the back'`.execute(ctx.database.db);
  });

  it('refuses a block over a running step with 409 naming it, writing nothing', async () => {
    const plan = await release(chainPlan('Running', 'ST-910', 1));
    const [step] = await bookings(plan);
    const started = await planner.post(`/api/mes/worker-assignments/${step!.id}/start`, {});
    expect(started.statusCode, started.body).toBe(200);
    const now = Date.now();
    await expectNoWrite(ctx.database.db, async () => {
      const body = expectProblem(await block(now + 10 * MIN, now + 2 * HOUR), 409);
      expect(body.detail).toContain(step!.id);
      expect(body.conflictingAssignmentId).toBe(step!.id);
    });
  });

  it('a substation calendar (08:00-16:00 every day) is respected by a release', async () => {
    const cal = await planner.post('/api/mes/shift-calendars', {
      id: 'PRESS-DAY',
      name: 'Press 08-16',
      windows: Array.from({ length: 7 }, (_, weekday) => ({ weekday, startMinute: 480, endMinute: 960 })),
    });
    expect(cal.statusCode, cal.body).toBe(201);
    const patched = await planner.patch(`/api/mes/substations/${SUB}`, { availabilityCalendarId: 'PRESS-DAY' });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().availabilityCalendarId).toBe('PRESS-DAY');
    expect((await planner.get('/api/mes/stations/ST-910')).json().substations[0].availabilityCalendarId).toBe('PRESS-DAY');
    // 3 steps of 300 minutes: at most one and a bit fits in a day of 8 hours
    const plan = await release(chainPlan('Day shift', 'ST-910', 3, 300));
    const minuteOfDay = (iso: string) => Math.round((Date.parse(iso) % DAY) / MIN);
    for (const r of await bookings(plan)) {
      const start = minuteOfDay(r.plannedStart);
      const end = minuteOfDay(r.plannedEnd);
      expect(start, r.plannedStart).toBeGreaterThanOrEqual(480);
      expect(start, r.plannedStart).toBeLessThan(960);
      expect(end, r.plannedEnd).toBeGreaterThan(480);
      expect(end, r.plannedEnd).toBeLessThanOrEqual(960);
    }
  });

  it('refuses a move into a block or outside the availability calendar (422 naming the field and the block), writing nothing', async () => {
    const plan = await release(chainPlan('Mover', 'ST-910', 1));
    const [step] = await bookings(plan);
    const day = Math.floor(Date.now() / DAY) * DAY + 3 * DAY;
    const res = await block(day + 10 * HOUR, day + 12 * HOUR, 'calibration');
    expect(res.statusCode, res.body).toBe(201);
    const blockId = res.json().id;
    await expectNoWrite(ctx.database.db, async () => {
      // starts inside the block, and ends inside it
      for (const start of [day + 10.5 * HOUR, day + 9.5 * HOUR]) {
        const body = expectProblem(await planner.put(`/api/mes/worker-assignments/${step!.id}`, { plannedStart: new Date(start).toISOString() }), 422);
        expect(body.field).toBe('body/plannedStart');
        expect(body.detail).toContain(blockId);
      }
      const onSub = expectProblem(
        await planner.put(`/api/mes/worker-assignments/${step!.id}`, { plannedStart: new Date(day + 11 * HOUR).toISOString(), substationId: SUB }),
        422,
      );
      expect(onSub.field).toBe('body/substationId');
    });
    // right after the block: accepted
    const ok = await planner.put(`/api/mes/worker-assignments/${step!.id}`, { plannedStart: new Date(day + 12 * HOUR).toISOString() });
    expect(ok.statusCode, ok.body).toBe(200);
    // outside the substation's calendar
    expect(
      (
        await planner.post('/api/mes/shift-calendars', {
          id: 'PRESS-AM',
          name: 'Press mornings',
          windows: Array.from({ length: 7 }, (_, weekday) => ({ weekday, startMinute: 360, endMinute: 720 })),
        })
      ).statusCode,
    ).toBe(201);
    expect((await planner.patch(`/api/mes/substations/${SUB}`, { availabilityCalendarId: 'PRESS-AM' })).statusCode).toBe(200);
    await expectNoWrite(ctx.database.db, async () => {
      const body = expectProblem(await planner.put(`/api/mes/worker-assignments/${step!.id}`, { plannedStart: new Date(day + 14 * HOUR).toISOString() }), 422);
      expect(body.field).toBe('body/plannedStart');
      expect(body.detail).toMatch(/not available/);
    });
  });
});
