import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schedulePlan } from '../../src/scheduler/index.js';
import type { ScheduleInput, ScheduleResult } from '../../src/scheduler/types.js';
import { arbInstance } from './arbitraries.js';
import { checkSchedule } from './checker.js';

const FIXED = { maxIterations: 25, timeBudgetMs: 60_000, seed: 7 };

function run(input: ScheduleInput, options: ScheduleInput['options'] = FIXED): ScheduleResult {
  return schedulePlan({ ...input, options });
}

function withoutTiming(r: ScheduleResult): unknown {
  return { ...r, stats: { ...r.stats, elapsedMs: 0 } };
}

describe('scheduler properties (fast-check)', () => {
  it('every schedule is feasible, improved <= greedy, makespan >= lower bound', () => {
    fc.assert(
      fc.property(arbInstance(), (input) => {
        const res = run(input);
        const errs = checkSchedule(input, res);
        expect(errs).toEqual([]);
        expect(res.stats.makespanMinutes).toBeLessThanOrEqual(res.stats.greedyMakespanMinutes);
        expect(res.stats.makespanMinutes).toBeGreaterThanOrEqual(res.stats.lowerBoundMinutes);
        expect(res.stats.makespanMinutes).toBeCloseTo((res.makespanEnd - input.now) / 60_000, 9);
      }),
      { numRuns: 120 },
    );
  });

  it('a step with more than 64 worker-substation pairs gets a substation of its station and a worker allowed there', () => {
    let wide = 0;
    fc.assert(
      fc.property(arbInstance({ wide: true, maxNodes: 4 }), (input) => {
        const pairs = (stationId: string) =>
          input.stations.find((s) => s.id === stationId)!.substations.length * input.workers.filter((w) => w.stations.includes(stationId)).length;
        if (input.nodes.some((n) => n.candidates.reduce((sum, c) => sum + pairs(c.stationId), 0) > 64)) wide++;
        expect(checkSchedule(input, run(input))).toEqual([]);
      }),
      { numRuns: 60 },
    );
    expect(wide).toBeGreaterThan(5); // the case itself came up
  });

  it('greedy only (improve: false) is feasible and equals the greedy makespan', () => {
    fc.assert(
      fc.property(arbInstance(), (input) => {
        const res = run(input, { improve: false });
        expect(checkSchedule(input, res)).toEqual([]);
        expect(res.stats.makespanMinutes).toBe(res.stats.greedyMakespanMinutes);
        expect(res.stats.iterations).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('is deterministic: the same input twice gives deep-equal output', () => {
    fc.assert(
      fc.property(arbInstance(), (input) => {
        const a = run(input);
        const b = run(structuredClone(input));
        expect(withoutTiming(b)).toEqual(withoutTiming(a));
      }),
      { numRuns: 60 },
    );
  });

  it('with the default patience, the search ends by itself: a slow and a fast clock give the same schedule', () => {
    fc.assert(
      fc.property(arbInstance(), (input) => {
        // no iteration cap and a budget neither clock reaches: only patience (or optimality) can end it
        const options = { maxIterations: 1_000_000, timeBudgetMs: 1e12, seed: 5 };
        let slow = 0;
        const a = run(input, { ...options, clock: () => 0 });
        const b = run(structuredClone(input), { ...options, clock: () => (slow += 1) });
        expect(withoutTiming(b)).toEqual(withoutTiming(a));
        expect(a.stats.iterations).toBeLessThan(1_000_000);
        expect(checkSchedule(input, a)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('patience 0 keeps searching until the iteration cap', () => {
    let reachedCap = 0;
    fc.assert(
      fc.property(arbInstance(), (input) => {
        const res = run(input, { maxIterations: 600, timeBudgetMs: 1e12, seed: 5, patience: 0 });
        // only an optimal schedule (makespan at the bound with the best priorities) ends it sooner
        if (res.stats.iterations < 600) expect(res.stats.makespanMinutes).toBe(res.stats.lowerBoundMinutes);
        else reachedCap++;
      }),
      { numRuns: 30 },
    );
    // the instances that are not solved to the bound at once do run to the cap
    expect(reachedCap).toBeGreaterThan(0);
  });

  it('larger random plans stay feasible', () => {
    fc.assert(
      fc.property(arbInstance({ maxNodes: 20 }), (input) => {
        const res = run(input, { maxIterations: 40, timeBudgetMs: 60_000, seed: 3 });
        expect(checkSchedule(input, res)).toEqual([]);
        expect(res.stats.makespanMinutes).toBeGreaterThanOrEqual(res.stats.lowerBoundMinutes);
      }),
      { numRuns: 40 },
    );
  });
});
