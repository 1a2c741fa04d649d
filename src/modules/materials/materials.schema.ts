/** Materials: stock on hand and reserved, moved only by rows of the material ledger. */
import { type Static, Type } from 'typebox';
import { MaterialCode } from '../../shared/schema.js';
import { PageQuery } from '../../shared/pagination.js';

export const ledgerEntryTypes = ['opening', 'receipt', 'adjustment', 'reservation', 'reservation_release', 'consumption', 'production'] as const;
/** The kinds a person may post; the others come from plans and the shop floor. */
export const manualEntryTypes = ['receipt', 'adjustment'] as const;

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Unit = Type.String({ minLength: 1, maxLength: 20, description: 'e.g. pcs, kg, sheet' });
const Amount = Type.Number({ minimum: 0, maximum: 1e9 });
const Timestamp = Type.String({ format: 'date-time' });

export const Material = Type.Object({
  code: MaterialCode,
  name: Type.String(),
  unit: Type.String(),
  stock: Type.Number({ description: 'on hand' }),
  reserved: Type.Number({ description: 'promised to released plans' }),
  available: Type.Number({ description: 'stock - reserved (negative when reservations exceed stock)' }),
  reorderPoint: Type.Number(),
  belowReorderPoint: Type.Boolean({ description: 'available < reorderPoint' }),
  lotTracked: Type.Boolean({ description: 'stock kept per lot (heat number, supplier, certificate); receipts through POST /materials/:code/lots' }),
  archivedAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Material = Static<typeof Material>;

export const MaterialCreate = Type.Object(
  {
    code: MaterialCode,
    name: Name,
    unit: Unit,
    reorderPoint: Type.Optional(Amount),
    openingStock: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1e9, description: 'written as an opening ledger row (not for lot-tracked materials: receive lots)' }),
    ),
    lotTracked: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export type MaterialCreate = Static<typeof MaterialCreate>;

export const MaterialUpdate = Type.Object(
  {
    name: Type.Optional(Name),
    unit: Type.Optional(Unit),
    reorderPoint: Type.Optional(Amount),
    lotTracked: Type.Optional(Type.Boolean({ description: 'on: only while all stock is in lots (none outside them); off: only while no lot holds anything' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type MaterialUpdate = Static<typeof MaterialUpdate>;

export const MaterialListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'search in code and name' })),
    belowReorderPoint: Type.Optional(Type.Boolean({ description: 'only materials whose available quantity is below the reorder point' })),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type MaterialListQuery = Static<typeof MaterialListQuery>;

export const StockAdjustment = Type.Object(
  {
    // kept at 3 decimals: a change that rounds to 0 would be no change
    quantity: Type.Number({
      minimum: -1e9,
      maximum: 1e9,
      not: { exclusiveMinimum: -0.001, exclusiveMaximum: 0.001 },
      description: 'signed change of stock; at least 0.001 either way',
    }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    lotCode: Type.Optional(
      Type.String({ maxLength: 50, description: 'the lot adjusted; required for lot-tracked materials (receipts of those: POST /materials/:code/lots)' }),
    ),
    kind: Type.Optional(
      Type.Enum(manualEntryTypes, { default: 'adjustment', description: 'receipt (goods in, positive) or adjustment (count correction, write-off)' }),
    ),
  },
  { additionalProperties: false },
);
export type StockAdjustment = Static<typeof StockAdjustment>;

export const LedgerEntry = Type.Object({
  id: Type.Integer(),
  materialCode: Type.String(),
  kind: Type.Enum(ledgerEntryTypes),
  stockDelta: Type.Number(),
  reservedDelta: Type.Number(),
  planId: Type.Union([Type.String(), Type.Null()]),
  nodeId: Type.Union([Type.String(), Type.Null()], { description: 'the node id inside the plan, e.g. N3' }),
  assignmentId: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String(),
  actor: Type.Union([Type.String(), Type.Null()]),
  lotCode: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
});
export type LedgerEntry = Static<typeof LedgerEntry>;

export const AdjustmentResult = Type.Object({ entry: LedgerEntry, material: Material });
export type AdjustmentResult = Static<typeof AdjustmentResult>;

export const LedgerQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

export const MaterialParams = Type.Object({ code: Type.String({ maxLength: 50 }) });

/** One material a plan takes from stock, and where it stands, from the plan's ledger rows. */
export const PlanMaterial = Type.Object({
  materialCode: Type.String(),
  materialName: Type.String(),
  unit: Type.String(),
  required: Type.Number({ description: "sum of the plan's inputs taken from stock (not from a predecessor's output)" }),
  reserved: Type.Number({ description: 'held for the plan now: reserved at release, not yet consumed or given back' }),
  consumed: Type.Number({ description: 'taken from stock by completed steps (their actual quantities)' }),
  returned: Type.Number({ description: 'reserved but given back: a step that used less than was reserved, or the rest of a cancelled plan' }),
  short: Type.Number({ description: 'required − available when the release recorded a shortage of the material (released with allowShortage); 0 otherwise' }),
});
export type PlanMaterial = Static<typeof PlanMaterial>;

export const PlanMaterials = Type.Object({
  planId: Type.String(),
  items: Type.Array(PlanMaterial, { description: 'in material code order' }),
});
export type PlanMaterials = Static<typeof PlanMaterials>;

/** A material a plan needs more of than is available (at release). */
export const Shortage = Type.Object({ materialCode: Type.String(), required: Type.Number(), available: Type.Number() });
export type Shortage = Static<typeof Shortage>;
