/**
 * npm run migrate                        apply every pending migration
 * npm run migrate:rollback               revert the last applied migration
 * npm run migrate:rollback -- --to 0001  revert down to a version (0 = everything)
 * npm run migrate -- status              list migrations and whether they are applied
 */
import { parseArgs } from 'node:util';
import { appliedMigrations, migrateDown, migrateTo, migrateToLatest, migrationNames } from '../src/db/migrator.js';
import { runCli, UsageError, withDatabase } from './common.js';

const usage = 'usage: migrate up | down [--to VERSION] | status';

runCli(
  'migrate',
  async () => {
    let parsed;
    try {
      parsed = parseArgs({ args: process.argv.slice(2), options: { to: { type: 'string' } }, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const [command = 'up', ...rest] = parsed.positionals;
    if (rest.length > 0 || !['up', 'down', 'status'].includes(command)) throw new UsageError(`unknown command "${parsed.positionals.join(' ')}"`);
    if (parsed.values.to !== undefined && command !== 'down') throw new UsageError('--to goes with down (migrate:rollback)');
    await withDatabase(async ({ db, engine, location }) => {
      console.log(`database: ${engine} at ${location}`);
      if (command === 'status') {
        const applied = new Set(await appliedMigrations(db));
        for (const name of migrationNames) console.log(`${applied.has(name) ? '[x]' : '[ ]'} ${name}`);
        return;
      }
      const lines =
        command === 'up' ? await migrateToLatest(db) : parsed.values.to !== undefined ? await migrateTo(db, parsed.values.to) : await migrateDown(db);
      console.log(lines.length > 0 ? lines.join('\n') : 'nothing to do');
    });
  },
  usage,
);
