/** Lots: received or produced quantities of a lot-tracked material, with heat number, certificate and genealogy. */
import { type Static, Type } from 'typebox';

export const lotStatuses = ['active', 'blocked'] as const;
export const lotOrigins = ['receipt', 'output'] as const;

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** The step behind a lot, a genealogy edge or a use (null where none): its plan, node, name, booking, worker and substation. */
const madeByStep = (planId = Nullable(Type.String())) => ({
  planId,
  nodeId: Nullable(Type.String()),
  stepName: Nullable(Type.String()),
  assignmentId: Nullable(Type.String()),
  workerId: Nullable(Type.String()),
  workerName: Nullable(Type.String()),
  substationId: Nullable(Type.String()),
});
export const LotCode = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,49}$', description: 'lot code, e.g. LOT-1226-001 (generated when not given)' });

export const Lot = Type.Object({
  code: Type.String(),
  materialCode: Type.String(),
  materialName: Type.String(),
  unit: Type.String(),
  heatNumber: Nullable(Type.String()),
  supplier: Nullable(Type.String()),
  certificate: Nullable(Type.String()),
  receivedAt: Timestamp,
  status: Type.Enum(lotStatuses),
  blockedReason: Nullable(Type.String()),
  onHand: Type.Number({ description: 'the sum of the lot’s ledger rows' }),
  origin: Type.Enum(lotOrigins),
  ...madeByStep(Nullable(Type.String({ description: 'output lots: the plan whose step made it' }))),
  createdBy: Nullable(Type.String()),
  createdAt: Timestamp,
});
export type Lot = Static<typeof Lot>;

export const LotReceipt = Type.Object(
  {
    lotCode: Type.Optional(LotCode),
    heatNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    supplier: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    receivedAt: Type.Optional(Timestamp),
    quantity: Type.Number({ exclusiveMinimum: 0, maximum: 1e9, description: 'received quantity, at most 3 decimals' }),
    certificate: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'certificate number, reference or text (e.g. EN 10204 3.1 no.)' })),
  },
  { additionalProperties: false },
);
export type LotReceipt = Static<typeof LotReceipt>;

export const LotBlock = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });
export type LotBlock = Static<typeof LotBlock>;

export const LotParams = Type.Object({ code: Type.String({ maxLength: 50 }) });
export const MaterialLotsQuery = Type.Object(
  { includeEmpty: Type.Optional(Type.Boolean({ default: false, description: 'also lots with nothing on hand' })) },
  { additionalProperties: false },
);
export const LotRecallQuery = Type.Object(
  {
    heatNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'every lot of this heat and every lot made from one (the recall)' })),
    planId: Type.Optional(Type.String({ maxLength: 50, description: 'the output lots made by the steps of a plan' })),
    depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
  },
  { additionalProperties: false },
);
export const GenealogyQuery = Type.Object(
  {
    direction: Type.Optional(Type.Enum(['up', 'down'] as const, { default: 'down', description: 'up: what it was made from; down: what was made from it' })),
    depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  },
  { additionalProperties: false },
);

export const LotList = Type.Object({ items: Type.Array(Lot) });
export type LotList = Static<typeof LotList>;

/** A lot in a walk, with how far from the start it is (0 = the start). */
export const LotInTree = Type.Intersect([Lot, Type.Object({ level: Type.Integer() })]);
export type LotInTree = Static<typeof LotInTree>;

export const LotRecall = Type.Object({
  heatNumber: Type.Union([Type.String(), Type.Null()]),
  planId: Type.Union([Type.String(), Type.Null()]),
  items: Type.Array(LotInTree, { description: 'the heat’s own lots (level 0) and every lot made from them, nearest first' }),
});
export type LotRecall = Static<typeof LotRecall>;

/** A genealogy edge: the child was made from `quantity` of the parent, by the step that made the child. */
export const LotEdge = Type.Object({
  parentLot: Type.String(),
  childLot: Type.String(),
  quantity: Type.Number(),
  ...madeByStep(),
  at: Timestamp,
});
export type LotEdge = Static<typeof LotEdge>;

/** Where a lot was consumed (a completion's ledger row), whether or not the step made a lot. */
export const LotUse = Type.Object({
  lotCode: Type.String(),
  quantity: Type.Number(),
  ...madeByStep(),
  actor: Nullable(Type.String()),
  at: Timestamp,
});
export type LotUse = Static<typeof LotUse>;

export const Genealogy = Type.Object({
  root: Lot,
  direction: Type.Enum(['up', 'down'] as const),
  depth: Type.Integer(),
  lots: Type.Array(LotInTree, { description: 'every lot reached, the root first (level 0)' }),
  edges: Type.Array(LotEdge),
  uses: Type.Array(LotUse, { description: 'consumptions of the lots reached (where used)' }),
});
export type Genealogy = Static<typeof Genealogy>;

/** A lot an operator chose or scanned at completion. */
export const CompletionLot = Type.Object(
  {
    materialCode: Type.String({ maxLength: 50 }),
    lotCode: Type.String({ maxLength: 50 }),
    quantity: Type.Number({ exclusiveMinimum: 0, maximum: 1e9 }),
  },
  { additionalProperties: false },
);
export type CompletionLot = Static<typeof CompletionLot>;
