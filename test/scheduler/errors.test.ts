import { describe, expect, it } from 'vitest';
import { UnschedulableError, schedulePlan } from '../../src/scheduler/index.js';
import type { ScheduleInput, SchedulerNode, SchedulingProblem, ShiftCalendar } from '../../src/scheduler/types.js';

const NOW = Date.UTC(2024, 2, 4, 8); // Monday 08:00 UTC
const ALWAYS: ShiftCalendar = { weekly: Array.from({ length: 7 }, () => [{ start: 0, end: 1440 }]) };

function node(id: string, extra: Partial<SchedulerNode> = {}): SchedulerNode {
  return {
    id,
    operationId: 'OP-1',
    quantity: 1,
    nominalTimeMinutes: 10,
    efficiency: 1,
    predecessors: [],
    candidates: [{ stationId: 'ST-1', priority: 1 }],
    ...extra,
  };
}

function base(nodes: SchedulerNode[]): ScheduleInput {
  return {
    now: NOW,
    nodes,
    stations: [
      { id: 'ST-1', substations: ['ST-1-1'] },
      { id: 'ST-2', substations: ['ST-2-1'] },
      { id: 'ST-EMPTY', substations: [] },
    ],
    workers: [
      { id: 'W-1', operations: ['OP-1'], stations: ['ST-1'], calendar: ALWAYS },
      { id: 'W-2', operations: ['OP-1', 'OP-2'], stations: ['ST-2'], calendar: ALWAYS },
      { id: 'W-OFF', operations: ['OP-9'], stations: ['ST-1'], calendar: { weekly: [] } },
    ],
    booked: [],
  };
}

function problemsOf(input: ScheduleInput): SchedulingProblem[] {
  try {
    schedulePlan(input);
  } catch (e) {
    expect(e).toBeInstanceOf(UnschedulableError);
    return (e as UnschedulableError).problems;
  }
  throw new Error('expected UnschedulableError');
}

describe('UnschedulableError', () => {
  it('unknown predecessor', () => {
    const p = problemsOf(base([node('N1'), node('N2', { predecessors: ['N9'] })]));
    expect(p).toEqual([
      { nodeId: 'N2', kind: 'unknown_predecessor', params: { predecessor: 'N9' }, reason: expect.stringContaining('unknown predecessor N9') },
    ]);
  });

  it('cycle names every node of the cycle', () => {
    const p = problemsOf(base([node('N1', { predecessors: ['N3'] }), node('N2', { predecessors: ['N1'] }), node('N3', { predecessors: ['N2'] }), node('N4')]));
    expect(p.map((x) => x.nodeId).sort()).toEqual(['N1', 'N2', 'N3']);
    expect(p[0]!.reason).toMatch(/cycle/);
    for (const x of p) expect(x).toMatchObject({ kind: 'precedence_cycle', params: { nodes: 'N1, N2, N3' } });
    const self = problemsOf(base([node('N1', { predecessors: ['N1'] })]));
    expect(self).toEqual([{ nodeId: 'N1', kind: 'own_predecessor', params: {}, reason: expect.stringMatching(/cycle/) }]);
  });

  it('no capable station (unknown station, station without substations, no candidates)', () => {
    const p = problemsOf(
      base([
        node('N1', { candidates: [{ stationId: 'ST-X', priority: 1 }] }),
        node('N2', { candidates: [{ stationId: 'ST-EMPTY', priority: 1 }] }),
        node('N3', { candidates: [] }),
      ]),
    );
    expect(p.map((x) => x.nodeId)).toEqual(['N1', 'N2', 'N3']);
    for (const x of p) expect(x.reason).toMatch(/no capable station/);
    expect(p[0]!.reason).toContain('ST-X');
    expect(p[1]!.reason).toContain('ST-EMPTY');
    expect(p.map((x) => [x.kind, x.params])).toEqual([
      ['no_capable_station', { unknownStations: 'ST-X', stationsWithoutSubstation: '' }],
      ['no_capable_station', { unknownStations: '', stationsWithoutSubstation: 'ST-EMPTY' }],
      ['no_candidates', {}],
    ]);
  });

  it('no qualified worker allowed at the station for the operation', () => {
    const p = problemsOf(base([node('N1', { operationId: 'OP-2' })]));
    expect(p).toEqual([
      { nodeId: 'N1', kind: 'no_qualified_worker', params: { stations: 'ST-1', operationId: 'OP-2' }, reason: 'no qualified worker allowed at ST-1 for OP-2' },
    ]);
  });

  it('worker never on shift within the horizon', () => {
    const p = problemsOf(base([node('N1', { operationId: 'OP-9' })]));
    expect(p).toHaveLength(1);
    expect(p[0]!.nodeId).toBe('N1');
    expect(p[0]!.reason).toMatch(/W-OFF never on shift/);
    expect(p[0]).toMatchObject({ kind: 'no_worker_on_shift', params: { workers: 'W-OFF', horizonDays: 366 } });
  });

  it('inconsistent pins', () => {
    const p = problemsOf(
      base([
        node('N1', { pin: { stationId: 'ST-2' } }), // not a candidate
        node('N2', { pin: { workerId: 'W-2' } }), // W-2 not allowed at ST-1
        node('N3', { pin: { substationId: 'ST-9-9' } }),
        node('N4', { pin: { stationId: 'ST-1', substationId: 'ST-2-1' } }),
      ]),
    );
    expect(p.map((x) => x.nodeId)).toEqual(['N1', 'N2', 'N3', 'N4']);
    expect(p[0]!.reason).toMatch(/pinned station ST-2 is not among/);
    expect(p[1]!.reason).toMatch(/pinned worker W-2/);
    expect(p[2]!.reason).toMatch(/pinned substation ST-9-9 is not available \(unknown, archived or under maintenance\)/);
    expect(p[3]!.reason).toMatch(/does not belong/);
    expect(p.map((x) => [x.kind, x.params])).toEqual([
      ['pinned_station_not_candidate', { stationId: 'ST-2' }],
      ['pinned_worker_not_qualified', { workerId: 'W-2', stations: 'ST-1', operationId: 'OP-1' }],
      ['pinned_substation_unavailable', { substationId: 'ST-9-9' }],
      ['pinned_substation_elsewhere', { substationId: 'ST-2-1', stationId: 'ST-1' }],
    ]);
  });

  it('invalid numbers', () => {
    const p = problemsOf(base([node('N1', { quantity: 0 }), node('N2', { efficiency: -1 })]));
    expect(p.map((x) => [x.nodeId, x.kind, x.params])).toEqual([
      ['N1', 'not_positive', { field: 'quantity', value: '0' }],
      ['N2', 'not_positive', { field: 'efficiency', value: '-1' }],
    ]);
  });

  it('lists every problem of the plan at once', () => {
    const p = problemsOf(
      base([
        node('N1', { predecessors: ['NX'] }),
        node('N2', { operationId: 'OP-2' }),
        node('N3', { candidates: [{ stationId: 'ST-X', priority: 1 }] }),
        node('N4'),
      ]),
    );
    expect(p.map((x) => x.nodeId)).toEqual(['N1', 'N2', 'N3']);
    const err = (() => {
      try {
        schedulePlan(base([node('N1', { predecessors: ['NX'] })]));
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err?.message).toContain('N1');
  });

  it('a node that cannot be placed within the horizon', () => {
    const input = base([node('N1')]);
    // W-1 is booked for more than the whole horizon
    input.booked = [{ kind: 'worker', id: 'W-1', start: NOW - 1, end: NOW + 400 * 86_400_000 }];
    const p = problemsOf(input);
    expect(p).toEqual([{ nodeId: 'N1', kind: 'horizon', params: { horizonDays: 366 }, reason: expect.stringMatching(/horizon/) }]);
  });
});
