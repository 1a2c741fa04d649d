/**
 * The time budget is a latency promise (MES_SCHEDULER_BUDGET_MS at release):
 * the search must stop by itself when options.clock says the budget is used
 * up. The clock here is fake and advances a fixed step on every read, so
 * "time" is the number of clock reads and the test is deterministic: no
 * wall-clock threshold. With no iteration cap and no patience, only the clock
 * can end the search. Each phase (dispatching rules, tabu search, local
 * search) checks the clock before every unit of work it starts (a rule's
 * decode, a tabu move's exact evaluation, a local-search move) and the result
 * reads it once more, so the call must end within the budget plus one clock
 * step per phase boundary (MARGIN_STEPS), use most of the budget, give a
 * feasible schedule, and give the same schedule for the same clock.
 */
import { describe, expect, it } from 'vitest';
import { schedulePlan } from '../../src/scheduler/index.js';
import type { ScheduleInput, ScheduleResult } from '../../src/scheduler/index.js';
import { fjspToInput, readFjsp } from '../../bench/fjsp/instance.js';
import { checkSchedule } from './checker.js';

const BUDGET = 100;
/** clock reads that may fall after the deadline: the tabu search's and the local search's first check, and the result's */
const MARGIN_STEPS = 3;

/** A clock that advances `step` ms on every read. */
function fakeClock(step: number): { clock: () => number; reads: () => number } {
  let t = 1_000;
  let n = 0;
  return {
    clock: () => {
      n++;
      t += step;
      return t;
    },
    reads: () => n,
  };
}

function runUntilClock(input: ScheduleInput, step: number): { res: ScheduleResult; reads: number } {
  const fc = fakeClock(step);
  const res = schedulePlan({ ...input, options: { timeBudgetMs: BUDGET, maxIterations: 1e9, patience: 0, clock: fc.clock } });
  return { res, reads: fc.reads() };
}

/** A classic flexible job shop (24/7, dedicated machines): the tabu search, then the local search. */
const classic = (): ScheduleInput => fjspToInput(readFjsp('hurink-edata', 'la16'));

/** The same kind of plan with a shift calendar and a booking: the local search only. */
function withShifts(): ScheduleInput {
  const input = fjspToInput(readFjsp('brandimarte', 'mk01'));
  const early = { weekly: Array.from({ length: 7 }, () => [{ start: 360, end: 840 }]) };
  input.workers[0] = { ...input.workers[0]!, calendar: early };
  input.booked = [{ kind: 'substation', id: 'M1-1', start: input.now, end: input.now + 30 * 60_000 }];
  return input;
}

describe('time budget, measured by an injected clock', () => {
  for (const [name, make] of [
    ['classic flexible job shop (tabu search + local search)', classic],
    ['plan with shifts and bookings (local search)', withShifts],
  ] as const) {
    for (const step of [0.05, 1, 7]) {
      it(`${name}: clock step ${step} ms -> stops within the ${BUDGET} ms budget + ${MARGIN_STEPS} steps, after using most of it`, () => {
        const input = make();
        const { res, reads } = runUntilClock(input, step);
        expect(checkSchedule(input, res)).toEqual([]);
        // elapsedMs is the clock's last reading minus its first: the whole call
        expect(res.stats.elapsedMs).toBeLessThanOrEqual(BUDGET + MARGIN_STEPS * step);
        // the clock, not something else, ended the search: most of the budget was used
        expect(res.stats.elapsedMs).toBeGreaterThanOrEqual(0.85 * BUDGET - step);
        expect(reads).toBeGreaterThan(2);
        expect(res.stats.makespanMinutes).toBeLessThanOrEqual(res.stats.greedyMakespanMinutes);
      });
    }
  }

  it('the same clock gives the same schedule (the search is a function of its input and the clock readings)', () => {
    const input = classic();
    const a = runUntilClock(input, 0.5);
    const b = runUntilClock(input, 0.5);
    expect(b.res.assignments).toEqual(a.res.assignments);
    expect(b.res.stats.iterations).toBe(a.res.stats.iterations);
    expect(a.res.stats.iterations).toBeGreaterThan(10);
  });

  it('a budget already used up by the time the search starts still returns a feasible schedule', () => {
    const input = classic();
    const res = schedulePlan({ ...input, options: { timeBudgetMs: 1, maxIterations: 1e9, patience: 0, clock: fakeClock(5).clock } });
    expect(checkSchedule(input, res)).toEqual([]);
    expect(res.stats.makespanMinutes).toBeLessThanOrEqual(res.stats.greedyMakespanMinutes);
  });
});
