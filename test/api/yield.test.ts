import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { type Client, expectNoWrite, expectProblem, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { pinSamplePlan, samplePlan } from '../helpers/plans.js';
import { setPlannedEnd } from '../../src/modules/plans/plans.repository.js';

interface DetailNode {
  nodeId: string;
  quantity: number;
  expectedQuantity: number | null;
  extraOf?: string | null;
  extraKind?: string | null;
  predecessors: string[];
  materialInputs: { materialCode: string; requiredQuantity: number; fromNodeId?: string }[];
  assignment: { id: string; workerId: string; status: string; plannedStart: string; plannedEnd: string; workMinutes: number } | null;
}

describeEachEngine('yield carried forward', (ctx) => {
  let planner: Client;
  const db = () => ctx.database.db;

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    const app = await ctx.app();
    planner = await signIn(app, 'planner');
  });

  /** samplePlan at 20 pieces (the weld outputs 20 frames, paint takes 20 of them), pinned, released. */
  const releasedPlan = async (options: { allowShortage?: boolean } = {}) => {
    const doc: PlanDocument = pinSamplePlan(samplePlan({ name: `Yield ${Math.random().toString(36).slice(2, 8)}`, quantity: 20 }));
    doc.nodes[2]!.output = { materialCode: 'WIP-001-FRAME', quantity: 20 };
    doc.nodes[3]!.materialInputs = [
      { materialCode: 'POWDER-RAL7035', requiredQuantity: 3 },
      { materialCode: 'WIP-001-FRAME', requiredQuantity: 20, fromNodeId: 'N3' },
    ];
    const created = await planner.post('/api/mes/production-plans', doc);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const released = await planner.post(`/api/mes/production-plans/${id}/release`, { allowShortage: options.allowShortage ?? false });
    expect(released.statusCode, released.body).toBe(200);
    return id;
  };
  const detail = async (planId: string) => {
    const res = await planner.get(`/api/mes/production-plans/${planId}`);
    expect(res.statusCode, res.body).toBe(200);
    const plan = res.json() as { status: string; nodes: DetailNode[] };
    return { ...plan, node: (id: string) => plan.nodes.find((n) => n.nodeId === id)! };
  };
  const act = async (planId: string, nodeId: string, action: 'start' | 'complete', body: unknown = {}) => {
    const a = (await detail(planId)).node(nodeId).assignment!;
    const res = await planner.post(`/api/mes/worker-assignments/${a.id}/${action}`, body);
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };
  const run = async (planId: string, nodeId: string, good: number, scrap = 0, materials?: { materialCode: string; quantity: number }[]) => {
    await act(planId, nodeId, 'start');
    await act(planId, nodeId, 'complete', {
      goodQuantity: good,
      ...(scrap > 0 ? { scrapQuantity: scrap, scrapReason: 'porosity in the weld' } : {}),
      ...(materials ? { materials } : {}),
    });
  };
  /** The plan's reservation held per node and material, from the ledger. */
  const held = async (planId: string) => {
    const rows = await sql<{ nodeId: string; materialCode: string; held: string }>`
      select n.node_id as "nodeId", l.material_code as "materialCode", sum(l.reserved_delta)::text as held
        from mes.material_ledger l join mes.production_plan_nodes n on n.id = l.node_id
       where l.plan_id = ${planId} group by n.node_id, l.material_code`.execute(db());
    return Object.fromEntries(rows.rows.map((r) => [`${r.nodeId}:${r.materialCode}`, Number(r.held)]));
  };
  const cleanIntegrity = async () => {
    const results = await runIntegrityChecks(db());
    expect(results.filter((r) => r.rows.length > 0)).toEqual([]);
  };
  const shortfall = async (planId: string) => {
    const res = await planner.get(`/api/mes/production-plans/${planId}/shortfall`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      steps: {
        nodeId: string;
        kind: string;
        extraOf: string | null;
        planned: number;
        expected: number;
        completedGood: number | null;
        scrap: number | null;
        missing: number;
        shortAccepted: unknown;
        extras: string[];
      }[];
      outputs: { materialCode: string; planned: number; expected: number; completed: number }[];
    };
  };
  const finish = async (planId: string) => {
    const status = (await detail(planId)).status;
    if (status === 'in_production') await planner.post(`/api/mes/production-plans/${planId}/pause`);
    if (status !== 'completed' && status !== 'cancelled') expect((await planner.post(`/api/mes/production-plans/${planId}/cancel`)).statusCode).toBe(200);
  };

  it('scrap lowers downstream quantities and durations, and the remake step is scheduled and reserves material', async () => {
    const planId = await releasedPlan();
    const before = (await detail(planId)).node('N4').assignment!;
    expect(await held(planId)).toMatchObject({ 'N4:POWDER-RAL7035': 3, 'N3:WIRE-SG2-1.0': 2 });
    await run(planId, 'N1', 20);
    await run(planId, 'N2', 20);
    await run(planId, 'N3', 18, 2);

    // downstream: 18 expected, a shorter booking, 2.7 of the powder reserved (0.3 released through a ledger row)
    const after = await detail(planId);
    const paint = after.node('N4');
    expect(paint.quantity).toBe(20);
    expect(paint.expectedQuantity).toBe(18);
    expect(paint.assignment!.id).toBe(before.id);
    expect(paint.assignment!.workMinutes).toBe(54); // 3 min × 18 instead of × 20
    // the operator's queue carries the expected quantity beside the planned one (the portal shows both)
    const queue = await planner.get(`/api/mes/workers/${paint.assignment!.workerId}/tasks`);
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json().tasks.find((t: { id: string }) => t.id === before.id)).toMatchObject({ quantity: 20, expectedQuantity: 18 });
    expect(before.workMinutes).toBe(60);
    expect(Date.parse(paint.assignment!.plannedEnd)).toBeLessThan(Date.parse(before.plannedEnd));
    // shorter, and (auto_compact) pulled left by the early finish's repair, never later
    expect(Date.parse(paint.assignment!.plannedStart)).toBeLessThanOrEqual(Date.parse(before.plannedStart));
    const release = await sql<{ entry_type: string; reserved_delta: string; stock_delta: string }>`
      select l.entry_type, l.reserved_delta::text, l.stock_delta::text from mes.material_ledger l join mes.production_plan_nodes n on n.id = l.node_id
       where l.plan_id = ${planId} and n.node_id = 'N4' and l.material_code = 'POWDER-RAL7035' order by l.id`.execute(db());
    expect(release.rows.map((r) => [r.entry_type, Number(r.reserved_delta), Number(r.stock_delta)])).toEqual([
      ['reservation', 3, 0],
      ['reservation_release', -0.3, 0],
    ]);
    expect((await held(planId))['N4:POWDER-RAL7035']).toBe(2.7);
    const changed = await db()
      .selectFrom('mes.events')
      .select(['change', 'payload'])
      .where('entity_id', '=', `${planId}/N4`)
      .where('change', '=', 'expected_quantity_changed')
      .execute();
    expect(changed).toHaveLength(1);
    expect(changed[0]!.payload).toMatchObject({ nodeId: 'N4', expectedQuantity: 18, from: 20 });
    const resized = await db().selectFrom('mes.events').select(['payload']).where('entity_id', '=', before.id).where('change', '=', 'resized').execute();
    expect(resized).toHaveLength(1);

    // the shortfall view: per step and per output
    let view = await shortfall(planId);
    expect(view.steps.find((s) => s.nodeId === 'N3')).toMatchObject({ planned: 20, expected: 20, completedGood: 18, scrap: 2, missing: 2, kind: 'step' });
    expect(view.steps.find((s) => s.nodeId === 'N4')).toMatchObject({ planned: 20, expected: 18, completedGood: null, missing: 0 });
    expect(view.outputs).toEqual([{ materialCode: 'WIP-001-FRAME', planned: 20, expected: 18, completed: 18 }]);
    await cleanIntegrity();

    // remake of the missing 2: a new step copying the weld, scheduled after now, its wire reserved, paint back to 20
    const asked = Date.now();
    const remake = await planner.post(`/api/mes/production-plans/${planId}/nodes/N3/remake`, {});
    expect(remake.statusCode, remake.body).toBe(201);
    const made = remake.json();
    expect(made).toMatchObject({ nodeId: 'N3-R1', quantity: 2, shortages: [] });
    expect(Date.parse(made.plannedStart)).toBeGreaterThanOrEqual(asked - 1000);
    const now = await detail(planId);
    const r1 = now.node('N3-R1');
    expect(r1).toMatchObject({ quantity: 2, extraOf: 'N3', extraKind: 'remake', predecessors: ['N1', 'N2'] });
    expect(r1.materialInputs).toEqual([expect.objectContaining({ materialCode: 'WIRE-SG2-1.0', requiredQuantity: 0.2 })]);
    expect(r1.assignment).toMatchObject({ id: made.assignmentId, status: 'ready' });
    expect(now.node('N4').predecessors).toEqual(['N3', 'N3-R1']);
    expect(now.node('N4').expectedQuantity).toBeUndefined(); // back to the planned quantity: the detail leaves it out
    const paintNow = now.node('N4').assignment!;
    expect(paintNow.workMinutes).toBe(60);
    expect(Date.parse(paintNow.plannedStart)).toBeGreaterThanOrEqual(Date.parse(made.plannedEnd));
    expect(await held(planId)).toMatchObject({ 'N4:POWDER-RAL7035': 3, 'N3-R1:WIRE-SG2-1.0': 0.2 });
    view = await shortfall(planId);
    expect(view.steps.find((s) => s.nodeId === 'N3')).toMatchObject({ missing: 0, extras: ['N3-R1'] });
    expect(view.steps.find((s) => s.nodeId === 'N3-R1')).toMatchObject({ kind: 'remake', extraOf: 'N3', planned: 2, expected: 2 });
    expect(view.outputs).toEqual([{ materialCode: 'WIP-001-FRAME', planned: 20, expected: 20, completed: 18 }]);
    await cleanIntegrity();

    // the remake delivers, paint waits for it and then runs the whole 20
    await run(planId, 'N3-R1', 2);
    expect((await detail(planId)).node('N4').expectedQuantity).toBeUndefined();
    await run(planId, 'N4', 20);
    expect((await detail(planId)).status).toBe('completed');
    expect((await held(planId))['N4:POWDER-RAL7035']).toBe(0);
    await cleanIntegrity();
  });

  it('accept short: the decision is recorded and downstream keeps the lower quantity', async () => {
    const planId = await releasedPlan();
    await run(planId, 'N1', 20);
    await run(planId, 'N2', 20);
    // the weld cannot be short before it completes
    await expectNoWrite(db(), async () => {
      expectProblem(await planner.post(`/api/mes/production-plans/${planId}/nodes/N3/accept-short`), 409, /only a completed step can be short/);
    });
    await run(planId, 'N3', 15, 5);
    expect((await detail(planId)).node('N4').expectedQuantity).toBe(15);
    const res = await planner.post(`/api/mes/production-plans/${planId}/nodes/N3/accept-short`);
    expect(res.statusCode, res.body).toBe(200);
    const step = res.json().steps.find((s: { nodeId: string }) => s.nodeId === 'N3');
    expect(step).toMatchObject({ missing: 5, shortAccepted: { by: 'planner' } });
    expect((await detail(planId)).node('N4').expectedQuantity).toBe(15);
    expect((await held(planId))['N4:POWDER-RAL7035']).toBe(2.25);
    const events = await db().selectFrom('mes.events').select(['change']).where('entity_id', '=', `${planId}/N3`).execute();
    expect(events.map((e) => e.change)).toContain('short_accepted');
    // a step that is not short has nothing to accept
    await expectNoWrite(db(), async () => {
      expectProblem(await planner.post(`/api/mes/production-plans/${planId}/nodes/N1/accept-short`), 409, /not short/);
    });
    // the paint uses what came: 15 frames and the powder for 15 (a completion consumes the planned inputs unless told)
    await run(planId, 'N4', 15, 0, [
      { materialCode: 'WIP-001-FRAME', quantity: 15 },
      { materialCode: 'POWDER-RAL7035', quantity: 2.25 },
    ]);
    expect((await detail(planId)).status).toBe('completed');
    await cleanIntegrity();
  });

  it('the next step of a scrapped one completes its expected quantity as the portal asks for it, without an overrun', async () => {
    const planId = await releasedPlan();
    await run(planId, 'N1', 20);
    await run(planId, 'N2', 20);
    await run(planId, 'N3', 18, 2);
    const paint = (await detail(planId)).node('N4');
    const task = (await planner.get(`/api/mes/workers/${paint.assignment!.workerId}/tasks`))
      .json()
      .tasks.find((t: { id: string }) => t.id === paint.assignment!.id);
    expect(task).toMatchObject({ quantity: 20, expectedQuantity: 18 });
    await act(planId, 'N4', 'start');
    const frames = { materialCode: 'WIP-001-FRAME', quantity: 18 };
    // more than the planned 20 still needs the operator's confirmation
    await expectNoWrite(db(), async () => {
      const over = await planner.post(`/api/mes/worker-assignments/${task.id}/complete`, { goodQuantity: 21, materials: [frames] });
      expectProblem(over, 422);
      expect(JSON.stringify(over.json())).toContain('body/goodQuantity');
    });
    // the 18 expected, as the dialog sends it (no overrun: it is not more than expected)
    const done = await planner.post(`/api/mes/worker-assignments/${task.id}/complete`, { goodQuantity: 18, materials: [frames] });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().assignment).toMatchObject({ status: 'completed', goodQuantity: 18 });
    expect((await detail(planId)).status).toBe('completed');
    await cleanIntegrity();
  });

  it('refuses bad remakes and writes nothing', async () => {
    const planId = await releasedPlan();
    await run(planId, 'N1', 20);
    await run(planId, 'N2', 20);
    const url = (nodeId: string) => `/api/mes/production-plans/${planId}/nodes/${nodeId}/remake`;
    await expectNoWrite(db(), async () => {
      // not completed yet
      expectProblem(await planner.post(url('N3'), {}), 409, /only a completed step can be short/);
      // nothing short, no quantity given
      expectProblem(await planner.post(url('N1'), {}), 409, /not short/);
      // bad quantities name the field
      expect(expectProblem(await planner.post(url('N1'), { quantity: 0 }), 422).field).toBe('body/quantity');
      expect(expectProblem(await planner.post(url('N1'), { quantity: -2 }), 422).field).toBe('body/quantity');
      expect(expectProblem(await planner.post(url('N1'), { quantity: 1.2345 }), 422).field).toBe('body/quantity');
      expect(expectProblem(await planner.post(url('N1'), { quantity: 21 }), 422, /at most its planned 20/).field).toBe('body/quantity');
      expectProblem(await planner.post(url('N1'), { quantity: 'two' }), 400);
      expectProblem(await planner.post(url('NX'), {}), 404);
      expectProblem(await planner.post('/api/mes/production-plans/PPL-0000-999/nodes/N1/remake', {}), 404);
    });

    // material short for the remake's input: 409 naming it, nothing written
    await run(planId, 'N3', 18, 2);
    const wire = await sql<{ stock: string; reserved: string }>`select stock::text, reserved::text from mes.materials where code = 'WIRE-SG2-1.0'`.execute(
      db(),
    );
    const free = Number(wire.rows[0]!.stock) - Number(wire.rows[0]!.reserved);
    // take every free spool with an adjustment so the remake's 0.2 cannot be reserved
    await sql`insert into mes.material_ledger (material_code, entry_type, stock_delta, reason, actor) values ('WIRE-SG2-1.0', 'adjustment', ${-free}, 'test: stock used elsewhere', 'test')`.execute(
      db(),
    );
    await expectNoWrite(db(), async () => {
      expectProblem(await planner.post(url('N3'), {}), 409, /WIRE-SG2-1\.0 needs 0\.2, 0 available/);
    });
    await sql`insert into mes.material_ledger (material_code, entry_type, stock_delta, reason, actor) values ('WIRE-SG2-1.0', 'adjustment', ${free}, 'test: back', 'test')`.execute(
      db(),
    );

    // a paused plan takes no decision
    await planner.post(`/api/mes/production-plans/${planId}/pause`);
    await expectNoWrite(db(), async () => {
      expectProblem(await planner.post(url('N3'), {}), 409, /only a released or in-production plan/);
      expectProblem(await planner.post(`/api/mes/production-plans/${planId}/nodes/N3/accept-short`), 409, /only a released or in-production plan/);
    });
    await finish(planId);
    await cleanIntegrity();
  });

  it('a remake on a plan that allows shortage goes ahead and reports the shortage', async () => {
    const planId = await releasedPlan({ allowShortage: true });
    await run(planId, 'N1', 20);
    await run(planId, 'N2', 20);
    await run(planId, 'N3', 10, 10);
    const wire = await sql<{ stock: string; reserved: string }>`select stock::text, reserved::text from mes.materials where code = 'WIRE-SG2-1.0'`.execute(
      db(),
    );
    const free = Number(wire.rows[0]!.stock) - Number(wire.rows[0]!.reserved);
    await sql`insert into mes.material_ledger (material_code, entry_type, stock_delta, reason, actor) values ('WIRE-SG2-1.0', 'adjustment', ${-free}, 'test', 'test')`.execute(
      db(),
    );
    const res = await planner.post(`/api/mes/production-plans/${planId}/nodes/N3/remake`, { quantity: 4 });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ nodeId: 'N3-R1', quantity: 4, shortages: [{ materialCode: 'WIRE-SG2-1.0', required: 0.4, available: 0 }] });
    // 10 good + 4 coming: paint expects 14
    expect((await detail(planId)).node('N4').expectedQuantity).toBe(14);
    await sql`insert into mes.material_ledger (material_code, entry_type, stock_delta, reason, actor) values ('WIRE-SG2-1.0', 'adjustment', ${free}, 'test', 'test')`.execute(
      db(),
    );
    await finish(planId);
    await cleanIntegrity();
  });

  it("a replan that ends before the plan's planned start moves the start with it (a Saturday remake of a plan released for Monday)", async () => {
    const id = await releasedPlan();
    // as release books a plan for the next shift: its planned start after the end of steps replanned now
    const later = await db()
      .transaction()
      .execute(async (trx) => {
        const p = (await sql<{ end: Date }>`select planned_end as end from mes.production_plans where id = ${id}`.execute(trx)).rows[0]!;
        await sql`update mes.production_plans set planned_start = planned_end where id = ${id}`.execute(trx);
        const earlier = new Date(p.end.getTime() - 3_600_000);
        await setPlannedEnd(trx, id, earlier);
        return (
          await sql<{ start: Date; end: Date; first: Date }>`
        select p.planned_start as start, p.planned_end as end,
               (select min(a.planned_start) from mes.worker_assignments a where a.plan_id = p.id and a.status <> 'cancelled') as first
          from mes.production_plans p where p.id = ${id}`.execute(trx)
        ).rows[0]!;
      });
    expect(later.start.getTime()).toBeLessThanOrEqual(later.end.getTime());
    expect(later.start.getTime()).toBe(Math.min(later.first.getTime(), later.end.getTime()));
    await finish(id);
  });
});
