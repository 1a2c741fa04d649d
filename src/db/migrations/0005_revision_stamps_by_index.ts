/**
 * 0005 — revision stamps look plans up by index, never by scanning them.
 *
 * The stamping functions of 0004 joined the changed rows' plan ids to
 * mes.production_plans. The transition table has no statistics, so for a
 * statement that changed about twenty rows or more (a plan's candidate
 * stations, a replaced graph) the planner estimated as many plans and hashed
 * the whole plans table: a sequential scan per statement that grows with
 * every plan ever kept (0.5 ms at 4,000 plans; with 10 nodes, the two such
 * statements of a plan creation were a tenth of its time).
 *
 * - Rows inserted or updated name a plan that exists (their foreign key, or
 *   the plan row itself): no lookup at all.
 * - Rows deleted may belong to a plan deleted in the same statement (the
 *   cascade): each distinct plan id is checked by a scalar subquery, which
 *   the planner runs as one index probe per id and never turns into a join.
 */
import { type Kysely, sql } from 'kysely';
import { createBumpFunctions } from './0004_read_revisions.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [kind, column] of [
    ['child', 'plan_id'],
    ['plan', 'id'],
  ] as const) {
    await sql`
      create or replace function ${sql.raw(`mes.bump_plan_revision_${kind}_new`)}() returns trigger language plpgsql as $$
      begin
        insert into mes.plan_revisions (plan_id, revision)
          select x.plan_id, nextval('mes.read_revision_seq')
            from (select distinct y.${sql.raw(column)} as plan_id from new_rows y) x
        on conflict (plan_id) do update set revision = excluded.revision;
        return null;
      end $$`.execute(db);
  }
  await sql`
    create or replace function mes.bump_plan_revision_child_old() returns trigger language plpgsql as $$
    begin
      insert into mes.plan_revisions (plan_id, revision)
        select x.plan_id, nextval('mes.read_revision_seq')
          from (select distinct y.plan_id from old_rows y) x
         where (select true from mes.production_plans p where p.id = x.plan_id)
      on conflict (plan_id) do update set revision = excluded.revision;
      return null;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await createBumpFunctions(db, 'create or replace');
}
