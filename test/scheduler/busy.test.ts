/** ScheduleInput.busy (other plans' bookings as per-resource typed arrays, as release reads them) schedules exactly as the same intervals given in `booked`. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BusyRuns, type ScheduleInput, schedulePlan } from '../../src/scheduler/index.js';
import { arbInstance } from './arbitraries.js';

/** The instance's bookings moved from `booked` into `busy` runs (merged per resource, sorted, disjoint, as range_agg gives them). */
function asRuns(input: ScheduleInput): ScheduleInput {
  const byResource = new Map<string, { kind: 'worker' | 'substation'; id: string; list: [number, number][] }>();
  for (const b of input.booked) {
    const key = `${b.kind}:${b.id}`;
    const r = byResource.get(key) ?? { kind: b.kind, id: b.id, list: [] };
    r.list.push([b.start, b.end]);
    byResource.set(key, r);
  }
  const busy: BusyRuns[] = [...byResource.values()].map(({ kind, id, list }) => {
    list.sort((a, b) => a[0] - b[0]);
    const runs: [number, number][] = [];
    for (const [s, e] of list) {
      const last = runs[runs.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else runs.push([s, e]);
    }
    return { kind, id, starts: Float64Array.from(runs, (r) => r[0]), ends: Float64Array.from(runs, (r) => r[1]) };
  });
  return { ...input, booked: [], busy };
}

/** The same schedule with the bookings' labels taken off the wait reasons (runs carry none). */
const unlabelled = (input: ScheduleInput): ScheduleInput => ({ ...input, booked: input.booked.map(({ label: _label, ...b }) => b) });

describe('busy runs', () => {
  it('give the schedule the same bookings give in `booked` (property)', () => {
    fc.assert(
      fc.property(arbInstance(), (input) => {
        const options = { maxIterations: 30, timeBudgetMs: 60_000 };
        let expected: unknown;
        try {
          expected = schedulePlan({ ...unlabelled(input), options }).assignments;
        } catch (error) {
          expected = (error as Error).message;
        }
        let actual: unknown;
        try {
          actual = schedulePlan({ ...asRuns(input), options }).assignments;
        } catch (error) {
          actual = (error as Error).message;
        }
        expect(actual).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('a run of another plan holds a step back like a booking, naming no booking', () => {
    const now = Date.UTC(2030, 0, 7, 8, 0);
    const always = { weekly: Array.from({ length: 7 }, () => [{ start: 0, end: 1440 }]) };
    const res = schedulePlan({
      now,
      nodes: [
        { id: 'A', operationId: 'OP', quantity: 1, nominalTimeMinutes: 30, efficiency: 1, predecessors: [], candidates: [{ stationId: 'ST', priority: 1 }] },
      ],
      stations: [{ id: 'ST', substations: ['ST-1'] }],
      workers: [{ id: 'W', operations: ['OP'], stations: ['ST'], calendar: always }],
      booked: [],
      busy: [
        {
          kind: 'substation',
          id: 'ST-1',
          starts: Float64Array.of(now - 60_000, now + 40 * 60_000),
          ends: Float64Array.of(now + 20 * 60_000, now + 90 * 60_000),
        },
      ],
    });
    // the 20-minute gap is too short for 30 minutes: after the second run
    expect(res.assignments[0]).toMatchObject({ start: now + 90 * 60_000, end: now + 120 * 60_000 });
    expect(res.assignments[0]!.waitReasons).toEqual([{ kind: 'substation_busy', substationId: 'ST-1', until: now + 90 * 60_000, by: {} }]);
  });

  it("the lower bound counts other plans' bookings, so a schedule that meets it is known optimal and the search stops", () => {
    const now = Date.UTC(2030, 0, 7, 8, 0);
    const always = { weekly: Array.from({ length: 7 }, () => [{ start: 0, end: 1440 }]) };
    const step = (id: string, predecessors: string[]) => ({
      id,
      operationId: 'OP',
      quantity: 1,
      nominalTimeMinutes: 30,
      efficiency: 1,
      predecessors,
      candidates: [{ stationId: 'ST', priority: 1 }],
    });
    const res = schedulePlan({
      now,
      nodes: [step('A', []), step('B', ['A'])],
      stations: [{ id: 'ST', substations: ['ST-1'] }],
      workers: [{ id: 'W', operations: ['OP'], stations: ['ST'], calendar: always }],
      booked: [],
      // the only substation is taken for two hours, then free for 30 minutes, then taken for another hour
      busy: [
        { kind: 'substation', id: 'ST-1', starts: Float64Array.of(now, now + 150 * 60_000), ends: Float64Array.of(now + 120 * 60_000, now + 210 * 60_000) },
      ],
      options: { timeBudgetMs: 60_000 },
    });
    // A in the 30-minute gap, B after the second booking: 240 minutes, and no schedule ends earlier
    expect(res.makespanEnd).toBe(now + 240 * 60_000);
    expect(res.stats.lowerBoundMinutes).toBe(240);
    expect(res.stats.iterations).toBe(0);
  });
});
