import fc from 'fast-check';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { seedDatabase } from '../../src/seed/seed.js';
import { createTestDatabase, describeEachEngine } from '../helpers/engines.js';

describeEachEngine('database guards', (ctx) => {
  let nodeA: number;
  let nodeB: number;
  let planId: string;

  beforeAll(async () => {
    const db = ctx.database.db;
    await seedDatabase(db, { size: 'minimal', clear: true, adminPassword: 'admin-pass-123', demoPin: '1234' });
    const nodes = await db.selectFrom('mes.production_plan_nodes').select(['id', 'plan_id']).orderBy('sequence').limit(2).execute();
    nodeA = nodes[0]!.id;
    nodeB = nodes[1]!.id;
    planId = nodes[0]!.plan_id;
  });

  const assignment = (id: string, node: number, worker: string, substation: string, start: string, end: string, status = 'pending') =>
    sql`insert into mes.worker_assignments (id, plan_id, node_id, worker_id, station_id, substation_id, status, planned_start, planned_end, work_minutes)
        values (${id}, ${planId}, ${node}, ${worker}, 'ST-001', ${substation}, ${status}, ${start}::timestamptz, ${end}::timestamptz, 60)`;

  /** The insert fails on the named exclusion constraint against double booking (23P01). */
  const refusedAsOverlap = (insert: Promise<unknown>, resource: 'worker' | 'substation') =>
    expect(insert).rejects.toMatchObject({ code: '23P01', constraint: `worker_assignments_${resource}_no_overlap` });

  it('generates plan codes PPL-MMYY-001, -002 and restarts each month', async () => {
    const db = ctx.database.db;
    await sql`delete from mes.code_counters where prefix = 'PPL'`.execute(db);
    const mmyy = (await sql<{ p: string }>`select to_char(now(), 'MMYY') as p`.execute(db)).rows[0]!.p;
    const first = await sql<{ c: string }>`select mes.generate_production_plan_code() as c`.execute(db);
    const second = await sql<{ c: string }>`select mes.generate_production_plan_code() as c`.execute(db);
    expect(first.rows[0]!.c).toBe(`PPL-${mmyy}-001`);
    expect(second.rows[0]!.c).toBe(`PPL-${mmyy}-002`);
    const other = await sql<{ c: string }>`select mes.next_code('PPL', '2031-02-10T12:00:00Z') as c`.execute(db);
    expect(other.rows[0]!.c).toBe('PPL-0231-001');
    const wo = await sql<{ c: string }>`select mes.generate_work_order_code() as c`.execute(db);
    expect(wo.rows[0]!.c).toMatch(new RegExp(`^WO-${mmyy}-[0-9]{3}$`));
  });

  it('widens codes past 999 instead of truncating', async () => {
    const db = ctx.database.db;
    await sql`insert into mes.code_counters (prefix, period, last_value) values ('WA', '0130', 998)`.execute(db);
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      codes.push((await sql<{ c: string }>`select mes.next_code('WA', '2030-01-15T12:00:00Z') as c`.execute(db)).rows[0]!.c);
    }
    expect(codes).toEqual(['WA-0130-999', 'WA-0130-1000', 'WA-0130-1001']);
  });

  it('rejects an overlapping assignment of the same worker (exclusion constraint)', async () => {
    const db = ctx.database.db;
    await assignment('WA-0101-001', nodeA, 'W-001', 'ST-001-01', '2030-01-01T08:00Z', '2030-01-01T10:00Z').execute(db);
    await refusedAsOverlap(assignment('WA-0101-002', nodeB, 'W-001', 'ST-001-02', '2030-01-01T09:00Z', '2030-01-01T11:00Z').execute(db), 'worker');
    // touching intervals do not overlap
    await assignment('WA-0101-003', nodeB, 'W-001', 'ST-001-02', '2030-01-01T10:00Z', '2030-01-01T11:00Z').execute(db);
    await sql`delete from mes.worker_assignments`.execute(db);
  });

  it('rejects an overlapping assignment of the same substation, but not of a cancelled one', async () => {
    const db = ctx.database.db;
    await assignment('WA-0101-010', nodeA, 'W-001', 'ST-001-01', '2030-01-02T08:00Z', '2030-01-02T10:00Z', 'cancelled').execute(db);
    await assignment('WA-0101-011', nodeA, 'W-002', 'ST-001-01', '2030-01-02T08:30Z', '2030-01-02T10:00Z').execute(db);
    await refusedAsOverlap(assignment('WA-0101-012', nodeB, 'W-003', 'ST-001-01', '2030-01-02T09:00Z', '2030-01-02T09:30Z').execute(db), 'substation');
    await sql`delete from mes.worker_assignments`.execute(db);
  });

  it('keeps the booking keys the exclusion constraints compare on the ids, and the substation on its station, whatever a statement writes (0035, 0041, 0042)', async () => {
    const db = ctx.database.db;
    const keys = async (id: string) =>
      (
        await sql<{ worker: boolean; substation: boolean }>`
          select a.worker_key = w.booking_key as worker, a.substation_key = s.booking_key as substation
            from mes.worker_assignments a join mes.workers w on w.id = a.worker_id join mes.substations s on s.id = a.substation_id
           where a.id = ${id}`.execute(db)
      ).rows[0];
    await assignment('WA-0101-020', nodeA, 'W-001', 'ST-001-01', '2030-01-03T08:00Z', '2030-01-03T10:00Z').execute(db);
    expect(await keys('WA-0101-020')).toEqual({ worker: true, substation: true });
    // a key written by hand that is not its id's is refused: it cannot hide a booking from the constraint
    const wrongKey = async (set: ReturnType<typeof sql>, constraint: string) =>
      expect(sql`update mes.worker_assignments set ${set} where id = 'WA-0101-020'`.execute(db)).rejects.toMatchObject({ code: '23503', constraint });
    await wrongKey(sql`worker_key = worker_key + 1000`, 'worker_assignments_worker_id_fkey');
    await wrongKey(sql`substation_key = 0`, 'worker_assignments_substation_id_fkey');
    // ... and so is another resource's key with a move, or the old key kept with a move to an unknown worker
    await wrongKey(sql`worker_id = 'W-002', worker_key = (select booking_key from mes.workers where id = 'W-003')`, 'worker_assignments_worker_id_fkey');
    await wrongKey(sql`worker_id = 'W-404'`, 'worker_assignments_worker_id_fkey');
    expect(await keys('WA-0101-020')).toEqual({ worker: true, substation: true });
    // moving the booking to another worker and substation by the ids alone moves its keys
    await sql`update mes.worker_assignments set worker_id = 'W-002', substation_id = 'ST-001-02' where id = 'WA-0101-020'`.execute(db);
    expect(await keys('WA-0101-020')).toEqual({ worker: true, substation: true });
    await refusedAsOverlap(assignment('WA-0101-021', nodeB, 'W-002', 'ST-001-01', '2030-01-03T09:00Z', '2030-01-03T09:30Z').execute(db), 'worker');
    // ... and so does a move naming the new ids with their keys (the floor's rebooking), checked by the foreign keys
    await sql`update mes.worker_assignments
                 set worker_id = 'W-003', worker_key = (select booking_key from mes.workers where id = 'W-003'),
                     substation_id = 'ST-001-01', substation_key = (select booking_key from mes.substations where id = 'ST-001-01')
               where id = 'WA-0101-020'`.execute(db);
    expect(await keys('WA-0101-020')).toEqual({ worker: true, substation: true });
    await refusedAsOverlap(assignment('WA-0101-021', nodeB, 'W-003', 'ST-001-02', '2030-01-03T09:00Z', '2030-01-03T09:30Z').execute(db), 'worker');
    // an unknown worker is still the foreign key's violation
    await expect(assignment('WA-0101-022', nodeB, 'W-404', 'ST-001-01', '2030-01-04T09:00Z', '2030-01-04T09:30Z').execute(db)).rejects.toMatchObject({
      code: '23503',
      constraint: 'worker_assignments_worker_id_fkey',
    });
    // a substation of another station is refused, on insert and on a move (0042)
    await expect(assignment('WA-0101-023', nodeB, 'W-002', 'ST-002-01', '2030-01-05T09:00Z', '2030-01-05T09:30Z').execute(db)).rejects.toMatchObject({
      code: '23503',
      constraint: 'worker_assignments_substation_id_fkey',
    });
    await wrongKey(sql`substation_id = 'ST-002-01'`, 'worker_assignments_substation_id_fkey');
    await sql`update mes.worker_assignments set station_id = 'ST-002', substation_id = 'ST-002-01' where id = 'WA-0101-020'`.execute(db);
    // the keys are identities: a worker's cannot be rewritten
    await expect(sql`update mes.workers set booking_key = 999 where id = 'W-002'`.execute(db)).rejects.toMatchObject({ code: '428C9' });
    await sql`delete from mes.worker_assignments`.execute(db);
  });

  it('checks bookings as the half-open interval to the microsecond, per resource key (0039: the constraints compare boxes)', async () => {
    const db = ctx.database.db;
    const key = async (table: 'workers' | 'substations', id: string) =>
      (await sql<{ k: number }>`select booking_key as k from ${sql.table(`mes.${table}`)} where id = ${id}`.execute(db)).rows[0]!.k;
    // neighbouring keys: a box of one resource must not reach into the next one's
    expect((await key('workers', 'W-002')) - (await key('workers', 'W-001'))).toBe(1);
    await assignment('WA-0101-030', nodeA, 'W-001', 'ST-001-01', '2030-01-05T08:00Z', '2030-01-05T10:00Z').execute(db);
    // one microsecond of overlap, at either end, is refused
    await refusedAsOverlap(assignment('WA-0101-031', nodeB, 'W-001', 'ST-001-02', '2030-01-05T09:59:59.999999Z', '2030-01-05T11:00Z').execute(db), 'worker');
    await refusedAsOverlap(assignment('WA-0101-032', nodeB, 'W-001', 'ST-001-02', '2030-01-05T07:00Z', '2030-01-05T08:00:00.000001Z').execute(db), 'worker');
    // the next worker at the same times, and the same worker right after, are not
    await assignment('WA-0101-033', nodeB, 'W-002', 'ST-001-02', '2030-01-05T08:00Z', '2030-01-05T10:00Z').execute(db);
    await sql`delete from mes.worker_assignments where id = 'WA-0101-033'`.execute(db);
    await assignment('WA-0101-034', nodeB, 'W-001', 'ST-001-02', '2030-01-05T10:00Z', '2030-01-05T10:00:00.000001Z').execute(db);
    await sql`delete from mes.worker_assignments`.execute(db);
  });

  /**
   * Pairs of bookings as µs since 2000-01-01 with starts in [lo, hi]; the second booking often starts or ends within
   * 3 µs of the first's ends. Each compared in SQL: their boxes' && and (same key, tstzrange &&).
   */
  const boxAgainstRange = async (lo: number, hi: number, check: (pair: { box: boolean; range: boolean }) => void) => {
    const db = ctx.database.db;
    const span = fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 1, max: 10 ** 12 }));
    const pair = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), span, span, fc.integer({ min: -3, max: 3 }), fc.boolean())
      .map(([k1, k2, [s1, d1], [s2, d2], near, atEnd]) => {
        const start2 = near === 0 && s2 % 2 === 0 ? s2 : atEnd ? s1 + d1 + near : s1 - d2 + near;
        return { k1, k2, s1, e1: s1 + d1, s2: start2, e2: start2 + d2 };
      });
    await fc.assert(
      fc.asyncProperty(fc.array(pair, { minLength: 1, maxLength: 50 }), async (pairs) => {
        const col = <K extends keyof (typeof pairs)[number]>(k: K) => pairs.map((p) => p[k]);
        const { rows } = await sql<{ box: boolean; range: boolean }>`
          select mes.booking_box(k1, t0 + s1 * us, t0 + e1 * us) && mes.booking_box(k2, t0 + s2 * us, t0 + e2 * us) as box,
                 k1 = k2 and tstzrange(t0 + s1 * us, t0 + e1 * us, '[)') && tstzrange(t0 + s2 * us, t0 + e2 * us, '[)') as range
            from unnest(${col('k1')}::int[], ${col('s1')}::int8[], ${col('e1')}::int8[], ${col('k2')}::int[], ${col('s2')}::int8[], ${col('e2')}::int8[])
                   as p(k1, s1, e1, k2, s2, e2),
                 (select timestamptz '2000-01-01 00:00:00+00' as t0, interval '1 microsecond' as us) c`.execute(db);
        for (const row of rows) check(row);
      }),
      { numRuns: 40 },
    );
  };
  const margin = 3 * 10 ** 12;

  it('the booking box overlaps another exactly when the keys are equal and the half-open intervals overlap, 1857-2142 (property)', async () => {
    // within 2^52 µs of 2000 a float8 holds every half microsecond: the box is the interval, exactly
    await boxAgainstRange(-(2 ** 52) + margin, 2 ** 52 - margin, ({ box, range }) => expect(box).toBe(range));
  });

  it('the booking box never lets an overlap through up to 2285, though it may refuse touching bookings after 2142 (property)', async () => {
    // from 2^52 to 2^53 µs a float8 holds whole microseconds only: end - ½ µs rounds to the end or a microsecond before it
    await boxAgainstRange(2 ** 52, 2 ** 53 - margin, ({ box, range }) => {
      if (range) expect(box).toBe(true);
    });
  });

  it('moves stock only through the ledger, never below zero, and keeps the ledger append-only', async () => {
    const db = ctx.database.db;
    const stock = async () =>
      (await sql<{ stock: number; reserved: number }>`select stock, reserved from mes.materials where code = 'WIRE-SG2-1.0'`.execute(db)).rows[0]!;
    const before = await stock();
    await sql`insert into mes.material_ledger (material_code, entry_type, stock_delta, reserved_delta, reason)
              values ('WIRE-SG2-1.0', 'receipt', 10.5, 0, 'delivery'), ('WIRE-SG2-1.0', 'reservation', 0, 2, 'plan')`.execute(db);
    expect(await stock()).toEqual({ stock: before.stock + 10.5, reserved: before.reserved + 2 });
    await expect(
      sql`insert into mes.material_ledger (material_code, entry_type, stock_delta, reason) values ('WIRE-SG2-1.0', 'consumption', ${-(before.stock + 100)}, 'too much')`.execute(
        db,
      ),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(sql`update mes.material_ledger set stock_delta = 0`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from mes.material_ledger`.execute(db)).rejects.toThrow(/append-only/);
    expect(await stock()).toEqual({ stock: before.stock + 10.5, reserved: before.reserved + 2 });
  });

  it('keeps edges inside their plan', async () => {
    const db = ctx.database.db;
    const other = await sql<{ id: string }>`select mes.generate_production_plan_code() as id`.execute(db);
    const otherId = other.rows[0]!.id;
    await sql`insert into mes.production_plans (id, work_order_code, name, quantity) values (${otherId}, 'WO-X', 'other', 1)`.execute(db);
    const foreign = await sql<{ id: number }>`insert into mes.production_plan_nodes (plan_id, node_id, sequence, name, operation_id, quantity, nominal_time)
      values (${otherId}, 'N1', 0, 'x', 'OP-001', 1, 1) returning id`.execute(db);
    await expect(
      sql`insert into mes.node_predecessors (plan_id, node_id, predecessor_id) values (${planId}, ${nodeA}, ${foreign.rows[0]!.id})`.execute(db),
    ).rejects.toMatchObject({ code: '23503' });
  });

  // the PostgreSQL variant, on a separate connection, is the last test of this file
  it.runIf(ctx.engine === 'pglite')('wakes listeners once per transaction, however many events it writes', async () => {
    const pglite = ctx.database.pglite!;
    const received: string[] = [];
    const unlisten = await pglite.listen('mes_events', (payload) => received.push(payload));
    await ctx.database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 5; i++) {
        await sql`insert into mes.events (topic, entity_type, entity_id, change) values ('plans', 'plan', ${`P${i}`}, 'updated')`.execute(trx);
      }
    });
    await new Promise((r) => setTimeout(r, 100));
    await unlisten();
    expect(received).toEqual(['']);
  });
});

it.runIf(process.env.TEST_DATABASE_URL)('PostgreSQL: 50 concurrent code requests never repeat, and a bulk event insert notifies once', async () => {
  const test = await createTestDatabase('postgres', 50);
  try {
    const db = test.database.db;
    const codes = await Promise.all(
      Array.from({ length: 50 }, () => sql<{ c: string }>`select mes.generate_production_plan_code() as c`.execute(db).then((r) => r.rows[0]!.c)),
    );
    expect(new Set(codes).size).toBe(50);
    const numbers = codes.map((c) => Number(c.split('-')[2])).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));

    const listener = await test.database.pool.connect();
    const received: unknown[] = [];
    listener.on('notification', (n) => received.push(n.payload));
    await listener.query('listen mes_events');
    await db.transaction().execute(async (trx) => {
      await sql`insert into mes.events (topic, entity_type, entity_id, change) select 'plans', 'plan', 'P' || g, 'updated' from generate_series(1, 100) g`.execute(
        trx,
      );
      await sql`insert into mes.events (topic, entity_type, entity_id, change) values ('workers', 'worker', 'W-001', 'updated')`.execute(trx);
    });
    await new Promise((r) => setTimeout(r, 200));
    listener.release();
    expect(received).toEqual(['']);
  } finally {
    await test.drop();
  }
});
