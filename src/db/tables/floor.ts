/** The shop floor: worker assignments (bookings), their pauses and problems, and the Idempotency-Key store. */
import type { Generated } from 'kysely';
import type { AssignmentStatus, PauseReason, ProblemCategory } from '../../shared/schema.js';
import type { WaitReason } from '../../shared/wait-reasons.js';
import type { CreatedAt, Json, Timestamp } from './columns.js';

export interface WorkerAssignmentTable {
  id: string;
  plan_id: string;
  node_id: number;
  worker_id: string;
  station_id: string;
  substation_id: string;
  /** the worker's and the substation's booking_key, set from the ids by a row trigger (0035): what the exclusion constraints compare */
  worker_key: Generated<number>;
  substation_key: Generated<number>;
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
