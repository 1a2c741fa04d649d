import { type Kysely, Migrator, sql } from 'kysely';
import { expect, it } from 'vitest';
import { appliedMigrations, migrateDown, migrateTo, migrateToLatest, migrationNames } from '../../src/db/migrator.js';
import { migrations } from '../../src/db/migrations/index.js';
import type { DB } from '../../src/db/schema.js';
import { describeEachEngine } from '../helpers/engines.js';

/** Everything of schema mes that a migration defines, as comparable text. */
async function catalog(db: Kysely<DB>): Promise<string[]> {
  const result = await sql<{ item: string }>`
    select 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') as item
      from information_schema.columns where table_schema = 'mes'
    union all
    select 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
      from pg_constraint where connamespace = 'mes'::regnamespace
    union all
    select 'index ' || indexname || ' ' || indexdef from pg_indexes where schemaname = 'mes'
    union all
    -- a SQL-standard body (0039's booking_box) is not in prosrc, which is empty for it
    select 'function ' || p.proname || ' ' || md5(coalesce(pg_get_function_sqlbody(p.oid), p.prosrc)) from pg_proc p where p.pronamespace = 'mes'::regnamespace
    union all
    select 'options ' || c.relname || ' ' || array_to_string(c.reloptions, ',') from pg_class c
     where c.relnamespace = 'mes'::regnamespace and c.reloptions is not null
    union all
    select 'trigger ' || tgrelid::regclass::text || ' ' || tgname || ' ' || pg_get_triggerdef(t.oid)
      from pg_trigger t join pg_class c on c.oid = t.tgrelid
     where c.relnamespace = 'mes'::regnamespace and not t.tgisinternal
    order by 1`.execute(db);
  return result.rows.map((r) => r.item);
}

async function schemaExists(db: Kysely<DB>): Promise<boolean> {
  const r = await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname = 'mes'`.execute(db);
  return r.rows[0]!.n === 1;
}

describeEachEngine('migrations', (ctx) => {
  it('up, down to nothing, up again gives the same catalog', async () => {
    const db = ctx.database.db;
    expect(await appliedMigrations(db)).toEqual(migrationNames);
    const before = await catalog(db);
    expect(before.length).toBeGreaterThan(100);
    expect(before.some((i) => i.includes('worker_assignments_worker_no_overlap') && i.includes('EXCLUDE USING gist'))).toBe(true);
    expect(before).toContain('options worker_assignments autovacuum_vacuum_threshold=1000,autovacuum_vacuum_scale_factor=0.01');

    await migrateTo(db, '0');
    expect(await schemaExists(db)).toBe(false);
    expect(await appliedMigrations(db)).toEqual([]);

    await migrateToLatest(db);
    expect(await catalog(db)).toEqual(before);
  });

  it('rolls back one step at a time down to nothing and back', async () => {
    const db = ctx.database.db;
    for (let i = migrationNames.length; i > 0; i--) {
      await migrateDown(db);
      expect(await appliedMigrations(db)).toEqual(migrationNames.slice(0, i - 1));
    }
    expect(await migrateToLatest(db)).toEqual(migrationNames.map((n) => `applied ${n}`));
  });

  it('a failing migration exits with an error and leaves nothing of itself or its batch applied', async () => {
    const db = ctx.database.db;
    await migrateTo(db, '0');
    const broken = new Migrator({
      db,
      provider: {
        getMigrations: async () => ({
          ...migrations,
          '9999_broken': {
            up: async (trx: Kysely<unknown>) => {
              await sql`create table mes.half_written (id int)`.execute(trx);
              await sql`select * from mes.no_such_table`.execute(trx);
            },
          },
        }),
      },
      migrationTableName: 'mes_migrations',
      migrationLockTableName: 'mes_migrations_lock',
    });
    const result = await broken.migrateToLatest();
    expect(result.error).toBeDefined();
    expect(await schemaExists(db)).toBe(false);
    expect(await appliedMigrations(db)).toEqual([]);
    await migrateToLatest(db);
    expect(await appliedMigrations(db)).toEqual(migrationNames);
  });

  it('refuses an unknown rollback target with a clear message', async () => {
    await expect(migrateTo(ctx.database.db, '0099')).rejects.toThrow(/unknown migration "0099"/);
  });
});
