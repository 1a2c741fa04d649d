/**
 * 0002 — shop floor execution: what operators record while they work.
 *
 * Why it looks like this:
 * - pauses are rows, not a counter: each has its reason, note and times, so
 *   worked time (end − start − paused) can be explained; a partial unique
 *   index allows at most one open pause per assignment, so two concurrent
 *   "pause" taps can never both open one;
 * - problems are reported without changing any state; they carry plan_id so a
 *   planner's "open problems of this plan" is one index range;
 * - idempotency keys let a tablet retry a tap (lost reply, double tap) and get
 *   the first result back instead of acting twice. Only successful responses
 *   are stored, per (key, user); rows older than 24 hours are pruned by the
 *   actions themselves (created_at index).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mes.assignment_pauses (
      id bigint generated always as identity primary key,
      assignment_id text not null references mes.worker_assignments (id) on delete cascade,
      reason text not null check (reason in ('break', 'material_missing', 'machine_fault', 'quality_problem', 'other')),
      note text not null default '' check (length(note) <= 2000),
      started_at timestamptz not null default now(),
      ended_at timestamptz,
      started_by text,
      check (ended_at is null or ended_at >= started_at),
      check (reason <> 'other' or length(note) > 0)
    )`.execute(db);
  await sql`create unique index assignment_pauses_one_open on mes.assignment_pauses (assignment_id) where ended_at is null`.execute(db);
  await sql`create index assignment_pauses_assignment_idx on mes.assignment_pauses (assignment_id, id)`.execute(db);

  await sql`
    create table mes.assignment_problems (
      id bigint generated always as identity primary key,
      assignment_id text not null references mes.worker_assignments (id) on delete cascade,
      plan_id text not null references mes.production_plans (id) on delete cascade,
      category text not null check (category in ('material', 'machine', 'quality', 'safety', 'other')),
      text text not null check (length(text) between 1 and 2000),
      reported_by text not null,
      reported_at timestamptz not null default now(),
      resolved_at timestamptz,
      resolved_by text,
      resolution text not null default '' check (length(resolution) <= 2000),
      check ((resolved_at is null) = (resolved_by is null)),
      check (resolved_at is null or resolved_at >= reported_at)
    )`.execute(db);
  await sql`create index assignment_problems_assignment_idx on mes.assignment_problems (assignment_id, id)`.execute(db);
  await sql`create index assignment_problems_plan_idx on mes.assignment_problems (plan_id, id)`.execute(db);
  await sql`create index assignment_problems_open_idx on mes.assignment_problems (id) where resolved_at is null`.execute(db);

  await sql`
    create table mes.idempotency_keys (
      key text not null check (length(key) between 1 and 200),
      user_id bigint not null references mes.users (id) on delete cascade,
      route text not null check (length(route) between 1 and 300),
      status_code integer not null check (status_code between 200 and 299),
      response jsonb not null,
      created_at timestamptz not null default now(),
      primary key (key, user_id)
    )`.execute(db);
  await sql`create index idempotency_keys_created_idx on mes.idempotency_keys (created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table mes.idempotency_keys`.execute(db);
  await sql`drop table mes.assignment_problems`.execute(db);
  await sql`drop table mes.assignment_pauses`.execute(db);
}
