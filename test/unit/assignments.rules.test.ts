import { describe, expect, it } from 'vitest';
import {
  actingAs,
  actionRefusal,
  allowedAssignmentActions,
  completionProblems,
  consumptionOf,
  mayRead,
  pausedMinutes,
  pauseProblems,
  producedQuantity,
  type StartFacts,
  startRefusal,
  stockShortages,
  workedMinutes,
} from '../../src/modules/assignments/assignments.rules.js';

const facts = (over: Partial<StartFacts> = {}): StartFacts => ({
  assignmentId: 'WA-0126-001',
  status: 'ready',
  planId: 'PPL-0126-001',
  planStatus: 'released',
  waitingFor: [],
  workerId: 'W-001',
  workerTask: null,
  substation: { id: 'ST-001-01', status: 'available', currentAssignmentId: null },
  ...over,
});

describe('actionRefusal', () => {
  it('follows the assignment transitions, then the plan status', () => {
    expect(actionRefusal('start', facts())).toBeUndefined();
    expect(actionRefusal('start', facts({ status: 'pending' }))).toBeUndefined(); // predecessors decide, checked separately
    expect(actionRefusal('pause', facts({ status: 'in_progress', planStatus: 'in_production' }))).toBeUndefined();
    expect(actionRefusal('resume', facts({ status: 'paused', planStatus: 'in_production' }))).toBeUndefined();
    expect(actionRefusal('complete', facts({ status: 'paused', planStatus: 'in_production' }))).toBeUndefined();

    const twice = actionRefusal('complete', facts({ status: 'completed', planStatus: 'completed' }))!;
    expect(twice.kind).toBe('invalid_transition');
    expect(twice.message).toBe('assignment WA-0126-001 is completed; it cannot be completed. Allowed now: report-problem');
    expect(twice.extra).toMatchObject({ currentStatus: 'completed', planStatus: 'completed' });
    expect(actionRefusal('resume', facts({ status: 'in_progress', planStatus: 'in_production' }))!.message).toMatch(
      /is in_progress; it cannot be resumed\. Allowed now: pause, complete, report-problem/,
    );
    expect(actionRefusal('start', facts({ status: 'cancelled', planStatus: 'cancelled' }))!.message).toMatch(
      /is cancelled \(its plan PPL-0126-001 is cancelled\); .*Allowed now: nothing/,
    );
  });

  it('names the plan status when the plan stops the action', () => {
    for (const planStatus of ['paused', 'draft', 'completed', 'cancelled'] as const) {
      const refusal = actionRefusal('start', facts({ planStatus }))!;
      expect(refusal.message).toMatch(new RegExp(`^plan PPL-0126-001 is ${planStatus}; `));
      expect(refusal.extra).toMatchObject({ currentStatus: 'ready', planStatus });
    }
    expect(actionRefusal('start', facts({ planStatus: 'paused' }))!.message).toMatch(/resume the plan first/);
    expect(actionRefusal('pause', facts({ status: 'in_progress', planStatus: 'paused' }))).toBeUndefined();
    expect(actionRefusal('resume', facts({ status: 'paused', planStatus: 'paused' }))!.message).toMatch(/plan .* is paused/);
    expect(actionRefusal('complete', facts({ status: 'in_progress', planStatus: 'paused' }))!.message).toMatch(/plan .* is paused/);
    expect(actionRefusal('report-problem', facts({ status: 'completed', planStatus: 'completed' }))).toBeUndefined();
  });

  it('lists the allowed actions of each status', () => {
    expect(allowedAssignmentActions('ready')).toEqual(['start', 'report-problem']);
    expect(allowedAssignmentActions('cancelled')).toEqual([]);
  });
});

describe('startRefusal', () => {
  it('waits for every predecessor, naming them', () => {
    const r = startRefusal(
      facts({
        status: 'pending',
        waitingFor: [{ nodeId: 'N1', nodeName: 'Cut', assignmentId: 'WA-0126-002', status: 'in_progress', workerId: 'W-002', workerName: 'Ayşe' }],
      }),
    )!;
    expect(r.kind).toBe('conflict');
    expect(r.message).toBe('assignment WA-0126-001 cannot start yet: waiting for N1 "Cut" (WA-0126-002, in_progress)');
    expect(r.extra.waitingFor).toHaveLength(1);
  });

  it('refuses while the worker holds another task, and when the substation is busy or in maintenance', () => {
    expect(startRefusal(facts({ workerTask: { assignmentId: 'WA-0126-009', status: 'paused' } }))!.message).toBe(
      'worker W-001 already has task WA-0126-009 paused; complete it before starting another',
    );
    expect(startRefusal(facts({ workerTask: { assignmentId: 'WA-0126-001', status: 'in_progress' } }))).toBeUndefined();
    expect(startRefusal(facts({ substation: { id: 'ST-001-01', status: 'maintenance', currentAssignmentId: null } }))!.message).toMatch(/under maintenance/);
    expect(startRefusal(facts({ substation: { id: 'ST-001-01', status: 'in_use', currentAssignmentId: 'WA-0126-005' } }))!.message).toBe(
      'substation ST-001-01 is in use by WA-0126-005',
    );
  });

  it('checks the transition and the plan before anything else', () => {
    expect(
      startRefusal(
        facts({ status: 'in_progress', waitingFor: [{ nodeId: 'N1', nodeName: 'x', assignmentId: null, status: null, workerId: null, workerName: null }] }),
      )!.message,
    ).toMatch(/is in_progress; it cannot be started/);
    expect(startRefusal(facts({ planStatus: 'paused', workerTask: { assignmentId: 'WA-0126-009', status: 'paused' } }))!.message).toMatch(/plan .* is paused/);
  });
});

describe('who may act and read', () => {
  it('lets the assigned operator act for themself and planners on their behalf', () => {
    expect(actingAs({ role: 'operator', workerId: 'W-001' }, 'W-001')).toBe('self');
    expect(actingAs({ role: 'operator', workerId: 'W-002' }, 'W-001')).toBeUndefined();
    expect(actingAs({ role: 'planner', workerId: null }, 'W-001')).toBe('on_behalf');
    expect(actingAs({ role: 'admin', workerId: null }, 'W-001')).toBe('on_behalf');
    expect(mayRead({ role: 'operator', workerId: 'W-002' }, 'W-001')).toBe(false);
    expect(mayRead({ role: 'planner', workerId: null }, 'W-001')).toBe(true);
  });
});

describe('time', () => {
  const t = (m: number) => new Date(Date.UTC(2026, 2, 2, 8, 0) + m * 60_000);
  it('sums pauses, counting an open one up to now', () => {
    expect(pausedMinutes([], t(10))).toBe(0);
    expect(
      pausedMinutes(
        [
          { startedAt: t(10), endedAt: t(25) },
          { startedAt: t(40), endedAt: null },
        ],
        t(45),
      ),
    ).toBe(20);
    expect(pausedMinutes([{ startedAt: t(0), endedAt: new Date(t(0).getTime() + 20_000) }], t(1))).toBe(0.33);
  });

  it('worked = (end − start) − paused, never negative', () => {
    expect(workedMinutes(t(0), t(90), 30)).toBe(60);
    expect(workedMinutes(t(0), t(10), 30)).toBe(0);
    expect(workedMinutes(t(0), new Date(t(0).getTime() + 61_000), 0)).toBe(1.02);
  });
});

describe('pause and completion checks', () => {
  it('needs a note when the reason is other', () => {
    expect(pauseProblems({ reason: 'break' })).toEqual([]);
    expect(pauseProblems({ reason: 'other', note: ' ' })).toMatchObject([{ field: 'body/note', message: expect.any(String) }]);
    expect(pauseProblems({ reason: 'other', note: 'crane' })).toEqual([]);
  });

  const inputs = [
    { materialCode: 'SHEET', requiredQuantity: 5, fromNodeId: null },
    { materialCode: 'FRAME', requiredQuantity: 10, fromNodeId: 'N3' },
  ];

  it('wants a scrap reason, known inputs listed once, at most 3 decimals', () => {
    expect(completionProblems({ goodQuantity: 10 }, inputs, 10)).toEqual([]);
    expect(completionProblems({ goodQuantity: 9, scrapQuantity: 1 }, inputs, 10).map((p) => p.field)).toEqual(['body/scrapReason']);
    expect(completionProblems({ goodQuantity: 1.0005 }, inputs, 10).map((p) => p.field)).toEqual(['body/goodQuantity']);
    const bad = completionProblems(
      {
        goodQuantity: 1,
        materials: [
          { materialCode: 'BOLT', quantity: 1 },
          { materialCode: 'SHEET', quantity: 1 },
          { materialCode: 'SHEET', quantity: 2 },
        ],
      },
      inputs,
      10,
    );
    expect(bad.map((p) => p.field)).toEqual(['body/materials/0/materialCode', 'body/materials/2/materialCode']);
    expect(bad[0]!.message).toMatch(/BOLT is not an input of this step \(inputs: SHEET, FRAME\)/);
  });

  it('wants at least one part reported, and more than planned only when confirmed', () => {
    const nothing = completionProblems({ goodQuantity: 0, scrapQuantity: 0 }, inputs, 10);
    expect(nothing).toMatchObject([{ field: 'body/goodQuantity', message: expect.stringMatching(/report at least one part/) }]);
    expect(completionProblems({ goodQuantity: 0, scrapQuantity: 10, scrapReason: 'burn' }, inputs, 10)).toEqual([]);
    expect(completionProblems({ goodQuantity: 9.5, scrapQuantity: 0.5, scrapReason: 'edge' }, inputs, 10)).toEqual([]);
    const over = completionProblems({ goodQuantity: 10, scrapQuantity: 0.001, scrapReason: 'edge' }, inputs, 10);
    expect(over).toMatchObject([
      { field: 'body/goodQuantity', message: 'good + scrap is 10.001, more than the 10 planned for this step; send overrun: true to confirm' },
    ]);
    expect(completionProblems({ goodQuantity: 500000 }, inputs, 10).map((p) => p.field)).toEqual(['body/goodQuantity']);
    expect(completionProblems({ goodQuantity: 12, overrun: true }, inputs, 10)).toEqual([]);
    expect(completionProblems({ goodQuantity: 12, overrun: false }, inputs, 10)).toHaveLength(1);
  });

  it('consumes what was reported, else the required quantity', () => {
    expect(consumptionOf(inputs, [{ materialCode: 'SHEET', quantity: 6 }])).toEqual([
      { materialCode: 'SHEET', quantity: 6, fromStock: true },
      { materialCode: 'FRAME', quantity: 10, fromStock: false },
    ]);
    expect(consumptionOf(inputs, undefined).map((c) => c.quantity)).toEqual([5, 10]);
  });

  it('produces output in proportion to the good quantity, rounded to 3 decimals', () => {
    expect(producedQuantity(10, 8, 10)).toBe(8);
    expect(producedQuantity(1, 10, 10)).toBe(1);
    expect(producedQuantity(1, 1, 3)).toBe(0.333);
    expect(producedQuantity(5, 12, 10)).toBe(6);
    expect(producedQuantity(5, 0, 10)).toBe(0);
  });

  it('finds materials that would go below zero, counting what the step produces', () => {
    const use = [
      { materialCode: 'SHEET', quantity: 6, fromStock: true },
      { materialCode: 'FRAME', quantity: 10, fromStock: false },
    ];
    expect(
      stockShortages(
        use,
        null,
        new Map([
          ['SHEET', 6],
          ['FRAME', 8],
        ]),
      ),
    ).toEqual([{ materialCode: 'FRAME', needed: 10, inStock: 8 }]);
    expect(
      stockShortages(
        use,
        { materialCode: 'FRAME', quantity: 2 },
        new Map([
          ['SHEET', 6],
          ['FRAME', 8],
        ]),
      ),
    ).toEqual([]);
    expect(stockShortages(use, null, new Map())).toEqual([
      { materialCode: 'FRAME', needed: 10, inStock: 0 },
      { materialCode: 'SHEET', needed: 6, inStock: 0 },
    ]);
  });
});
