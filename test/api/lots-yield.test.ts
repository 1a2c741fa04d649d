import { expect, it } from 'vitest';
import { seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { pinSamplePlan, samplePlan } from '../helpers/plans.js';

describeEachEngine('a completion short of its quantity with a chosen lot (yield and lots together)', (ctx) => {
  it('carries the shortfall downstream and takes the chosen lot in one transaction (lock order: materials before lots)', async () => {
    await seed(ctx.database.db, 'default');
    const app = await ctx.app();
    const planner = await signIn(app, 'planner');
    expect((await planner.post('/api/mes/materials', { code: 'PANEL-E2E', name: 'Stainless side panel', unit: 'pcs', lotTracked: true })).statusCode).toBe(201);
    const doc = pinSamplePlan(samplePlan({ name: 'x' }));
    const n1 = doc.nodes.find((n) => n.nodeId === 'N1')!;
    n1.materialInputs = [{ materialCode: 'SHEET-304-1.5', requiredQuantity: 5 }];
    n1.output = { materialCode: 'PANEL-E2E', quantity: 10 };
    const plan = (await planner.post('/api/mes/production-plans', doc)).json();
    const rel = await planner.post(`/api/mes/production-plans/${plan.id}/release`, {});
    expect(rel.statusCode, rel.body).toBe(200);
    const a = rel.json().plan.nodes.find((n: { nodeId: string }) => n.nodeId === 'N1').assignment;
    const lot = (await planner.post('/api/mes/materials/SHEET-304-1.5/lots', { quantity: 50, heatNumber: 'H-1' })).json();
    const w = await signInWorker(app, a.workerId);
    const st = await w.post(`/api/mes/worker-assignments/${a.id}/start`, {});
    expect(st.statusCode, st.body).toBe(200);
    const done = await w.post(`/api/mes/worker-assignments/${a.id}/complete`, {
      goodQuantity: 4,
      lots: [{ materialCode: 'SHEET-304-1.5', lotCode: lot.code, quantity: 5 }],
    });
    expect(done.statusCode, done.body).toBe(200);
    const after = (await planner.get(`/api/mes/lots/${lot.code}`)).json();
    expect(after.onHand).toBe(45);
    const out = (await planner.get(`/api/mes/lots?planId=${plan.id}`)).json();
    expect(JSON.stringify(out)).toContain('PANEL-E2E');
  });
});
