import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { decodeBookings, loadSchedulingResources, mergeBusyRuns } from '../../src/modules/scheduling/scheduling.repository.js';
import { seedDatabase } from '../../src/seed/seed.js';
import { createTestDatabase, describeEachEngine } from '../helpers/engines.js';
import { planCacheCounts } from '../helpers/plan-cache.js';

/**
 * Release reads other plans' bookings as timestamptz_send pairs and merges them
 * into busy runs in Node (loadSchedulingResources): the decoding must give the
 * epoch ms PostgreSQL itself computes, and the merge the runs its definition
 * says, whatever order the bookings arrive in.
 */
describeEachEngine('bookings as the release reads them', (ctx) => {
  it('decodes timestamptz_send to the epoch ms extract() gives, to the microsecond, before and after 2000 (property)', async () => {
    const db = ctx.database.db;
    // µs since 2000, from 1901 to 2100
    const us = fc.integer({ min: -(99 * 365 + 24) * 86_400 * 10 ** 6, max: (100 * 365 + 24) * 86_400 * 10 ** 6 });
    await fc.assert(
      // each booking (start, start + length): the end is read from its own word, compared with PostgreSQL's figure too
      fc.asyncProperty(fc.array(fc.tuple(us, fc.integer({ min: 1, max: 10 ** 11 })), { minLength: 1, maxLength: 40 }), async (bookings) => {
        const { rows } = await sql<{ bytes: Uint8Array; starts: string[]; ends: string[] }>`
          select string_agg(timestamptz_send(s) || timestamptz_send(e), ''::bytea order by i) as bytes,
                 array_agg((extract(epoch from s) * 1000)::text order by i) as starts,
                 array_agg((extract(epoch from e) * 1000)::text order by i) as ends
            from unnest(${bookings.map((b) => b[0])}::int8[], ${bookings.map((b) => b[1])}::int8[]) with ordinality as x(u, d, i),
                 lateral (select timestamptz '2000-01-01 00:00:00+00' + x.u * interval '1 microsecond' as s) c,
                 lateral (select c.s + x.d * interval '1 microsecond' as e) f`.execute(db);
        const { starts, ends } = decodeBookings(rows[0]!.bytes);
        expect([...starts]).toEqual(rows[0]!.starts.map(Number));
        expect([...ends]).toEqual(rows[0]!.ends.map(Number));
      }),
      { numRuns: 30 },
    );
  });
});

describeEachEngine('the bookings a schedule reads', (ctx) => {
  it("gives each candidate the busy runs of other plans' open bookings in the window, never the scheduled plans' own (property)", async () => {
    const db = ctx.database.db;
    await seedDatabase(db, { size: 'default', clear: true, adminPassword: 'admin-pass-123', demoPin: '1234' });
    const nodes = await sql<{ id: number; plan_id: string }>`select id, plan_id from mes.production_plan_nodes order by plan_id, sequence`.execute(db);
    const plans = [...new Set(nodes.rows.map((n) => n.plan_id))].slice(0, 3);
    const nodesOf = plans.map((p) => nodes.rows.filter((n) => n.plan_id === p).map((n) => n.id));
    const workers = (await sql<{ worker_id: string }>`select worker_id from mes.worker_stations where station_id = 'ST-001' order by 1`.execute(db)).rows.map(
      (r) => r.worker_id,
    );
    const subs = (await sql<{ id: string }>`select id from mes.substations where station_id = 'ST-001' order by 1`.execute(db)).rows.map((r) => r.id);
    const ops = (await sql<{ operation_id: string }>`select operation_id from mes.station_operations where station_id = 'ST-001'`.execute(db)).rows.map(
      (r) => r.operation_id,
    );
    const T0 = Date.UTC(2031, 0, 6, 6);
    let written = 0; // ids never reused (the analytics keep completed steps' ids)
    const MIN = 60_000;
    const booking = fc.record({
      plan: fc.integer({ min: 0, max: plans.length - 1 }),
      worker: fc.integer({ min: 0, max: workers.length - 1 }),
      sub: fc.integer({ min: 0, max: subs.length - 1 }),
      gap: fc.integer({ min: 0, max: 600 }),
      minutes: fc.integer({ min: 1, max: 3000 }),
      status: fc.constantFrom('pending', 'ready', 'in_progress', 'paused', 'completed', 'cancelled'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(booking, { maxLength: 14 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 4000 }),
        fc.integer({ min: 1, max: 8000 }),
        async (list, scheduled, fromMin, lengthMin) => {
          // one after another in time (never overlapping), each on a node of its own
          const used = plans.map(() => 0);
          let at = T0;
          const rows = list.flatMap((b) => {
            const node = nodesOf[b.plan]![used[b.plan]!++];
            const start = at + b.gap * MIN;
            at = start + b.minutes * MIN;
            return node === undefined ? [] : [{ ...b, node, start, end: at }];
          });
          const now = T0 + fromMin * MIN;
          const until = now + lengthMin * MIN;
          await db.transaction().execute(async (trx) => {
            await sql`delete from mes.worker_assignments`.execute(trx);
            for (const r of rows) {
              const [start, end] = [new Date(r.start).toISOString(), new Date(r.end).toISOString()];
              const done = r.status === 'completed';
              await sql`insert into mes.worker_assignments (id, plan_id, node_id, worker_id, station_id, substation_id, status, planned_start, planned_end,
                                                            work_minutes, actual_start, actual_end, good_quantity)
                values (${`WA-0131-${String(++written).padStart(3, '0')}`}, ${plans[r.plan]}, ${r.node}, ${workers[r.worker]}, 'ST-001', ${subs[r.sub]},
                        ${r.status}, ${start}::timestamptz, ${end}::timestamptz, 1, ${done ? start : null}::timestamptz, ${done ? end : null}::timestamptz,
                        ${done ? 1 : null})`.execute(trx);
            }
            const read = await loadSchedulingResources(trx, {
              planId: [plans[scheduled]!],
              stationIds: ['ST-001'],
              operationIds: ops,
              now: new Date(now),
              until: new Date(until),
            });
            const open = ['pending', 'ready', 'in_progress', 'paused'];
            const expected = new Map<string, [number, number][]>();
            for (const r of rows) {
              if (r.plan === scheduled || !open.includes(r.status) || r.start >= until || r.end <= now) continue;
              for (const key of [`worker ${workers[r.worker]}`, `substation ${subs[r.sub]}`])
                expected.set(key, [...(expected.get(key) ?? []), [r.start, r.end]]);
            }
            const candidates = new Set([
              ...read.workers.map((w) => `worker ${w.id}`),
              ...read.stations.flatMap((s) => s.substations.map((id) => `substation ${id}`)),
            ]);
            const want = [...expected]
              .filter(([key]) => candidates.has(key))
              .map(([key, pairs]) => {
                const runs = mergeBusyRuns({ starts: Float64Array.from(pairs, (p) => p[0]), ends: Float64Array.from(pairs, (p) => p[1]) }, now, 1);
                return [key, [...runs.starts], [...runs.ends]];
              });
            const got = read.booked.map((b) => [`${b.kind} ${b.id}`, [...b.starts], [...b.ends]]);
            expect(got.sort()).toEqual(want.sort());
            await sql`delete from mes.worker_assignments`.execute(trx);
          });
        },
      ),
      { numRuns: 40 },
    );
  });
});

/**
 * The read runs on every release, move and repair; planning it costs as much as a busy floor's bookings cost to read.
 * Its arguments reach the planner only as scalar subqueries, so PostgreSQL's plan cache settles on the generic plan
 * after five executions on a connection, however much their values would have made the custom plans look cheaper.
 */
it.runIf(process.env.TEST_DATABASE_URL)('PostgreSQL: the read of a busy floor is planned once per connection, not on every release', async () => {
  const test = await createTestDatabase('postgres', 1);
  try {
    const db = test.database.db;
    await seedDatabase(db, { size: 'default', clear: true, adminPassword: 'admin-pass-123', demoPin: '1234' });
    // 300 plans of 10 steps, one booking each, back to back on ST-001's workers and substations over two months: a
    // short window and one plan's id, seen, make the custom plans cheaper than the generic one (the code before)
    const plans = (
      await sql<{ id: string }>`insert into mes.production_plans (id, work_order_code, name, quantity, status, allow_shortage, created_by)
        select mes.generate_production_plan_code(), 'WO-LOAD', 'load ' || g, 1, 'draft', true, 'test' from generate_series(1, 300) g returning id`.execute(db)
    ).rows.map((r) => r.id);
    await sql`insert into mes.production_plan_nodes (plan_id, node_id, sequence, name, operation_id, quantity, nominal_time, efficiency, position_x, position_y)
      select p, 'n' || k, k, 'step ' || k, (select operation_id from mes.station_operations where station_id = 'ST-001' order by 1 limit 1), 1, 20, 1, 0, 0
        from unnest(${plans}::text[]) p, generate_series(1, 10) k`.execute(db);
    await sql`with w as (select array_agg(worker_id order by worker_id) as ids from mes.worker_stations where station_id = 'ST-001'),
                   s as (select array_agg(id order by id) as ids from mes.substations where station_id = 'ST-001'),
                   n as (select id, plan_id, row_number() over (order by id) - 1 as i from mes.production_plan_nodes where plan_id = any(${plans}::text[]))
      insert into mes.worker_assignments (id, plan_id, node_id, worker_id, station_id, substation_id, status, planned_start, planned_end, work_minutes)
      select mes.generate_assignment_code(), n.plan_id, n.id, w.ids[1 + n.i % cardinality(w.ids)], 'ST-001', s.ids[1 + n.i % cardinality(s.ids)], 'pending',
             timestamptz '2031-01-06 06:00+00' + n.i * interval '30 minutes', timestamptz '2031-01-06 06:20+00' + n.i * interval '30 minutes', 20
        from n, w, s`.execute(db);
    await sql`analyze mes.worker_assignments`.execute(db);
    const ops = (await sql<{ operation_id: string }>`select operation_id from mes.station_operations where station_id = 'ST-001'`.execute(db)).rows;
    const counts: number[] = [];
    for (let i = 0; i < 8; i++) {
      const now = new Date(Date.UTC(2031, 0, 20 + i, 6));
      const read = await db.transaction().execute((trx) =>
        loadSchedulingResources(trx, {
          planId: plans[100 + i]!,
          stationIds: ['ST-001'],
          operationIds: ops.map((o) => o.operation_id),
          now,
          until: new Date(now.getTime() + 2 * 86_400_000),
        }),
      );
      counts.push(read.booked.reduce((n, b) => n + b.starts.length, 0));
    }
    expect(Math.min(...counts)).toBeGreaterThan(0); // the window holds bookings
    expect(await planCacheCounts(db, ['%own_substation%'])).toEqual([[5, 3]]);
  } finally {
    await test.drop();
  }
});

describe('mergeBusyRuns', () => {
  const NOW = 1_000_000;
  /** Non-overlapping bookings (ms) in a random order, some touching, some before now. */
  const bookings = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 50 })), { maxLength: 40 })
    .map((parts) => {
      let at = NOW - 200;
      return parts.map(([gap, length]) => {
        const start = at + gap;
        at = start + length;
        return [start, at] as const;
      });
    })
    .chain((list) => fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }));

  it('gives sorted runs, apart by at least the gap, covering every booking (up to now) and nothing a short gap does not explain (property)', () => {
    fc.assert(
      fc.property(bookings, fc.integer({ min: 1, max: 30 }), (list, gap) => {
        const runs = mergeBusyRuns({ starts: Float64Array.from(list, (b) => b[0]), ends: Float64Array.from(list, (b) => b[1]) }, NOW, gap);
        const busy = list.map(([s, e]) => [s, Math.max(e, NOW)] as const).sort((a, b) => a[0] - b[0]);
        for (let i = 0; i < runs.starts.length; i++) {
          expect(runs.ends[i]!).toBeGreaterThan(runs.starts[i]!);
          // runs apart by at least the gap: a shorter gap would have merged them
          if (i > 0) expect(runs.starts[i]! - runs.ends[i - 1]!).toBeGreaterThanOrEqual(gap);
          // a run is bookings and gaps shorter than `gap` between them, from a booking's start to a booking's end
          const inside = busy.filter(([s, e]) => s >= runs.starts[i]! && e <= runs.ends[i]!);
          expect(inside[0]![0]).toBe(runs.starts[i]);
          expect(Math.max(...inside.map((b) => b[1]))).toBe(runs.ends[i]);
          for (let k = 1; k < inside.length; k++) expect(inside[k]![0] - Math.max(...inside.slice(0, k).map((b) => b[1]))).toBeLessThan(gap);
        }
        // every booking (held until now if it runs past its planned end) lies in one run
        for (const [s, e] of busy) expect(runs.starts.some((rs, i) => rs <= s && e <= runs.ends[i]!)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a gap exactly as long as the shortest step, and merges one a millisecond shorter', () => {
    const of = (pairs: [number, number][], gap: number) => {
      const r = mergeBusyRuns({ starts: Float64Array.from(pairs, (p) => p[0]), ends: Float64Array.from(pairs, (p) => p[1]) }, 0, gap);
      return [...r.starts].map((s, i) => [s, r.ends[i]]);
    };
    expect(
      of(
        [
          [10, 20],
          [30, 40],
        ],
        10,
      ),
    ).toEqual([
      [10, 20],
      [30, 40],
    ]);
    expect(
      of(
        [
          [30, 40],
          [10, 20],
        ],
        11,
      ),
    ).toEqual([[10, 40]]);
    expect(of([], 10)).toEqual([]);
  });
});
