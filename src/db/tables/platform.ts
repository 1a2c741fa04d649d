/** The platform: the outbox, alerts, code counters, users, sessions and sign-in failures. */
import type { ColumnType, Generated } from 'kysely';
import type { AlertKind, EventTopic } from '../../shared/schema.js';
import type { CreatedAt, Json, Timestamp } from './columns.js';

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
