/**
 * 0033 — what lets a process keep pages of the plans list and know, by one
 * cheap query, that nothing they show changed since (issue #18 item 4;
 * `plans/list-cache.ts`, figures in BENCHMARKS.md "The pages on two years of
 * history").
 *
 * A page shows many plans, and which plans it shows depends on every plan, so
 * its stamp has to cover them all. The stamps of 0004 come from a sequence,
 * and a sequence is not transactional: a transaction may take stamp 100, a
 * second take 101 and commit, a reader see 101 as the newest and keep what it
 * read under it, and only then the first commit its 100: the newest stamp
 * stays 101 and the kept page would be stale for good. One counter row that
 * every change updates would be transactional, but every floor action of
 * every plan would then wait for the one before it to commit (the shop floor
 * runs 50 completions at once in the concurrency test).
 *
 * So the stamp row of each plan also records which transaction wrote it last
 * (`xid`, the top-level transaction id, 64 bits, never reused), and a reader
 * keeps a page with the snapshot it was read in (`pg_current_snapshot()` of
 * the same statement). The page is still what the database says exactly when
 * no stamp row carries a transaction that snapshot did not see: such a
 * transaction committed after the read (an uncommitted one is invisible to
 * the check too, and is found once it commits). Transactions that snapshot
 * did not see have ids at or above its xmin, so the check is a range scan of
 * the index on `xid` from there, stopped at the first hit. A later writer of
 * the same row committed later still, so overwriting an id never hides one.
 * No row is shared between plans: writers of different plans never wait for
 * each other, and the row a writer updates is the one 0004 already stamps.
 *
 * A plan that is deleted (a draft) loses its stamp row with it (the foreign
 * key cascades), and a truncation empties the table: `plan_list_removals`
 * keeps the transaction of the last delete or truncation of plans, one row
 * written by statement triggers (drafts are deleted rarely, so the row is not
 * hot). It is derived state, not data: not in `mesTables`, never truncated by
 * a reset, filled by the first removal.
 */
import { type Kysely, sql } from 'kysely';

/**
 * The revision stamps' trigger functions (0004, 0005): with `xid`, each stamp also carries the writing transaction's id
 * (this migration); without, they are 0005's again (its way down).
 */
async function stampFunctions(db: Kysely<unknown>, xid: boolean): Promise<void> {
  const columns = sql.raw(xid ? 'plan_id, revision, xid' : 'plan_id, revision');
  const values = sql.raw(xid ? `nextval('mes.read_revision_seq'), pg_current_xact_id()` : `nextval('mes.read_revision_seq')`);
  const update = sql.raw(xid ? 'revision = excluded.revision, xid = excluded.xid' : 'revision = excluded.revision');
  const stamp = (name: string, from: string, column: string, where = '') => sql`
    create or replace function ${sql.raw(name)}() returns trigger language plpgsql as $$
    begin
      insert into mes.plan_revisions (${columns})
        select x.plan_id, ${values}
          from (select distinct y.${sql.raw(column)} as plan_id from ${sql.raw(from)} y) x ${sql.raw(where)}
      on conflict (plan_id) do update set ${update};
      return null;
    end $$`;
  await stamp('mes.bump_plan_revision_child_new', 'new_rows', 'plan_id').execute(db);
  await stamp('mes.bump_plan_revision_plan_new', 'new_rows', 'id').execute(db);
  await stamp('mes.bump_plan_revision_child_old', 'old_rows', 'plan_id', 'where (select true from mes.production_plans p where p.id = x.plan_id)').execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // rows stamped before this migration were written by transactions every later snapshot sees: any id below them will do
  await sql`alter table mes.plan_revisions add column xid xid8 not null default '1'::xid8`.execute(db);
  await sql`alter table mes.plan_revisions alter column xid set default pg_current_xact_id()`.execute(db);
  await sql`create index plan_revisions_xid_idx on mes.plan_revisions (xid)`.execute(db);
  await stampFunctions(db, true);

  await sql`
    create table mes.plan_list_removals (
      singleton boolean primary key default true check (singleton),
      xid xid8 not null default pg_current_xact_id()
    )`.execute(db);
  await sql`
    create function mes.stamp_plan_removal() returns trigger language plpgsql as $$
    begin
      insert into mes.plan_list_removals (singleton, xid) values (true, pg_current_xact_id())
      on conflict (singleton) do update set xid = excluded.xid;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger production_plans_list_removal after delete on mes.production_plans
      for each statement execute function mes.stamp_plan_removal()`.execute(db);
  await sql`
    create trigger production_plans_list_truncate after truncate on mes.production_plans
      for each statement execute function mes.stamp_plan_removal()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger production_plans_list_truncate on mes.production_plans`.execute(db);
  await sql`drop trigger production_plans_list_removal on mes.production_plans`.execute(db);
  await sql`drop function mes.stamp_plan_removal()`.execute(db);
  await sql`drop table mes.plan_list_removals`.execute(db);
  await stampFunctions(db, false); // 0005's, which do not name the column
  await sql`drop index mes.plan_revisions_xid_idx`.execute(db);
  await sql`alter table mes.plan_revisions drop column xid`.execute(db);
}
