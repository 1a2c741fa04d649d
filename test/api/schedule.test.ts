import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { type Client, expectNoWrite, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { reschedulePlan } from '../../src/modules/plans/lifecycle.service.js';
import { describeEachEngine, testConfig } from '../helpers/engines.js';
import { samplePlan } from '../helpers/plans.js';

describeEachEngine('schedule views and planner pins', (ctx) => {
  let planner: Client;
  let planId: string;
  let plan: {
    nodes: {
      nodeId: string;
      assignment: { id: string; workerId: string; stationId: string; substationId: string; plannedStart: string; plannedEnd: string };
    }[];
  };

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
    const stationBars = body.stations.flatMap((s: { substations: { bars: { assignmentId: string }[] }[] }) =>
      s.substations.flatMap((x) => x.bars.map((b) => b.assignmentId)),
    );
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
      const unqualified = (
        await sql<{
          id: string;
        }>`select id from mes.workers where id not in (select worker_id from mes.worker_operations where operation_id = 'OP-004') order by id limit 1`.execute(
          ctx.database.db,
        )
      ).rows[0]!.id;
      expectProblem(await put({ workerId: unqualified }), 422, new RegExp(`worker ${unqualified} is not qualified for OP-004`));
      const sunday = new Date(Date.parse(weld.plannedStart) + 14 * 86_400_000);
      sunday.setUTCDate(sunday.getUTCDate() + ((7 - sunday.getUTCDay()) % 7));
      sunday.setUTCHours(3, 0, 0, 0);
      expectProblem(await put({ plannedStart: sunday.toISOString() }), 422, /is not on shift at/);
      const predecessorsEnd = Math.max(Date.parse(plan.nodes[0]!.assignment.plannedEnd), Date.parse(plan.nodes[1]!.assignment.plannedEnd));
      expectProblem(await put({ plannedStart: new Date(predecessorsEnd - 60_000).toISOString() }), 422, /before its predecessors end/);
      expectProblem(await put({}), 400);
      expectProblem(await planner.put('/api/mes/worker-assignments/WA-0101-999', { workerId: 'W-001' }), 404);
    });
  });

  describe('on a plan moved a month ahead, with extra workers and substations', () => {
    // the plan's open work starts a month from now, so each refused move below differs from a valid one in one rule only
    beforeAll(async () => {
      const { utcOffsetMinutes, schedulerBudgetMs } = testConfig();
      await reschedulePlan(ctx.database.db, planId, { actor: 'planner', now: new Date(Date.now() + 30 * 86_400_000), utcOffsetMinutes, schedulerBudgetMs });
      plan = await fresh();
      // round-the-clock workers (no shift calendar): W-901 cuts and welds, W-902 cuts, W-903 may cut but at no station
      await sql`insert into mes.workers (id, name) values ('W-901', 'Any hour 1'), ('W-902', 'Any hour 2'), ('W-903', 'Nowhere')`.execute(ctx.database.db);
      await sql`insert into mes.worker_operations (worker_id, operation_id) values ('W-901', 'OP-001'), ('W-901', 'OP-004'), ('W-902', 'OP-001'), ('W-903', 'OP-001')`.execute(
        ctx.database.db,
      );
      await sql`insert into mes.worker_stations (worker_id, station_id) values ('W-901', 'ST-001'), ('W-901', 'ST-003'), ('W-902', 'ST-001')`.execute(
        ctx.database.db,
      );
      await sql`insert into mes.substations (id, station_id, name) values ('ST-001-09', 'ST-001', 'Spare laser')`.execute(ctx.database.db);
      await sql`insert into mes.substations (id, station_id, name, status) values ('ST-003-07', 'ST-003', 'Bay in repair', 'maintenance')`.execute(
        ctx.database.db,
      );
      await sql`insert into mes.substations (id, station_id, name, archived_at) values ('ST-003-08', 'ST-003', 'Old bay', now())`.execute(ctx.database.db);
    });

    it('refuses a move onto a booked substation with 409 naming the booking', async () => {
      const [cutA, cutB] = [plan.nodes[0]!.assignment, plan.nodes[1]!.assignment];
      // cut B on cut A's substation at cut A's start, by a worker who is free then
      await expectNoWrite(ctx.database.db, async () => {
        const body = { workerId: 'W-902', substationId: cutA.substationId, plannedStart: cutA.plannedStart };
        const res = expectProblem(
          await planner.put(`/api/mes/worker-assignments/${cutB.id}`, body),
          409,
          new RegExp(`^substation ${cutA.substationId} is booked by ${cutA.id} from `),
        );
        expect(res.conflictingAssignmentId).toBe(cutA.id);
      });
    });

    it('refuses a move onto a booked worker with 409 naming the booking', async () => {
      const [cutA, cutB] = [plan.nodes[0]!.assignment, plan.nodes[1]!.assignment];
      // cut B by cut A's worker at cut A's start, on a substation nobody books
      await expectNoWrite(ctx.database.db, async () => {
        const body = { workerId: cutA.workerId, substationId: 'ST-001-09', plannedStart: cutA.plannedStart };
        const res = expectProblem(
          await planner.put(`/api/mes/worker-assignments/${cutB.id}`, body),
          409,
          new RegExp(`^worker ${cutA.workerId} is booked by ${cutA.id} from `),
        );
        expect(res.conflictingAssignmentId).toBe(cutA.id);
      });
    });

    it('refuses a worker who is not allowed at the station with 422 on workerId', async () => {
      await expectNoWrite(ctx.database.db, async () => {
        const res = expectProblem(
          await planner.put(`/api/mes/worker-assignments/${plan.nodes[0]!.assignment.id}`, { workerId: 'W-903' }),
          422,
          /^worker W-903 is not allowed at ST-001$/,
        );
        expect(res.field).toBe('body/workerId');
      });
    });

    it('refuses a start that has passed with 422 on plannedStart', async () => {
      const cut = plan.nodes[0]!.assignment;
      await expectNoWrite(ctx.database.db, async () => {
        const res = expectProblem(
          await planner.put(`/api/mes/worker-assignments/${cut.id}`, { workerId: 'W-901', plannedStart: new Date(Date.now() - 3_600_000).toISOString() }),
          422,
          /^node N1 would start at .*, which has passed/,
        );
        expect(res.field).toBe('body/plannedStart');
      });
    });

    it('a move that would end after a successor starts pushes the successor (issue #15: repair, no longer a refusal)', async () => {
      const [cut, weld] = [plan.nodes[0]!.assignment, plan.nodes[2]!.assignment];
      const res = await planner.put(`/api/mes/worker-assignments/${cut.id}`, { workerId: 'W-901', plannedStart: weld.plannedStart });
      expect(res.statusCode, res.body).toBe(200);
      const moved = res.json();
      expect(moved.moved).toContainEqual(
        expect.objectContaining({ id: weld.id, nodeId: 'N3', from: { plannedStart: weld.plannedStart, plannedEnd: weld.plannedEnd } }),
      );
      const pushed = moved.moved.find((b: { id: string }) => b.id === weld.id);
      expect(Date.parse(pushed.plannedStart)).toBeGreaterThanOrEqual(Date.parse(moved.plannedEnd));
      plan = await fresh();
    });

    it('refuses a substation that does not exist, is archived, under maintenance or of another station with 422 on substationId', async () => {
      const weld = plan.nodes[2]!.assignment;
      const put = (body: object) => planner.put(`/api/mes/worker-assignments/${weld.id}`, body);
      await expectNoWrite(ctx.database.db, async () => {
        for (const [body, detail] of [
          [{ substationId: 'ST-003-99' }, /^substation ST-003-99 does not exist$/],
          [{ substationId: 'ST-003-08' }, /^substation ST-003-08 is archived$/],
          [{ substationId: 'ST-003-07' }, /^substation ST-003-07 is under maintenance$/],
          [{ stationId: 'ST-003', substationId: 'ST-004-01' }, /^substation ST-004-01 does not belong to station ST-003$/],
        ] as const) {
          expect(expectProblem(await put(body), 422, detail).field).toBe('body/substationId');
        }
      });
    });
  });
});
