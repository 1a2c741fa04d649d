/** Plan documents for tests, valid against the default seed dataset. */
import fc from 'fast-check';
import type { PlanDocument, PlanNode } from '../../src/modules/plans/plans.schema.js';
import { buildDataset } from '../../src/seed/dataset.js';

const dataset = buildDataset('default', 1);
export const stationsByOperation = new Map<string, string[]>();
for (const so of dataset.stationOperations) {
  stationsByOperation.set(so.operation_id, [...(stationsByOperation.get(so.operation_id) ?? []), so.station_id]);
}
export const rawMaterialCodes = dataset.materials.filter((m) => !m.code.startsWith('FG-') && !m.code.startsWith('WIP-')).map((m) => m.code);
export const outputMaterialCodes = dataset.materials.filter((m) => m.code.startsWith('WIP-') || m.code.startsWith('FG-')).map((m) => m.code);

export type SamplePin = { workerId: string; substationId: string };
/** Default pins of samplePlan's N1..N4 (cut, cut, weld, paint), so a shop-floor test knows who does what. */
export const samplePins: Readonly<Record<string, SamplePin>> = {
  N1: { workerId: 'W-001', substationId: 'ST-001-01' },
  N2: { workerId: 'W-006', substationId: 'ST-001-02' },
  N3: { workerId: 'W-003', substationId: 'ST-003-01' },
  N4: { workerId: 'W-004', substationId: 'ST-004-01' },
};

/** Pins every node of `doc` to samplePins, with `overrides` per node id; returns the document. */
export function pinSamplePlan(doc: PlanDocument, overrides: Partial<Record<string, Partial<SamplePin>>> = {}): PlanDocument {
  for (const n of doc.nodes) {
    const pin = { ...samplePins[n.nodeId]!, ...overrides[n.nodeId] };
    n.pin = { stationId: pin.substationId.slice(0, 6), substationId: pin.substationId, workerId: pin.workerId };
  }
  return doc;
}

/** A small branching plan: two cuts merging into a weld, then paint. */
export function samplePlan(overrides: Partial<PlanDocument> = {}): PlanDocument {
  return {
    workOrderCode: 'WO-TEST-1',
    name: 'Test cabinet ×10',
    quantity: 10,
    nodes: [
      {
        nodeId: 'N1',
        name: 'Cut sides',
        operationId: 'OP-001',
        nominalTime: 2,
        predecessors: [],
        assignedStations: [{ stationId: 'ST-001', priority: 1 }],
        materialInputs: [{ materialCode: 'SHEET-S235-2', requiredQuantity: 5 }],
      },
      {
        nodeId: 'N2',
        name: 'Cut base',
        operationId: 'OP-001',
        nominalTime: 1.5,
        predecessors: [],
        assignedStations: [{ stationId: 'ST-001', priority: 1 }],
        materialInputs: [],
      },
      {
        nodeId: 'N3',
        name: 'Weld frame',
        operationId: 'OP-004',
        nominalTime: 6,
        efficiency: 0.9,
        predecessors: ['N1', 'N2'],
        assignedStations: [{ stationId: 'ST-003', priority: 1, time: 5.5 }],
        materialInputs: [{ materialCode: 'WIRE-SG2-1.0', requiredQuantity: 2 }],
        output: { materialCode: 'WIP-001-FRAME', quantity: 10 },
      },
      {
        nodeId: 'N4',
        name: 'Paint',
        operationId: 'OP-006',
        nominalTime: 3,
        predecessors: ['N3'],
        assignedStations: [{ stationId: 'ST-004', priority: 1 }],
        materialInputs: [
          { materialCode: 'POWDER-RAL7035', requiredQuantity: 3 },
          { materialCode: 'WIP-001-FRAME', requiredQuantity: 10, fromNodeId: 'N3' },
        ],
      },
    ],
    ...overrides,
  };
}

const decimal = (min: number, max: number) => fc.integer({ min: Math.round(min * 1000), max: Math.round(max * 1000) }).map((n) => n / 1000);

/**
 * Random valid plans: a DAG (predecessors chosen among earlier nodes), every
 * capable station of `stations` (operation -> station ids) as candidates,
 * known materials.
 */
export const planArb = (stations: Map<string, string[]>): fc.Arbitrary<PlanDocument> =>
  fc
    .integer({ min: 1, max: 12 })
    .chain((size) =>
      fc.record({
        workOrderCode: fc.stringMatching(/^WO-[A-Z0-9]{1,8}$/),
        name: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0),
        quantity: decimal(0.001, 10000),
        note: fc.option(fc.string({ maxLength: 50 }), { nil: undefined }),
        ids: fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), { minLength: size, maxLength: size }),
        nodes: fc.array(
          fc.record({
            name: fc.string({ minLength: 1, maxLength: 30 }),
            operationId: fc.constantFrom(...stations.keys()),
            quantity: fc.option(decimal(0.001, 1000), { nil: undefined }),
            // a hair off the 3-decimal grid now and then (0.1 + 0.2 style): stored rounded
            nominalTime: fc.tuple(decimal(0.001, 500), fc.constantFrom(0, 0, 1e-10)).map(([x, off]) => x + off),
            efficiency: fc.option(decimal(0.1, 2), { nil: undefined }),
            predSeed: fc.array(fc.nat(), { maxLength: 3 }),
            inputs: fc.uniqueArray(fc.record({ materialCode: fc.constantFrom(...rawMaterialCodes), requiredQuantity: decimal(0.001, 500) }), {
              maxLength: 3,
              selector: (m) => m.materialCode,
            }),
            output: fc.option(fc.record({ materialCode: fc.constantFrom(...outputMaterialCodes), quantity: decimal(0, 500) }), { nil: undefined }),
            time: fc.option(decimal(0.1, 100), { nil: undefined }),
            position: fc.option(fc.record({ x: fc.double({ min: -5000, max: 5000, noNaN: true }), y: fc.integer({ min: -5000, max: 5000 }) }), {
              nil: undefined,
            }),
            note: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
            // candidates listed in priority order, in reverse, or all at one priority (then by station id)
            priorities: fc.constantFrom('ascending', 'descending', 'same'),
            pinFirstStation: fc.boolean(),
            useFrom: fc.boolean(),
          }),
          { minLength: size, maxLength: size },
        ),
      }),
    )
    .map(({ ids, nodes, ...plan }) => {
      const built: PlanNode[] = nodes.map((n, i) => {
        const candidates = stations.get(n.operationId)!;
        const predecessors = [...new Set(n.predSeed.filter(() => i > 0).map((s) => ids[s % i]!))];
        const inputs: PlanNode['materialInputs'] = [...n.inputs];
        if (n.useFrom) {
          // take the output of an ancestor (a direct predecessor) when it has one
          const source = predecessors.map((p) => nodes[ids.indexOf(p)]!).find((s) => s.output);
          if (source?.output && !inputs.some((m) => m.materialCode === source.output!.materialCode)) {
            inputs.push({ materialCode: source.output.materialCode, requiredQuantity: 1, fromNodeId: ids[nodes.indexOf(source)]! });
          }
        }
        return {
          nodeId: ids[i]!,
          name: n.name,
          operationId: n.operationId,
          ...(n.quantity !== undefined ? { quantity: n.quantity } : {}),
          nominalTime: n.nominalTime,
          ...(n.efficiency !== undefined ? { efficiency: n.efficiency } : {}),
          predecessors,
          assignedStations: candidates.map((stationId, p) => ({
            stationId,
            priority: n.priorities === 'same' ? 1 : n.priorities === 'ascending' ? p + 1 : candidates.length - p,
            ...(n.time !== undefined ? { time: n.time } : {}),
          })),
          materialInputs: inputs,
          ...(n.output ? { output: n.output } : {}),
          ...(n.position ? { position: n.position } : {}),
          ...(n.note !== undefined ? { note: n.note } : {}),
          ...(n.pinFirstStation ? { pin: { stationId: candidates[0]! } } : {}),
        };
      });
      return { ...plan, nodes: built, ...(plan.note === undefined ? { note: undefined } : {}) } as PlanDocument;
    })
    .map((doc) => JSON.parse(JSON.stringify(doc)) as PlanDocument);

/** Random valid plans on the default seed dataset. */
export const validPlanArb = planArb(stationsByOperation);

/** The document as export gives it back: defaults filled in, lists in their stored order. */
export function normalizePlan(doc: PlanDocument): PlanDocument {
  const order = new Map(doc.nodes.map((n, i) => [n.nodeId, i]));
  return {
    workOrderCode: doc.workOrderCode,
    name: doc.name,
    quantity: doc.quantity,
    note: doc.note ?? '',
    // the due date comes back in UTC with milliseconds; priority 3 when not given
    ...(doc.dueDate ? { dueDate: new Date(doc.dueDate).toISOString() } : {}),
    priority: doc.priority ?? 3,
    nodes: doc.nodes.map((n) => ({
      nodeId: n.nodeId,
      name: n.name,
      operationId: n.operationId,
      quantity: n.quantity ?? doc.quantity,
      nominalTime: Math.round(n.nominalTime * 1000) / 1000,
      efficiency: n.efficiency ?? 1,
      predecessors: [...n.predecessors].sort((a, b) => order.get(a)! - order.get(b)!),
      assignedStations: [...n.assignedStations].sort((a, b) => a.priority - b.priority || a.stationId.localeCompare(b.stationId)),
      materialInputs: [...n.materialInputs].sort((a, b) => (a.materialCode < b.materialCode ? -1 : 1)),
      output: n.output ?? null,
      position: n.position ?? { x: 0, y: 0 },
      note: n.note ?? '',
      ...(n.pin ? { pin: n.pin } : {}),
    })),
  };
}

/** A chain of `steps` OP-008 steps of `minutes` each (N1 → N2 → …), all allowed on `stationId`, nothing pinned. */
export function chainPlan(name: string, stationId: string, steps = 3, minutes = 60): PlanDocument {
  return {
    workOrderCode: `WO-${name.replace(/[^A-Za-z0-9]/g, '-')}`,
    name,
    quantity: 1,
    nodes: Array.from({ length: steps }, (_, i) => ({
      nodeId: `N${i + 1}`,
      name: `${name} step ${i + 1}`,
      operationId: 'OP-008',
      nominalTime: minutes,
      predecessors: i === 0 ? [] : [`N${i}`],
      assignedStations: [{ stationId, priority: 1 }],
      materialInputs: [],
    })),
  };
}
