/** The yield rules (expected quantities over a plan's graph), as properties over random graphs and deliveries. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeExpected, extraNodeId, missingQuantity, type YieldNode } from '../../src/modules/plans/yield.rules.js';

const node = (id: number, over: Partial<YieldNode> = {}): YieldNode => ({
  id,
  quantity: 20,
  expected: null,
  extraOf: null,
  predecessors: [],
  inputs: [],
  output: null,
  completedGood: null,
  ...over,
});

/** Random DAGs: predecessors among earlier nodes, some inputs from a predecessor's output, some nodes completed with any good quantity. */
const graphArb = fc
  .array(
    fc.record({
      quantity: fc.integer({ min: 1, max: 100 }),
      preds: fc.array(fc.nat(), { maxLength: 3 }),
      output: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
      useFrom: fc.boolean(),
      required: fc.integer({ min: 1, max: 200 }),
      goodShare: fc.option(fc.double({ min: 0, max: 1.2, noNaN: true }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((specs) => {
    const nodes: YieldNode[] = specs.map((s, i) => {
      const predecessors = i === 0 ? [] : [...new Set(s.preds.map((p) => p % i))];
      const source = predecessors.find((p) => specs[p]!.output !== undefined);
      return node(i, {
        quantity: s.quantity,
        predecessors,
        output: s.output !== undefined ? { materialCode: `M${i}`, quantity: s.output } : null,
        inputs: s.useFrom && source !== undefined ? [{ materialCode: `M${source}`, requiredQuantity: s.required, fromNodeId: source }] : [],
      });
    });
    // completions only where every predecessor completed (as the floor allows)
    specs.forEach((s, i) => {
      const n = nodes[i]!;
      if (s.goodShare !== undefined && n.predecessors.every((p) => nodes[p]!.completedGood !== null)) {
        n.completedGood = Math.round(n.quantity * s.goodShare * 1000) / 1000;
      }
    });
    return nodes;
  });

describe('yield rules', () => {
  it('expected quantities stay within [0, quantity] on any graph and any deliveries', () => {
    fc.assert(
      fc.property(graphArb, (nodes) => {
        const expected = computeExpected(nodes);
        for (const n of nodes) {
          const e = expected.get(n.id)!;
          expect(e).toBeGreaterThanOrEqual(0);
          expect(e).toBeLessThanOrEqual(n.quantity);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('less good upstream never raises an expected quantity downstream', () => {
    fc.assert(
      fc.property(graphArb, fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), (nodes, pick, cut) => {
        const done = nodes.filter((n) => n.completedGood !== null);
        if (done.length === 0) return;
        const target = done[pick % done.length]!;
        const before = computeExpected(nodes);
        const worse = nodes.map((n) => (n.id === target.id ? { ...n, completedGood: Math.round(n.completedGood! * cut * 1000) / 1000 } : n));
        const after = computeExpected(worse);
        for (const n of nodes) expect(after.get(n.id)!).toBeLessThanOrEqual(before.get(n.id)! + 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it('18 good of 20 gives 18 downstream, through an edge or a material input; a remake of 2 restores 20', () => {
    const weld = node(1, { output: { materialCode: 'FRAME', quantity: 20 }, completedGood: 18 });
    const viaEdge = node(2, { predecessors: [1] });
    const viaInput = node(3, { predecessors: [1], inputs: [{ materialCode: 'FRAME', requiredQuantity: 20, fromNodeId: 1 }] });
    const halfNeeded = node(4, { predecessors: [1], inputs: [{ materialCode: 'FRAME', requiredQuantity: 10, fromNodeId: 1 }] });
    const next = node(5, { predecessors: [2] });
    let expected = computeExpected([weld, viaEdge, viaInput, halfNeeded, next]);
    expect([2, 3, 4, 5].map((id) => expected.get(id))).toEqual([18, 18, 20, 18]);
    expect(missingQuantity([weld, viaEdge], 1)).toBe(2);

    const remake = node(6, { quantity: 2, extraOf: 1, output: { materialCode: 'FRAME', quantity: 2 } });
    const graph = [weld, remake, { ...viaEdge, predecessors: [1, 6] }, { ...viaInput, predecessors: [1, 6] }, next];
    expected = computeExpected(graph);
    expect([2, 3, 5].map((id) => expected.get(id))).toEqual([20, 20, 20]);
    expect(missingQuantity(graph, 1)).toBe(0);
    // the remake delivers 1 of 2: 19 downstream, 1 missing
    const half = graph.map((n) => (n.id === 6 ? { ...n, completedGood: 1 } : n));
    expect(computeExpected(half).get(5)).toBe(19);
    expect(missingQuantity(half, 1)).toBe(1);
  });

  it('names added steps after the original, within 40 characters, never twice', () => {
    expect(extraNodeId('N3', 'remake', new Set(['N3', 'N3-R1']))).toBe('N3-R2');
    expect(extraNodeId('N3', 'rework', new Set())).toBe('N3-RW1');
    const long = 'x'.repeat(40);
    expect(extraNodeId(long, 'remake', new Set())).toHaveLength(40);
  });
});
