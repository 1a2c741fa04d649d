/**
 * Process wrapper: configuration, database, migrations, first-run seed,
 * listen, and graceful shutdown on SIGTERM/SIGINT.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { type Config, loadConfig } from './config.js';
import { openDatabase, type Db } from './db/database.js';
import { migrateToLatest } from './db/migrator.js';
import { hashCost, productionHashCost } from './modules/auth/index.js';
import { startDemoFloor } from './seed/demo-floor.js';
import { hasMesData, SeedRefusedError, seedDatabase } from './seed/seed.js';
import { describeFailure } from './shared/failure.js';

async function main() {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.poolSize });
  const app = await buildApp({ database, config });
  const log = app.log;
  log.info({ engine: database.engine, data: database.location }, `database: ${database.engine} at ${database.location}`);
  if (hashCost() !== productionHashCost) log.warn("NODE_ENV=test: new passwords and PINs are hashed at the test runner's low cost; unset it for a plant");

  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    if (config.seedOnEmpty && !(await hasMesData(database.db))) await seedFirstRun(app, database.db, config);
  } catch (error) {
    await app.close();
    await database.close();
    throw error;
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.mes.draining = true;
    log.info({ signal }, 'shutting down: draining connections');
    const timer = setTimeout(() => {
      log.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    timer.unref();
    // responses now close their connections (see app.ts); close those left idle by a response that began before
    const reaper = setInterval(() => app.server.closeIdleConnections(), 100);
    reaper.unref();
    try {
      await app.close();
      await database.close();
      log.info('stopped');
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  log.info(`Burkol MES serving on http://localhost:${(app.server.address() as { port: number }).port} (data: ${database.location})`);
}

/** The default dataset on an empty database, and the demo floor on top of it. */
async function seedFirstRun(app: FastifyInstance, db: Db, config: Config) {
  let summary;
  try {
    summary = await seedDatabase(db, { size: 'default', adminPassword: config.adminPassword, demoPin: config.demoPin });
  } catch (error) {
    // two instances starting on one empty database: the other one seeded it while this one waited
    if (error instanceof SeedRefusedError) return void app.log.info('empty database: another process seeded it first');
    throw error;
  }
  app.log.info({ counts: summary.counts }, 'empty database: seeded the default dataset');
  printCredentials(summary.generatedAdminPassword, summary.generatedDemoPin);
  if (!config.demoFloor) return;
  // a demo, not the product: if it cannot be set up, the service still starts
  try {
    const floor = await startDemoFloor(app, {
      adminPassword: config.adminPassword ?? summary.generatedAdminPassword!,
      demoPin: config.demoPin ?? summary.generatedDemoPin!,
    });
    app.log.info(
      floor,
      `demo floor: released ${floor.released.join(', ')}${floor.started ? `; ${floor.started.workerId} started ${floor.started.assignmentId}` : ''}`,
    );
  } catch (error) {
    app.log.warn({ err: error }, 'demo floor not set up');
  }
}

function printCredentials(password: string | undefined, pin: string | undefined) {
  const lines: string[] = [];
  if (password) lines.push(`  users "admin" and "planner", password: ${password}   (set MES_ADMIN_PASSWORD to choose it)`);
  if (pin) lines.push(`  operators W-001, W-002, ... PIN: ${pin}   (set MES_DEMO_PIN to choose it)`);
  if (lines.length > 0) process.stdout.write(`\nDemo accounts (shown once):\n${lines.join('\n')}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`burkol-mes: ${describeFailure(error)}\n`);
  process.exit(1);
});
