/**
 * Rolling back a database that holds data: to every earlier version and to
 * nothing, then forward again. Tables of the reverted migrations lose their
 * rows (that is what a rollback means); every other row survives, the
 * invariants still hold, and the seed runs again afterwards.
 */
import { type Kysely, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { DB } from '../../src/db/schema.js';
import { appliedMigrations, migrateTo, migrateToLatest, migrationNames } from '../../src/db/migrator.js';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { releasePlan } from '../../src/modules/plans/lifecycle.service.js';
import { countMesRows } from '../../src/seed/seed.js';
import { seed } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { runCommand } from '../helpers/processes.js';

async function mesTablesNow(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'mes' order by 1`.execute(db);
  return rows.map((r) => r.name);
}

async function counts(db: Kysely<DB>, tables: string[]): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(`mes.${table}`)}`.execute(db);
    result[table] = rows[0]!.n;
  }
  return result;
}

describeEachEngine('rollback of a database with data', (ctx) => {
  let full: Record<string, number>;
  let latestTables: string[];
  const db = () => ctx.database.db;

  beforeAll(async () => {
    await seed(db(), 'default');
    const planId = (await db().selectFrom('mes.production_plans').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
    await releasePlan(db(), planId, true, { actor: 'test', now: new Date(), utcOffsetMinutes: 0, schedulerBudgetMs: 20 });
    // a row in a table of the latest migration, so its rollback has something to drop
    const assignment = await db().selectFrom('mes.worker_assignments').select(['id', 'plan_id']).executeTakeFirstOrThrow();
    await sql`insert into mes.assignment_problems (assignment_id, plan_id, category, text, reported_by)
              values (${assignment.id}, ${assignment.plan_id}, 'machine', 'coolant leak', 'W-001')`.execute(db());
    latestTables = await mesTablesNow(db());
    full = await counts(db(), latestTables);
    expect(full.worker_assignments).toBeGreaterThan(0);
    expect(await runIntegrityChecks(db())).toEqual([]);
  });

  for (let i = migrationNames.length - 2; i >= 0; i--) {
    const target = migrationNames[i]!;
    it(`down to ${target} keeps the rows of the remaining tables; up again restores the schema with them`, async () => {
      const lines = await migrateTo(db(), target.slice(0, 4));
      expect(lines).toEqual(
        migrationNames
          .slice(i + 1)
          .reverse()
          .map((n) => `reverted ${n}`),
      );
      expect(await appliedMigrations(db())).toEqual(migrationNames.slice(0, i + 1));
      const remaining = await mesTablesNow(db());
      const dropped = latestTables.filter((t) => !remaining.includes(t));
      const kept = await counts(db(), remaining);
      expect(kept).toEqual(Object.fromEntries(remaining.map((t) => [t, full[t]])));

      expect(await migrateToLatest(db())).toEqual(migrationNames.slice(i + 1).map((n) => `applied ${n}`));
      expect(await mesTablesNow(db())).toEqual(latestTables);
      const after = await counts(db(), latestTables);
      // tables of derived state are filled again by their migration: a revision stamp and a list summary per plan, the catalog's
      // one row, the rollups' settings row
      const refilled: Record<string, number> = {
        plan_revisions: after.production_plans!,
        plan_summaries: after.production_plans!,
        catalog_revision: 1,
        analytics_settings: 1,
      };
      expect(after).toEqual(Object.fromEntries(latestTables.map((t) => [t, dropped.includes(t) ? (refilled[t] ?? 0) : full[t]])));
      expect(await runIntegrityChecks(db())).toEqual([]);
      // what the later migrations held is gone for good: later rows compare against this
      full = after;
    });
  }

  it('down to 0 removes the schema; up again and the seed runs on the empty database', async () => {
    expect(await migrateTo(db(), '0')).toEqual([...migrationNames].reverse().map((n) => `reverted ${n}`));
    expect(await mesTablesNow(db())).toEqual([]);
    expect(await appliedMigrations(db())).toEqual([]);
    await migrateToLatest(db());
    expect(await countMesRows(db())).toSatisfy((c: Record<string, number>) => Object.values(c).every((n) => n === 0));
    const summary = await seed(db(), 'default');
    expect(summary.counts).toEqual(await countMesRows(db()));
    expect(summary.counts.workers).toBe(10);
    expect(summary.counts.production_plans).toBe(10);
    expect(await runIntegrityChecks(db())).toEqual([]);
  });

  it.runIf(ctx.engine === 'postgres')('npm run migrate:rollback -- --to VERSION and npm run migrate work on the seeded database', async () => {
    const env = { DATABASE_URL: ctx.url };
    const target = migrationNames[0]!.slice(0, 4);
    const down = await runCommand('cli/migrate.ts', ['down', '--to', target], env);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain(`reverted ${migrationNames.at(-1)}`);
    const up = await runCommand('cli/migrate.ts', ['up'], env);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(`applied ${migrationNames.at(-1)}`);
    expect(await appliedMigrations(db())).toEqual(migrationNames);
    expect(await runIntegrityChecks(db())).toEqual([]);
  });
});
