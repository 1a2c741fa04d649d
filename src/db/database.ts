/**
 * One data layer for two engines: Kysely's PostgresDialect over a `pg.Pool`,
 * connected either to PostgreSQL (DATABASE_URL) or to an in-process PGlite
 * through its node-postgres adapter. Same queries, same migrations.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, type RawBuilder, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.js';

// bigint (int8) and numeric come back as numbers on both engines: ids stay
// far below 2^53 and quantities are numeric(14,3).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/**
 * Statements that start with PREPARED (a SQL comment) are sent as named
 * prepared statements, so PostgreSQL plans them once per connection instead
 * of on every call. Used for the big, hot read queries (plan detail, lists),
 * whose planning costs more than their execution.
 */
export const PREPARED = '/*prepared*/';

/**
 * An argument of a PREPARED statement that the planner is not to look at: a
 * scalar subquery, planned without knowing its value. A statement whose
 * arguments all come in like this has the same plan whatever they are, so its
 * first (custom) plans cost what its generic plan does, and PostgreSQL's plan
 * cache keeps the generic one from the sixth execution on a connection. Where
 * a visible value made the custom plans look cheaper (a three-element array
 * against the generic plan's guess of ten, a short window on a busy table),
 * the statement was planned anew on every call, which is what PREPARED is
 * there to avoid. Only for statements whose best plan does not depend on the
 * values (lookups by key).
 */
export function planBlind(value: unknown, type: 'text[]' | 'timestamptz'): RawBuilder<unknown> {
  return sql`(select ${value}::${sql.raw(type)})::${sql.raw(type)}`;
}

function statementName(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return `mes_${(h1 >>> 0).toString(36)}${(h2 >>> 0).toString(36)}`;
}

class PreparingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // A connection lost while the client is checked out of the pool but between
    // queries emits 'error' with no listener (the pool listens only to idle
    // clients), which would end the process. Queries still get the error; the
    // pool drops the client when it is released, as it is no longer queryable.
    this.on('error', () => undefined);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && config.startsWith(PREPARED)) {
      return super.query({ name: statementName(config), text: config, values }, callback);
    }
    return super.query(config, values, callback);
  }
}

export type Engine = 'postgres' | 'pglite';

/**
 * What queries run on: the pool or a transaction (a Transaction is a Kysely).
 * A function that must run inside a transaction (it locks rows) takes `Trx`.
 * Every repository and service takes one of these two, never Kysely itself.
 */
export type Db = Kysely<DB>;
export type Trx = Transaction<DB>;

/**
 * Runs `work` under a savepoint: if it throws, what it wrote is rolled back
 * and the transaction goes on (the error is rethrown). For an action that may
 * write before it finds a reason to refuse, whose refusal still reads state.
 */
export async function withSavepoint<T>(trx: Trx, name: string, work: () => Promise<T>): Promise<T> {
  await sql`savepoint ${sql.id(name)}`.execute(trx);
  try {
    return await work();
  } catch (error) {
    await sql`rollback to savepoint ${sql.id(name)}`.execute(trx);
    throw error;
  }
}

/** True when the database answers a trivial query (readiness). */
export async function isReachable(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

export interface Database {
  db: Kysely<DB>;
  engine: Engine;
  /** Pool behind Kysely (size 1 on PGlite). */
  pool: pg.Pool;
  /** The embedded engine when engine = 'pglite'. */
  pglite?: PGlite;
  /** Where the data lives, for logs: a folder or a redacted URL. */
  location: string;
  close(): Promise<void>;
}

export class DatabaseOpenError extends Error {}

/** A query asked of an embedded database that has been closed (shutdown, or a test stopping it). */
export class DatabaseClosedError extends Error {
  readonly code = 'MES_DATABASE_CLOSED';
  constructor() {
    super('PGlite is closed');
  }
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  dataDir?: string;
  /** An already open PGlite (tests share a cloned template). */
  pglite?: PGlite;
  poolSize?: number;
  applicationName?: string;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

export async function openPglite(dataDir: string | undefined): Promise<PGlite> {
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  try {
    const options = { extensions: { btree_gist } };
    // the (dataDir, options) form ignores options when dataDir is undefined
    const pglite = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
    await pglite.waitReady;
    return pglite;
  } catch (error) {
    throw new DatabaseOpenError(
      `cannot open the embedded database in ${dataDir ?? 'memory'}: ${(error as Error).message || String(error)}` +
        ' (if the folder is corrupt, move it away and start again; MES_DATA_DIR chooses another folder)',
    );
  }
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      Client: PreparingClient,
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'burkol-mes',
      connectionTimeoutMillis: 10_000,
    });
    pool.on('error', () => {
      /* idle client lost (database restart): the pool replaces it on next use */
    });
    try {
      await pool.query('select 1');
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new DatabaseOpenError(
        `cannot connect to PostgreSQL at ${redactUrl(options.databaseUrl)}: ${(error as Error).message || (error as { code?: string }).code || String(error)}`,
      );
    }
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      engine: 'postgres',
      pool,
      location: redactUrl(options.databaseUrl),
      async close() {
        await db.destroy();
      },
    };
  }

  const dataDir = options.dataDir ? path.resolve(options.dataDir) : undefined;
  const ownsPglite = !options.pglite;
  const pglite = options.pglite ?? (await openPglite(dataDir));
  const pool = new pg.Pool({ ...createPgConfig(pglite), Client: PreparingClient });
  // a query sent to a closed PGlite fails inside its adapter (an unhandled TypeError):
  // refuse it before it is sent, so the caller gets an error it can answer 503 to
  const guarded = {
    connect: () => (pglite.closed ? Promise.reject(new DatabaseClosedError()) : pool.connect()),
    end: () => pool.end(),
  };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: guarded }) });
  return {
    db,
    engine: 'pglite',
    pool,
    pglite,
    location: dataDir ?? 'memory',
    async close() {
      await db.destroy();
      if (ownsPglite) await pglite.close();
    },
  };
}
