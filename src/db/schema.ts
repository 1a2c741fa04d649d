/**
 * Table types of schema `mes`, as Kysely sees them. Numbers: int8 and numeric
 * are parsed to JS numbers (see database.ts); timestamps come back as Date.
 */
import type { ColumnType, Generated } from 'kysely';
import type {
  AlertKind,
  AssignmentStatus,
  EventTopic,
  PauseReason,
  PlanStatus,
  ProblemCategory,
  StoredWorkerStatus,
  SubstationStatus,
} from '../shared/schema.js';
import type { WaitReason } from '../shared/wait-reasons.js';
import type { DocumentContentType, DocumentOwnerKind } from '../modules/documents/documents.schema.js';

export type { AlertKind, AssignmentStatus, EventTopic, PauseReason, PlanStatus, ProblemCategory, StoredWorkerStatus, SubstationStatus };

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string | T, string | T>;

export interface OperationTable {
  id: string;
  name: string;
  description: Generated<string>;
  default_efficiency: Generated<number>;
  default_nominal_time: number | null;
  archived_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface StationTable {
  id: string;
  name: string;
  description: Generated<string>;
  location: Generated<string>;
  archived_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface StationOperationTable {
  station_id: string;
  operation_id: string;
}

export interface SubstationTable {
  id: string;
  station_id: string;
  name: string;
  status: Generated<SubstationStatus>;
  current_assignment_id: string | null;
  /** weekly windows and exceptions when the substation can run (0017); null = always */
  availability_calendar_id: string | null;
  archived_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

/** Planned maintenance or any other time a substation is out (0017). */
export interface SubstationBlockTable {
  id: Generated<number>;
  substation_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reason: string;
  created_by: string | null;
  created_at: CreatedAt;
}

/** 0025: one version of a document attached to an operation, a plan or a plan's step. */
export interface DocumentTable {
  id: Generated<number>;
  owner_kind: DocumentOwnerKind;
  operation_id: string | null;
  plan_id: string | null;
  node_key: string | null;
  owner_id: ColumnType<string, never, never>;
  name: string;
  version: number;
  content_type: DocumentContentType;
  size: number;
  sha256: string;
  content: Buffer;
  uploaded_by: string;
  uploaded_at: CreatedAt;
}

export interface ShiftCalendarTable {
  id: string;
  name: string;
  created_at: CreatedAt;
}

export interface ShiftCalendarWindowTable {
  calendar_id: string;
  weekday: number;
  start_minute: number;
  end_minute: number;
}

export interface ShiftCalendarExceptionTable {
  calendar_id: string;
  date: ColumnType<string, string, string>;
  start_minute: number | null;
  end_minute: number | null;
  note: Generated<string>;
}

export interface WorkerTable {
  id: string;
  name: string;
  email: string | null;
  shift_calendar_id: string | null;
  status: Generated<StoredWorkerStatus>;
  current_plan_id: string | null;
  current_node_id: number | null;
  current_assignment_id: string | null;
  archived_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface WorkerStationTable {
  worker_id: string;
  station_id: string;
}

export interface WorkerOperationTable {
  worker_id: string;
  operation_id: string;
}

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

export interface WorkerAssignmentTable {
  id: string;
  plan_id: string;
  node_id: number;
  worker_id: string;
  station_id: string;
  substation_id: string;
  status: Generated<AssignmentStatus>;
  /** the live booking (0017): moved by starts, overruns and repair; guarded by the exclusion constraints */
  planned_start: Timestamp;
  planned_end: Timestamp;
  /** the booking as the planner last set it, once the live booking has left it (0017); null while they agree */
  baseline_start: Timestamp | null;
  baseline_end: Timestamp | null;
  work_minutes: number;
  pinned: Generated<boolean>;
  wait_reason: Json<WaitReason[]> | null;
  actual_start: Timestamp | null;
  actual_end: Timestamp | null;
  paused_minutes: Generated<number>;
  worked_minutes: number | null;
  good_quantity: number | null;
  scrap_quantity: number | null;
  scrap_reason: string | null;
  note: Generated<string>;
  /** user who started / completed the step (0007); on a worker's behalf when not the worker's own account */
  started_by: string | null;
  completed_by: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface AssignmentPauseTable {
  id: Generated<number>;
  assignment_id: string;
  reason: PauseReason;
  note: Generated<string>;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  started_by: string | null;
}

export interface AssignmentProblemTable {
  id: Generated<number>;
  assignment_id: string;
  plan_id: string;
  category: ProblemCategory;
  text: string;
  reported_by: string;
  reported_at: Timestamp;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  resolution: Generated<string>;
}

export interface IdempotencyKeyTable {
  key: string;
  user_id: number;
  route: string;
  status_code: number;
  response: Json<unknown>;
  /** sha256 of the first request's body (0007); null on older rows */
  request_hash: string | null;
  created_at: CreatedAt;
}

export interface EventTable {
  id: Generated<number>;
  tx_id: ColumnType<string, never, never>;
  topic: EventTopic;
  entity_type: string;
  entity_id: string;
  change: string;
  plan_id: string | null;
  worker_id: string | null;
  station_id: string | null;
  payload: Json<Record<string, unknown>>;
  actor: string | null;
  created_at: CreatedAt;
}

export interface AlertTable {
  id: Generated<number>;
  kind: AlertKind;
  recipient_role: 'planners' | null;
  recipient_worker_id: string | null;
  recipient_user_id: number | null;
  plan_id: string | null;
  assignment_id: string | null;
  problem_id: number | null;
  params: Json<Record<string, unknown>>;
  actor: string | null;
  created_at: CreatedAt;
}

export interface AlertAckTable {
  alert_id: number;
  user_id: number;
  acked_at: CreatedAt;
}

export interface CodeCounterTable {
  prefix: string;
  period: string;
  last_value: number;
}

export type Role = 'admin' | 'planner' | 'operator';
export interface UserTable {
  id: Generated<number>;
  username: string;
  display_name: Generated<string>;
  role: Role;
  password_hash: string | null;
  worker_id: string | null;
  pin_hash: string | null;
  disabled_at: Timestamp | null;
  created_at: CreatedAt;
  /** Start of the newest deleted session, stamped by a trigger (0009); live sessions may be newer. */
  last_login_at: Generated<Date | null>;
  /** The UI language the user chose (0011); null: not chosen, the browser decides. */
  locale: Generated<'en' | 'tr' | null>;
}

export interface SessionTable {
  token_hash: string;
  user_id: number;
  created_at: CreatedAt;
  expires_at: Timestamp;
  last_seen_at: Generated<Date>;
}

/** Failed sign-ins of an account and its lock (0008); the row goes with a good sign-in or an unlock. */
export interface SignInFailureTable {
  user_id: number;
  failures: Generated<number>;
  window_started_at: Generated<Date>;
  last_failed_at: Generated<Date>;
  lockouts: Generated<number>;
  locked_until: Date | null;
}

/** Stamped by triggers whenever anything a plan's detail is read from changes (0004). */
export interface PlanRevisionTable {
  plan_id: string;
  revision: string;
}

/** One row, stamped by triggers when a name the plan detail shows changes (0004); not data, so not in mesTables. */
export interface CatalogRevisionTable {
  singleton: Generated<boolean>;
  /** names shown in plan details (0004) */
  revision: Generated<string>;
  /** what plan validation reads (0006) */
  rules_revision: Generated<string>;
}

export type InspectionKind = 'pass_fail' | 'measurement' | 'text' | 'photo';

/** An operation's check item (0024); retired instead of changed once it has results. */
export interface InspectionItemTable {
  id: Generated<number>;
  operation_id: string;
  position: number;
  kind: InspectionKind;
  label: string;
  required_at: 'start' | 'completion';
  nominal: number | null;
  lower_tolerance: number | null;
  upper_tolerance: number | null;
  unit: string | null;
  samples: Generated<number>;
  retired_at: Timestamp | null;
  created_at: CreatedAt;
}

/** One recorded value (0024); a re-entry is a new row and supersedes the old one. */
export interface InspectionResultTable {
  id: Generated<number>;
  assignment_id: string;
  item_id: number;
  kind: InspectionKind;
  sample: number;
  value_number: number | null;
  value_bool: boolean | null;
  value_text: string | null;
  ok: boolean;
  recorded_by: string;
  recorded_at: Timestamp;
  superseded_at: Timestamp | null;
  superseded_by: number | null;
}

export type Disposition = 'scrap' | 'rework' | 'use_as_is';

/** A non-conformance record (0024). */
export interface NonconformanceTable {
  id: Generated<number>;
  code: Generated<string>;
  assignment_id: string;
  plan_id: string;
  node_id: number;
  quantity: number;
  disposition: Disposition;
  note: Generated<string>;
  approved_by: string | null;
  approved_at: Timestamp | null;
  created_by: string;
  created_at: CreatedAt;
  rework_node_id: number | null;
}

export interface NonconformanceItemTable {
  nonconformance_id: number;
  item_id: number;
}

export interface DB {
  'mes.inspection_items': InspectionItemTable;
  'mes.inspection_results': InspectionResultTable;
  'mes.nonconformances': NonconformanceTable;
  'mes.nonconformance_items': NonconformanceItemTable;
  'mes.operations': OperationTable;
  'mes.stations': StationTable;
  'mes.station_operations': StationOperationTable;
  'mes.substations': SubstationTable;
  'mes.substation_blocks': SubstationBlockTable;
  'mes.documents': DocumentTable;
  'mes.shift_calendars': ShiftCalendarTable;
  'mes.shift_calendar_windows': ShiftCalendarWindowTable;
  'mes.shift_calendar_exceptions': ShiftCalendarExceptionTable;
  'mes.workers': WorkerTable;
  'mes.worker_stations': WorkerStationTable;
  'mes.worker_operations': WorkerOperationTable;
  'mes.materials': MaterialTable;
  'mes.material_ledger': MaterialLedgerTable;
  'mes.lots': LotTable;
  'mes.lot_parents': LotParentTable;
  'mes.production_plans': ProductionPlanTable;
  'mes.plan_archives': PlanArchiveTable;
  'mes.plan_revisions': PlanRevisionTable;
  'mes.catalog_revision': CatalogRevisionTable;
  'mes.production_plan_nodes': ProductionPlanNodeTable;
  'mes.node_predecessors': NodePredecessorTable;
  'mes.node_stations': NodeStationTable;
  'mes.node_material_inputs': NodeMaterialInputTable;
  'mes.worker_assignments': WorkerAssignmentTable;
  'mes.assignment_pauses': AssignmentPauseTable;
  'mes.assignment_problems': AssignmentProblemTable;
  'mes.idempotency_keys': IdempotencyKeyTable;
  'mes.events': EventTable;
  'mes.code_counters': CodeCounterTable;
  'mes.alerts': AlertTable;
  'mes.alert_acks': AlertAckTable;
  'mes.users': UserTable;
  'mes.sessions': SessionTable;
  'mes.sign_in_failures': SignInFailureTable;
}

/** Every table of schema mes, for counts, clearing and integrity checks. */
export const mesTables = [
  'operations',
  'stations',
  'station_operations',
  'substations',
  'substation_blocks',
  'shift_calendars',
  'shift_calendar_windows',
  'shift_calendar_exceptions',
  'workers',
  'worker_stations',
  'worker_operations',
  'materials',
  'material_ledger',
  'lots',
  'lot_parents',
  'production_plans',
  'production_plan_nodes',
  'node_predecessors',
  'node_stations',
  'node_material_inputs',
  'worker_assignments',
  'events',
  'code_counters',
  'users',
  'sessions',
  'sign_in_failures',
  'assignment_pauses',
  'assignment_problems',
  'idempotency_keys',
  'plan_archives',
  'plan_revisions',
  'alerts',
  'alert_acks',
  'inspection_items',
  'inspection_results',
  'nonconformances',
  'nonconformance_items',
  'documents',
] as const;
