/**
 * Substation availability (issue #15 item 4): a step works only while its
 * worker is on shift AND its substation is available, and never across a
 * maintenance block (a booked interval of the substation).
 */
import { describe, expect, it } from 'vitest';
import { intersectCalendars, schedulePlan, stepWindow } from '../../src/scheduler/index.js';
import type { ScheduleInput, SchedulerNode, ShiftCalendar } from '../../src/scheduler/types.js';
import { checkSchedule, isOnShiftAt } from './checker.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const MON = Date.UTC(2024, 2, 4); // Monday 2024-03-04 00:00 UTC
const ALWAYS: ShiftCalendar = { weekly: Array.from({ length: 7 }, () => [{ start: 0, end: 1440 }]) };
const daily = (start: number, end: number): ShiftCalendar => ({ weekly: Array.from({ length: 7 }, () => [{ start, end }]) });
const FIXED = { maxIterations: 100, timeBudgetMs: 60_000, seed: 1 };

function node(id: string, minutes: number, extra: Partial<SchedulerNode> = {}): SchedulerNode {
  return {
    id,
    operationId: 'OP',
    quantity: 1,
    nominalTimeMinutes: minutes,
    efficiency: 1,
    predecessors: [],
    candidates: [{ stationId: 'A', priority: 1 }],
    ...extra,
  };
}

function input(nodes: SchedulerNode[], extra: Partial<ScheduleInput> = {}, availability?: Record<string, ShiftCalendar>): ScheduleInput {
  return {
    now: MON + 8 * HOUR,
    nodes,
    stations: [{ id: 'A', substations: ['A-1'], ...(availability ? { availability } : {}) }],
    workers: [{ id: 'W', operations: ['OP'], stations: ['A'], calendar: ALWAYS }],
    booked: [],
    options: FIXED,
    ...extra,
  };
}

function solve(i: ScheduleInput) {
  const r = schedulePlan(i);
  expect(checkSchedule(i, r)).toEqual([]);
  return r;
}

describe('substation maintenance blocks', () => {
  it('a block in the middle pushes a step that does not fit before it past its end', () => {
    // free 08:00-09:00, block 09:00-11:00: a 90-minute step cannot cross the block
    const i = input([node('N1', 90)], { booked: [{ kind: 'substation', id: 'A-1', start: MON + 9 * HOUR, end: MON + 11 * HOUR, label: 'block:1' }] });
    const r = solve(i);
    expect(r.assignments[0]!.start).toBe(MON + 11 * HOUR);
    expect(r.assignments[0]!.end).toBe(MON + 12.5 * HOUR);
    expect(r.assignments[0]!.waitReasons?.[0]).toMatchObject({ kind: 'substation_busy', substationId: 'A-1', by: { blockId: '1' } });
  });

  it('a short step still fits in front of the block', () => {
    const i = input([node('N1', 30), node('N2', 60, { predecessors: ['N1'] })], {
      booked: [{ kind: 'substation', id: 'A-1', start: MON + 9 * HOUR, end: MON + 11 * HOUR }],
    });
    const r = solve(i);
    expect(r.assignments[0]!.start).toBe(MON + 8 * HOUR);
    expect(r.assignments[1]!.start).toBe(MON + 11 * HOUR);
  });
});

describe('substation availability calendars', () => {
  it('a substation closed at night: a step that does not fit in the day continues the next morning', () => {
    // substation open 08:00-16:00 daily, worker round the clock; 10 h of work from Monday 08:00
    const i = input([node('N1', 600)], {}, { 'A-1': daily(480, 960) });
    const r = solve(i);
    const a = r.assignments[0]!;
    expect(a.start).toBe(MON + 8 * HOUR);
    // 8 h on Monday, 2 h on Tuesday from 08:00
    expect(a.end).toBe(MON + 24 * HOUR + 10 * HOUR);
    expect(a.workMinutes).toBe(600);
  });

  it('nothing starts while the substation is closed', () => {
    const i = input([node('N1', 60)], { now: MON + 17 * HOUR }, { 'A-1': daily(480, 960) });
    const r = solve(i);
    expect(r.assignments[0]!.start).toBe(MON + 24 * HOUR + 8 * HOUR);
  });

  it('the working time is the intersection of the worker shift and the substation availability', () => {
    // worker 06:00-14:00, substation 10:00-18:00: 4 h a day together
    const i = input([node('N1', 300)], { workers: [{ id: 'W', operations: ['OP'], stations: ['A'], calendar: daily(360, 840) }] }, { 'A-1': daily(600, 1080) });
    const r = solve(i);
    const a = r.assignments[0]!;
    expect(a.start).toBe(MON + 10 * HOUR);
    expect(a.end).toBe(MON + 24 * HOUR + 11 * HOUR);
  });

  it('a substation that is never available is not used; another one of the station is', () => {
    const i: ScheduleInput = {
      ...input([node('N1', 60)]),
      stations: [{ id: 'A', substations: ['A-1', 'A-2'], availability: { 'A-1': { weekly: [[], [], [], [], [], [], []] } } }],
    };
    const r = solve(i);
    expect(r.assignments[0]!.substationId).toBe('A-2');
  });

  it('many nodes on a part-time substation stay inside its availability (checker)', () => {
    const nodes = Array.from({ length: 12 }, (_, k) => node(`N${k}`, 37 + 13 * k, k > 0 && k % 3 !== 0 ? { predecessors: [`N${k - 1}`] } : {}));
    const i: ScheduleInput = {
      ...input(nodes),
      stations: [
        {
          id: 'A',
          substations: ['A-1', 'A-2'],
          availability: { 'A-1': daily(480, 960), 'A-2': { weekly: daily(1200, 1440).weekly, exceptions: [{ date: '2024-03-05', windows: [] }] } },
        },
      ],
      workers: [
        { id: 'W', operations: ['OP'], stations: ['A'], calendar: daily(360, 1380) },
        { id: 'V', operations: ['OP'], stations: ['A'], calendar: ALWAYS },
      ],
      booked: [{ kind: 'substation', id: 'A-1', start: MON + 12 * HOUR, end: MON + 13 * HOUR }],
    };
    solve(i);
  });
});

describe('intersectCalendars and stepWindow', () => {
  it('intersects weekly windows and exceptions of either side', () => {
    const a: ShiftCalendar = { weekly: daily(360, 840).weekly, exceptions: [{ date: '2024-03-05', windows: [{ start: 0, end: 1440 }] }] };
    const b: ShiftCalendar = { weekly: daily(600, 1080).weekly, exceptions: [{ date: '2024-03-06', windows: [] }] };
    const c = intersectCalendars(a, b);
    expect(c.weekly[1]).toEqual([{ start: 600, end: 840 }]);
    expect(c.exceptions).toEqual([
      { date: '2024-03-05', windows: [{ start: 600, end: 1080 }] },
      { date: '2024-03-06', windows: [] },
    ]);
    expect(isOnShiftAt(c, 0, MON + 24 * HOUR + 17 * HOUR)).toBe(true);
    expect(isOnShiftAt(c, 0, MON + 48 * HOUR + 11 * HOUR)).toBe(false);
  });

  it('computes the end like the scheduler and names the block a booking crosses', () => {
    const common = { workerCalendar: ALWAYS, substationCalendar: daily(480, 960), utcOffsetMinutes: 0, minutes: 600 };
    expect(stepWindow({ ...common, blocks: [], start: MON + 8 * HOUR })).toEqual({ ok: true, end: MON + 34 * HOUR });
    expect(stepWindow({ ...common, blocks: [], start: MON + 17 * HOUR })).toEqual({ ok: false, rule: 'unavailable' });
    const block = { id: '7', start: MON + 33 * HOUR, end: MON + 35 * HOUR };
    expect(stepWindow({ ...common, blocks: [block], start: MON + 8 * HOUR })).toEqual({ ok: false, rule: 'blocked', end: MON + 34 * HOUR, block });
    expect(stepWindow({ ...common, workerCalendar: daily(0, 60), blocks: [], start: MON + 8 * HOUR })).toEqual({ ok: false, rule: 'off_shift' });
  });
});
