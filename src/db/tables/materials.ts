/** Materials, their stock ledger, lots and lot genealogy. */
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Timestamp } from './columns.js';

export interface MaterialTable {
  code: string;
  name: string;
  unit: string;
  /** Moved only by ledger rows (trigger). */
  stock: ColumnType<number, never, never>;
  reserved: ColumnType<number, never, never>;
  reorder_point: Generated<number>;
  /** Stock kept per lot (0023). */
  lot_tracked: Generated<boolean>;
  archived_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export type LedgerEntryType = 'opening' | 'receipt' | 'adjustment' | 'reservation' | 'reservation_release' | 'consumption' | 'production';

export interface MaterialLedgerTable {
  id: Generated<number>;
  material_code: string;
  entry_type: LedgerEntryType;
  stock_delta: Generated<number>;
  reserved_delta: Generated<number>;
  plan_id: string | null;
  node_id: number | null;
  assignment_id: string | null;
  reason: Generated<string>;
  actor: string | null;
  created_at: CreatedAt;
  /** The lot a stock move touched (0023); required for stock moves of lot-tracked materials. */
  lot_code: string | null;
}

export type LotStatus = 'active' | 'blocked';
export type LotOrigin = 'receipt' | 'output';

/** A received or produced lot (0023); on_hand is moved only by ledger rows (trigger). */
export interface LotTable {
  code: Generated<string>;
  material_code: string;
  heat_number: string | null;
  supplier: string | null;
  certificate: string | null;
  received_at: Generated<Date>;
  status: Generated<LotStatus>;
  blocked_reason: string | null;
  on_hand: ColumnType<number, never, never>;
  origin: LotOrigin;
  origin_plan_id: string | null;
  origin_node_id: string | null;
  origin_assignment_id: string | null;
  origin_worker_id: string | null;
  origin_substation_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

/** Genealogy: the child lot was made from quantity of the parent lot (0023). */
export interface LotParentTable {
  parent_lot: string;
  child_lot: string;
  quantity: number;
}
