/** Shared by the CLI commands: open the configured database, run, report one clear line on failure. */
import { loadConfig } from '../src/config.js';
import { type Database, openDatabase } from '../src/db/database.js';
import { describeFailure } from '../src/shared/failure.js';

export class UsageError extends Error {}

export async function withDatabase(run: (database: Database) => Promise<void>): Promise<void> {
  const config = loadConfig([]);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, applicationName: 'burkol-mes-cli' });
  try {
    await run(database);
  } finally {
    await database.close();
  }
}

export function runCli(name: string, main: () => Promise<void>, usage: string): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name}: ${describeFailure(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`${usage}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}
