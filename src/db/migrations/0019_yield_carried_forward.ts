/**
 * 0019 — yield carried forward (issue #15, item 3).
 *
 * A step that completes with scrap delivers less than planned, and the steps
 * that consume its output can then make less. Until now nothing recorded
 * that: the next step still asked for the planned quantity.
 *
 * - production_plan_nodes.expected_quantity: the good quantity the step can
 *   still be expected to make, given what its feeders delivered or are
 *   expected to deliver; null = the planned quantity (nothing was short).
 *   Checked 0 ≤ expected ≤ quantity. Written in the completion's transaction
 *   (and by a remake), never by a client.
 * - production_plan_nodes.short_accepted_at / short_accepted_by: the
 *   planner's decision "accept short" on a step that delivered less than it
 *   was expected to (both or neither).
 * - production_plan_nodes.extra_of / extra_kind: a step added to a released
 *   plan for another one of the same plan — a 'remake' of a scrapped quantity
 *   (this issue) or a 'rework' (quality's non-conformance). Its output counts
 *   toward the original's consumers. Both or neither; the foreign key keeps
 *   it inside its plan.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mes.production_plan_nodes
    add column expected_quantity numeric(14,3),
    add column short_accepted_at timestamptz,
    add column short_accepted_by text,
    add column extra_of bigint,
    add column extra_kind text,
    add constraint production_plan_nodes_expected_range check (expected_quantity is null or (expected_quantity >= 0 and expected_quantity <= quantity)),
    add constraint production_plan_nodes_short_accepted_pair check ((short_accepted_at is null) = (short_accepted_by is null)),
    add constraint production_plan_nodes_extra_kind check (extra_kind in ('remake', 'rework')),
    add constraint production_plan_nodes_extra_pair check ((extra_of is null) = (extra_kind is null)),
    add constraint production_plan_nodes_extra_of_fk foreign key (plan_id, extra_of) references mes.production_plan_nodes (plan_id, id) on delete cascade`.execute(
    db,
  );
  await sql`create index production_plan_nodes_extra_of_idx on mes.production_plan_nodes (extra_of) where extra_of is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index mes.production_plan_nodes_extra_of_idx`.execute(db);
  await sql`alter table mes.production_plan_nodes
    drop constraint production_plan_nodes_extra_of_fk,
    drop constraint production_plan_nodes_extra_pair,
    drop constraint production_plan_nodes_extra_kind,
    drop constraint production_plan_nodes_short_accepted_pair,
    drop constraint production_plan_nodes_expected_range,
    drop column extra_kind,
    drop column extra_of,
    drop column short_accepted_by,
    drop column short_accepted_at,
    drop column expected_quantity`.execute(db);
}
