/**
 * Shapes of shop-floor execution, defined once: assignment views, the worker
 * portal queue, action bodies and results, problems. Validation, types and
 * the OpenAPI document all come from here.
 */
import { type Static, Type } from 'typebox';
import { CompletionLot } from '../materials/lots.schema.js';
import { PageQuery } from '../../shared/pagination.js';
import {
  AssignmentStatus,
  DateTime,
  NullableDateTime,
  NullableNumber,
  NullableString,
  PauseReason,
  PlanStatus,
  ProblemCategory,
  RowId,
  StationId,
  SubstationId,
  WorkerId,
} from '../../shared/schema.js';
import { WaitingFor } from '../plans/plans.schema.js';
import { WorkerStatus } from '../workers/workers.schema.js';
import { WaitReasons } from '../../shared/wait-reasons.js';

export { AssignmentStatus, PauseReason, ProblemCategory, WaitingFor };
/** Quantities are numeric(14,3) in the database: at most 3 decimals (checked by the rules). */
const Amount = Type.Number({ minimum: 0, maximum: 1e9 });
const AssignmentCode = Type.String({ maxLength: 50, description: 'assignment code, e.g. WA-0126-001' });

export const AssignmentParams = Type.Object({ id: AssignmentCode });
export const WorkerParams = Type.Object({ id: Type.String({ maxLength: 50, description: 'worker code, e.g. W-001' }) });
export const ProblemParams = Type.Object({ id: RowId({ description: 'problem id' }) });

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[\\x21-\\x7E]+$',
      description:
        'a retried request with the same key (same user, same action on the same assignment) within 24 h gets the first result back instead of acting twice',
    }),
  ),
});

// ---- views --------------------------------------------------------------------

export const MaterialInputView = Type.Object({
  materialCode: Type.String(),
  materialName: Type.String(),
  unit: Type.String(),
  requiredQuantity: Type.Number(),
  fromNodeId: Type.Union([Type.String(), Type.Null()], { description: 'set when the material is the output of that earlier node (not reserved from stock)' }),
});
export type MaterialInputView = Static<typeof MaterialInputView>;

export const PauseView = Type.Object({
  id: Type.Integer(),
  reason: PauseReason,
  note: Type.String(),
  startedAt: DateTime,
  endedAt: NullableDateTime,
  startedBy: NullableString,
});

export const ProblemView = Type.Object({
  id: Type.Integer(),
  assignmentId: Type.String(),
  planId: Type.String(),
  nodeId: Type.String(),
  nodeName: Type.String(),
  workerId: Type.String(),
  category: ProblemCategory,
  text: Type.String(),
  reportedBy: Type.String(),
  reportedAt: DateTime,
  resolvedAt: NullableDateTime,
  resolvedBy: NullableString,
  resolution: Type.String(),
});
export type ProblemView = Static<typeof ProblemView>;

/** What a list row and the portal show; planned and actual side by side. */
export const AssignmentSummary = Type.Object({
  id: Type.String(),
  status: AssignmentStatus,
  version: Type.Integer(),
  planId: Type.String(),
  planName: Type.String(),
  planStatus: PlanStatus,
  workOrderCode: Type.String(),
  nodeId: Type.String(),
  nodeName: Type.String(),
  plannerNote: Type.String({ description: "the node's note from the plan designer" }),
  planNote: Type.String({ description: "the plan's note (customer, drawing, …)" }),
  operationId: Type.String(),
  operationName: Type.String(),
  stationId: Type.String(),
  stationName: Type.String(),
  substationId: Type.String(),
  substationName: Type.String(),
  workerId: Type.String(),
  workerName: Type.String(),
  quantity: Type.Number({ description: 'quantity of the node' }),
  expectedQuantity: Type.Union([Type.Number(), Type.Null()], {
    description: 'the good quantity the step is now expected to make, once scrap upstream lowered it (yield carried forward); null: its quantity',
  }),
  output: Type.Union([Type.Object({ materialCode: Type.String(), quantity: Type.Number(), unit: Type.String() }), Type.Null()]),
  plannedStart: DateTime,
  plannedEnd: DateTime,
  workMinutes: Type.Number({ description: 'planned working minutes' }),
  pinned: Type.Boolean(),
  waitReason: WaitReasons,
  actualStart: NullableDateTime,
  actualEnd: NullableDateTime,
  startedBy: Type.Union([Type.String(), Type.Null()], {
    description: "user who started the step: the worker's own account, or a planner/admin on the worker's behalf",
  }),
  completedBy: Type.Union([Type.String(), Type.Null()], { description: 'user who completed the step' }),
  pausedMinutes: Type.Number({ description: 'closed pauses; an open pause counts once it ends' }),
  workedMinutes: Type.Union([Type.Number(), Type.Null()], { description: '(actual end − actual start) − paused minutes; set at completion' }),
  goodQuantity: NullableNumber,
  scrapQuantity: NullableNumber,
  scrapReason: NullableString,
  note: Type.String({ description: 'the operator’s note at completion' }),
  openPause: Type.Union([PauseView, Type.Null()]),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type AssignmentSummary = Static<typeof AssignmentSummary>;

export const AssignmentDetail = Type.Object({
  ...AssignmentSummary.properties,
  materialInputs: Type.Array(MaterialInputView),
  predecessors: Type.Array(WaitingFor, { description: 'every predecessor node with its assignment' }),
  pauses: Type.Array(PauseView),
  problems: Type.Array(ProblemView),
});
export type AssignmentDetail = Static<typeof AssignmentDetail>;

export const WorkerState = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: WorkerStatus,
  currentAssignmentId: NullableString,
  currentPlanId: NullableString,
});
export type WorkerState = Static<typeof WorkerState>;

export const ActionResult = Type.Object({
  assignment: AssignmentDetail,
  worker: WorkerState,
  problem: Type.Optional(ProblemView),
});
export type ActionResult = Static<typeof ActionResult>;

export const WorkerTask = Type.Object({
  ...AssignmentSummary.properties,
  materialInputs: Type.Array(MaterialInputView),
  waitingFor: Type.Array(WaitingFor, { description: 'predecessors not completed yet' }),
  canStart: Type.Boolean(),
  startBlockedBy: Type.Union([Type.String(), Type.Null()], { description: 'why start would be refused now' }),
});
export type WorkerTask = Static<typeof WorkerTask>;

export const WorkerTasks = Type.Object({
  worker: WorkerState,
  tasks: Type.Array(WorkerTask, {
    description: 'the current task first (in progress or paused), then ready, then pending; each in planned order; the first `limit` of them',
  }),
  total: Type.Integer({ minimum: 0, description: 'the open tasks the worker has in all (more than `tasks` holds when the queue is longer than `limit`)' }),
});
export type WorkerTasks = Static<typeof WorkerTasks>;

// ---- requests -----------------------------------------------------------------

/** How many tasks of a worker's queue GET /workers/:id/tasks sends when not asked for another number. */
export const WORKER_TASKS_LIMIT = 50;

export const WorkerTasksQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 500, default: WORKER_TASKS_LIMIT, description: 'how many tasks of the queue to return, from its head' }),
  },
  { additionalProperties: false },
);
export type WorkerTasksQuery = Static<typeof WorkerTasksQuery>;

export const AssignmentListQuery = Type.Object(
  {
    planId: Type.Optional(Type.String({ maxLength: 50 })),
    workerId: Type.Optional(WorkerId),
    stationId: Type.Optional(StationId),
    substationId: Type.Optional(SubstationId),
    status: Type.Optional(Type.Array(AssignmentStatus, { maxItems: 6, description: 'repeat: ?status=ready&status=pending' })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'window start: assignments planned to end after it' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'window end: assignments planned to start before it' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type AssignmentListQuery = Static<typeof AssignmentListQuery>;

export const PauseBody = Type.Object(
  {
    reason: PauseReason,
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'required when the reason is other' })),
  },
  { additionalProperties: false },
);
export type PauseBody = Static<typeof PauseBody>;

export const CompleteBody = Type.Object(
  {
    goodQuantity: Amount,
    scrapQuantity: Type.Optional(Amount),
    scrapReason: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'required when scrapQuantity > 0' })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    overrun: Type.Optional(Type.Boolean({ description: "confirms good + scrap above the step's planned quantity; without it such a completion is refused" })),
    materials: Type.Optional(
      Type.Array(Type.Object({ materialCode: Type.String({ maxLength: 50 }), quantity: Amount }, { additionalProperties: false }), {
        maxItems: 100,
        description: 'actual consumption per input; inputs left out consume their required quantity',
      }),
    ),
    lots: Type.Optional(
      Type.Array(CompletionLot, {
        maxItems: 100,
        description: 'lots of lot-tracked inputs the operator chose or scanned, with the quantity taken from each; the rest is taken first-in-first-out',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CompleteBody = Static<typeof CompleteBody>;

export const ProblemBody = Type.Object({ category: ProblemCategory, text: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
export type ProblemBody = Static<typeof ProblemBody>;

export const ResolveBody = Type.Object({ resolution: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });
export type ResolveBody = Static<typeof ResolveBody>;

export const ProblemListQuery = Type.Object(
  {
    planId: Type.Optional(Type.String({ maxLength: 50 })),
    assignmentId: Type.Optional(AssignmentCode),
    open: Type.Optional(Type.Boolean({ description: 'true: only unresolved; false: only resolved' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ProblemListQuery = Static<typeof ProblemListQuery>;
