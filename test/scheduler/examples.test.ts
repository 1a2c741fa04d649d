import { describe, expect, it } from 'vitest';
import { schedulePlan } from '../../src/scheduler/index.js';
import type { ScheduleInput, SchedulerNode, SchedulerWorker, ShiftCalendar } from '../../src/scheduler/types.js';
import { checkSchedule } from './checker.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const MON = Date.UTC(2024, 2, 4); // Monday 2024-03-04 00:00 UTC
const ALWAYS: ShiftCalendar = { weekly: Array.from({ length: 7 }, () => [{ start: 0, end: 1440 }]) };
const weekdays = (start: number, end: number): ShiftCalendar => ({
  weekly: [[], [{ start, end }], [{ start, end }], [{ start, end }], [{ start, end }], [{ start, end }], []],
});
const FIXED = { maxIterations: 200, timeBudgetMs: 60_000, seed: 1 };

function node(id: string, minutes: number, stations: (string | [string, number, number?])[], extra: Partial<SchedulerNode> = {}): SchedulerNode {
  return {
    id,
    operationId: 'OP',
    quantity: 1,
    nominalTimeMinutes: minutes,
    efficiency: 1,
    predecessors: [],
    candidates: stations.map((s) =>
      typeof s === 'string'
        ? { stationId: s, priority: 1 }
        : s[2] === undefined
          ? { stationId: s[0], priority: s[1] }
          : { stationId: s[0], priority: s[1], timeMinutes: s[2] },
    ),
    ...extra,
  };
}

function worker(id: string, stations: string[], calendar: ShiftCalendar = ALWAYS): SchedulerWorker {
  return { id, operations: ['OP'], stations, calendar };
}

function solve(input: ScheduleInput, options: ScheduleInput['options'] = FIXED) {
  const res = schedulePlan({ ...input, options });
  expect(checkSchedule(input, res)).toEqual([]);
  return res;
}

describe('hand-built examples', () => {
  it('local search beats the greedy and every dispatching rule', () => {
    // X can run on A (10 min) or B (12 min) and has a short successor Z; Y can only run on A.
    // Every rule puts X first (longer tail), X grabs A, Y waits: makespan 20. Optimal: X on B, 13.
    const input: ScheduleInput = {
      now: MON,
      nodes: [
        node('X', 10, [
          ['A', 1],
          ['B', 2, 12],
        ]),
        node('Y', 10, ['A']),
        node('Z', 1, ['C'], { predecessors: ['X'] }),
      ],
      stations: ['A', 'B', 'C'].map((id) => ({ id, substations: [`${id}-1`] })),
      workers: [worker('WA', ['A']), worker('WB', ['B']), worker('WC', ['C'])],
      booked: [],
    };
    const greedy = solve(input, { improve: false });
    expect(greedy.stats.makespanMinutes).toBe(20);
    const rulesOnly = solve(input, { maxIterations: 0 });
    expect(rulesOnly.stats.makespanMinutes).toBe(20);
    const res = solve(input);
    expect(res.stats.greedyMakespanMinutes).toBe(20);
    expect(res.stats.makespanMinutes).toBe(13);
    expect(res.stats.lowerBoundMinutes).toBeLessThanOrEqual(13);
    const x = res.assignments.find((a) => a.nodeId === 'X')!;
    expect(x.stationId).toBe('B');
    expect(x.priority).toBe(2);
  });

  it('prefers the better-priority candidate when the makespan does not suffer', () => {
    // L (100 min) fixes the makespan; S is faster on B (prio 2) but fits on A (prio 1) anyway.
    const input: ScheduleInput = {
      now: MON,
      nodes: [
        node('L', 100, ['C']),
        node('S', 30, [
          ['A', 1],
          ['B', 2, 20],
        ]),
      ],
      stations: ['A', 'B', 'C'].map((id) => ({ id, substations: [`${id}-1`] })),
      workers: [worker('W1', ['A', 'B']), worker('W2', ['C'])],
      booked: [],
    };
    expect(solve(input, { improve: false }).assignments[1]!.stationId).toBe('B');
    const res = solve(input);
    expect(res.stats.makespanMinutes).toBe(100);
    expect(res.assignments[1]).toMatchObject({ stationId: 'A', priority: 1, workMinutes: 30 });
  });

  it('overnight and weekend continuation across shifts (UTC+3)', () => {
    const off = 180;
    const local = (day: number, h: number): number => MON + day * 24 * HOUR + h * HOUR - off * MIN;
    const input: ScheduleInput = {
      now: local(0, 14), // Monday 14:00 local
      utcOffsetMinutes: off,
      nodes: [
        node('N1', 600, ['S']), // 10 h of work, shifts are 8 h
        node('N2', 60, ['S']),
        node('N3', 600, ['T'], { notBefore: local(4, 12) }), // Friday 12:00
      ],
      stations: [
        { id: 'S', substations: ['S-1'] },
        { id: 'T', substations: ['T-1'] },
      ],
      workers: [worker('W1', ['S', 'T'], weekdays(8 * 60, 16 * 60)), worker('W2', ['S'], weekdays(16 * 60, 24 * 60))],
      booked: [],
    };
    const res = solve(input);
    const [n1, n2, n3] = res.assignments;
    // N1: Mon 14-16 (120) + Tue 08-16 (480); the substation stays held overnight
    expect(n1).toMatchObject({ workerId: 'W1', start: local(0, 14), end: local(1, 16), workMinutes: 600 });
    // N2 cannot use S-1 during N1's overnight gap: the late shift does it on Tuesday
    expect(n2).toMatchObject({ workerId: 'W2', substationId: 'S-1', start: local(1, 16), end: local(1, 17) });
    expect(n2!.waitReasons?.[0]).toMatchObject({ kind: 'substation_busy', substationId: 'S-1', by: { nodeId: 'N1' } });
    // N3: Fri 12-16 (240) + Mon 08-14 (360)
    expect(n3).toMatchObject({ workerId: 'W1', start: local(4, 12), end: local(7, 14), workMinutes: 600 });
  });

  it('explains waits: worker busy, substation booked, shift, notBefore', () => {
    const input: ScheduleInput = {
      now: MON + 6 * HOUR, // Monday 06:00 UTC
      nodes: [
        node('N1', 60, ['A'], { pin: { workerId: 'W1' } }),
        node('N2', 30, ['A'], { pin: { workerId: 'W1' } }),
        node('N3', 30, ['B']),
        node('N4', 30, ['C'], { predecessors: ['N3'] }),
        node('N5', 10, ['C'], { notBefore: MON + 10 * HOUR }),
      ],
      stations: [
        { id: 'A', substations: ['A-1', 'A-2'] },
        { id: 'B', substations: ['B-1'] },
        { id: 'C', substations: ['C-1', 'C-2'] },
      ],
      workers: [worker('W1', ['A']), worker('W2', ['B', 'C']), worker('W3', ['C'], weekdays(8 * 60, 16 * 60))],
      booked: [{ kind: 'substation', id: 'B-1', start: MON, end: MON + 7 * HOUR + 20 * MIN, label: 'PLAN-7' }],
    };
    const res = solve(input);
    const by = new Map(res.assignments.map((a) => [a.nodeId, a]));
    const first = [by.get('N1')!, by.get('N2')!].sort((a, b) => a.start - b.start);
    expect(first[0]!.waitReasons).toBeUndefined();
    expect(first[1]!.waitReasons).toEqual([{ kind: 'worker_busy', workerId: 'W1', until: first[0]!.end, by: { nodeId: first[0]!.nodeId } }]);
    expect(by.get('N3')!.waitReasons).toEqual([
      { kind: 'substation_busy', substationId: 'B-1', until: MON + 7 * HOUR + 20 * MIN, by: { assignmentId: 'PLAN-7' } },
    ]);
    expect(by.get('N4')!.waitReasons).toBeUndefined(); // starts when N3 ends
    expect(by.get('N5')!.waitReasons?.[0]).toEqual({ kind: 'not_before', until: MON + 10 * HOUR });

    const shift = solve({
      now: MON + 6 * HOUR,
      nodes: [node('N1', 30, ['C'])],
      stations: [{ id: 'C', substations: ['C-1'] }],
      workers: [worker('W3', ['C'], weekdays(8 * 60, 16 * 60))],
      booked: [],
    });
    expect(shift.assignments[0]).toMatchObject({ start: MON + 8 * HOUR, waitReasons: [{ kind: 'shift', workerId: 'W3', until: MON + 8 * HOUR }] });
  });

  it('respects pins, notBefore and booked worker time', () => {
    const input: ScheduleInput = {
      now: MON,
      nodes: [node('N1', 30, ['A', 'B'], { pin: { substationId: 'B-2' } }), node('N2', 30, ['A', 'B'], { pin: { workerId: 'W2' }, notBefore: MON + 2 * HOUR })],
      stations: [
        { id: 'A', substations: ['A-1'] },
        { id: 'B', substations: ['B-1', 'B-2'] },
      ],
      workers: [worker('W1', ['A', 'B']), worker('W2', ['A', 'B'])],
      booked: [{ kind: 'worker', id: 'W2', start: MON + HOUR, end: MON + 3 * HOUR }],
    };
    const res = solve(input);
    expect(res.assignments[0]).toMatchObject({ stationId: 'B', substationId: 'B-2' });
    expect(res.assignments[1]).toMatchObject({ workerId: 'W2', start: MON + 3 * HOUR });
    expect(res.assignments[1]!.waitReasons).toContainEqual({ kind: 'worker_busy', workerId: 'W2', until: MON + 3 * HOUR, by: {} });
  });

  it('duration uses the station time, efficiency and rounds up', () => {
    const input: ScheduleInput = {
      now: MON,
      nodes: [node('N1', 1.1, [['A', 1, 1.1]], { quantity: 100, efficiency: 1 }), node('N2', 7, ['B'], { quantity: 3, efficiency: 0.8 })],
      stations: [
        { id: 'A', substations: ['A-1'] },
        { id: 'B', substations: ['B-1'] },
      ],
      workers: [worker('W1', ['A']), worker('W2', ['B'])],
      booked: [],
    };
    const res = solve(input);
    expect(res.assignments[0]!.workMinutes).toBe(110); // 1.1*100 is 110.00000000000001 in floating point
    expect(res.assignments[1]!.workMinutes).toBe(27); // 21/0.8 = 26.25
  });

  it('empty plan', () => {
    const res = schedulePlan({ now: MON, nodes: [], stations: [], workers: [], booked: [] });
    expect(res.assignments).toEqual([]);
    expect(res.makespanEnd).toBe(MON);
    expect(res.stats.makespanMinutes).toBe(0);
  });

  it('stops on the injected clock (time budget) and stays feasible', () => {
    const nodes: SchedulerNode[] = [];
    for (let j = 0; j < 10; j++)
      for (let k = 0; k < 4; k++) {
        nodes.push(
          node(
            `J${j}-${k}`,
            10 + ((j * 7 + k * 3) % 20),
            [
              ['A', 1],
              ['B', 2, 15],
            ],
            k > 0 ? { predecessors: [`J${j}-${k - 1}`] } : {},
          ),
        );
      }
    const input: ScheduleInput = {
      now: MON,
      nodes,
      stations: [
        { id: 'A', substations: ['A-1', 'A-2'] },
        { id: 'B', substations: ['B-1'] },
      ],
      workers: [worker('W1', ['A', 'B']), worker('W2', ['A', 'B'])],
      booked: [],
    };
    let t = 0;
    const clock = (): number => (t += 10);
    const res = solve(input, { maxIterations: 10_000, timeBudgetMs: 200, clock });
    expect(res.stats.iterations).toBeLessThan(20);
    expect(res.stats.elapsedMs).toBeLessThanOrEqual(200 + 20);
  });
});

describe('independent checker sanity', () => {
  it('detects broken schedules', () => {
    const input: ScheduleInput = {
      now: MON,
      nodes: [node('N1', 60, ['A']), node('N2', 60, ['A'], { predecessors: ['N1'] })],
      stations: [{ id: 'A', substations: ['A-1'] }],
      workers: [worker('W1', ['A'], weekdays(0, 600))],
      booked: [{ kind: 'substation', id: 'A-1', start: MON + 5 * HOUR, end: MON + 6 * HOUR }],
    };
    const res = solve(input);
    const mutate = (f: (r: typeof res) => void): string[] => {
      const r = structuredClone(res);
      f(r);
      return checkSchedule(input, r);
    };
    expect(mutate((r) => (r.assignments[1]!.start -= MIN))).not.toEqual([]); // precedence / duration
    expect(mutate((r) => (r.assignments[0]!.end += MIN))).not.toEqual([]); // duration
    expect(mutate((r) => (r.assignments[0]!.workerId = 'W9'))).not.toEqual([]);
    expect(mutate((r) => (r.assignments[0]!.substationId = 'B-1'))).not.toEqual([]);
    expect(mutate((r) => (r.makespanEnd += 1))).not.toEqual([]);
    expect(
      mutate((r) => {
        // move N2 onto the booking
        r.assignments[1]!.start = MON + 5 * HOUR;
        r.assignments[1]!.end = MON + 6 * HOUR;
        r.makespanEnd = MON + 6 * HOUR;
      }),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/overlaps booking/)]));
  });
});
