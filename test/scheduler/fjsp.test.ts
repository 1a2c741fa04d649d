/**
 * Public flexible job-shop instances (bench/fjsp/) fed as one plan: the
 * schedule is feasible, never below the published lower bound, never worse
 * than the greedy schedule, and the same when run twice (iterations, not the
 * clock, end the search: the budget is far away).
 */
import { describe, expect, it } from 'vitest';
import { schedulePlan } from '../../src/scheduler/index.js';
import { fjspToInput, readFjsp, readKnown } from '../../bench/fjsp/instance.js';
import { checkSchedule } from './checker.js';

const known = readKnown();
const cases: [set: string, name: string][] = [
  ['hurink-edata', 'la01'],
  ['hurink-edata', 'la16'],
  ['hurink-edata', 'la36'],
  ['hurink-rdata', 'la06'],
  ['hurink-vdata', 'la01'],
  ['brandimarte', 'mk01'],
];

describe('public flexible job-shop instances', () => {
  for (const [set, name] of cases) {
    it(`${set}/${name}: feasible, >= the published lower bound, <= greedy, reproducible`, () => {
      const input = fjspToInput(readFjsp(set, name));
      const options = { maxIterations: 300, patience: 0, timeBudgetMs: 600_000 };
      const res = schedulePlan({ ...input, options });
      expect(checkSchedule(input, res)).toEqual([]);
      expect(res.stats.makespanMinutes).toBeGreaterThanOrEqual(known[set]![name]!.lower);
      expect(res.stats.makespanMinutes).toBeLessThanOrEqual(res.stats.greedyMakespanMinutes);
      expect(res.stats.iterations).toBeLessThanOrEqual(300);
      const again = schedulePlan({ ...input, options });
      expect(again.assignments).toEqual(res.assignments);
    });
  }

  it('a plan with a shift calendar is not a classic shop and is still scheduled feasibly', () => {
    const input = fjspToInput(readFjsp('brandimarte', 'mk01'));
    const early = { weekly: Array.from({ length: 7 }, () => [{ start: 360, end: 840 }]) };
    input.workers[0] = { ...input.workers[0]!, calendar: early };
    input.booked = [{ kind: 'substation', id: 'M1-1', start: input.now, end: input.now + 30 * 60_000 }];
    const res = schedulePlan({ ...input, options: { maxIterations: 200, timeBudgetMs: 600_000 } });
    expect(checkSchedule(input, res)).toEqual([]);
  });
});
