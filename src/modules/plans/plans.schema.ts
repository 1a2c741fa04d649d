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

// ---- API shapes around the document ---------------------------------------

const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);

export const PlanParams = Type.Object({ id: Type.String({ maxLength: 50, description: 'plan code, e.g. PPL-1126-001' }) });

export const PlanListQuery = Type.Object(
  {
    status: Type.Optional(Type.Array(PlanStatus, { maxItems: 6, description: 'repeat or comma-free list: ?status=draft&status=released' })),
    workOrderCode: Type.Optional(Type.String({ maxLength: 50 })),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'search in code, name and work order' })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'created at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'created before' })),
    archived: Type.Optional(Type.Boolean({ default: false, description: 'true: only archived plans; false (default): only plans in the hot tables' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type PlanListQuery = Static<typeof PlanListQuery>;

export const PlanSummary = Type.Object({
  id: Type.String(),
  workOrderCode: Type.String(),
  name: Type.String(),
  quantity: Type.Number(),
  status: PlanStatus,
  version: Type.Integer(),
  nodeCount: Type.Integer(),
  completedNodes: Type.Integer(),
  progress: Type.Number({ description: 'completed nodes / nodes, 0..1' }),
  lateNodes: Type.Integer({ description: 'open steps past their planned end' }),
  plannedStart: NullableDateTime,
  plannedEnd: NullableDateTime,
  releasedAt: NullableDateTime,
  completedAt: NullableDateTime,
  createdAt: DateTime,
  updatedAt: DateTime,
  archivedAt: NullableDateTime,
});

export const PlanAssignmentView = Type.Object({
  id: Type.String(),
  status: Type.String(),
  workerId: Type.String(),
  workerName: Type.String(),
  stationId: Type.String(),
  substationId: Type.String(),
  plannedStart: DateTime,
  plannedEnd: DateTime,
  workMinutes: Type.Number(),
  pinned: Type.Boolean(),
  waitReason: Type.Union([Type.String(), Type.Null()]),
  actualStart: NullableDateTime,
  actualEnd: NullableDateTime,
  pausedMinutes: Type.Number(),
  workedMinutes: Type.Union([Type.Number(), Type.Null()]),
  goodQuantity: Type.Union([Type.Number(), Type.Null()]),
  scrapQuantity: Type.Union([Type.Number(), Type.Null()]),
});

export const PlanDetailNode = Type.Object({
  nodeId: Type.String(),
  name: Type.String(),
  operationId: Type.String(),
  operationName: Type.String(),
  quantity: Type.Number(),
  nominalTime: Type.Number(),
  efficiency: Type.Number(),
  output: Type.Union([NodeOutput, Type.Null()]),
  position: Type.Object({ x: Type.Number(), y: Type.Number() }),
  note: Type.String(),
  pin: Type.Union([NodePin, Type.Null()]),
  predecessors: Type.Array(Type.String()),
  assignedStations: Type.Array(Type.Object({ stationId: Type.String(), stationName: Type.String(), priority: Type.Integer(), time: Type.Optional(Type.Number()) })),
  materialInputs: Type.Array(
    Type.Object({ materialCode: Type.String(), materialName: Type.String(), unit: Type.String(), requiredQuantity: Type.Number(), fromNodeId: Type.Optional(Type.String()) }),
  ),
  assignment: Type.Union([PlanAssignmentView, Type.Null()]),
});

export const PlanDetail = Type.Object({
  id: Type.String(),
  workOrderCode: Type.String(),
  name: Type.String(),
  quantity: Type.Number(),
  status: PlanStatus,
  version: Type.Integer(),
  note: Type.String(),
  allowShortage: Type.Boolean(),
  shortages: Type.Union([Type.Array(Type.Object({ materialCode: Type.String(), required: Type.Number(), available: Type.Number() })), Type.Null()]),
  plannedStart: NullableDateTime,
  plannedEnd: NullableDateTime,
  releasedAt: NullableDateTime,
  startedAt: NullableDateTime,
  completedAt: NullableDateTime,
  cancelledAt: NullableDateTime,
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime,
  updatedAt: DateTime,
  archivedAt: Type.Union([DateTime, Type.Null()], {
    description: 'set when the plan was archived: the document is then read from the archive, as it was when archived',
  }),
  nodes: Type.Array(PlanDetailNode),
});

export type PlanDetail = Static<typeof PlanDetail>;

export const PlanUpdate = Type.Object(
  { ...PlanDocument.properties, version: Type.Optional(Type.Integer({ minimum: 1, description: 'the version you edited; or send If-Match' })) },
  { additionalProperties: false },
);
export type PlanUpdate = Static<typeof PlanUpdate>;

export const ReleaseBody = Type.Object(
  { allowShortage: Type.Optional(Type.Boolean({ default: false, description: 'release even when material is short; shortages are recorded' })) },
  { additionalProperties: false },
);

export const ScheduleStatsSchema = Type.Object({
  greedyMakespanMinutes: Type.Number(),
  makespanMinutes: Type.Number(),
  lowerBoundMinutes: Type.Number(),
  iterations: Type.Integer(),
  elapsedMs: Type.Number(),
});

export const TransitionResult = Type.Object({
  plan: PlanDetail,
  schedule: Type.Optional(ScheduleStatsSchema),
  shortages: Type.Optional(Type.Array(Type.Object({ materialCode: Type.String(), required: Type.Number(), available: Type.Number() }))),
});
