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
