/**
 * 0004 — revisions that let a process keep read results without serving stale ones.
 *
 * Why it looks like this:
 * - mes.plan_revisions stamps the last change of everything a plan's detail is
 *   built from (the plan row, its nodes, edges, candidate stations, material
 *   inputs and assignments). Statement triggers stamp it, once per statement
 *   and plan, so no write path can forget to. Stamps come from one sequence,
 *   so a value is never reused, even after truncation brings a plan code
 *   back. It is a table of its own so that the plan's updated_at keeps
 *   meaning "the plan was edited"; every write path locks the plan row before
 *   its children, so stamping this row adds no new lock order;
 * - mes.catalog_revision stamps the last rename of what the detail shows by name
 *   (operations, stations, materials and their unit, workers): one row,
 *   bumped only when such a name really changes;
 * - a process keeps a plan's detail next to the pair (plan revision, catalog
 *   revision) read in the same statement, and serves it again only after one
 *   indexed query shows the pair unchanged: read-your-writes across every
 *   instance, because the check is in the database;
 * - sessions: deleting a session (sign-out, expiry, password change) and
 *   changing or deleting a user NOTIFY `mes_sessions` with the user id, so a
 *   process that keeps signed-in users for a short while drops them as soon
 *   as the change commits, whichever process or CLI made it.
 */
import { type Kysely, sql } from 'kysely';

/** The tables a plan's detail is read from, each with its plan_id. */
const planChildren = ['production_plan_nodes', 'node_predecessors', 'node_stations', 'node_material_inputs', 'worker_assignments'] as const;
/** Bumping functions: (children or the plan row itself) × (new or old transition rows). */
const revisionFunctions = [
  ['child', 'new', 'new_rows', 'plan_id'],
  ['child', 'old', 'old_rows', 'plan_id'],
  ['plan', 'new', 'new_rows', 'id'],
] as const;
const renames = [
  { table: 'operations', columns: ['name'] },
  { table: 'stations', columns: ['name'] },
  { table: 'materials', columns: ['name', 'unit'] },
  { table: 'workers', columns: ['name'] },
] as const;

/**
 * The stamping functions as this migration made them (0005 replaces them and
 * restores these on its way down).
 */
export async function createBumpFunctions(db: Kysely<unknown>, verb: 'create' | 'create or replace'): Promise<void> {
  for (const [kind, side, rows, column] of revisionFunctions) {
    await sql`
      ${sql.raw(verb)} function ${sql.raw(`mes.bump_plan_revision_${kind}_${side}`)}() returns trigger language plpgsql as $$
      begin
        insert into mes.plan_revisions (plan_id, revision)
          select x.plan_id, nextval('mes.read_revision_seq')
            from (select distinct y.${sql.raw(column)} as plan_id from ${sql.raw(rows)} y) x
            join mes.production_plans p on p.id = x.plan_id
        on conflict (plan_id) do update set revision = excluded.revision;
        return null;
      end $$`.execute(db);
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // stamps rather than counters: never reused, not even after the tables are truncated and a plan code comes again
  await sql`create sequence mes.read_revision_seq`.execute(db);
  await sql`
    create table mes.plan_revisions (
      plan_id text primary key references mes.production_plans (id) on delete cascade,
      revision bigint not null
    )`.execute(db);
  await sql`insert into mes.plan_revisions (plan_id, revision) select id, nextval('mes.read_revision_seq') from mes.production_plans`.execute(db);
  // PostgreSQL allows transition tables only on single-event triggers: one function per side
  await createBumpFunctions(db, 'create');
  for (const table of planChildren) {
    for (const [event, side, rows] of [
      ['insert', 'new', 'new_rows'],
      ['update', 'new', 'new_rows'],
      ['delete', 'old', 'old_rows'],
    ] as const) {
      await sql`
        create trigger ${sql.raw(`${table}_revision_${event}`)} after ${sql.raw(event)} on ${sql.table(`mes.${table}`)}
          referencing ${sql.raw(side)} table as ${sql.raw(rows)}
          for each statement execute function ${sql.raw(`mes.bump_plan_revision_child_${side}`)}()`.execute(db);
    }
  }
  for (const event of ['insert', 'update']) {
    await sql`
      create trigger ${sql.raw(`production_plans_revision_${event}`)} after ${sql.raw(event)} on mes.production_plans
        referencing new table as new_rows
        for each statement execute function mes.bump_plan_revision_plan_new()`.execute(db);
  }

  await sql`
    create table mes.catalog_revision (
      singleton boolean primary key default true check (singleton),
      revision bigint not null default nextval('mes.read_revision_seq')
    )`.execute(db);
  await sql`insert into mes.catalog_revision default values`.execute(db);
  await sql`
    create function mes.bump_catalog_revision() returns trigger language plpgsql as $$
    begin
      update mes.catalog_revision set revision = nextval('mes.read_revision_seq');
      return null;
    end $$`.execute(db);
  for (const { table, columns } of renames) {
    const changed = columns.map((c) => `old.${c} is distinct from new.${c}`).join(' or ');
    await sql`
      create trigger ${sql.raw(`${table}_catalog_revision`)} after update of ${sql.raw(columns.join(', '))} on ${sql.table(`mes.${table}`)}
        for each row when (${sql.raw(changed)}) execute function mes.bump_catalog_revision()`.execute(db);
  }

  await sql`
    create function mes.notify_sessions_old() returns trigger language plpgsql as $$
    begin
      perform pg_notify('mes_sessions', x.user_id::text) from (select distinct user_id from old_rows) x;
      return null;
    end $$`.execute(db);
  await sql`
    create function mes.notify_users_old() returns trigger language plpgsql as $$
    begin
      perform pg_notify('mes_sessions', x.id::text) from old_rows x;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger sessions_notify_delete after delete on mes.sessions
      referencing old table as old_rows for each statement execute function mes.notify_sessions_old()`.execute(db);
  await sql`
    create trigger users_notify_update after update on mes.users
      referencing old table as old_rows for each statement execute function mes.notify_users_old()`.execute(db);
  await sql`
    create trigger users_notify_delete after delete on mes.users
      referencing old table as old_rows for each statement execute function mes.notify_users_old()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger users_notify_delete on mes.users`.execute(db);
  await sql`drop trigger users_notify_update on mes.users`.execute(db);
  await sql`drop trigger sessions_notify_delete on mes.sessions`.execute(db);
  await sql`drop function mes.notify_users_old()`.execute(db);
  await sql`drop function mes.notify_sessions_old()`.execute(db);
  for (const { table } of renames) await sql`drop trigger ${sql.raw(`${table}_catalog_revision`)} on ${sql.table(`mes.${table}`)}`.execute(db);
  await sql`drop function mes.bump_catalog_revision()`.execute(db);
  await sql`drop table mes.catalog_revision`.execute(db);
  for (const event of ['insert', 'update']) await sql`drop trigger ${sql.raw(`production_plans_revision_${event}`)} on mes.production_plans`.execute(db);
  for (const table of planChildren) {
    for (const event of ['insert', 'update', 'delete'])
      await sql`drop trigger ${sql.raw(`${table}_revision_${event}`)} on ${sql.table(`mes.${table}`)}`.execute(db);
  }
  for (const [kind, side] of revisionFunctions) await sql`drop function ${sql.raw(`mes.bump_plan_revision_${kind}_${side}`)}()`.execute(db);
  await sql`drop table mes.plan_revisions`.execute(db);
  await sql`drop sequence mes.read_revision_seq`.execute(db);
}
