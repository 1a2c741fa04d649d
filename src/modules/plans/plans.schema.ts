/**
 * The production plan document: what POST/PUT/import take and export gives
 * back, defined once. The API's validation, types and OpenAPI come from here.
 */
import { type Static, Type } from 'typebox';

export const planStatuses = ['draft', 'released', 'in_production', 'paused', 'completed', 'cancelled'] as const;
export const PlanStatus = Type.Enum(planStatuses);
export type PlanStatus = (typeof planStatuses)[number];

const Code = (pattern: string, description: string) => Type.String({ pattern, maxLength: 50, description });
export const OperationId = Code('^OP-[0-9]{3,}$', 'operation code, e.g. OP-001');
export const StationId = Code('^ST-[0-9]{3,}$', 'station code, e.g. ST-001');
export const SubstationId = Code('^ST-[0-9]{3,}-[0-9]{2,}$', 'substation code, e.g. ST-001-01');
export const WorkerId = Code('^W-[0-9]{3,}$', 'worker code, e.g. W-001');
export const MaterialCode = Code('^[A-Z0-9][A-Z0-9._-]{1,49}$', 'material code, e.g. SHEET-S235-2');
export const NodeId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'node id, unique inside the plan, e.g. N1' });
export const Quantity = Type.Number({ exclusiveMinimum: 0, maximum: 1e9 });

export const NodeStation = Type.Object(
  {
    stationId: StationId,
    priority: Type.Integer({ minimum: 1, maximum: 99, description: '1 = preferred' }),
    time: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100000, description: 'station-specific minutes per unit' })),
  },
  { additionalProperties: false },
);

export const NodeMaterialInput = Type.Object(
  {
    materialCode: MaterialCode,
    requiredQuantity: Quantity,
    fromNodeId: Type.Optional(NodeId),
  },
  { additionalProperties: false },
);

export const NodeOutput = Type.Object(
  { materialCode: MaterialCode, quantity: Type.Number({ minimum: 0, maximum: 1e9 }) },
  { additionalProperties: false },
);

export const NodePin = Type.Object(
  {
    stationId: Type.Optional(StationId),
    substationId: Type.Optional(SubstationId),
    workerId: Type.Optional(WorkerId),
  },
  { additionalProperties: false },
);

export const PlanNode = Type.Object(
  {
    nodeId: NodeId,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    operationId: OperationId,
    quantity: Type.Optional(Quantity),
    nominalTime: Type.Number({ exclusiveMinimum: 0, maximum: 100000, description: 'minutes per unit' }),
    efficiency: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 5 })),
    predecessors: Type.Array(NodeId, { maxItems: 200, uniqueItems: true }),
    assignedStations: Type.Array(NodeStation, { minItems: 1, maxItems: 50 }),
    materialInputs: Type.Array(NodeMaterialInput, { maxItems: 100 }),
    output: Type.Optional(Type.Union([NodeOutput, Type.Null()])),
    position: Type.Optional(Type.Object({ x: Type.Number(), y: Type.Number() }, { additionalProperties: false })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    pin: Type.Optional(NodePin),
  },
  { additionalProperties: false },
);

export const PlanDocument = Type.Object(
  {
    workOrderCode: Type.String({ minLength: 1, maxLength: 50, pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    quantity: Quantity,
    note: Type.Optional(Type.String({ maxLength: 4000 })),
    nodes: Type.Array(PlanNode, { minItems: 1, maxItems: 5000 }),
  },
  { additionalProperties: false },
);

export type PlanDocument = Static<typeof PlanDocument>;
export type PlanNode = Static<typeof PlanNode>;
