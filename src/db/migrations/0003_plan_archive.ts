/**
 * 0003 — archiving finished plans out of the hot tables.
 *
 * Why it looks like this:
 * - the plan header stays in mes.production_plans (one small row per plan:
 *   the list, work-order lookups and the ledger's plan_id keep working); its
 *   graph and assignments (nodes, edges, candidates, inputs, assignments,
 *   pauses, problems — the bulk) move into one jsonb document per plan in
 *   mes.plan_archives, which is the plan detail exactly as the API served it
 *   when it was archived, so reading an archived plan is one row;
 * - only completed or cancelled plans can be archived (check constraint), and
 *   an archived plan has its archive row (the archive's foreign key and the
 *   integrity check `archived_plans_moved_out`);
 * - the material ledger is the stock history and is never archived; its
 *   node_id and assignment_id keep naming the archived node and assignment
 *   (they are in the document), so their foreign keys to the hot tables are
 *   dropped and the integrity check `ledger_references` takes their place:
 *   a ledger row names a live node/assignment or one of an archived plan.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mes.production_plans add column archived_at timestamptz`.execute(db);
  await sql`
    alter table mes.production_plans add constraint production_plans_archive_finished
      check (archived_at is null or status in ('completed', 'cancelled'))`.execute(db);
  // candidates for archiving: finished, not yet archived, by when they finished
  await sql`
    create index production_plans_finished_idx on mes.production_plans (coalesce(completed_at, cancelled_at))
      where archived_at is null and status in ('completed', 'cancelled')`.execute(db);
  await sql`
    create table mes.plan_archives (
      plan_id text primary key references mes.production_plans (id) on delete cascade,
      archived_at timestamptz not null default now(),
      archived_by text,
      node_count integer not null check (node_count >= 0),
      completed_nodes integer not null check (completed_nodes between 0 and node_count),
      document jsonb not null check (jsonb_typeof(document) = 'object'),
      problems jsonb not null default '[]' check (jsonb_typeof(problems) = 'array'),
      pauses jsonb not null default '[]' check (jsonb_typeof(pauses) = 'array')
    )`.execute(db);
  await sql`alter table mes.material_ledger drop constraint material_ledger_node_id_fkey`.execute(db);
  await sql`alter table mes.material_ledger drop constraint material_ledger_assignment_id_fkey`.execute(db);
  await sql`create index material_ledger_node_idx on mes.material_ledger (node_id) where node_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // the archive holds the only copy of archived graphs: refuse rather than lose them
  const archived = await sql<{ n: number }>`select count(*)::int as n from mes.plan_archives`.execute(db);
  if (archived.rows[0]!.n > 0) {
    throw new Error(
      `${archived.rows[0]!.n} archived plans exist; their graphs live only in mes.plan_archives. ` +
        'Export them (GET /api/mes/production-plans/:id/export) or back up the database before reverting 0003_plan_archive.',
    );
  }
  await sql`drop index mes.material_ledger_node_idx`.execute(db);
  await sql`
    alter table mes.material_ledger add constraint material_ledger_node_id_fkey
      foreign key (node_id) references mes.production_plan_nodes (id) on delete set null`.execute(db);
  await sql`
    alter table mes.material_ledger add constraint material_ledger_assignment_id_fkey
      foreign key (assignment_id) references mes.worker_assignments (id) on delete set null`.execute(db);
  await sql`drop table mes.plan_archives`.execute(db);
  await sql`drop index mes.production_plans_finished_idx`.execute(db);
  await sql`alter table mes.production_plans drop constraint production_plans_archive_finished`.execute(db);
  await sql`alter table mes.production_plans drop column archived_at`.execute(db);
}
