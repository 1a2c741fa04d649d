import { beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { type Client, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { act, receive, release, trackedMaterial } from '../helpers/lots.js';

/** Cut (N1: inputs → mid) then weld (N2: mid from N1 → top). */
function twoStepPlan(name: string, inputs: { materialCode: string; requiredQuantity: number }[], mid: string, top: string): PlanDocument {
  return {
    workOrderCode: 'WO-GEN-1',
    name,
    quantity: 10,
    nodes: [
      {
        nodeId: 'N1',
        name: 'Cut blanks',
        operationId: 'OP-001',
        nominalTime: 1,
        predecessors: [],
        assignedStations: [{ stationId: 'ST-001', priority: 1 }],
        materialInputs: inputs,
        output: { materialCode: mid, quantity: 10 },
      },
      {
        nodeId: 'N2',
        name: 'Weld frame',
        operationId: 'OP-004',
        nominalTime: 1,
        predecessors: ['N1'],
        assignedStations: [{ stationId: 'ST-003', priority: 1 }],
        materialInputs: [{ materialCode: mid, requiredQuantity: 10, fromNodeId: 'N1' }],
        output: { materialCode: top, quantity: 10 },
      },
    ],
  };
}

describeEachEngine('lot genealogy and heat recall', (ctx) => {
  let planner: Client;
  let operator: Client;
  const codes = (items: { code: string }[]) => items.map((l) => l.code);
  let plan1: { id: string; nodes: Record<string, string> };
  let mid: string;
  let top: string;
  let top2: string;

  const run = async (p: { nodes: Record<string, string> }, node: string) => {
    expect((await act(planner, p.nodes[node]!, 'start')).statusCode).toBe(200);
    const done = await act(planner, p.nodes[node]!, 'complete', { goodQuantity: 10 });
    expect(done.statusCode, done.body).toBe(200);
  };

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    const app = await ctx.app();
    planner = await signIn(app, 'planner');
    operator = await signInWorker(app, 'W-001');
    for (const code of ['ORE-A', 'ORE-B', 'MID-LT', 'TOP-LT']) await trackedMaterial(planner, code);
    expect((await planner.post('/api/mes/materials', { code: 'WIP-UT', name: 'Untracked blank', unit: 'pcs' })).statusCode).toBe(201);
    await receive(planner, 'ORE-A', { lotCode: 'A1', quantity: 5, heatNumber: 'HX', receivedAt: '2026-02-01T08:00:00Z' });
    await receive(planner, 'ORE-A', { lotCode: 'A2', quantity: 20, heatNumber: 'HX', receivedAt: '2026-02-02T08:00:00Z' });
    await receive(planner, 'ORE-B', { lotCode: 'B1', quantity: 20, heatNumber: 'HY', receivedAt: '2026-02-01T08:00:00Z' });

    plan1 = await release(
      planner,
      twoStepPlan(
        'Genealogy 1',
        [
          { materialCode: 'ORE-A', requiredQuantity: 8 },
          { materialCode: 'ORE-B', requiredQuantity: 4 },
        ],
        'MID-LT',
        'TOP-LT',
      ),
    );
    await run(plan1, 'N1');
    await run(plan1, 'N2');
    const made = (await planner.get(`/api/mes/lots?planId=${plan1.id}`)).json();
    expect(made.items.map((l: { materialCode: string; nodeId: string }) => [l.materialCode, l.nodeId])).toEqual([
      ['MID-LT', 'N1'],
      ['TOP-LT', 'N2'],
    ]);
    [mid, top] = codes(made.items) as [string, string];

    // through an untracked intermediate (WIP-UT): the top lot still descends from the ore it was cut from
    const plan2 = await release(planner, twoStepPlan('Genealogy 2', [{ materialCode: 'ORE-A', requiredQuantity: 2 }], 'WIP-UT', 'TOP-LT'));
    await run(plan2, 'N1');
    await run(plan2, 'N2');
    top2 = codes((await planner.get(`/api/mes/lots?planId=${plan2.id}`)).json().items)[0]!;
  });

  it('output lots record the plan, step, worker, substation and time, with the good quantity on hand', async () => {
    const lot = (await operator.get(`/api/mes/lots/${mid}`)).json();
    const n1 = (await planner.get(`/api/mes/worker-assignments/${plan1.nodes.N1}`)).json();
    expect(lot).toMatchObject({
      origin: 'output',
      materialCode: 'MID-LT',
      planId: plan1.id,
      nodeId: 'N1',
      stepName: 'Cut blanks',
      assignmentId: plan1.nodes.N1,
      workerId: n1.workerId,
      substationId: n1.substationId,
      onHand: 0, // consumed by N2
    });
    expect((await operator.get(`/api/mes/lots/${top}`)).json()).toMatchObject({ onHand: 10, nodeId: 'N2' });
  });

  it('walks down from a raw lot: the lots made from it, each edge with its step and people, and where it was used', async () => {
    const res = await planner.get('/api/mes/lots/A1/genealogy?direction=down');
    expect(res.statusCode, res.body).toBe(200);
    const g = res.json();
    expect(g.lots.map((l: { code: string; level: number }) => [l.code, l.level])).toEqual([
      ['A1', 0],
      [mid, 1],
      [top, 2],
    ]);
    expect(g.edges).toEqual([
      expect.objectContaining({
        parentLot: 'A1',
        childLot: mid,
        quantity: 5,
        planId: plan1.id,
        nodeId: 'N1',
        stepName: 'Cut blanks',
        workerId: expect.any(String),
        substationId: expect.any(String),
      }),
      expect.objectContaining({ parentLot: mid, childLot: top, quantity: 10, nodeId: 'N2', stepName: 'Weld frame' }),
    ]);
    expect(g.uses).toEqual([
      expect.objectContaining({ lotCode: 'A1', quantity: 5, planId: plan1.id, nodeId: 'N1', assignmentId: plan1.nodes.N1 }),
      expect.objectContaining({ lotCode: mid, quantity: 10, nodeId: 'N2', assignmentId: plan1.nodes.N2 }),
    ]);
  });

  it('walks up from the finished lot to every lot it was made from, and stops at the depth asked', async () => {
    const g = (await planner.get(`/api/mes/lots/${top}/genealogy?direction=up&depth=5`)).json();
    expect(g.lots.map((l: { code: string; level: number }) => [l.code, l.level])).toEqual([
      [top, 0],
      [mid, 1],
      ['A1', 2],
      ['B1', 2],
      ['A2', 2],
    ]);
    expect(g.edges.map((e: { parentLot: string; childLot: string; quantity: number }) => [e.parentLot, e.childLot, e.quantity])).toEqual([
      ['A1', mid, 5],
      ['A2', mid, 3],
      ['B1', mid, 4],
      [mid, top, 10],
    ]);
    const shallow = (await planner.get(`/api/mes/lots/${top}/genealogy?direction=up&depth=1`)).json();
    expect(codes(shallow.lots)).toEqual([top, mid]);
    expect(shallow.edges).toHaveLength(1);
    const up2 = (await planner.get(`/api/mes/lots/${top2}/genealogy?direction=up`)).json();
    expect(up2.edges.map((e: { parentLot: string; quantity: number }) => [e.parentLot, e.quantity])).toEqual([['A2', 2]]);
  });

  it('recalls a heat: its own lots and everything made from them, and nothing else', async () => {
    const res = await planner.get('/api/mes/lots?heatNumber=HX');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { code: string; level: number }[];
    expect(items.map((l) => [l.code, l.level])).toEqual([
      ['A1', 0],
      ['A2', 0],
      [mid, 1],
      [top2, 1],
      [top, 2],
    ]);
    expect(codes((await planner.get('/api/mes/lots?heatNumber=HY')).json().items)).toEqual(['B1', mid, top]);
    expect((await planner.get('/api/mes/lots?heatNumber=NO-HEAT')).json().items).toEqual([]);
  });

  it('answers 404 for an unknown lot, 400 without a filter, and keeps the tree from operators', async () => {
    expectProblem(await planner.get('/api/mes/lots/NOPE/genealogy'), 404, /lot NOPE does not exist/);
    expectProblem(await planner.get('/api/mes/lots'), 400);
    expect((await operator.get(`/api/mes/lots/${top}/genealogy`)).statusCode).toBe(403);
    expect((await operator.get('/api/mes/lots?heatNumber=HX')).statusCode).toBe(403);
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
  });
});
