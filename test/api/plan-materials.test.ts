import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { type Client, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { pinSamplePlan, samplePins, samplePlan } from '../helpers/plans.js';

type Item = { materialCode: string; required: number; reserved: number; consumed: number; returned: number; short: number };

describeEachEngine('/api/mes/production-plans/:id/materials', (ctx) => {
  let planner: Client;
  const op: Record<string, Client> = {};

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    const app = await ctx.app();
    planner = await signIn(app, 'planner');
    for (const w of ['W-001', 'W-003', 'W-006']) op[w] = await signInWorker(app, w);
  });

  const createPlan = async (doc: PlanDocument = samplePlan()) => {
    pinSamplePlan(doc);
    const created = await planner.post('/api/mes/production-plans', { ...doc, name: `Materials ${Math.random().toString(36).slice(2, 8)}` });
    expect(created.statusCode, created.body).toBe(201);
    return created.json().id as string;
  };
  const materials = async (planId: string, client = planner) => {
    const res = await client.get(`/api/mes/production-plans/${planId}/materials`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().planId).toBe(planId);
    return res.json().items as Item[];
  };
  const byCode = async (planId: string) => Object.fromEntries((await materials(planId)).map(({ materialCode, ...rest }) => [materialCode, rest]));
  const assignment = async (planId: string, nodeId: string) =>
    (await planner.get(`/api/mes/production-plans/${planId}`)).json().nodes.find((n: { nodeId: string }) => n.nodeId === nodeId).assignment.id as string;
  const run = async (planId: string, nodeId: string, body: unknown) => {
    const worker = op[samplePins[nodeId]!.workerId]!;
    const id = await assignment(planId, nodeId);
    expect((await worker.post(`/api/mes/worker-assignments/${id}/start`)).statusCode).toBe(200);
    const done = await worker.post(`/api/mes/worker-assignments/${id}/complete`, body);
    expect(done.statusCode, done.body).toBe(200);
  };
  const cancel = async (planId: string) => {
    const status = (await planner.get(`/api/mes/production-plans/${planId}`)).json().status;
    if (status === 'in_production') expect((await planner.post(`/api/mes/production-plans/${planId}/pause`)).statusCode).toBe(200);
    const res = await planner.post(`/api/mes/production-plans/${planId}/cancel`);
    expect(res.statusCode, res.body).toBe(200);
  };
  const zero = { reserved: 0, consumed: 0, returned: 0, short: 0 };

  it('lists the stock inputs of a draft (not what a predecessor produces); after release all of it is reserved', async () => {
    const id = await createPlan();
    const draft = await materials(id);
    expect(draft).toEqual([
      { materialCode: 'POWDER-RAL7035', materialName: expect.any(String), unit: 'kg', required: 3, ...zero },
      { materialCode: 'SHEET-S235-2', materialName: expect.any(String), unit: 'sheet', required: 5, ...zero },
      { materialCode: 'WIRE-SG2-1.0', materialName: expect.any(String), unit: 'kg', required: 2, ...zero },
    ]);
    expect((await planner.post(`/api/mes/production-plans/${id}/release`, {})).statusCode).toBe(200);
    const released = await materials(id);
    const inputs = (await planner.get(`/api/mes/production-plans/${id}`))
      .json()
      .nodes.flatMap((n: { materialInputs: { materialCode: string; requiredQuantity: number; fromNodeId?: string }[] }) =>
        n.materialInputs.filter((m) => !m.fromNodeId),
      );
    expect(released.map((m) => [m.materialCode, m.required, m.reserved])).toEqual(
      inputs.map((m: { materialCode: string; requiredQuantity: number }) => [m.materialCode, m.requiredQuantity, m.requiredQuantity]).sort(),
    );
    expect(released.every((m) => m.consumed === 0 && m.returned === 0 && m.short === 0)).toBe(true);
    await cancel(id);
  });

  it('moves consumed and returned with the actual quantities of completions; after cancel nothing stays reserved; archived plans keep their figures', async () => {
    const id = await createPlan();
    expect((await planner.post(`/api/mes/production-plans/${id}/release`, {})).statusCode).toBe(200);

    // more than required: all of it consumed, nothing returned
    await run(id, 'N1', { goodQuantity: 10, materials: [{ materialCode: 'SHEET-S235-2', quantity: 6 }] });
    expect((await byCode(id))['SHEET-S235-2']).toEqual({
      materialName: expect.any(String),
      unit: 'sheet',
      required: 5,
      reserved: 0,
      consumed: 6,
      returned: 0,
      short: 0,
    });
    await run(id, 'N2', { goodQuantity: 10 });
    // less than required: the rest goes back
    await run(id, 'N3', { goodQuantity: 10, materials: [{ materialCode: 'WIRE-SG2-1.0', quantity: 1.5 }] });
    const afterWeld = await byCode(id);
    expect(afterWeld['WIRE-SG2-1.0']).toMatchObject({ required: 2, reserved: 0, consumed: 1.5, returned: 0.5 });
    expect(afterWeld['POWDER-RAL7035']).toMatchObject({ required: 3, reserved: 3, consumed: 0, returned: 0 });
    expect(Object.keys(afterWeld)).toEqual(['POWDER-RAL7035', 'SHEET-S235-2', 'WIRE-SG2-1.0']); // the frame N3 made for N4 is no stock input

    await cancel(id);
    const cancelled = await byCode(id);
    expect(Object.values(cancelled).every((m) => m.reserved === 0)).toBe(true);
    expect(cancelled['POWDER-RAL7035']).toMatchObject({ required: 3, consumed: 0, returned: 3 });
    expect(cancelled['WIRE-SG2-1.0']).toMatchObject({ consumed: 1.5, returned: 0.5 });
    // the figures agree with the ledger
    const ledger = await sql<{ code: string; reserved: number }>`
      select material_code as code, sum(reserved_delta) as reserved from mes.material_ledger where plan_id = ${id} group by material_code`.execute(
      ctx.database.db,
    );
    expect(ledger.rows.every((r) => Number(r.reserved) === 0)).toBe(true);

    const archived = await planner.post(`/api/mes/production-plans/${id}/archive`);
    expect(archived.statusCode, archived.body).toBe(200);
    expect(await byCode(id)).toEqual(cancelled);
  });

  it('shows what a release with allowShortage recorded as short', async () => {
    const doc = samplePlan();
    doc.nodes[0]!.materialInputs = [{ materialCode: 'HINGE-120', requiredQuantity: 100000 }];
    const id = await createPlan(doc);
    const available = (await planner.get('/api/mes/materials/HINGE-120')).json().available as number;
    expectProblem(await planner.post(`/api/mes/production-plans/${id}/release`, {}), 409, /not enough material/);
    const released = await planner.post(`/api/mes/production-plans/${id}/release`, { allowShortage: true });
    expect(released.statusCode, released.body).toBe(200);
    const hinge = (await byCode(id))['HINGE-120'];
    expect(hinge).toMatchObject({ required: 100000, reserved: 100000, consumed: 0, returned: 0, short: 100000 - available });
    expect((await byCode(id))['WIRE-SG2-1.0']).toMatchObject({ required: 2, reserved: 2, short: 0 });
    await cancel(id);
    expect((await byCode(id))['HINGE-120']).toMatchObject({ reserved: 0, returned: 100000, short: 100000 - available });
  });

  it('answers 404 for an unknown plan; planners may read it, operators not (403, least privilege), strangers not (401)', async () => {
    expectProblem(await planner.get('/api/mes/production-plans/PPL-9999-999/materials'), 404, 'plan PPL-9999-999 does not exist');
    const id = await createPlan();
    expect(await materials(id, planner)).toHaveLength(3);
    expectProblem(await op['W-001']!.get(`/api/mes/production-plans/${id}/materials`), 403);
    const app = await ctx.app();
    expectProblem(await app.inject({ method: 'GET', url: `/api/mes/production-plans/${id}/materials` }), 401);
  });
});
