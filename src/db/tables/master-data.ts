/** Master data: operations, stations and their substations (with maintenance blocks), shift calendars, workers. */
import type { ColumnType, Generated } from 'kysely';
import type { StoredWorkerStatus, SubstationStatus } from '../../shared/schema.js';
import type { CreatedAt, Timestamp } from './columns.js';

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
  /** an identity the bookings' exclusion constraint compares (0035) */
  booking_key: Generated<number>;
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
  /** an identity the bookings' exclusion constraint compares (0035) */
  booking_key: Generated<number>;
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
