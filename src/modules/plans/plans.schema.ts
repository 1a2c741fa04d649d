/**
 * The production plan document: what POST/PUT/import take and export gives
 * back, defined once. The API's validation, types and OpenAPI come from here.
 */
import { type Static, Type } from 'typebox';
import {
  AssignmentStatus,
  DateTime,
  MaterialCode,
  NullableDateTime,
  NullableString,
  OperationId,
  PlanStatus,
  PositiveAmount,
  StationId,
  SubstationId,
  WorkerId,
} from '../../shared/schema.js';
import { Shortage } from '../materials/materials.schema.js';
import { WaitReasons } from '../../shared/wait-reasons.js';

export { PlanStatus };

export const NodeId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'node id, unique inside the plan, e.g. N1' });
export const Quantity = PositiveAmount(1e9);

export const NodeStation = Type.Object(
  {
    stationId: StationId,
    priority: Type.Integer({ minimum: 1, maximum: 99, description: '1 = preferred' }),
    time: Type.Optional(PositiveAmount(100000, { description: 'station-specific minutes per unit' })),
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

export const NodeOutput = Type.Object({ materialCode: MaterialCode, quantity: Type.Number({ minimum: 0, maximum: 1e9 }) }, { additionalProperties: false });

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
    nominalTime: PositiveAmount(100000, { description: 'minutes per unit' }),
    efficiency: Type.Optional(PositiveAmount(5)),
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

/** 1 = most urgent … 5 = least; 3 when not given. */
export const PlanPriority = Type.Integer({ minimum: 1, maximum: 5, default: 3, description: '1 = most urgent … 5 = least urgent; default 3' });
export const DEFAULT_PLAN_PRIORITY = 3;

export const PlanDocument = Type.Object(
  {
    workOrderCode: Type.String({ minLength: 1, maxLength: 50, pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    quantity: Quantity,
    note: Type.Optional(Type.String({ maxLength: 4000 })),
    dueDate: Type.Optional(
      Type.Union([DateTime, Type.Null()], { description: 'when the plan is due (ISO 8601 date-time with offset); absent or null: no due date' }),
    ),
    priority: Type.Optional(PlanPriority),
    nodes: Type.Array(PlanNode, { minItems: 1, maxItems: 5000 }),
  },
  { additionalProperties: false },
);

export type PlanDocument = Static<typeof PlanDocument>;
export type PlanNode = Static<typeof PlanNode>;

// ---- API shapes around the document ---------------------------------------

export const PlanParams = Type.Object({ id: Type.String({ maxLength: 50, description: 'plan code, e.g. PPL-1126-001' }) });

export const planSortKeys = ['createdAt', 'code', 'dueDate', 'priority', 'projectedEnd', 'lateness'] as const;
export type PlanSortKey = (typeof planSortKeys)[number];
export const PlanSortKey = Type.Enum(planSortKeys, { description: 'list order (default createdAt); ties by plan code' });

export const PlanListQuery = Type.Object(
  {
    status: Type.Optional(Type.Array(PlanStatus, { maxItems: 6, description: 'repeat or comma-free list: ?status=draft&status=released' })),
    workOrderCode: Type.Optional(Type.String({ maxLength: 50 })),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'search in code, name and work order' })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'created at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'created before' })),
    archived: Type.Optional(Type.Boolean({ default: false, description: 'true: only archived plans; false (default): only plans in the hot tables' })),
    late: Type.Optional(Type.Boolean({ description: 'true: only plans projected to end after their due date; false: only the others' })),
    sort: Type.Optional(PlanSortKey),
    direction: Type.Optional(
      Type.Enum(['asc', 'desc'], {
        description: 'default: desc for createdAt, asc for the others; plans without the value (no due date, no projection) come last either way',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, description: "the previous page's nextCursor: the page after it, in the same order and filters" }),
    ),
    offset: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'rows to skip (reads them all; prefer cursor); not with cursor' }),
    ),
    count: Type.Optional(Type.Boolean({ default: false, description: 'true: also return total, the number of matching plans (reads every one of them)' })),
  },
  { additionalProperties: false },
);
export type PlanListQuery = Static<typeof PlanListQuery>;

/** The plan row's fields that the list and the detail both show. */
const planHeader = {
  id: Type.String(),
  workOrderCode: Type.String(),
  name: Type.String(),
  quantity: Type.Number(),
  status: PlanStatus,
  version: Type.Integer(),
  plannedStart: NullableDateTime,
  plannedEnd: NullableDateTime,
  releasedAt: NullableDateTime,
  completedAt: NullableDateTime,
  createdAt: DateTime,
  updatedAt: DateTime,
  dueDate: NullableDateTime,
  priority: Type.Integer({ minimum: 1, maximum: 5, description: '1 = most urgent … 5' }),
  projectedEnd: Type.Union([DateTime, Type.Null()], {
    description:
      'when the plan is expected to end: its completion time once completed, else the latest end of its steps (actual end of completed steps, planned end of the others); null for drafts and cancelled plans',
  }),
  latenessMinutes: Type.Union([Type.Number(), Type.Null()], {
    description: 'projectedEnd − dueDate in whole minutes (positive = late, zero or negative = on time); null without a due date or a projected end',
  }),
  late: Type.Boolean({ description: 'latenessMinutes > 0' }),
  archivedAt: Type.Union([DateTime, Type.Null()], {
    description: 'set when the plan was archived: its graph and assignments are then read from the archive, as they were when archived',
  }),
};

export const PlanSummary = Type.Object({
  ...planHeader,
  nodeCount: Type.Integer(),
  completedNodes: Type.Integer(),
  progress: Type.Number({ description: 'completed nodes / nodes, 0..1' }),
  lateNodes: Type.Integer({ description: 'open steps past their planned end' }),
});
export type PlanSummary = Static<typeof PlanSummary>;

/** A page of the plans list: keyset-paged (nextCursor), the total only when asked (count=true). */
export const PlanPage = Type.Object({
  items: Type.Array(PlanSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as cursor for the next page; null on the last page' }),
  total: Type.Optional(Type.Integer({ description: 'number of matching plans; only with count=true' })),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type PlanPage = Static<typeof PlanPage>;

export const PlanAssignmentView = Type.Object({
  id: Type.String(),
  status: Type.String(),
  workerId: Type.String(),
  workerName: Type.String(),
  stationId: Type.String(),
  substationId: Type.String(),
  plannedStart: DateTime,
  plannedEnd: DateTime,
  /** the planner's booking, present once the live one (plannedStart..End) left it: a start, an overrun, a repair (0017) */
  baselineStart: Type.Optional(DateTime),
  baselineEnd: Type.Optional(DateTime),
  workMinutes: Type.Number(),
  pinned: Type.Boolean(),
  waitReason: WaitReasons,
  actualStart: NullableDateTime,
  actualEnd: NullableDateTime,
  pausedMinutes: Type.Number(),
  workedMinutes: Type.Union([Type.Number(), Type.Null()]),
  goodQuantity: Type.Union([Type.Number(), Type.Null()]),
  scrapQuantity: Type.Union([Type.Number(), Type.Null()]),
});

/** A predecessor a step waits for: its node and its assignment, if it has one. */
export const WaitingFor = Type.Object({
  nodeId: Type.String(),
  nodeName: Type.String(),
  assignmentId: NullableString,
  status: Type.Union([AssignmentStatus, Type.Null()]),
  workerId: NullableString,
  workerName: NullableString,
});
export type WaitingFor = Static<typeof WaitingFor>;

export const PlanDetailNode = Type.Object({
  nodeId: Type.String(),
  name: Type.String(),
  operationId: Type.String(),
  operationName: Type.String(),
  quantity: Type.Number(),
  expectedQuantity: Type.Optional(
    Type.Union([Type.Number(), Type.Null()], {
      description: 'the good quantity its feeders can now deliver for (yield carried forward); null = quantity; absent on plans archived before it was added',
    }),
  ),
  nominalTime: Type.Number(),
  efficiency: Type.Number(),
  extraOf: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'a remake or rework step: the step it was added for' })),
  extraKind: Type.Optional(Type.Union([Type.Enum(['remake', 'rework']), Type.Null()])),
  output: Type.Union([NodeOutput, Type.Null()]),
  position: Type.Object({ x: Type.Number(), y: Type.Number() }),
  note: Type.String(),
  pin: Type.Union([NodePin, Type.Null()]),
  predecessors: Type.Array(Type.String()),
  assignedStations: Type.Array(
    Type.Object({ stationId: Type.String(), stationName: Type.String(), priority: Type.Integer(), time: Type.Optional(Type.Number()) }),
  ),
  materialInputs: Type.Array(
    Type.Object({
      materialCode: Type.String(),
      materialName: Type.String(),
      unit: Type.String(),
      requiredQuantity: Type.Number(),
      fromNodeId: Type.Optional(Type.String()),
    }),
  ),
  assignment: Type.Union([PlanAssignmentView, Type.Null()]),
  waitingFor: Type.Optional(
    Type.Array(WaitingFor, { description: 'predecessors whose step is not completed yet, in plan order (absent on plans archived before it was added)' }),
  ),
});

export const PlanDetail = Type.Object({
  ...planHeader,
  note: Type.String(),
  allowShortage: Type.Boolean(),
  shortages: Type.Union([Type.Array(Shortage), Type.Null()]),
  startedAt: NullableDateTime,
  cancelledAt: NullableDateTime,
  createdBy: Type.Union([Type.String(), Type.Null()]),
  nodes: Type.Array(PlanDetailNode),
});

export type PlanDetail = Static<typeof PlanDetail>;

export const PlanUpdate = Type.Object(
  {
    ...PlanDocument.properties,
    version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'the version you edited; or send If-Match' })),
  },
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
  shortages: Type.Optional(Type.Array(Shortage)),
});
