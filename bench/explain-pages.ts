/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statements the everyday pages run, on a
 * chosen database (e.g. a copy of the 24-month history): each repository call
 * is run through a Db whose executeQuery explains instead of returning rows.
 *
 *   npx tsx bench/explain-pages.ts postgres://postgres@127.0.0.1:5432/pages_hist_24 [route-name-substring]
 */
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.js';
import { listPlans } from '../src/modules/plans/plans.service.js';

const url = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/mes_bench_hist_24';
const only = process.argv[3];
const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
const db = database.db;
// every statement of the called code is explained instead of run: Kysely sends them all through the one executor
const executor = db.getExecutor();
const run = executor.executeQuery.bind(executor);
let explaining = false;
Object.assign(executor, {
  executeQuery: async (compiled: { sql: string; parameters: readonly unknown[] }) => {
    if (explaining) return run(compiled as never);
    explaining = true;
    try {
      const text = inline(compiled.sql.replace('/*prepared*/', ''), compiled.parameters);
      const r = await sql.raw(`explain (analyze, buffers) ${text}`).execute(db);
      console.log((r.rows as Record<string, string>[]).map((x) => x['QUERY PLAN']).join('\n'));
    } finally {
      explaining = false;
    }
    return { rows: [] };
  },
});

function inline(text: string, params: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const v = params[Number(n) - 1];
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v instanceof Date) return `'${v.toISOString()}'`;
    if (Array.isArray(v)) return `array[${v.map((x) => `'${String(x)}'`).join(',')}]`;
    return `'${String(v).replace(/'/g, "''")}'`;
  });
}

const cases: [string, () => Promise<unknown>][] = [
  ['list default', () => listPlans(db, { limit: 50 })],
  ['list completed by due', () => listPlans(db, { limit: 50, status: ['completed'], sort: 'dueDate' })],
  ['list late', () => listPlans(db, { limit: 50, late: true })],
  ['list search', () => listPlans(db, { limit: 50, q: 'cabinet' })],
  ['list board', () => listPlans(db, { limit: 100, status: ['released', 'in_production', 'paused'] })],
  ['list sorted by projected end', () => listPlans(db, { limit: 50, sort: 'projectedEnd' })],
  ['list sorted by lateness', () => listPlans(db, { limit: 50, sort: 'lateness', direction: 'desc' })],
];
for (const [name, run] of cases) {
  if (only && !name.includes(only)) continue;
  console.log(`\n===== ${name}`);
  // the caller gets no rows back: what it does with them may fail, after the statement was explained
  await run().catch(() => undefined);
}
await database.close();
