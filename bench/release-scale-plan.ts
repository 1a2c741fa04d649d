/** The plan bench/release-scale.ts releases, and books the floor with. */
import type { PlanDocument } from '../src/modules/plans/plans.schema.js';

/** 20 steps on ST-001..ST-010 (the --full dataset repeats each station kind every 5 stations), 2-10 minutes each. */
export function benchPlan(name: string, nodes = 20): PlanDocument {
  const ops = ['OP-001', 'OP-003', 'OP-004', 'OP-006', 'OP-007', 'OP-008'];
  const stationFor: Record<string, string> = {
    'OP-001': 'ST-001',
    'OP-003': 'ST-002',
    'OP-004': 'ST-003',
    'OP-006': 'ST-004',
    'OP-007': 'ST-005',
    'OP-008': 'ST-005',
  };
  return {
    workOrderCode: 'WO-SCALE',
    name,
    quantity: 2,
    nodes: Array.from({ length: nodes }, (_, i) => {
      const op = ops[i % ops.length]!;
      const predecessors = i === 0 ? [] : i % 3 === 0 && i > 1 ? [`N${i - 1}`, `N${i - 2}`] : [`N${i - 1}`];
      return {
        nodeId: `N${i}`,
        name: `Step ${i}`,
        operationId: op,
        nominalTime: 1 + (i % 5),
        predecessors,
        assignedStations: [
          { stationId: stationFor[op]!, priority: 1 },
          { stationId: `ST-${String(Number(stationFor[op]!.slice(3)) + 5).padStart(3, '0')}`, priority: 2 },
        ],
        materialInputs: [],
      };
    }),
  };
}
