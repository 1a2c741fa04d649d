/**
 * What PostgreSQL's plan cache did with this connection's named prepared statements (PREPARED in src/db/database.ts):
 * [custom plans, generic plans] of each statement whose text is LIKE one of `patterns`, in the order of the patterns.
 * A statement planned once per connection shows 5 custom plans and the rest generic; one planned on every call, all
 * custom. Read it on a pool of one connection, where every call ran.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../src/db/schema.js';

export async function planCacheCounts(db: Kysely<DB>, patterns: string[]): Promise<[number, number][]> {
  const counts: [number, number][] = [];
  for (const pattern of patterns) {
    const { rows } = await sql<{ generic: string; custom: string }>`select generic_plans as generic, custom_plans as custom
      from pg_prepared_statements where statement like ${pattern}`.execute(db);
    counts.push(...rows.map((r): [number, number] => [Number(r.custom), Number(r.generic)]));
  }
  return counts;
}
