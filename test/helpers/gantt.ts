/** What the Gantt tests build: a shift calendar with one daily gap starting at a given instant (so a step crosses a shift's end now). */

export interface WindowBody {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

/**
 * Windows for every weekday covering the whole day except `gapMinutes` from the local minute of `gapStart`
 * (UTC + offset), wrapping over midnight when it must: a worker on it is off shift every day in that gap.
 */
export function dailyGapWindows(gapStart: number, gapMinutes: number, utcOffsetMinutes = 0): WindowBody[] {
  const local = new Date(gapStart + utcOffsetMinutes * 60_000);
  const g = local.getUTCHours() * 60 + local.getUTCMinutes();
  const gEnd = g + gapMinutes;
  const spans = gEnd <= 1440 ? [[0, g] as const, [gEnd, 1440] as const] : [[gEnd - 1440, g] as const];
  return Array.from({ length: 7 }, (_, weekday) =>
    spans.filter(([s, e]) => e > s).map(([startMinute, endMinute]) => ({ weekday, startMinute, endMinute })),
  ).flat();
}

/** The scenario of the Gantt tests: two operations (one per worker), one station with three substations, and a plan N1 → N2 → N3 ← N4. */
export const ganttFloor = {
  operations: [
    { id: 'OP-951', name: 'Gap welding' },
    { id: 'OP-952', name: 'Long assembly' },
  ],
  station: {
    id: 'ST-951',
    name: 'Gantt cell',
    operationIds: ['OP-951', 'OP-952'],
    substations: [
      { id: 'ST-951-01', name: 'Cell 1' },
      { id: 'ST-951-02', name: 'Cell 2' },
      { id: 'ST-951-03', name: 'Cell 3' },
    ],
  },
  workers: (calendarId: string) => [
    { id: 'W-951', name: 'Gap Welder', stationIds: ['ST-951'], operationIds: ['OP-951'], shiftCalendarId: calendarId },
    { id: 'W-952', name: 'Long Assembler', stationIds: ['ST-951'], operationIds: ['OP-952'] },
  ],
  plan: (dueDate: string) => ({
    workOrderCode: 'WO-GANTT',
    name: 'Gantt drag',
    quantity: 1,
    dueDate,
    priority: 3,
    nodes: [
      { nodeId: 'N1', operationId: 'OP-951', nominalTime: 60, predecessors: [] },
      { nodeId: 'N2', operationId: 'OP-951', nominalTime: 30, predecessors: ['N1'] },
      { nodeId: 'N3', operationId: 'OP-952', nominalTime: 30, predecessors: ['N2', 'N4'] },
      { nodeId: 'N4', operationId: 'OP-952', nominalTime: 360, predecessors: [] },
    ].map((n) => ({ ...n, name: `Step ${n.nodeId}`, assignedStations: [{ stationId: 'ST-951', priority: 1 }], materialInputs: [] })),
  }),
};
