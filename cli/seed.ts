/**
 * npm run seed -- [--clear] [--minimal | --full] [--seed N]
 * Loads the demo dataset (default: 10 workers, 5 stations, 10 plans).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { migrateToLatest } from '../src/db/migrator.js';
import type { SeedSize } from '../src/seed/dataset.js';
import { seedDatabase } from '../src/seed/seed.js';
import { runCli, UsageError, withDatabase } from './common.js';

const usage = 'usage: seed [--clear] [--minimal | --full] [--seed N]';

runCli(
  'seed',
  async () => {
    let values;
    try {
      ({ values } = parseArgs({
        args: process.argv.slice(2),
        options: { clear: { type: 'boolean' }, minimal: { type: 'boolean' }, full: { type: 'boolean' }, seed: { type: 'string' } },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (values.minimal && values.full) throw new UsageError('choose one of --minimal and --full');
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31) throw new UsageError(`--seed must be a non-negative integer, got "${values.seed}"`);
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
      if (summary.generatedAdminPassword) console.log(`users "admin" and "planner", password: ${summary.generatedAdminPassword}`);
      if (summary.generatedDemoPin) console.log(`operators W-001, W-002, ... PIN: ${summary.generatedDemoPin}`);
    });
  },
  usage,
);
