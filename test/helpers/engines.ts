/**
 * Runs a test body once per engine: PGlite always, PostgreSQL when
 * TEST_DATABASE_URL is set. Each test file gets its own fresh database
 * (PGlite loaded from the migrated template; PostgreSQL cloned from the template database).
 */
import fs from 'node:fs';
import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { type Database, type Engine, openDatabase } from '../../src/db/database.js';
import { adminUrl, databaseUrlFor } from './postgres-urls.js';

export const engines: Engine[] = inject('postgresTemplate') ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  database: Database;
  /** Connection string when on PostgreSQL. */
  url?: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(engine: Engine, poolSize = 10): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const tarball = fs.readFileSync(inject('pgliteTemplate'));
    const pglite = new PGlite({ loadDataDir: new Blob([tarball]), extensions: { btree_gist } });
    await pglite.waitReady;
    const database = await openDatabase({ pglite });
    return {
      database,
      async drop() {
        await database.close();
        await pglite.close();
      },
    };
  }
  const base = process.env.TEST_DATABASE_URL!;
  const template = inject('postgresTemplate')!;
  const name = `mes_t_${process.ppid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl(base) });
  await admin.connect();
  await admin.query(`create database ${name} template ${template}`);
  await admin.end();
  const url = databaseUrlFor(base, name);
  const database = await openDatabase({ databaseUrl: url, poolSize });
  return {
    database,
    url,
    async drop() {
      await database.close();
      const a = new pg.Client({ connectionString: adminUrl(base) });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig([], { NODE_ENV: 'test' }), loginRateLimit: 10_000, overrunSweepSeconds: 0, ...overrides };
}

export interface EngineContext {
  engine: Engine;
  database: Database;
  url: string | undefined;
  /** The app over this database (built on first use). */
  app(): Promise<FastifyInstance>;
}

/** describe() once per engine, with a fresh database for the block. */
export function describeEachEngine(name: string, body: (ctx: EngineContext) => void) {
  for (const engine of engines) {
    describe(`${name} [${engine}]`, () => {
      let test: TestDatabase;
      let app: FastifyInstance | undefined;
      const ctx: EngineContext = {
        engine,
        get database() {
          return test.database;
        },
        get url() {
          return test.url;
        },
        async app() {
          app ??= await buildApp({ database: test.database, config: testConfig(), logger: false });
          await app.ready();
          return app;
        },
      };
      beforeAll(async () => {
        test = await createTestDatabase(engine);
      });
      afterAll(async () => {
        await app?.close();
        await test?.drop();
      });
      body(ctx);
    });
  }
}
