/**
 * npm run seed -- [--clear] [--minimal | --full] [--seed N] [--history MONTHS]
 * Loads the demo dataset (default: 10 workers, 5 stations, 10 plans); with
 * --history, also a deterministic past of that many months (plans released and
 * completed, actual times, pauses, scrap, problems, ledger rows).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { migrateToLatest } from '../src/db/migrator.js';
import type { SeedSize } from '../src/seed/catalog.js';
import { seedHistory } from '../src/seed/history-writer.js';
import { seedDatabase } from '../src/seed/seed.js';
import { runCli, UsageError, withDatabase } from './common.js';

const usage = 'usage: seed [--clear] [--minimal | --full] [--seed N] [--history MONTHS]';

runCli(
  'seed',
  async () => {
    let values;
    try {
      ({ values } = parseArgs({
        args: process.argv.slice(2),
        options: { clear: { type: 'boolean' }, minimal: { type: 'boolean' }, full: { type: 'boolean' }, seed: { type: 'string' }, history: { type: 'string' } },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (values.minimal && values.full) throw new UsageError('choose one of --minimal and --full');
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31) throw new UsageError(`--seed must be a non-negative integer, got "${values.seed}"`);
    const months = values.history === undefined ? 0 : Number(values.history);
    if (!Number.isInteger(months) || months < 0 || months > 60)
      throw new UsageError(`--history must be a whole number of months from 0 to 60, got "${values.history}"`);
    const size: SeedSize = values.minimal ? 'minimal' : values.full ? 'full' : 'default';
    const config = loadConfig([]);

    await withDatabase(async ({ db, engine, location }) => {
      console.log(`database: ${engine} at ${location}`);
      await migrateToLatest(db);
      const started = performance.now();
      const summary = await seedDatabase(db, {
        size,
        seed,
        clear: values.clear ?? false,
        adminPassword: config.adminPassword,
        demoPin: config.demoPin,
        onStep: (step, done, total) => console.log(`[${done + 1}/${total}] ${step}`),
      });
      const c = summary.counts;
      console.log(
        `seeded ${size} dataset (seed ${seed}) in ${Math.round(performance.now() - started)} ms: ` +
          `${c.workers} workers, ${c.stations} stations, ${c.substations} substations, ${c.production_plans} plans, ` +
          `${c.production_plan_nodes} nodes, ${c.materials} materials`,
      );
      if (months > 0) {
        const historyStarted = performance.now();
        const bar = progressBar();
        const h = await seedHistory(db, { size, seed, months, now: Date.now(), utcOffsetMinutes: config.utcOffsetMinutes, onStep: bar.update });
        bar.done();
        console.log(
          `history of ${months} months in ${Math.round((performance.now() - historyStarted) / 1000)} s: ${h.plans} plans, ${h.steps} steps, ` +
            `${h.pauses} pauses, ${h.problems} problems, ${h.ledgerRows} ledger rows, ${h.lots} lots, ${h.lotParents} genealogy edges`,
        );
      }
      if (summary.generatedAdminPassword) console.log(`users "admin" and "planner", password: ${summary.generatedAdminPassword}`);
      if (summary.generatedDemoPin) console.log(`operators W-001, W-002, ... PIN: ${summary.generatedDemoPin}`);
    });
  },
  usage,
);

/** One line redrawn in place on a terminal (a line per phase elsewhere): phase, bar, count. */
function progressBar() {
  const tty = process.stdout.isTTY;
  let phase = '';
  let last = 0;
  return {
    update(what: string, done: number, total: number) {
      const now = performance.now();
      if (what === phase && done < total && now - last < 200) return;
      if (what !== phase && phase !== '' && tty) process.stdout.write('\n');
      phase = what;
      last = now;
      const width = 30;
      const filled = Math.round((width * done) / Math.max(1, total));
      const line = `${what.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en')}/${total.toLocaleString('en')}`;
      if (tty) process.stdout.write(`\r${line}`);
      else if (done >= total) console.log(line);
    },
    done() {
      if (tty && phase !== '') process.stdout.write('\n');
    },
  };
}
