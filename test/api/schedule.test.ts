import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { type Client, expectNoWrite, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { samplePlan } from '../helpers/plans.js';

describeEachEngine('schedule views and planner pins', (ctx) => {
  let planner: Client;
  let planId: string;
  let plan: { nodes: { nodeId: string; assignment: { id: string; workerId: string; stationId: string; substationId: string; plannedStart: string; plannedEnd: string } }[] };

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    planner = await signIn(await ctx.app(), 'planner');
    planId = (await planner.post('/api/mes/production-plans', samplePlan())).json().id;
    plan = (await planner.post(`/api/mes/production-plans/${planId}/release`, {})).json().plan;
  });

  it('gives the plan as Gantt rows by station/substation and by worker', async () => {
    const res = await planner.get(`/api/mes/production-plans/${planId}/schedule`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const stationBars = body.stations.flatMap((s: { substations: { bars: { assignmentId: string }[] }[] }) => s.substations.flatMap((x) => x.bars.map((b) => b.assignmentId)));
    const workerBars = body.workers.flatMap((w: { bars: { assignmentId: string }[] }) => w.bars.map((b) => b.assignmentId));
    const ids = plan.nodes.map((n) => n.assignment.id).sort();
    expect(stationBars.sort()).toEqual(ids);
    expect(workerBars.sort()).toEqual(ids);
    expect(body.stations.map((s: { stationId: string }) => s.stationId)).toEqual(['ST-001', 'ST-003', 'ST-004']);
    expectProblem(await planner.get('/api/mes/production-plans/PPL-0101-999/schedule'), 404);
  });

  it("gives a worker's bookings across plans, and only their own to an operator", async () => {
    const workerId = plan.nodes[0]!.assignment.workerId;
    const res = (await planner.get(`/api/mes/workers/${workerId}/schedule?to=2100-01-01T00:00:00Z`)).json();
    expect(res.bars.map((b: { assignmentId: string }) => b.assignmentId)).toContain(plan.nodes[0]!.assignment.id);
    const own = await signInWorker(await ctx.app(), workerId);
    expect((await own.get(`/api/mes/workers/${workerId}/schedule`)).statusCode).toBe(200);
    const other = workerId === 'W-001' ? 'W-002' : 'W-001';
    expectProblem(await own.get(`/api/mes/workers/${other}/schedule`), 403);
  });

  it('moves a not-started assignment when the move is valid, and pins it against reschedules', async () => {
    const paint = plan.nodes[3]!.assignment; // ST-004, a painting station with two substations
    const otherSub = paint.substationId === 'ST-004-01' ? 'ST-004-02' : 'ST-004-01';
    const later = new Date(Date.parse(paint.plannedStart) + 7 * 86_400_000).toISOString();
    const res = await planner.put(`/api/mes/worker-assignments/${paint.id}`, { substationId: otherSub, plannedStart: later });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ substationId: otherSub, plannedStart: later, pinned: true });
    const rescheduled = (await planner.post(`/api/mes/production-plans/${planId}/reschedule`)).json().plan;
    // a new row, on the same worker and substation, at the planner's time (nothing needs it later)
    expect(rescheduled.nodes[3].assignment).toMatchObject({ workerId: paint.workerId, substationId: otherSub, plannedStart: later, pinned: true });
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
  });

  const fresh = async () => (await planner.get(`/api/mes/production-plans/${planId}`)).json() as typeof plan;

  it('refuses moves that break a rule, naming it, and writes nothing', async () => {
    plan = await fresh();
    const weld = plan.nodes[2]!.assignment;
    const put = (body: object) => planner.put(`/api/mes/worker-assignments/${weld.id}`, body);
    await expectNoWrite(ctx.database.db, async () => {
      expectProblem(await put({ stationId: 'ST-001' }), 422, /station ST-001 is not a candidate of node N3/);
      expectProblem(await put({ substationId: 'ST-001-01' }), 422, /not a candidate/);
      const unqualified = (await sql<{ id: string }>`select id from mes.workers where id not in (select worker_id from mes.worker_operations where operation_id = 'OP-004') order by id limit 1`.execute(ctx.database.db)).rows[0]!.id;
      expectProblem(await put({ workerId: unqualified }), 422, new RegExp(`worker ${unqualified} is not qualified for OP-004`));
      expectProblem(await put({ plannedStart: '2020-01-01T08:00:00Z' }), 422, /(not on shift|before its predecessors)/);
      const sunday = new Date(Date.parse(weld.plannedStart) + 14 * 86_400_000);
      sunday.setUTCDate(sunday.getUTCDate() + ((7 - sunday.getUTCDay()) % 7));
      sunday.setUTCHours(3, 0, 0, 0);
      expectProblem(await put({ plannedStart: sunday.toISOString() }), 422, /is not on shift at/);
      expectProblem(await put({ plannedStart: plan.nodes[0]!.assignment.plannedStart }), 422, /before its predecessors end/);
      expectProblem(await put({}), 400);
      expectProblem(await planner.put('/api/mes/worker-assignments/WA-0101-999', { workerId: 'W-001' }), 404);
    });
  });

  it('refuses a move onto a booked substation with 409 naming the booking', async () => {
    plan = await fresh();
    const cutA = plan.nodes[0]!.assignment;
    const cutB = plan.nodes[1]!.assignment;
    if (cutA.substationId === cutB.substationId) return expect(cutA.plannedEnd <= cutB.plannedStart || cutB.plannedEnd <= cutA.plannedStart).toBe(true);
    // put cut B on cut A's substation at cut A's time
    await expectNoWrite(ctx.database.db, async () => {
      expectProblem(await planner.put(`/api/mes/worker-assignments/${cutB.id}`, { substationId: cutA.substationId, plannedStart: cutA.plannedStart }), 409, new RegExp(`is booked by ${cutA.id}`));
    });
  });
});
