/**
 * A small cell for property tests of the living schedule: one station with
 * two substations and two workers qualified for OP-008, and chained plans
 * whose every step is pinned to a chosen worker and substation of it, so a
 * random shape decides who is busy when (the repair and rollup properties).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { type Client, createAndRelease } from './api.js';

/** One step of a chained plan: which of the cell's two workers and substations, and how long. */
export interface CellStep {
  worker: number;
  substation: number;
  minutes: number;
}

/** A chain of 1–3 steps, each up to `maxMinutes` long. */
export const cellPlanShape = (maxMinutes: number): fc.Arbitrary<CellStep[]> =>
  fc.array(
    fc.record({ worker: fc.integer({ min: 0, max: 1 }), substation: fc.integer({ min: 0, max: 1 }), minutes: fc.integer({ min: 5, max: maxMinutes }) }),
    { minLength: 1, maxLength: 3 },
  );

export interface Cell {
  stationId: string;
  workers: string[];
  substations: string[];
  /** Creates a plan of the steps in a chain (each after the one before), pinned as the shape says, and releases it; its id. */
  release(name: string, shape: CellStep[], quantity?: number): Promise<string>;
}

/** Creates the cell `ST-<n>` (substations ST-<n>-01/-02, workers W-<n>/W-<n+1>) through the API as `planner`. */
export async function createCell(planner: Client, n: number, label: string): Promise<Cell> {
  const stationId = `ST-${n}`;
  const workers = [`W-${n}`, `W-${n + 1}`];
  const substations = [`${stationId}-01`, `${stationId}-02`];
  const station = await planner.post('/api/mes/stations', {
    id: stationId,
    name: `${label} cell`,
    operationIds: ['OP-008'],
    substations: substations.map((id, i) => ({ id, name: `${label} ${i + 1}` })),
  });
  expect(station.statusCode, station.body).toBe(201);
  for (const id of workers) {
    const res = await planner.post('/api/mes/workers', { id, name: `${label} ${id}`, stationIds: [stationId], operationIds: ['OP-008'] });
    expect(res.statusCode, res.body).toBe(201);
  }

  const release = async (name: string, shape: CellStep[], quantity = 1) => {
    const doc: PlanDocument = {
      workOrderCode: `WO-${name}`,
      name,
      quantity,
      nodes: shape.map((s, i) => ({
        nodeId: `N${i + 1}`,
        name: `${name} ${i + 1}`,
        operationId: 'OP-008',
        nominalTime: s.minutes,
        predecessors: i === 0 ? [] : [`N${i}`],
        assignedStations: [{ stationId, priority: 1 }],
        materialInputs: [],
        pin: { stationId, substationId: substations[s.substation]!, workerId: workers[s.worker]! },
      })),
    };
    return createAndRelease(planner, doc);
  };
  return { stationId, workers, substations, release };
}
