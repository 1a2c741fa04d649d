/**
 * 0012 — alerts that reach the people concerned (issue #20, item 2).
 *
 * - mes.alerts: one row per thing someone must learn (a problem reported, a
 *   problem resolved, a release blocked by material, a plan running late, a
 *   task withdrawn or moved). Addressed to exactly one of: a role group
 *   (`planners`: planners and admins), a worker (whoever signs in as that
 *   worker) or a user. The wording is the UI's: `params` holds ids, codes and
 *   figures, never an English sentence. Written in the transaction of the
 *   action that causes it, by the alerts module only.
 * - mes.alert_acks: who acknowledged which alert. A row per (alert, user)
 *   rather than an `acknowledged_at` on the alert, because an alert to the
 *   planners is one alert seen by several people, each of whom acknowledges
 *   it for themselves.
 * - the events outbox gets the topic `alerts` (streams filter it per
 *   recipient: an operator only gets alerts of their own worker).
 *
 * Plans are deleted only as drafts and their alerts go with them; archiving
 * deletes nodes and assignments, and the alert keeps its params with the
 * assignment reference set to null.
 */
import { type Kysely, sql } from 'kysely';

const topicsBefore = `'plans', 'assignments', 'workers', 'stations', 'materials', 'master'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mes.events drop constraint events_topic_check`.execute(db);
  await sql.raw(`alter table mes.events add constraint events_topic_check check (topic in (${topicsBefore}, 'alerts'))`).execute(db);
  await sql`
    create table mes.alerts (
      id bigint generated always as identity primary key,
      kind text not null check (kind in ('problem_reported', 'problem_resolved', 'release_blocked', 'plan_late', 'task_withdrawn', 'task_moved')),
      recipient_role text check (recipient_role = 'planners'),
      recipient_worker_id text references mes.workers (id) on delete cascade,
      recipient_user_id bigint references mes.users (id) on delete cascade,
      plan_id text references mes.production_plans (id) on delete cascade,
      assignment_id text references mes.worker_assignments (id) on delete set null,
      problem_id bigint references mes.assignment_problems (id) on delete set null,
      params jsonb not null default '{}' check (jsonb_typeof(params) = 'object'),
      actor text,
      created_at timestamptz not null default now(),
      check (num_nonnulls(recipient_role, recipient_worker_id, recipient_user_id) = 1)
    )`.execute(db);
  await sql`create index alerts_role_idx on mes.alerts (recipient_role, id) where recipient_role is not null`.execute(db);
  await sql`create index alerts_worker_idx on mes.alerts (recipient_worker_id, id) where recipient_worker_id is not null`.execute(db);
  await sql`create index alerts_user_idx on mes.alerts (recipient_user_id, id) where recipient_user_id is not null`.execute(db);
  await sql`create index alerts_plan_idx on mes.alerts (plan_id) where plan_id is not null`.execute(db);
  await sql`create index alerts_assignment_idx on mes.alerts (assignment_id) where assignment_id is not null`.execute(db);
  await sql`create index alerts_problem_idx on mes.alerts (problem_id) where problem_id is not null`.execute(db);
  await sql`
    create table mes.alert_acks (
      alert_id bigint not null references mes.alerts (id) on delete cascade,
      user_id bigint not null references mes.users (id) on delete cascade,
      acked_at timestamptz not null default now(),
      primary key (alert_id, user_id)
    )`.execute(db);
  await sql`create index alert_acks_user_idx on mes.alert_acks (user_id, alert_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table mes.alert_acks`.execute(db);
  await sql`drop table mes.alerts`.execute(db);
  await sql`delete from mes.events where topic = 'alerts'`.execute(db);
  await sql`alter table mes.events drop constraint events_topic_check`.execute(db);
  await sql.raw(`alter table mes.events add constraint events_topic_check check (topic in (${topicsBefore}))`).execute(db);
}
