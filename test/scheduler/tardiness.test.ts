/**
 * Several plans scheduled together: the weighted tardiness of the plans comes
 * first, then the makespan. Hand-built competitions for one worker and one
 * substation, and properties over random floors of 1-3 plans.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schedulePlan, weightOfPriority } from '../../src/scheduler/index.js';
import type { ScheduleInput, ScheduleResult, SchedulerNode, SchedulerPlan } from '../../src/scheduler/types.js';
import { arbInstance } from './arbitraries.js';
import { checkSchedule } from './checker.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const MON = Date.UTC(2024, 2, 4);
const ALWAYS = { weekly: Array.from({ length: 7 }, () => [{ start: 0, end: 1440 }]) };
const FIXED = { maxIterations: 200, timeBudgetMs: 60_000, seed: 1 };

function step(id: string, planId: string, minutes: number, predecessors: string[] = []): SchedulerNode {
  return {
    id,
    planId,
    operationId: 'OP',
    quantity: 1,
    nominalTimeMinutes: minutes,
    efficiency: 1,
    predecessors,
    candidates: [{ stationId: 'S', priority: 1 }],
  };
}

/** One station, one substation, one worker: two plans of two 60-minute steps each compete for the same window. */
function competition(plans: SchedulerPlan[], order: 'A first' | 'B first'): ScheduleInput {
  const a = [step('A1', 'A', 60), step('A2', 'A', 60, ['A1'])];
  const b = [step('B1', 'B', 60), step('B2', 'B', 60, ['B1'])];
  return {
    now: MON,
    nodes: order === 'A first' ? [...a, ...b] : [...b, ...a],
    stations: [{ id: 'S', substations: ['S-1'] }],
    workers: [{ id: 'W', operations: ['OP'], stations: ['S'], calendar: ALWAYS }],
    booked: [],
    plans,
  };
}

function solve(input: ScheduleInput, options: ScheduleInput['options'] = FIXED): ScheduleResult {
  const res = schedulePlan({ ...input, options });
  expect(checkSchedule(input, res)).toEqual([]);
  return res;
}

const endOf = (res: ScheduleResult, planId: string) => res.plans.find((p) => p.id === planId)!.completion;

describe('weighted tardiness across plans', () => {
  it('weights plans by priority: 2^(3 - priority), default 3', () => {
    expect([1, 2, 3, 4, 5].map((p) => weightOfPriority(p))).toEqual([4, 2, 1, 0.5, 0.25]);
    expect(weightOfPriority(undefined)).toBe(1);
    expect(weightOfPriority(null)).toBe(1);
  });

  for (const order of ['A first', 'B first'] as const) {
    it(`the earlier-due plan gets the free window, whichever comes first in the input (${order})`, () => {
      const res = solve(
        competition(
          [
            { id: 'A', dueDate: MON + 10 * HOUR },
            { id: 'B', dueDate: MON + 2 * HOUR },
          ],
          order,
        ),
      );
      expect(endOf(res, 'B')).toBe(MON + 2 * HOUR);
      expect(endOf(res, 'A')).toBe(MON + 4 * HOUR);
      expect(res.stats.weightedTardiness).toBe(0);
      expect(res.plans.map((p) => p.tardinessMinutes)).toEqual([0, 0]);
    });

    it(`with the same due date, the higher-priority plan goes first (${order})`, () => {
      const due = MON + 2 * HOUR;
      const res = solve(
        competition(
          [
            { id: 'A', dueDate: due, weight: weightOfPriority(3) },
            { id: 'B', dueDate: due, weight: weightOfPriority(1) },
          ],
          order,
        ),
      );
      expect(endOf(res, 'B')).toBe(due);
      expect(endOf(res, 'A')).toBe(MON + 4 * HOUR);
      // A is 120 minutes late at weight 1; B first costs less than A first (4 * 120)
      expect(res.stats.weightedTardiness).toBe(120);
    });
  }

  it('answers by due date when the budget ends after the first decode (the floor reschedule of 4,000 steps on a loaded machine)', () => {
    // A: a long chain (the longest remaining path, which the makespan greedy takes first) due late; B: one short step due soon
    const a = [step('A1', 'A', 60), step('A2', 'A', 60, ['A1']), step('A3', 'A', 60, ['A2'])];
    const b = [step('B1', 'B', 30)];
    const input: ScheduleInput = {
      now: MON,
      nodes: [...a, ...b],
      stations: [{ id: 'S', substations: ['S-1'] }],
      workers: [{ id: 'W', operations: ['OP'], stations: ['S'], calendar: ALWAYS }],
      booked: [],
      plans: [
        { id: 'A', dueDate: MON + 10 * HOUR },
        { id: 'B', dueDate: MON + 30 * MIN },
      ],
    };
    // a clock that says the budget is gone as soon as the first decode is done
    let calls = 0;
    const res = solve(input, { timeBudgetMs: 1000, seed: 1, clock: () => (calls++ < 1 ? 0 : 1e9) });
    expect(res.stats.iterations).toBe(0);
    expect(endOf(res, 'B')).toBe(MON + 30 * MIN);
    expect(res.stats.weightedTardiness).toBe(0);
    // without due dates the first decode is the longest-path greedy, which puts B last
    calls = 0;
    const makespanOnly = solve({ ...input, plans: [{ id: 'A' }, { id: 'B' }] }, { timeBudgetMs: 1000, seed: 1, clock: () => (calls++ < 1 ? 0 : 1e9) });
    expect(endOf(makespanOnly, 'B')).toBe(MON + 210 * MIN);
  });

  it('counts the fixed work of a plan towards its completion', () => {
    const res = solve(competition([{ id: 'A', dueDate: MON + 5 * HOUR, fixedEnd: MON + 6 * HOUR }, { id: 'B' }], 'A first'));
    expect(endOf(res, 'A')).toBe(MON + 6 * HOUR);
    expect(res.plans.find((p) => p.id === 'A')!.tardinessMinutes).toBe(60);
    expect(res.stats.weightedTardiness).toBe(60);
  });
});

/** Random floors: the components of a random instance's precedence graph become 1-3 plans with random due dates and priorities. */
const arbFloor: fc.Arbitrary<ScheduleInput> = fc
  .tuple(
    arbInstance({ maxNodes: 10 }),
    fc.array(
      fc.record({
        due: fc.option(fc.integer({ min: 0, max: 3000 }), { freq: 4 }),
        prio: fc.integer({ min: 1, max: 5 }),
        fixed: fc.option(fc.nat(600), { freq: 4 }),
      }),
      { minLength: 3, maxLength: 3 },
    ),
  )
  .map(([input, raw]) => {
    // union-find over the precedence edges: no edge joins two plans
    const parent = input.nodes.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
    const index = new Map(input.nodes.map((n, i) => [n.id, i]));
    input.nodes.forEach((n, i) => n.predecessors.forEach((p) => (parent[find(index.get(p)!)] = find(i))));
    const nodes = input.nodes.map((n, i) => ({ ...n, planId: `P${find(i) % 3}` }));
    const plans: SchedulerPlan[] = raw.map((r, k) => ({
      id: `P${k}`,
      weight: weightOfPriority(r.prio),
      ...(r.due !== null ? { dueDate: input.now + r.due * MIN } : {}),
      ...(r.fixed !== null ? { fixedEnd: input.now + r.fixed * MIN } : {}),
    }));
    return { ...input, nodes, plans };
  });

function tardinessOf(input: ScheduleInput, res: ScheduleResult): number {
  let t = 0;
  for (const p of input.plans ?? []) {
    const ends = res.assignments.filter((a) => input.nodes.find((n) => n.id === a.nodeId)!.planId === p.id).map((a) => a.end);
    const c = Math.max(p.fixedEnd ?? -Infinity, ...ends);
    if (p.dueDate !== undefined && c > p.dueDate) t += ((p.weight ?? 1) * (c - p.dueDate)) / MIN;
  }
  return t;
}

describe('weighted tardiness properties (fast-check)', () => {
  it('every floor schedule is feasible, its tardiness is what the plans say, and never worse than the greedy', () => {
    fc.assert(
      fc.property(arbFloor, (input) => {
        const res = solve(input, { maxIterations: 60, timeBudgetMs: 1e12, seed: 3 });
        expect(res.stats.weightedTardiness).toBeCloseTo(tardinessOf(input, res), 6);
        expect(res.stats.weightedTardiness).toBeLessThanOrEqual(res.stats.greedyWeightedTardiness + 1e-6);
        if (Math.abs(res.stats.weightedTardiness - res.stats.greedyWeightedTardiness) < 1e-6) {
          expect(res.stats.makespanMinutes).toBeLessThanOrEqual(res.stats.greedyMakespanMinutes);
        }
        const greedy = schedulePlan({ ...input, options: { improve: false } });
        expect(greedy.stats.weightedTardiness).toBe(res.stats.greedyWeightedTardiness);
      }),
      { numRuns: 100 },
    );
  });

  it('is deterministic with several plans', () => {
    fc.assert(
      fc.property(arbFloor, (input) => {
        const options = { maxIterations: 1_000_000, timeBudgetMs: 1e12, seed: 5, clock: () => 0 };
        const a = schedulePlan({ ...input, options });
        const b = schedulePlan({ ...structuredClone(input), options });
        expect({ ...b, stats: { ...b.stats, elapsedMs: 0 } }).toEqual({ ...a, stats: { ...a.stats, elapsedMs: 0 } });
      }),
      { numRuns: 40 },
    );
  });

  it('one plan: a due date, a weight or a plan id change nothing in its schedule (its tardiness falls with its makespan)', () => {
    fc.assert(
      fc.property(arbInstance(), fc.integer({ min: -600, max: 3000 }), fc.integer({ min: 1, max: 5 }), (input, due, prio) => {
        const options = { maxIterations: 100, timeBudgetMs: 1e12, seed: 9 };
        const plain = schedulePlan({ ...input, options });
        const named = schedulePlan({
          ...structuredClone(input),
          nodes: input.nodes.map((n) => ({ ...n, planId: 'P' })),
          plans: [{ id: 'P', dueDate: input.now + due * MIN, weight: weightOfPriority(prio) }],
          options,
        });
        expect(named.assignments).toEqual(plain.assignments);
        expect(named.stats.iterations).toBe(plain.stats.iterations);
        expect(plain.stats.weightedTardiness).toBe(0);
        expect(plain.plans).toEqual([{ id: '', completion: plain.makespanEnd, tardinessMinutes: 0, weight: 1 }]);
      }),
      { numRuns: 60 },
    );
  });
});
