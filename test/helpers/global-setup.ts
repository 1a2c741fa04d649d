/**
 * Prepares the two engines once per run:
 * - PGlite: a migrated data directory dumped to a tarball that every test file loads;
 * - PostgreSQL (TEST_DATABASE_URL): a migrated template database that every test file clones.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase, openPglite } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { adminUrl, databaseUrlFor } from './postgres-urls.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string | null;
  }
}

export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-test-'));
  const pglite = await openPglite(undefined);
  const database = await openDatabase({ pglite });
  await migrateToLatest(database.db);
  await database.close();
  const dump = await pglite.dumpDataDir('none');
  const tarball = path.join(dir, 'template.tar');
  fs.writeFileSync(tarball, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();
  project.provide('pgliteTemplate', tarball);

  const url = process.env.TEST_DATABASE_URL;
  let template: string | null = null;
  if (url) {
    template = `mes_template_${process.pid}`;
    const admin = new pg.Client({ connectionString: adminUrl(url) });
    await admin.connect();
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
    await admin.end();
    const templateDb = await openDatabase({ databaseUrl: databaseUrlFor(url, template), poolSize: 1 });
    await migrateToLatest(templateDb.db);
    await templateDb.close();
  } else {
    console.log('PostgreSQL tests skipped: set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run every test on PostgreSQL too.');
  }
  project.provide('postgresTemplate', template);

  return async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (url && template) {
      const admin = new pg.Client({ connectionString: adminUrl(url) });
      await admin.connect();
      const leftovers = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'mes_t_${process.pid}_%'`);
      for (const row of leftovers.rows) await admin.query(`drop database if exists ${row.datname} with (force)`);
      await admin.query(`drop database if exists ${template} with (force)`);
      await admin.end();
    }
  };
}
