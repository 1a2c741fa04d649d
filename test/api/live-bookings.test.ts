/**
 * Bookings follow actuals, and repair (issue #15, items 1 and 2), on a floor
 * of its own: one station with two substations and two workers always on
 * shift, 60-minute steps. A started step's live booking blocks releases,
 * moves and reschedules (the double booking of the issue, reproduced and
 * refused); a start needs its worker and substation free now; an overrun
 * grows the booking and pushes the next bookings of its worker and
 * substation; an early finish pulls successors left (auto_compact); a
 * planner's move past a successor's start pushes it instead of refusing.
 */
import { sql } from 'kysely';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { extendOverrunning } from '../../src/modules/scheduling/index.js';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { type Client, expectNoWrite, expectProblem, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';

const MIN = 60_000;
type Pin = { workerId: string; substationId: string };
const A: Pin = { workerId: 'W-910', substationId: 'ST-910-01' };
const B: Pin = { workerId: 'W-911', substationId: 'ST-910-02' };

/** A chain of 60-minute steps, each pinned to a worker and substation. */
function chain(name: string, pins: Pin[]): PlanDocument {
  return {
    workOrderCode: `WO-${name.replace(/[^A-Za-z0-9]/g, '-')}`,
    name,
    quantity: 1,
    nodes: pins.map((pin, i) => ({
      nodeId: `N${i + 1}`,
      name: `${name} step ${i + 1}`,
      operationId: 'OP-008',
      nominalTime: 60,
      predecessors: i === 0 ? [] : [`N${i}`],
      assignedStations: [{ stationId: 'ST-910', priority: 1 }],
      materialInputs: [],
      pin: { stationId: 'ST-910', ...pin },
    })),
  };
}

interface Booking {
  id: string;
  status: string;
  start: number;
  end: number;
}

describeEachEngine('live bookings and repair', (ctx) => {
  let planner: Client;
  const live: string[] = [];
  const db = () => ctx.database.db;

  beforeAll(async () => {
    await seed(db(), 'minimal');
    planner = await signIn(await ctx.app(), 'planner');
    const station = await planner.post('/api/mes/stations', {
      id: 'ST-910',
      name: 'Live cell',
      operationIds: ['OP-008'],
      substations: [
        { id: 'ST-910-01', name: 'Live 1' },
        { id: 'ST-910-02', name: 'Live 2' },
      ],
    });
    expect(station.statusCode, station.body).toBe(201);
    for (const id of ['W-910', 'W-911']) {
      const res = await planner.post('/api/mes/workers', { id, name: `Live ${id}`, stationIds: ['ST-910'], operationIds: ['OP-008'] });
      expect(res.statusCode, res.body).toBe(201);
    }
  });

  afterEach(async () => {
    for (const id of live.splice(0)) {
      const status = (await planner.get(`/api/mes/production-plans/${id}`)).json().status;
      if (status === 'in_production') await planner.post(`/api/mes/production-plans/${id}/pause`, {});
      if (status !== 'completed' && status !== 'cancelled') expect((await planner.post(`/api/mes/production-plans/${id}/cancel`, {})).statusCode).toBe(200);
    }
  });

  const released = async (name: string, pins: Pin[]): Promise<{ id: string; steps: string[] }> => {
    const created = await planner.post('/api/mes/production-plans', chain(`${name} ${Math.random().toString(36).slice(2, 7)}`, pins));
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const res = await planner.post(`/api/mes/production-plans/${id}/release`, {});
    expect(res.statusCode, res.body).toBe(200);
    live.push(id);
    const nodes = (await planner.get(`/api/mes/production-plans/${id}`)).json().nodes as { nodeId: string; assignment: { id: string } }[];
    return { id, steps: nodes.sort((a, b) => a.nodeId.localeCompare(b.nodeId, 'en', { numeric: true })).map((n) => n.assignment.id) };
  };
  const booking = async (id: string): Promise<Booking & { baselineStart: number | null }> => {
    const r = await db()
      .selectFrom('mes.worker_assignments')
      .select(['id', 'status', 'planned_start', 'planned_end', 'baseline_start'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return { id: r.id, status: r.status, start: r.planned_start.getTime(), end: r.planned_end.getTime(), baselineStart: r.baseline_start?.getTime() ?? null };
  };
  const act = (id: string, action: string, body: unknown = {}) => planner.post(`/api/mes/worker-assignments/${id}/${action}`, body);
  const overlaps = async () =>
    (
      await sql<{ a: string; b: string }>`
        select x.id as a, y.id as b from mes.worker_assignments x join mes.worker_assignments y
          on x.id < y.id and (x.worker_id = y.worker_id or x.substation_id = y.substation_id)
         and tstzrange(x.planned_start, x.planned_end, '[)') && tstzrange(y.planned_start, y.planned_end, '[)')
         where x.status in ('pending', 'ready', 'in_progress', 'paused') and y.status in ('pending', 'ready', 'in_progress', 'paused')`.execute(db())
    ).rows;
  const eventsOf = (entityId: string, change: string) =>
    db().selectFrom('mes.events').select(['change', 'payload']).where('entity_id', '=', entityId).where('change', '=', change).orderBy('id').execute();

  it('an early start books [actual start, expected end]; a release, a move and a reschedule cannot overlap it', async () => {
    const early = await released('Early', [A]);
    const step = early.steps[0]!;
    // the planner moves it two hours out; the worker starts it now, early (N3 of the issue)
    const moved = await planner.put(`/api/mes/worker-assignments/${step}`, { plannedStart: new Date(Date.now() + 120 * MIN).toISOString() });
    expect(moved.statusCode, moved.body).toBe(200);
    const before = Date.now();
    const started = await act(step, 'start');
    expect(started.statusCode, started.body).toBe(200);
    const b = await booking(step);
    expect(b.start).toBeGreaterThanOrEqual(before - 1000);
    expect(b.start).toBeLessThanOrEqual(Date.now());
    expect(b.end - b.start).toBe(60 * MIN);
    expect(b.baselineStart).toBe(Date.parse(moved.json().plannedStart));
    expect((await eventsOf(step, 'booking_changed')).length).toBe(1);

    // a release on the same worker (other substation) and on the same substation (other worker) books after it
    const sameWorker = await released('Same worker', [{ ...A, substationId: B.substationId }]);
    const sameSubstation = await released('Same substation', [{ ...B, substationId: A.substationId }]);
    for (const other of [sameWorker.steps[0]!, sameSubstation.steps[0]!]) expect((await booking(other)).start).toBeGreaterThanOrEqual(b.end);

    // a move onto the running step's live booking is refused, naming it, nothing written
    await expectNoWrite(db(), async () => {
      const res = await planner.put(`/api/mes/worker-assignments/${sameWorker.steps[0]}`, { plannedStart: new Date(Date.now() + 5 * MIN).toISOString() });
      expectProblem(res, 409, new RegExp(step));
    });

    // the floor's reschedule keeps away from it too
    const res = await planner.post('/api/mes/schedule/reschedule', { planIds: [sameWorker.id, sameSubstation.id] });
    expect(res.statusCode, res.body).toBe(200);
    for (const other of [sameWorker.steps[0]!, sameSubstation.steps[0]!]) expect((await booking(other)).start).toBeGreaterThanOrEqual(b.end);
    expect(await overlaps()).toEqual([]);
  });

  it("a start needs the substation free now: another worker's begun booking refuses it with a 409 naming it; the worker's own begun booking moves aside", async () => {
    const first = await released('Holder', [A]);
    const holder = await booking(first.steps[0]!);
    expect(holder.start).toBeLessThanOrEqual(Date.now());
    // another worker due on the same substation after the holder: the substation is the holder's now
    const other = await released('Other worker', [{ ...B, substationId: A.substationId }]);
    await expectNoWrite(db(), async () => {
      const res = await act(other.steps[0]!, 'start');
      const problem = expectProblem(res, 409, new RegExp(`${first.steps[0]}.*${first.id}`));
      expect(problem.conflictingAssignmentId).toBe(first.steps[0]);
    });
    // the worker's queue says so before the tap, in the same words
    const task = async (worker: string, id: string) =>
      ((await planner.get(`/api/mes/workers/${worker}/tasks`)).json().tasks as { id: string; canStart: boolean; startBlockedBy: string | null }[]).find(
        (t) => t.id === id,
      );
    expect(await task(B.workerId, other.steps[0]!)).toMatchObject({
      canStart: false,
      startBlockedBy: expect.stringMatching(new RegExp(`substation ST-910-01 is booked by ${first.steps[0]}`)),
    });

    // the holder's own worker picks another of their steps first: accepted, and the holder moves after it
    const own = await released('Own choice', [{ ...A, substationId: B.substationId }]);
    expect((await booking(own.steps[0]!)).start).toBeGreaterThanOrEqual(holder.end);
    expect(await task(A.workerId, own.steps[0]!)).toMatchObject({ canStart: true, startBlockedBy: null });
    const started = await act(own.steps[0]!, 'start');
    expect(started.statusCode, started.body).toBe(200);
    const ownNow = await booking(own.steps[0]!);
    const moved = await booking(first.steps[0]!);
    expect(moved).toMatchObject({ status: 'ready' });
    expect(moved.start).toBeGreaterThanOrEqual(ownNow.end);
    expect((await booking(other.steps[0]!)).start).toBeGreaterThanOrEqual(moved.end);
    expect(await overlaps()).toEqual([]);
    expect((await eventsOf(first.steps[0]!, 'repaired')).length).toBe(1);
  });

  it('a running step past its expected end extends its booking in steps and pushes the next booking of its worker and of its substation', async () => {
    const running = await released('Overrun', [A]);
    const step = running.steps[0]!;
    expect((await act(step, 'start')).statusCode).toBe(200);
    const startedAs = await booking(step);
    const nextOfWorker = await released('Next of worker', [{ ...A, substationId: B.substationId }]);
    const nextOfSubstation = await released('Next of substation', [{ ...B, substationId: A.substationId }]);
    const w0 = await booking(nextOfWorker.steps[0]!);
    const s0 = await booking(nextOfSubstation.steps[0]!);
    expect(Math.min(w0.start, s0.start)).toBeGreaterThanOrEqual(startedAs.end);

    // nothing to do while the step is within its expected end
    const quiet = await extendOverrunning(db(), { now: new Date(startedAs.start + 30 * MIN), utcOffsetMinutes: 0, actor: 'system', overrunStepMinutes: 15 });
    expect(quiet.extended).toEqual([]);

    // five minutes past its expected end: the booking grows by one 15-minute step from now, and what it overlaps moves right
    const now = startedAs.end + 5 * MIN;
    const swept = await extendOverrunning(db(), { now: new Date(now), utcOffsetMinutes: 0, actor: 'system', overrunStepMinutes: 15 });
    expect(swept.extended).toEqual([step]);
    const grown = await booking(step);
    expect(grown.end).toBe(now + 15 * MIN);
    expect(grown.start).toBe(startedAs.start);
    for (const [other, was] of [
      [nextOfWorker.steps[0]!, w0],
      [nextOfSubstation.steps[0]!, s0],
    ] as const) {
      const after = await booking(other);
      expect(after.start).toBeGreaterThanOrEqual(grown.end);
      expect(after.end - after.start).toBe(was.end - was.start);
      expect(after.baselineStart).toBe(was.start);
      const [event] = await eventsOf(other, 'repaired');
      expect(event?.payload).toMatchObject({
        cause: 'overrun',
        from: { plannedStart: new Date(was.start).toISOString() },
        plannedStart: new Date(after.start).toISOString(),
      });
    }
    expect(swept.moved.sort()).toEqual([nextOfWorker.steps[0]!, nextOfSubstation.steps[0]!].sort());
    const alerts = await db().selectFrom('mes.alerts').select(['kind', 'recipient_worker_id']).where('kind', '=', 'task_moved').execute();
    expect(alerts.map((a) => a.recipient_worker_id).sort()).toEqual(expect.arrayContaining(['W-910', 'W-911']));
    expect(await overlaps()).toEqual([]);

    // the next sweep, still within the grown end, leaves it
    expect((await extendOverrunning(db(), { now: new Date(now + 5 * MIN), utcOffsetMinutes: 0, actor: 'system', overrunStepMinutes: 15 })).extended).toEqual(
      [],
    );
  });

  it('a pause leaves the booking open-ended by a step; resume books the remaining work from now', async () => {
    const plan = await released('Pause', [A]);
    const step = plan.steps[0]!;
    expect((await act(step, 'start')).statusCode).toBe(200);
    const paused = await act(step, 'pause', { reason: 'break' });
    expect(paused.statusCode, paused.body).toBe(200);
    const p = await booking(step);
    // remaining ~60 minutes + one 15-minute step
    expect(p.end - Date.now()).toBeGreaterThan(70 * MIN);
    expect(p.end - Date.now()).toBeLessThanOrEqual(75 * MIN + 1000);
    const resumed = await act(step, 'resume');
    expect(resumed.statusCode, resumed.body).toBe(200);
    const r = await booking(step);
    expect(r.end - Date.now()).toBeLessThanOrEqual(60 * MIN + 1000);
    expect(r.end - Date.now()).toBeGreaterThan(55 * MIN);
  });

  it('an early finish pulls the successors left when the plan allows it, and not when auto_compact is off', async () => {
    for (const compact of [true, false]) {
      const plan = await released(`Compact ${compact}`, [A, B]);
      if (!compact) await db().updateTable('mes.production_plans').set({ auto_compact: false }).where('id', '=', plan.id).execute();
      const [first, second] = plan.steps as [string, string];
      expect((await act(first, 'start')).statusCode).toBe(200);
      // as the start left it (a start a few milliseconds after the planned start pushes the successor by as much)
      const planned = await booking(second);
      const done = await act(first, 'complete', { goodQuantity: 1 });
      expect(done.statusCode, done.body).toBe(200);
      const after = await booking(second);
      if (compact) {
        expect(after.start).toBeLessThan(planned.start - 50 * MIN);
        expect(after.start).toBeLessThanOrEqual(Date.now());
        expect(after.end - after.start).toBe(60 * MIN);
        expect((await eventsOf(second, 'repaired')).at(-1)?.payload).toMatchObject({ cause: 'complete' });
        // it can start at once
        expect((await act(second, 'start')).statusCode).toBe(200);
      } else {
        expect(after.start).toBe(planned.start);
      }
      const finished = await booking(first);
      expect(finished.end).toBeLessThanOrEqual(Date.now());
    }
  });

  it("a planner's move past a successor's start pushes the successor (and answers with it) instead of refusing", async () => {
    const plan = await released('Move', [A, B]);
    const [first, second] = plan.steps as [string, string];
    const before = await booking(second);
    const res = await planner.put(`/api/mes/worker-assignments/${first}`, { plannedStart: new Date(before.start + 30 * MIN).toISOString() });
    expect(res.statusCode, res.body).toBe(200);
    const moved = await booking(first);
    const pushed = await booking(second);
    expect(pushed.start).toBe(moved.end);
    expect(res.json().moved).toEqual([
      expect.objectContaining({ id: second, from: { plannedStart: new Date(before.start).toISOString(), plannedEnd: new Date(before.end).toISOString() } }),
    ]);
    expect((await eventsOf(second, 'repaired'))[0]?.payload).toMatchObject({ cause: 'move' });
    // the moved step is the plan again: no baseline
    expect(moved.baselineStart).toBeNull();
    // still refused: before its predecessor's end (the second step, before the first ends)
    await expectNoWrite(db(), async () => {
      expectProblem(await planner.put(`/api/mes/worker-assignments/${second}`, { plannedStart: new Date(moved.start).toISOString() }), 422);
    });
    expect(await overlaps()).toEqual([]);
  });
});
