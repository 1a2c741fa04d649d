/**
 * Every SQL statement of mes.alerts and mes.alert_acks. Who may see an
 * alert is decided here in SQL (the same rule as alerts.rules.ts): an alert
 * to the planners is seen by planners and admins, one to a worker by whoever
 * signs in as that worker, one to a user by that user only.
 */
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.js';
import type { AlertKind } from '../../shared/schema.js';
import type { Reader } from './alerts.rules.js';
import type { AlertView } from './alerts.schema.js';

/** Who an alert goes to: the planners, a worker, or the operator account that reported something (else that worker). */
export type Recipient = { role: 'planners' } | { workerId: string } | { operatorUsername: string; elseWorkerId: string };

export interface NewAlert {
  kind: AlertKind;
  to: Recipient;
  planId?: string | null;
  assignmentId?: string | null;
  problemId?: number | null;
  params: Record<string, unknown>;
}

interface AlertRow {
  id: number | string;
  kind: AlertKind;
  recipient_role: 'planners' | null;
  recipient_worker_id: string | null;
  recipient_user_id: number | string | null;
  plan_id: string | null;
  assignment_id: string | null;
  problem_id: number | string | null;
  params: Record<string, unknown> | string;
  actor: string | null;
  created_at: Date | string;
  acked_at?: Date | string | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

function toView(row: AlertRow): AlertView {
  return {
    id: Number(row.id),
    kind: row.kind,
    audience: row.recipient_role ? 'planners' : row.recipient_worker_id ? 'worker' : 'user',
    workerId: row.recipient_worker_id,
    userId: row.recipient_user_id === null ? null : Number(row.recipient_user_id),
    planId: row.plan_id,
    assignmentId: row.assignment_id,
    problemId: row.problem_id === null ? null : Number(row.problem_id),
    params: typeof row.params === 'string' ? (JSON.parse(row.params) as Record<string, unknown>) : row.params,
    actor: row.actor,
    createdAt: iso(row.created_at),
    acknowledgedAt: row.acked_at ? iso(row.acked_at) : null,
  };
}

/** An inserted alert, with the worker whose streams must hear of it (null: planners). */
export interface InsertedAlert {
  alert: AlertView;
  streamWorkerId: string | null;
}

export async function insertAlerts(trx: Trx, alerts: NewAlert[], actor: string | null): Promise<InsertedAlert[]> {
  if (alerts.length === 0) return [];
  const rows = alerts.map((a, ord) => ({
    ord,
    kind: a.kind,
    recipient_role: 'role' in a.to ? a.to.role : null,
    recipient_worker_id: 'workerId' in a.to ? a.to.workerId : 'elseWorkerId' in a.to ? a.to.elseWorkerId : null,
    reporter: 'operatorUsername' in a.to ? a.to.operatorUsername : null,
    plan_id: a.planId ?? null,
    assignment_id: a.assignmentId ?? null,
    problem_id: a.problemId ?? null,
    params: a.params,
  }));
  const { rows: inserted } = await sql<AlertRow & { stream_worker_id: string | null }>`
    with x as (
      select x.*, u.id as user_id
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(ord int, kind text, recipient_role text, recipient_worker_id text,
          reporter text, plan_id text, assignment_id text, problem_id bigint, params jsonb)
        left join mes.users u on u.username = x.reporter and u.role = 'operator' and u.worker_id is not null
    ), ins as (
      insert into mes.alerts (kind, recipient_role, recipient_worker_id, recipient_user_id, plan_id, assignment_id, problem_id, params, actor)
      select kind, recipient_role, case when user_id is null then recipient_worker_id end, user_id, plan_id, assignment_id, problem_id, params, ${actor}
        from x order by ord
      returning *
    )
    select ins.*, coalesce(ins.recipient_worker_id, u.worker_id) as stream_worker_id
      from ins left join mes.users u on u.id = ins.recipient_user_id
     order by ins.id`.execute(trx);
  return inserted.map((row) => ({ alert: toView(row), streamWorkerId: row.stream_worker_id }));
}

const visibleTo = (reader: Reader) =>
  sql`((a.recipient_role = 'planners' and ${reader.role !== 'operator'}) or a.recipient_worker_id = ${reader.workerId ?? ''} or a.recipient_user_id = ${reader.id})`;

export async function listAlerts(
  db: Db,
  reader: Reader,
  q: { unacknowledged: boolean; limit: number; offset: number },
): Promise<{ items: AlertView[]; total: number }> {
  const where = sql`${visibleTo(reader)}${q.unacknowledged ? sql` and k.alert_id is null` : sql``}`;
  const from = sql`mes.alerts a left join mes.alert_acks k on k.alert_id = a.id and k.user_id = ${reader.id}`;
  const { rows } = await sql<AlertRow>`
    select a.*, k.acked_at from ${from} where ${where} order by a.id desc limit ${q.limit} offset ${q.offset}`.execute(db);
  const { rows: count } = await sql<{ total: number | string }>`select count(*) as total from ${from} where ${where}`.execute(db);
  return { items: rows.map(toView), total: Number(count[0]?.total ?? 0) };
}

export async function findAlert(db: Db, reader: Reader, id: number): Promise<AlertView | undefined> {
  const { rows } = await sql<AlertRow>`
    select a.*, k.acked_at from mes.alerts a left join mes.alert_acks k on k.alert_id = a.id and k.user_id = ${reader.id}
     where a.id = ${id} and ${visibleTo(reader)}`.execute(db);
  return rows[0] && toView(rows[0]);
}

/** Acknowledges one alert for the reader; true when it was not acknowledged before. */
export async function ackAlert(trx: Trx, reader: Reader, id: number): Promise<boolean> {
  const result = await sql`
    insert into mes.alert_acks (alert_id, user_id)
    select a.id, ${reader.id}::bigint from mes.alerts a where a.id = ${id} and ${visibleTo(reader)}
    on conflict do nothing`.execute(trx);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Acknowledges every alert of the reader not yet acknowledged (up to an id); the ids newly acknowledged. */
export async function ackAllAlerts(trx: Trx, reader: Reader, upTo: number | undefined): Promise<number[]> {
  const { rows } = await sql<{ alert_id: number | string }>`
    insert into mes.alert_acks (alert_id, user_id)
    select a.id, ${reader.id}::bigint from mes.alerts a
     where ${visibleTo(reader)} ${upTo !== undefined ? sql`and a.id <= ${upTo}` : sql``}
       and not exists (select 1 from mes.alert_acks k where k.alert_id = a.id and k.user_id = ${reader.id})
     order by a.id
    on conflict do nothing
    returning alert_id`.execute(trx);
  return rows.map((r) => Number(r.alert_id));
}
