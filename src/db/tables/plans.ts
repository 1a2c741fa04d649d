/** Production plans, their graph (nodes, edges, candidate stations, material inputs), archives and the read revisions. */
import type { Generated } from 'kysely';
import type { PlanStatus } from '../../shared/schema.js';
import type { CreatedAt, Json, Timestamp } from './columns.js';

export interface ProductionPlanTable {
  id: string;
  work_order_code: string;
  name: string;
  quantity: number;
  status: Generated<PlanStatus>;
  version: Generated<number>;
  note: Generated<string>;
  allow_shortage: Generated<boolean>;
  shortages: Json<unknown> | null;
  planned_start: Timestamp | null;
  planned_end: Timestamp | null;
  released_at: Timestamp | null;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
  /** Set when the plan's graph moved to mes.plan_archives (completed or cancelled plans only). */
  archived_at: Timestamp | null;
  /** When the plan is due (migration 0010); lateness is computed against it where plans are read. */
  due_date: Timestamp | null;
  /** 1 = most urgent … 5 (CHECK). */
  priority: Generated<number>;
  /** an early finish lets later steps move left (0017) */
  auto_compact: Generated<boolean>;
}

/** A finished plan's graph and history, moved out of the hot tables: the plan detail as last served. */
export interface PlanArchiveTable {
  plan_id: string;
  archived_at: Generated<Date>;
  archived_by: string | null;
  node_count: number;
  completed_nodes: number;
  document: Json<unknown>;
  problems: Json<unknown[]>;
  pauses: Json<unknown[]>;
}

export interface ProductionPlanNodeTable {
  id: Generated<number>;
  plan_id: string;
  node_id: string;
  sequence: number;
  name: string;
  operation_id: string;
  quantity: number;
  nominal_time: number;
  efficiency: Generated<number>;
  output_material_code: string | null;
  output_quantity: Generated<number>;
  position_x: Generated<number>;
  position_y: Generated<number>;
  note: Generated<string>;
  pinned_station_id: string | null;
  pinned_substation_id: string | null;
  pinned_worker_id: string | null;
  /** the good quantity the step can still be expected to make (0019); null = quantity */
  expected_quantity: number | null;
  /** the planner accepted a short delivery of this step (0019) */
  short_accepted_at: Timestamp | null;
  short_accepted_by: string | null;
  /** a step added to a released plan for another of its nodes (0019): a remake or a rework */
  extra_of: number | null;
  extra_kind: 'remake' | 'rework' | null;
}

export interface NodePredecessorTable {
  plan_id: string;
  node_id: number;
  predecessor_id: number;
}

export interface NodeStationTable {
  plan_id: string;
  node_id: number;
  station_id: string;
  priority: number;
  time_minutes: number | null;
}

export interface NodeMaterialInputTable {
  plan_id: string;
  node_id: number;
  material_code: string;
  required_quantity: number;
  from_node_id: number | null;
}

/** Stamped by triggers whenever anything a plan's detail is read from changes (0004). */
export interface PlanRevisionTable {
  plan_id: string;
  revision: string;
  /** the transaction that stamped it last (0033): what a kept list page's snapshot is checked against */
  xid: Generated<string>;
}

/** A plan's list figures, kept by triggers in the writing transaction (0038); one row per plan. */
export interface PlanSummaryTable {
  plan_id: string;
  node_count: Generated<number>;
  /** assignments completed */
  completed_count: Generated<number>;
  /** latest end of the live (not cancelled) assignments: actual end when done, planned end otherwise */
  steps_end: Date | null;
  /** planned ends of the open (not completed, not cancelled) assignments, sorted */
  open_ends: Generated<Date[]>;
  projected_end: Date | null;
  lateness: number | null;
  /** not archived */
  listed: Generated<boolean>;
}

/** One row, stamped by triggers when a name the plan detail shows changes (0004); not data, so not in mesTables. */
export interface CatalogRevisionTable {
  singleton: Generated<boolean>;
  /** names shown in plan details (0004) */
  revision: Generated<string>;
  /** what plan validation reads (0006) */
  rules_revision: Generated<string>;
}
