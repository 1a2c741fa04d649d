/**
 * npm run doctor    check the invariants of the design on the configured database
 *
 * Prints one line per check (OK or FAILED, with up to 10 offending rows).
 * Exit 0 when every check holds, 1 when one fails (or the database cannot be
 * read), 2 on a usage error. Read-only: it never changes data.
 */
import { parseArgs } from 'node:util';
import { integrityChecks, runEachIntegrityCheck } from '../src/integrity/checks.js';
import { runCli, UsageError, withDatabase } from './common.js';

const usage = 'usage: doctor   (checks the database of DATABASE_URL, or the embedded one in MES_DATA_DIR)';
const shownRows = 10;

runCli(
  'doctor',
  async () => {
    let parsed;
    try {
      parsed = parseArgs({ args: process.argv.slice(2), options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (parsed.values.help) {
      console.log(usage);
      for (const check of integrityChecks) console.log(`  ${check.name}: ${check.description}`);
      return;
    }
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals.join(' ')}"`);

    await withDatabase(async ({ db, engine, location }) => {
      console.log(`database: ${engine} at ${location}`);
      const results = await runEachIntegrityCheck(db);
      const width = Math.max(...results.map((r) => r.check.length));
      for (const result of results) {
        if (result.rows.length === 0) {
          console.log(`OK      ${result.check.padEnd(width)}  ${result.description}`);
          continue;
        }
        console.log(`FAILED  ${result.check.padEnd(width)}  ${result.description} (${result.rows.length} offending)`);
        for (const row of result.rows.slice(0, shownRows)) console.log(`          ${row.kind}: ${row.id}`);
        if (result.rows.length > shownRows) console.log(`          … and ${result.rows.length - shownRows} more`);
      }
      const failed = results.filter((r) => r.rows.length > 0).length;
      console.log(failed === 0 ? `all ${results.length} checks hold` : `${failed} of ${results.length} checks FAILED`);
      if (failed > 0) process.exitCode = 1;
    });
  },
  usage,
);
