/** TypeBox shapes of inspection plans, results and non-conformances (issue #17, item 3). */
import { type Static, Type } from 'typebox';
import { DateTime, NullableDateTime, NullableNumber, NullableString, OperationId, RowId } from '../../shared/schema.js';

export const inspectionKinds = ['pass_fail', 'measurement', 'text', 'photo'] as const;
export const InspectionKind = Type.Enum(inspectionKinds);
export type InspectionKind = (typeof inspectionKinds)[number];

export const requiredAtValues = ['start', 'completion'] as const;
export const RequiredAt = Type.Enum(requiredAtValues);
export type RequiredAt = (typeof requiredAtValues)[number];

export const dispositions = ['scrap', 'rework', 'use_as_is'] as const;
export const Disposition = Type.Enum(dispositions);
export type Disposition = (typeof dispositions)[number];

/** Limits the rules and the UI share. */
export const MAX_SAMPLES = 50;
export const MAX_ITEMS = 100;
/** A photo kept in the result as a data URL (until attachments exist): about 700 KB of base64. */
export const MAX_PHOTO_CHARS = 1_000_000;
export const MAX_TEXT_CHARS = 2000;

const Limit = Type.Number({ minimum: -1e9, maximum: 1e9 });

export const InspectionItemInput = Type.Object(
  {
    id: Type.Optional(RowId({ description: 'an existing item of this plan, kept (or, if it has results and changed, retired and replaced)' })),
    position: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'ignored: the order of the list is the order of the checks' })),
    kind: InspectionKind,
    label: Type.String({ minLength: 1, maxLength: 200 }),
    requiredAt: RequiredAt,
    nominal: Type.Optional(Type.Union([Limit, Type.Null()])),
    lowerTolerance: Type.Optional(Type.Union([Limit, Type.Null()], { description: 'signed deviation from the nominal, e.g. -0.1' })),
    upperTolerance: Type.Optional(Type.Union([Limit, Type.Null()], { description: 'signed deviation from the nominal, e.g. +0.1' })),
    unit: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 20 }), Type.Null()])),
    samples: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SAMPLES })),
  },
  { additionalProperties: false },
);
export type InspectionItemInput = Static<typeof InspectionItemInput>;

export const InspectionPlanBody = Type.Object({ items: Type.Array(InspectionItemInput, { maxItems: MAX_ITEMS }) }, { additionalProperties: false });
export type InspectionPlanBody = Static<typeof InspectionPlanBody>;

export const InspectionItem = Type.Object({
  id: Type.Integer(),
  position: Type.Integer(),
  kind: InspectionKind,
  label: Type.String(),
  requiredAt: RequiredAt,
  nominal: NullableNumber,
  lowerTolerance: NullableNumber,
  upperTolerance: NullableNumber,
  unit: NullableString,
  samples: Type.Integer(),
});
export type InspectionItem = Static<typeof InspectionItem>;

export const InspectionPlan = Type.Object({ operationId: Type.String(), items: Type.Array(InspectionItem) });
export type InspectionPlan = Static<typeof InspectionPlan>;

export const OperationParams = Type.Object({ id: OperationId });

// ---- results ------------------------------------------------------------------------

export const ResultValue = Type.Union([Type.Number(), Type.Boolean(), Type.String({ maxLength: MAX_PHOTO_CHARS })], {
  description: 'a number for a measurement, true/false for pass/fail, text for text, a data URL (image/png, jpeg or webp) for a photo',
});

export const ResultInput = Type.Object(
  { itemId: RowId(), sample: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SAMPLES })), value: ResultValue },
  { additionalProperties: false },
);
export type ResultInput = Static<typeof ResultInput>;

export const ResultsBody = Type.Object({ results: Type.Array(ResultInput, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false });
export type ResultsBody = Static<typeof ResultsBody>;

export const InspectionResult = Type.Object({
  id: Type.Integer(),
  assignmentId: Type.String(),
  itemId: Type.Integer(),
  sample: Type.Integer(),
  kind: InspectionKind,
  value: Type.Union([Type.Number(), Type.Boolean(), Type.String()]),
  ok: Type.Boolean(),
  recordedBy: Type.String(),
  recordedAt: DateTime,
  supersededAt: NullableDateTime,
});
export type InspectionResult = Static<typeof InspectionResult>;

/** An item as a step shows it: its spec, its current results, and what is still missing. */
export const ItemStatus = Type.Object({
  item: InspectionItem,
  results: Type.Array(InspectionResult),
  /** samples without a current result */
  missingSamples: Type.Array(Type.Integer()),
  failedSamples: Type.Array(Type.Integer()),
});
export type ItemStatus = Static<typeof ItemStatus>;

export const AssignmentInspection = Type.Object({
  assignmentId: Type.String(),
  operationId: Type.String(),
  items: Type.Array(ItemStatus),
  /** item labels still missing (start: not ok yet) before start / complete are accepted */
  startReady: Type.Boolean(),
  completionReady: Type.Boolean(),
  /** parts known bad from failed samples, and those an approved use-as-is covers */
  affectedQuantity: Type.Number(),
  acceptedAsIs: Type.Number(),
  /** the most good quantity a completion may report now */
  maxGoodQuantity: Type.Number(),
  /** superseded values too, oldest first, when asked with ?history=true */
  history: Type.Optional(Type.Array(InspectionResult)),
});
export type AssignmentInspection = Static<typeof AssignmentInspection>;

export const HistoryQuery = Type.Object({ history: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

export const PlanInspectionStep = Type.Object({
  nodeId: Type.String(),
  nodeName: Type.String(),
  assignmentId: Type.String(),
  assignmentStatus: Type.String(),
  operationId: Type.String(),
  items: Type.Array(ItemStatus),
});
export const PlanInspection = Type.Object({ planId: Type.String(), steps: Type.Array(PlanInspectionStep) });
export type PlanInspection = Static<typeof PlanInspection>;

// ---- non-conformances ------------------------------------------------------------------

export const NonconformanceBody = Type.Object(
  {
    quantity: Type.Number({ minimum: 0.001, maximum: 1e9 }),
    itemIds: Type.Array(RowId(), { minItems: 1, maxItems: MAX_ITEMS, uniqueItems: true }),
    disposition: Disposition,
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type NonconformanceBody = Static<typeof NonconformanceBody>;

export const Nonconformance = Type.Object({
  code: Type.String(),
  assignmentId: Type.String(),
  planId: Type.String(),
  nodeId: Type.String(),
  nodeName: Type.String(),
  quantity: Type.Number(),
  disposition: Disposition,
  note: Type.String(),
  items: Type.Array(Type.Object({ id: Type.Integer(), label: Type.String() })),
  approvedBy: NullableString,
  approvedAt: NullableDateTime,
  createdBy: Type.String(),
  createdAt: DateTime,
  reworkNodeId: NullableString,
  reworkAssignmentId: NullableString,
});
export type Nonconformance = Static<typeof Nonconformance>;

export const NonconformanceParams = Type.Object({ code: Type.String({ pattern: '^NCR-[0-9]{4}-[0-9]{3,}$', maxLength: 30 }) });
export const NonconformanceList = Type.Object({ items: Type.Array(Nonconformance) });
