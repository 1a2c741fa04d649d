/**
 * Random completions with scrap (and a remake now and then) never leave stock or reservations apart from the
 * ledger, never a negative or over-plan expected quantity, never a broken invariant of the doctor.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { type Client, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { pinSamplePlan, samplePlan } from '../helpers/plans.js';

describeEachEngine('yield carried forward, property', (ctx) => {
  let planner: Client;
  const db = () => ctx.database.db;

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    planner = await signIn(await ctx.app(), 'planner');
  });

  const invariantsHold = async () => {
    const failures = (await runIntegrityChecks(db())).filter((r) => r.rows.length > 0);
    expect(failures).toEqual([]);
    const bad = await sql<{ id: string }>`
      select id::text from mes.production_plan_nodes where expected_quantity < 0 or expected_quantity > quantity`.execute(db());
    expect(bad.rows).toEqual([]);
    // stock and reserved equal the ledger's sums (also a doctor check; asked directly here)
    const apart = await sql<{ code: string }>`
      select m.code from mes.materials m
        left join (select material_code, sum(stock_delta) s, sum(reserved_delta) r from mes.material_ledger group by material_code) l on l.material_code = m.code
       where m.stock <> coalesce(l.s, 0) or m.reserved <> coalesce(l.r, 0)`.execute(db());
    expect(apart.rows).toEqual([]);
  };

  const nodeOf = async (planId: string, nodeId: string) => {
    const plan = (await planner.get(`/api/mes/production-plans/${planId}`)).json() as {
      nodes: { nodeId: string; quantity: number; expectedQuantity: number | null; assignment: { id: string; status: string } }[];
    };
    return plan.nodes.find((n) => n.nodeId === nodeId)!;
  };
  const complete = async (planId: string, nodeId: string, good: number, scrap: number, materials?: { materialCode: string; quantity: number }[]) => {
    const a = (await nodeOf(planId, nodeId)).assignment;
    const started = await planner.post(`/api/mes/worker-assignments/${a.id}/start`);
    expect(started.statusCode, started.body).toBe(200);
    const res = await planner.post(`/api/mes/worker-assignments/${a.id}/complete`, {
      goodQuantity: good,
      ...(scrap > 0 ? { scrapQuantity: scrap, scrapReason: 'random scrap' } : {}),
      ...(materials ? { materials } : {}),
    });
    expect(res.statusCode, res.body).toBe(200);
  };

  it('random scrap and remakes keep stock = ledger and expected quantities in [0, planned]', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          cut: fc.integer({ min: 0, max: 20 }),
          base: fc.integer({ min: 1, max: 20 }),
          weld: fc.integer({ min: 0, max: 20 }),
          remake: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
          paint: fc.boolean(),
        }),
        async (run) => {
          // pinned: each step on its own worker and substation. Unpinned, the scheduler may book the second cut on the
          // first cut's substation right now (its worker on shift, the first's not), and starting the first now is refused
          const doc: PlanDocument = pinSamplePlan(samplePlan({ name: `Yield property ${Math.random().toString(36).slice(2, 8)}`, quantity: 20 }));
          doc.nodes[2]!.output = { materialCode: 'WIP-001-FRAME', quantity: 20 };
          doc.nodes[3]!.materialInputs = [
            { materialCode: 'POWDER-RAL7035', requiredQuantity: 3 },
            { materialCode: 'WIP-001-FRAME', requiredQuantity: 20, fromNodeId: 'N3' },
          ];
          const created = await planner.post('/api/mes/production-plans', doc);
          expect(created.statusCode, created.body).toBe(201);
          const planId = created.json().id as string;
          expect((await planner.post(`/api/mes/production-plans/${planId}/release`, { allowShortage: true })).statusCode).toBe(200);
          await invariantsHold();

          // the two cuts (an edge each into the weld), then the weld; scrap = the rest of 20 (a step reports something)
          await complete(planId, 'N1', run.cut, 20 - run.cut);
          await invariantsHold();
          await complete(planId, 'N2', run.base, 20 - run.base);
          await invariantsHold();
          const weld = await nodeOf(planId, 'N3');
          const weldTarget = weld.expectedQuantity ?? weld.quantity;
          expect(weldTarget).toBe(Math.min(run.cut, run.base));
          const good = Math.min(run.weld, 20);
          await complete(planId, 'N3', good, 20 - good, [{ materialCode: 'WIRE-SG2-1.0', quantity: 2 }]);
          await invariantsHold();

          if (run.remake !== undefined) {
            const res = await planner.post(`/api/mes/production-plans/${planId}/nodes/N3/remake`, { quantity: run.remake });
            expect(res.statusCode, res.body).toBe(201);
            await invariantsHold();
          }
          const paint = await nodeOf(planId, 'N4');
          const expected = paint.expectedQuantity ?? paint.quantity;
          expect(expected).toBeGreaterThanOrEqual(0);
          if (run.paint && run.remake === undefined && expected > 0) {
            // the paint uses what it can: the frames made and the powder for them
            await complete(planId, 'N4', expected, 0, [
              { materialCode: 'WIP-001-FRAME', quantity: good },
              { materialCode: 'POWDER-RAL7035', quantity: Math.round(3 * expected * 50) / 1000 },
            ]);
          } else {
            await planner.post(`/api/mes/production-plans/${planId}/pause`);
            expect((await planner.post(`/api/mes/production-plans/${planId}/cancel`)).statusCode).toBe(200);
          }
          await invariantsHold();
        },
      ),
      { numRuns: 5, seed: 15 },
    );
  });
});
