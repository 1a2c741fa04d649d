/**
 * npm run archive -- [--older-than DAYS] [--limit N]
 *
 * Archives completed or cancelled plans that finished at least DAYS days ago
 * (default MES_ARCHIVE_AFTER_DAYS, else 90), oldest first, in batches of 100,
 * at most N plans (default: all). Prints what it archived. Safe beside running
 * servers: rows another archiver holds are skipped.
 */
import { parseArgs } from 'node:util';
import { defaultArchiveAfterDays, loadConfig } from '../src/config.js';
import { archiveAllFinished } from '../src/modules/plans/archive.service.js';
import { runCli, UsageError, withDatabase } from './common.js';

const usage = 'usage: archive [--older-than DAYS] [--limit N]';

function positiveInt(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

runCli(
  'archive',
  async () => {
    let values;
    try {
      ({ values } = parseArgs({
        args: process.argv.slice(2),
        options: { 'older-than': { type: 'string' }, limit: { type: 'string' } },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const days = positiveInt('--older-than', values['older-than'], 0) ?? loadConfig([]).archiveAfterDays ?? defaultArchiveAfterDays;
    const limit = positiveInt('--limit', values.limit, 1);
    await withDatabase(async ({ db }) => {
      const run = await archiveAllFinished(db, {
        olderThanDays: days,
        now: new Date(),
        actor: 'cli',
        ...(limit === undefined ? {} : { limit }),
        onBatch: (batch) => batch.archived.forEach((id) => console.log(`archived ${id}`)),
      });
      console.log(`${run.archived.length} plans archived (finished before ${run.cutoff}); ${run.remaining} eligible left`);
    });
  },
  usage,
);
