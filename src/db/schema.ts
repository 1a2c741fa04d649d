/**
 * Table types of schema `mes`, as Kysely sees them. Numbers: int8 and numeric
 * are parsed to JS numbers (see database.ts); timestamps come back as Date.
 * The tables are declared by area in src/db/tables/; this file gathers them
 * (import from here), with the DB map and the list of every table.
 */
import type { DocumentTable } from './tables/documents.js';
import type { AssignmentPauseTable, AssignmentProblemTable, IdempotencyKeyTable, WorkerAssignmentTable } from './tables/floor.js';
import type {
  OperationTable,
  ShiftCalendarExceptionTable,
  ShiftCalendarTable,
  ShiftCalendarWindowTable,
  StationOperationTable,
  StationTable,
  SubstationBlockTable,
  SubstationTable,
  WorkerOperationTable,
  WorkerStationTable,
  WorkerTable,
} from './tables/master-data.js';
import type { LotParentTable, LotTable, MaterialLedgerTable, MaterialTable } from './tables/materials.js';
import type {
  CatalogRevisionTable,
  NodeMaterialInputTable,
  NodePredecessorTable,
  NodeStationTable,
  PlanArchiveTable,
  PlanRevisionTable,
  PlanSummaryTable,
  ProductionPlanNodeTable,
  ProductionPlanTable,
} from './tables/plans.js';
import type { AlertAckTable, AlertTable, CodeCounterTable, EventTable, SessionTable, SignInFailureTable, UserTable } from './tables/platform.js';
import type { InspectionItemTable, InspectionResultTable, NonconformanceItemTable, NonconformanceTable } from './tables/quality.js';

export type {
  AlertKind,
  AssignmentStatus,
  EventTopic,
  PauseReason,
  PlanStatus,
  ProblemCategory,
  StoredWorkerStatus,
  SubstationStatus,
} from '../shared/schema.js';
export type * from './tables/documents.js';
export type * from './tables/floor.js';
export type * from './tables/master-data.js';
export type * from './tables/materials.js';
export type * from './tables/plans.js';
export type * from './tables/platform.js';
export type * from './tables/quality.js';

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
  'mes.plan_summaries': PlanSummaryTable;
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
  'plan_summaries',
  'alerts',
  'alert_acks',
  'inspection_items',
  'inspection_results',
  'nonconformances',
  'nonconformance_items',
  'documents',
] as const;
