import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { countMesRows } from '../../src/seed/seed.js';
import { type Client, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { normalizePlan, planArb, stationsByOperation, validPlanArb } from '../helpers/plans.js';

/** Ways to break a valid document; each must be refused with 4xx. */
const breakers: Record<string, (doc: PlanDocument, pick: number) => unknown> = {
  cycle: (doc, pick) => {
    const withPred = doc.nodes.filter((n) => n.predecessors.length > 0);
    const target = withPred[pick % Math.max(withPred.length, 1)];
    if (!target) {
      doc.nodes[0]!.predecessors = [doc.nodes[0]!.nodeId];
      return doc;
    }
    const pred = doc.nodes.find((n) => n.nodeId === target.predecessors[0])!;
    pred.predecessors = [...pred.predecessors.filter((p) => p !== target.nodeId), target.nodeId];
    return doc;
  },
  danglingPredecessor: (doc, pick) => {
    doc.nodes[pick % doc.nodes.length]!.predecessors.push('no-such-node');
    return doc;
  },
  unknownStation: (doc, pick) => {
    doc.nodes[pick % doc.nodes.length]!.assignedStations[0]!.stationId = 'ST-999';
    return doc;
  },
  incapableStation: (doc, pick) => {
    const node = doc.nodes[pick % doc.nodes.length]!;
    node.assignedStations = [{ stationId: node.operationId === 'OP-006' ? 'ST-001' : 'ST-004', priority: 1 }];
    return doc;
  },
  unknownMaterial: (doc, pick) => {
    doc.nodes[pick % doc.nodes.length]!.materialInputs.push({ materialCode: 'NOPE-404', requiredQuantity: 1 });
    return doc;
  },
  duplicateNodeId: (doc) => {
    doc.nodes.push({ ...doc.nodes[0]!, predecessors: [] });
    return doc;
  },
  wrongType: (doc, pick) => ({ ...doc, nodes: doc.nodes.map((n, i) => (i === pick % doc.nodes.length ? { ...n, nominalTime: 'fast' } : n)) }),
  missingField: (doc, pick) => {
    const { name: _name, ...rest } = doc.nodes[pick % doc.nodes.length]!;
    return { ...doc, nodes: doc.nodes.map((n, i) => (i === pick % doc.nodes.length ? rest : n)) };
  },
  extraField: (doc) => ({ ...doc, sneaky: '<script>alert(1)</script>' }),
  negativeQuantity: (doc) => ({ ...doc, quantity: -5 }),
  injection: (doc) => ({ ...doc, nodes: doc.nodes.map((n) => ({ ...n, operationId: "OP-001'; drop table mes.operations; --" })) }),
  hugeName: (doc) => ({ ...doc, name: 'x'.repeat(10_000) }),
};

describeEachEngine('plan documents (property-based)', (ctx) => {
  let planner: Client;
  // every operation gets two more capable stations, listed around its seeded
  // one, so that candidates come in an order the stored one is not
  const moreStations = new Map([...stationsByOperation].map(([op, [first]], i) => [op, [`ST-92${i}`, first!, `ST-91${i}`]]));
  beforeAll(async () => {
    const db = ctx.database.db;
    await seed(db, 'default');
    const added = [...moreStations].flatMap(([op, ids]) => ids.filter((id) => id.startsWith('ST-9')).map((id) => ({ id, op })));
    await db
      .insertInto('mes.stations')
      .values(added.map(({ id }) => ({ id, name: `Twin ${id}` })))
      .execute();
    await db
      .insertInto('mes.station_operations')
      .values(added.map(({ id, op }) => ({ station_id: id, operation_id: op })))
      .execute();
    planner = await signIn(await ctx.app(), 'planner');
  });

  it('POST → GET → export gives back the same document, for random valid plans', async () => {
    await fc.assert(
      fc.asyncProperty(planArb(moreStations), async (doc) => {
        const created = await planner.post('/api/mes/production-plans', doc);
        expect(created.statusCode, created.body).toBe(201);
        const id = created.json().id;
        const detail = (await planner.get(`/api/mes/production-plans/${id}`)).json();
        expect(detail).toEqual(created.json());
        const exported = (await planner.get(`/api/mes/production-plans/${id}/export`)).json();
        expect(exported).toEqual(normalizePlan(doc));
      }),
      { numRuns: 40 },
    );
  });

  it('refuses random invalid plans with 4xx and leaves every mes table as it was', async () => {
    const db = ctx.database.db;
    const before = await countMesRows(db);
    await fc.assert(
      fc.asyncProperty(validPlanArb, fc.constantFrom(...Object.keys(breakers)), fc.nat(), async (doc, breaker, pick) => {
        const broken = breakers[breaker]!(structuredClone(doc), pick);
        const res = await planner.post('/api/mes/production-plans', broken);
        expect([400, 422], `${breaker}: ${res.body}`).toContain(res.statusCode);
        expect(res.json()).toMatchObject({ status: res.statusCode, detail: expect.any(String) });
      }),
      { numRuns: 60 },
    );
    expect(await countMesRows(db)).toEqual(before);
  });
});
