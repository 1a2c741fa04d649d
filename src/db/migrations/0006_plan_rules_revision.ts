/**
 * 0006 — a stamp for everything plan validation reads, so a process can keep
 * the catalog it validates plan documents against.
 *
 * mes.catalog_revision.rules_revision moves whenever something a plan
 * document's validation depends on changes: operations, stations, materials,
 * substations or workers come, go, are archived or restored (a substation
 * also when it moves to another station), and any change of which station
 * can perform which operation or where and what a worker may work. It stays
 * put for what the shop floor changes all day (worker and substation status,
 * stock), which would otherwise throw the kept catalog away at every start.
 * Names keep their own stamp (catalog_revision.revision, 0004).
 *
 * A plan creation validates against the kept catalog and its insert writes
 * nothing unless both stamps are still the ones the catalog was read at (one
 * statement, one snapshot), so a catalog that went stale is noticed where it
 * matters and read again.
 */
import { type Kysely, sql } from 'kysely';

/** Master tables, with the columns whose change matters to validation. */
const masters = [
  { table: 'operations', columns: ['id', 'archived_at'] },
  { table: 'stations', columns: ['id', 'archived_at'] },
  { table: 'materials', columns: ['code', 'archived_at'] },
  { table: 'substations', columns: ['id', 'station_id', 'archived_at'] },
  { table: 'workers', columns: ['id', 'archived_at'] },
] as const;
/** Link tables: every change matters. */
const links = ['station_operations', 'worker_operations', 'worker_stations'] as const;

/** The statements on a master table that always count (an update counts only when it touches `columns`). */
const masterEvents = ['insert', 'delete', 'truncate'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mes.catalog_revision add column rules_revision bigint not null default nextval('mes.read_revision_seq')`.execute(db);
  await sql`
    create function mes.bump_rules_revision() returns trigger language plpgsql as $$
    begin
      update mes.catalog_revision set rules_revision = nextval('mes.read_revision_seq');
      return null;
    end $$`.execute(db);
  for (const { table, columns } of masters) {
    const changed = columns.map((c) => `old.${c} is distinct from new.${c}`).join(' or ');
    await sql`
      create trigger ${sql.raw(`${table}_rules_revision_update`)} after update on ${sql.table(`mes.${table}`)}
        for each row when (${sql.raw(changed)}) execute function mes.bump_rules_revision()`.execute(db);
    for (const event of masterEvents) {
      await sql`
        create trigger ${sql.raw(`${table}_rules_revision_${event}`)} after ${sql.raw(event)} on ${sql.table(`mes.${table}`)}
          for each statement execute function mes.bump_rules_revision()`.execute(db);
    }
  }
  for (const table of links) {
    await sql`
      create trigger ${sql.raw(`${table}_rules_revision`)} after insert or update or delete or truncate on ${sql.table(`mes.${table}`)}
        for each statement execute function mes.bump_rules_revision()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of links) await sql`drop trigger ${sql.raw(`${table}_rules_revision`)} on ${sql.table(`mes.${table}`)}`.execute(db);
  for (const { table } of masters) {
    for (const event of ['update', ...masterEvents])
      await sql`drop trigger ${sql.raw(`${table}_rules_revision_${event}`)} on ${sql.table(`mes.${table}`)}`.execute(db);
  }
  await sql`drop function mes.bump_rules_revision()`.execute(db);
  await sql`alter table mes.catalog_revision drop column rules_revision`.execute(db);
}
