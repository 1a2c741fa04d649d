import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { decodeBookings, mergeBusyRuns } from '../../src/modules/scheduling/scheduling.repository.js';
import { describeEachEngine } from '../helpers/engines.js';

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
