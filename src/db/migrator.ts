/**
 * Kysely's Migrator over the static migration list. On PostgreSQL (and PGlite)
 * a run is one transaction: a failing migration leaves nothing applied.
 */
import { type Kysely, type MigrationResultSet, Migrator, NO_MIGRATIONS } from 'kysely';
import { migrations } from './migrations/index.js';

export const migrationNames = Object.keys(migrations);

/**
 * A database at any version of the schema (the migrations run across them):
 * what Kysely's Migrator and its migrations take, and what Kysely<DB> and
 * the tests' untyped handles both are.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MigrationDb = Kysely<any>;

export function createMigrator(db: MigrationDb): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'mes_migrations',
    migrationLockTableName: 'mes_migrations_lock',
  });
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migrationName?: string,
  ) {
    super(message);
  }
}

function unwrap(result: MigrationResultSet): string[] {
  const failed = result.results?.find((r) => r.status === 'Error');
  if (result.error) {
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new MigrationError(failed ? `migration ${failed.migrationName} failed: ${cause}` : `migration failed: ${cause}`, failed?.migrationName);
  }
  return (result.results ?? []).map((r) => `${r.direction === 'Up' ? 'applied' : 'reverted'} ${r.migrationName}`);
}

export async function migrateToLatest(db: MigrationDb): Promise<string[]> {
  return unwrap(await createMigrator(db).migrateToLatest());
}

/** One step down. */
export async function migrateDown(db: MigrationDb): Promise<string[]> {
  return unwrap(await createMigrator(db).migrateDown());
}

/** Down (or up) to a named version; '0' or 'none' reverts everything. */
export async function migrateTo(db: MigrationDb, target: string): Promise<string[]> {
  if (target === '0' || target === 'none') return unwrap(await createMigrator(db).migrateTo(NO_MIGRATIONS));
  const name = migrationNames.find((n) => n === target || n.startsWith(`${target}_`));
  if (!name) throw new MigrationError(`unknown migration "${target}"; known: ${migrationNames.join(', ')}`);
  return unwrap(await createMigrator(db).migrateTo(name));
}

export async function appliedMigrations(db: MigrationDb): Promise<string[]> {
  const all = await createMigrator(db).getMigrations();
  return all.filter((m) => m.executedAt).map((m) => m.name);
}
