/**
 * The scheduler on its worker thread: the same schedules as in-process, its
 * errors rethrown as they are, and the main event loop free while it searches.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { scheduleOnThread, stopSchedulerThread } from '../../src/modules/scheduling/scheduler-thread.js';
import { schedulePlan, UnschedulableError } from '../../src/scheduler/index.js';
import type { ScheduleInput, SchedulerNode, ShiftCalendar } from '../../src/scheduler/types.js';
import { arbInstance } from './arbitraries.js';

const NOW = Date.UTC(2024, 2, 4, 8);
const ALWAYS: ShiftCalendar = { weekly: Array.from({ length: 7 }, () => [{ start: 0, end: 1440 }]) };

/** A wide instance whose search does not finish early: 40 jobs × 5 operations on 4 stations. */
function wideInstance(budgetMs: number): ScheduleInput {
  const nodes: SchedulerNode[] = [];
  for (let j = 0; j < 40; j++) {
    for (let k = 0; k < 5; k++) {
      nodes.push({
        id: `J${j}-${k}`,
        operationId: `OP-${k}`,
        quantity: 1 + ((j * 7 + k) % 5),
        nominalTimeMinutes: 3 + ((j * 13 + k * 5) % 11),
        efficiency: 1,
        predecessors: k === 0 ? [] : [`J${j}-${k - 1}`],
        candidates: [0, 1, 2, 3].filter((s) => (s + j + k) % 3 !== 0).map((s, i) => ({ stationId: `ST-${s}`, priority: i + 1 })),
      });
    }
  }
  return {
    now: NOW,
    nodes,
    stations: [0, 1, 2, 3].map((s) => ({ id: `ST-${s}`, substations: [`ST-${s}-1`, `ST-${s}-2`] })),
    workers: Array.from({ length: 6 }, (_, w) => ({
      id: `W-${w}`,
      operations: ['OP-0', 'OP-1', 'OP-2', 'OP-3', 'OP-4'],
      stations: ['ST-0', 'ST-1', 'ST-2', 'ST-3'],
      calendar: ALWAYS,
    })),
    booked: [],
    options: { timeBudgetMs: budgetMs, maxIterations: 1_000_000 },
  };
}

describe('scheduler thread', () => {
  afterAll(stopSchedulerThread);

  it('does not keep a process alive once it has scheduled (scripts and benchmarks end by themselves)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mes-thread-'));
    const script = join(dir, 'schedule-once.mjs');
    writeFileSync(
      script,
      `import { scheduleOnThread } from ${JSON.stringify(pathToFileURL(resolve('src/modules/scheduling/scheduler-thread.ts')).href)};
      const result = await scheduleOnThread(${JSON.stringify(wideInstance(50))});
      console.log('scheduled', result.assignments.length);`,
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
    // it ended too early instead (status 13: the answer was still awaited when nothing held the process)
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('scheduled 200\n');
    // killed by the timeout instead (it was, while the thread's port stayed referenced)
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
  });

  it('gives the same schedule as the in-process call when iterations, not time, end the search (property)', async () => {
    await fc.assert(
      fc.asyncProperty(arbInstance({ maxNodes: 6 }), async (instance) => {
        const input = { ...instance, options: { maxIterations: 30, timeBudgetMs: 60_000 } };
        let local: unknown;
        try {
          local = schedulePlan(input);
        } catch (error) {
          await expect(scheduleOnThread(input)).rejects.toMatchObject({ name: (error as Error).name, message: (error as Error).message });
          return;
        }
        const threaded = await scheduleOnThread(input);
        expect({ ...threaded, stats: { ...threaded.stats, elapsedMs: 0 } }).toEqual({
          ...(local as typeof threaded),
          stats: { ...(local as typeof threaded).stats, elapsedMs: 0 },
        });
      }),
      { numRuns: 25 },
    );
  });

  it('rethrows UnschedulableError with the problem of each node', async () => {
    const input = wideInstance(50);
    input.nodes[3] = { ...input.nodes[3]!, candidates: [{ stationId: 'ST-9', priority: 1 }] };
    const error = await scheduleOnThread(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnschedulableError);
    expect((error as UnschedulableError).problems).toEqual([
      {
        nodeId: 'J0-3',
        kind: 'no_capable_station',
        params: { unknownStations: 'ST-9', stationsWithoutSubstation: '' },
        reason: expect.stringContaining('ST-9'),
      },
    ]);
  });

  it('leaves the main event loop free while it searches', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    let ticksWhenDone = -1;
    const run = scheduleOnThread(wideInstance(600)).then((r) => {
      ticksWhenDone = ticks;
      return r;
    });
    const result = await run;
    clearInterval(timer);
    expect(result.assignments).toHaveLength(200);
    // the search held a core for its whole budget; timers here kept firing meanwhile
    expect(result.stats.elapsedMs).toBeGreaterThan(300);
    expect(ticksWhenDone).toBeGreaterThan(5);
  });
});
