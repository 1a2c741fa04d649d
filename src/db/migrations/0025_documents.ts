/**
 * 0025 — documents that live with the work (issue #17, item 4): drawings,
 * work instructions and CAD files attached to an operation, a plan or one
 * step (node) of a plan, stored in PostgreSQL itself so that a backup of the
 * database is a backup of the documents and PGlite serves them too.
 *
 * - mes.documents: one row per version. The owner is one of three kinds, each
 *   with its own foreign key (an operation; a plan; a plan and the stable
 *   node_id of one of its steps, which survives edits of the plan's graph);
 *   `owner_id` is derived from them (generated column) so that "version n of
 *   name X of owner Y" is one unique key. A new upload of the same name is
 *   version n+1 (computed in the inserting statement, serialized per owner and
 *   name by an advisory lock); older versions stay readable until deleted.
 * - content_type is what the server detected from the bytes (never what the
 *   client claimed), one of the allowed types (checked here as well).
 * - size is the content's length (checked against the bytes) and the service
 *   refuses anything over MES_DOCUMENT_MAX_MB; the table's own hard ceiling
 *   (256 MiB) is there so that no configuration can store more than a bytea
 *   comfortably holds.
 * - sha256 of the content (checked against the bytes): the download's ETag
 *   and a way to spot duplicates.
 * A plan's documents go with the plan (on delete cascade); an operation with
 * documents cannot be deleted (operations are archived, not deleted).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mes.documents (
      id bigint generated always as identity primary key,
      owner_kind text not null check (owner_kind in ('operation', 'plan', 'plan_node')),
      operation_id text references mes.operations (id),
      plan_id text references mes.production_plans (id) on delete cascade,
      node_key text check (node_key ~ '^[A-Za-z0-9_-]{1,40}$'),
      owner_id text not null generated always as (
        case owner_kind when 'operation' then operation_id when 'plan' then plan_id else plan_id || '/' || node_key end
      ) stored,
      name text not null check (length(name) between 1 and 200 and name !~ '[/\\\\[:cntrl:]]'),
      version integer not null check (version >= 1),
      content_type text not null check (content_type in ('application/pdf', 'image/png', 'image/jpeg', 'image/webp', 'image/vnd.dxf', 'model/step')),
      size integer not null check (size > 0 and size <= 268435456),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      content bytea not null,
      uploaded_by text not null,
      uploaded_at timestamptz not null default now(),
      constraint documents_owner_shape check (
        (owner_kind = 'operation' and operation_id is not null and plan_id is null and node_key is null)
        or (owner_kind = 'plan' and operation_id is null and plan_id is not null and node_key is null)
        or (owner_kind = 'plan_node' and operation_id is null and plan_id is not null and node_key is not null)
      ),
      constraint documents_size_is_length check (size = octet_length(content)),
      constraint documents_sha256_of_content check (sha256 = encode(sha256(content), 'hex')),
      constraint documents_version_unique unique (owner_kind, owner_id, name, version)
    )`.execute(db);
  await sql`create index documents_operation_idx on mes.documents (operation_id) where operation_id is not null`.execute(db);
  await sql`create index documents_plan_idx on mes.documents (plan_id, node_key) where plan_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table mes.documents`.execute(db);
}
