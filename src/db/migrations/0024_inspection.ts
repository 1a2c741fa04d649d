/**
 * 0024 — quality checks on the floor (issue #17, item 3): inspection plans on
 * operations, results per assignment, non-conformance records.
 *
 * - mes.inspection_items: an operation's ordered check items. The kind decides
 *   which columns mean something, and CHECKs say so: a measurement has a
 *   nominal, lower/upper tolerance (signed deviations from the nominal, lower
 *   ≤ upper), a unit and 1..50 samples; every other kind has none of those and
 *   one sample. An item that has results is never changed or deleted: editing
 *   it retires the row (retired_at) and adds a new one, so a recorded value
 *   is always read against the spec it was measured against.
 * - mes.inspection_results: one row per recorded value. A re-entry of the same
 *   (assignment, item, sample) is a NEW row and the one it replaces gets
 *   superseded_at/superseded_by: history is kept, and a partial unique index
 *   keeps one current value per sample. The value column that is set follows
 *   the item's kind (CHECK; the kind is carried over a composite FK to the
 *   item, so it cannot disagree with it); `ok` is decided by the application
 *   from the item's tolerance and stored with the value.
 * - mes.nonconformances (+ nonconformance_items): what was found wrong on an
 *   assignment, for which quantity and items, and what is done with it
 *   (scrap / rework / use_as_is). Codes NCR-MMYY-NNN come from mes.next_code
 *   like plan codes. approved_by/approved_at are set together; a rework adds
 *   a plan node (rework_node_id) when it is approved.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mes.inspection_items (
      id bigint generated always as identity primary key,
      operation_id text not null references mes.operations (id),
      position integer not null check (position >= 1),
      kind text not null check (kind in ('pass_fail', 'measurement', 'text', 'photo')),
      label text not null check (length(label) between 1 and 200),
      required_at text not null check (required_at in ('start', 'completion')),
      nominal numeric(14,4),
      lower_tolerance numeric(14,4),
      upper_tolerance numeric(14,4),
      unit text check (unit is null or length(unit) between 1 and 20),
      samples smallint not null default 1 check (samples between 1 and 50),
      retired_at timestamptz,
      created_at timestamptz not null default now(),
      unique (id, kind),
      constraint inspection_items_measurement_spec check (
        case when kind = 'measurement'
          then nominal is not null and lower_tolerance is not null and upper_tolerance is not null
               and unit is not null and lower_tolerance <= upper_tolerance
          else nominal is null and lower_tolerance is null and upper_tolerance is null and unit is null and samples = 1
        end)
    )`.execute(db);
  await sql`create index inspection_items_operation_idx on mes.inspection_items (operation_id, position) where retired_at is null`.execute(db);

  await sql`
    create table mes.inspection_results (
      id bigint generated always as identity primary key,
      assignment_id text not null references mes.worker_assignments (id) on delete cascade,
      item_id bigint not null,
      kind text not null,
      sample smallint not null check (sample >= 1),
      value_number numeric(14,4),
      value_bool boolean,
      value_text text check (value_text is null or length(value_text) <= 1000000),
      ok boolean not null,
      recorded_by text not null,
      recorded_at timestamptz not null default now(),
      superseded_at timestamptz,
      superseded_by bigint references mes.inspection_results (id),
      foreign key (item_id, kind) references mes.inspection_items (id, kind),
      constraint inspection_results_value_of_kind check (
        case kind
          when 'measurement' then value_number is not null and value_bool is null and value_text is null
          when 'pass_fail' then value_bool is not null and value_number is null and value_text is null and ok = value_bool
          else value_text is not null and value_number is null and value_bool is null
        end),
      constraint inspection_results_superseded check (superseded_by is null or superseded_at is not null)
    )`.execute(db);
  await sql`create unique index inspection_results_current on mes.inspection_results (assignment_id, item_id, sample) where superseded_at is null`.execute(db);

  await sql`create function mes.generate_nonconformance_code() returns text language sql as $$ select mes.next_code('NCR') $$`.execute(db);
  await sql`
    create table mes.nonconformances (
      id bigint generated always as identity primary key,
      code text not null unique default mes.generate_nonconformance_code() check (code ~ '^NCR-[0-9]{4}-[0-9]{3,}$'),
      assignment_id text not null references mes.worker_assignments (id) on delete cascade,
      plan_id text not null references mes.production_plans (id) on delete cascade,
      node_id bigint not null references mes.production_plan_nodes (id) on delete cascade,
      quantity numeric(14,3) not null check (quantity > 0),
      disposition text not null check (disposition in ('scrap', 'rework', 'use_as_is')),
      note text not null default '' check (length(note) <= 2000),
      approved_by text,
      approved_at timestamptz,
      created_by text not null,
      created_at timestamptz not null default now(),
      rework_node_id bigint references mes.production_plan_nodes (id) on delete set null,
      constraint nonconformances_approval_pair check ((approved_by is null) = (approved_at is null)),
      constraint nonconformances_rework_only check (rework_node_id is null or disposition = 'rework')
    )`.execute(db);
  await sql`create index nonconformances_plan_idx on mes.nonconformances (plan_id, id)`.execute(db);
  await sql`create index nonconformances_assignment_idx on mes.nonconformances (assignment_id)`.execute(db);
  await sql`
    create table mes.nonconformance_items (
      nonconformance_id bigint not null references mes.nonconformances (id) on delete cascade,
      item_id bigint not null references mes.inspection_items (id),
      primary key (nonconformance_id, item_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table mes.nonconformance_items`.execute(db);
  await sql`drop table mes.nonconformances`.execute(db);
  await sql`drop function mes.generate_nonconformance_code()`.execute(db);
  await sql`delete from mes.code_counters where prefix = 'NCR'`.execute(db);
  await sql`drop table mes.inspection_results`.execute(db);
  await sql`drop table mes.inspection_items`.execute(db);
}
