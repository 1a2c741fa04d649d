/** Lot-tracked materials and small plans that consume them, for the lot and genealogy tests. */
import { expect } from 'vitest';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import type { Client } from './api.js';

export async function trackedMaterial(planner: Client, code: string, unit = 'kg'): Promise<void> {
  const res = await planner.post('/api/mes/materials', { code, name: `Lot-tracked ${code}`, unit, lotTracked: true });
  expect(res.statusCode, res.body).toBe(201);
}

export async function receive(planner: Client, material: string, body: Record<string, unknown>) {
  const res = await planner.post(`/api/mes/materials/${material}/lots`, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { code: string; onHand: number; heatNumber: string | null };
}

type Input = { materialCode: string; requiredQuantity: number; fromNodeId?: string };

/** A one-step plan (cut on ST-001) consuming the inputs and making the output; created, not released. */
export function oneStepPlan(name: string, inputs: Input[], output?: { materialCode: string; quantity: number }): PlanDocument {
  return {
    workOrderCode: 'WO-LOTS-1',
    name,
    quantity: 10,
    nodes: [
      {
        nodeId: 'N1',
        name: 'Cut',
        operationId: 'OP-001',
        nominalTime: 1,
        predecessors: [],
        assignedStations: [{ stationId: 'ST-001', priority: 1 }],
        materialInputs: inputs,
        ...(output ? { output } : {}),
      },
    ],
  };
}

/** Creates and releases a plan; returns its id and node → assignment id. */
export async function release(planner: Client, doc: PlanDocument, allowShortage = false): Promise<{ id: string; nodes: Record<string, string> }> {
  const created = await planner.post('/api/mes/production-plans', doc);
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  const released = await planner.post(`/api/mes/production-plans/${id}/release`, allowShortage ? { allowShortage: true } : {});
  expect(released.statusCode, released.body).toBe(200);
  const nodes = released.json().plan.nodes as { nodeId: string; assignment: { id: string } }[];
  return { id, nodes: Object.fromEntries(nodes.map((n) => [n.nodeId, n.assignment.id])) };
}

export const act = (client: Client, id: string, action: string, body: unknown = {}) => client.post(`/api/mes/worker-assignments/${id}/${action}`, body);
