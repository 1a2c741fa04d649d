/**
 * Writes a seed dataset in one transaction with bulk inserts. Used by the
 * `seed` CLI and by `npm start` on an empty database.
 */
import type { Db } from '../db/database.js';
import { sql } from 'kysely';
import { mesTables } from '../db/schema.js';
import { insertPlans } from '../modules/plans/index.js';
import { generatePassword, generatePin, hashSecret } from '../modules/auth/passwords.js';
import type { SeedSize } from './catalog.js';
import { buildDataset } from './dataset.js';

export interface SeedOptions {
  size: SeedSize;
  seed?: number;
  clear?: boolean;
  adminPassword?: string | undefined;
  demoPin?: string | undefined;
  onStep?: (step: string, done: number, total: number) => void;
}

export interface SeedSummary {
  counts: Record<string, number>;
  /** Set when the password was generated (print it once). */
  generatedAdminPassword?: string;
  generatedDemoPin?: string;
}

export class SeedRefusedError extends Error {}

export async function hasMesData(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('mes.operations')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return row.n > 0;
}

export async function clearMesData(db: Db): Promise<void> {
  const tables = mesTables.map((t) => `mes.${t}`).join(', ');
  await sql.raw(`truncate ${tables} restart identity cascade`).execute(db);
}

export async function seedDatabase(db: Db, options: SeedOptions): Promise<SeedSummary> {
  const data = buildDataset(options.size, options.seed ?? 1);
  const adminPassword = options.adminPassword ?? generatePassword();
  const demoPin = options.demoPin ?? generatePin();
  const steps = ['master data', 'workers', 'materials', 'plans', 'users'];
  const step = (i: number) => options.onStep?.(steps[i]!, i, steps.length);
  // hash outside the transaction: argon2 is deliberately slow
  const [adminHash, pinHash] = await Promise.all([hashSecret(adminPassword), hashSecret(demoPin)]);

  await db.transaction().execute(async (trx) => {
    // two processes seeding one empty database (two instances' first start): the second waits, then finds the data
    await sql`select pg_advisory_xact_lock(hashtext('burkol-mes:seed'))`.execute(trx);
    if (options.clear) await clearMesData(trx);
    else if (await hasMesData(trx)) {
      throw new SeedRefusedError('the database already holds MES data; add --clear to replace it');
    }
    step(0);
    await trx.insertInto('mes.operations').values(data.operations).execute();
    await trx.insertInto('mes.stations').values(data.stations).execute();
    await trx.insertInto('mes.station_operations').values(data.stationOperations).execute();
    await trx.insertInto('mes.substations').values(data.substations).execute();
    await trx.insertInto('mes.shift_calendars').values(data.shiftCalendars).execute();
    await trx.insertInto('mes.shift_calendar_windows').values(data.shiftWindows).execute();
    await trx.insertInto('mes.shift_calendar_exceptions').values(data.shiftExceptions).execute();
    step(1);
    await trx.insertInto('mes.workers').values(data.workers).execute();
    await trx.insertInto('mes.worker_stations').values(data.workerStations).execute();
    await trx.insertInto('mes.worker_operations').values(data.workerOperations).execute();
    step(2);
    await trx
      .insertInto('mes.materials')
      .values(data.materials.map(({ code, name, unit, reorder_point, lot_tracked }) => ({ code, name, unit, reorder_point, lot_tracked })))
      .execute();
    await trx
      .insertInto('mes.lots')
      .values(data.lots.map(({ quantity: _q, ...l }) => ({ ...l, received_at: new Date(l.received_at), origin: 'receipt' as const, created_by: 'seed' })))
      .execute();
    const opening = data.materials.filter((m) => m.opening > 0);
    await trx
      .insertInto('mes.material_ledger')
      .values([
        ...opening.map((m) => ({
          material_code: m.code,
          entry_type: 'opening' as const,
          stock_delta: m.opening,
          reason: 'opening stock (seed)',
          actor: 'seed',
        })),
        ...data.lots.map((l) => ({
          material_code: l.material_code,
          lot_code: l.code,
          entry_type: 'receipt' as const,
          stock_delta: l.quantity,
          reason: `lot ${l.code} received (seed)`,
          actor: 'seed',
        })),
      ])
      .execute();
    step(3);
    const workOrders = await sql<{ code: string }>`
      select mes.generate_work_order_code() as code from generate_series(1, ${data.plans.length}::int) g order by g`.execute(trx);
    await insertPlans(
      trx,
      data.plans.map((p, i) => ({ doc: { ...p, workOrderCode: workOrders.rows[i]!.code }, createdBy: 'seed' })),
    );
    step(4);
    await trx
      .insertInto('mes.users')
      .values([
        { username: 'admin', display_name: 'Administrator', role: 'admin', password_hash: adminHash },
        { username: 'planner', display_name: 'Demo planner', role: 'planner', password_hash: adminHash },
        ...data.workers.map((w) => ({ username: w.id, display_name: w.name, role: 'operator' as const, worker_id: w.id, pin_hash: pinHash })),
      ])
      .execute();
  });

  const counts = await countMesRows(db);
  return {
    counts,
    ...(options.adminPassword ? {} : { generatedAdminPassword: adminPassword }),
    ...(options.demoPin ? {} : { generatedDemoPin: demoPin }),
  };
}

export async function countMesRows(db: Db): Promise<Record<string, number>> {
  const parts = mesTables.map((t) => `select '${t}' as t, count(*)::int as n from mes.${t}`).join(' union all ');
  const result = await sql.raw<{ t: string; n: number }>(parts).execute(db);
  return Object.fromEntries(result.rows.map((r) => [r.t, r.n]));
}
