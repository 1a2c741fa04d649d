/** The pure arithmetic of the analytics (src/modules/analytics/analytics.rules.ts), by hand and by property. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketLabel,
  bucketStart,
  calendarIntervals,
  minutesByBucket,
  nextBucketStart,
  oeeOf,
  pareto,
  percentileCont,
  periodProblem,
  subtractIntervals,
  toCsv,
} from '../../src/modules/analytics/analytics.rules.js';

const t = (iso: string) => Date.parse(iso);
const H = 3_600_000;

describe('analytics rules', () => {
  it('periods: to after from, at most 400 days', () => {
    expect(periodProblem(t('2026-01-02T00:00:00Z'), t('2026-01-01T00:00:00Z'))).toEqual({ field: 'to', key: 'analytics.period_order' });
    expect(periodProblem(1, 1)).not.toBeNull();
    expect(periodProblem(0, 400 * 24 * H)).toBeNull();
    expect(periodProblem(0, 400 * 24 * H + 1)).toEqual({ field: 'to', key: 'analytics.period_too_long' });
  });

  it('buckets in plant local time: days, Monday weeks, months', () => {
    // 2026-06-10 23:30 UTC is 2026-06-11 02:30 at UTC+3
    expect(bucketLabel(bucketStart(t('2026-06-10T23:30:00Z'), 'day', 180), 180)).toBe('2026-06-11');
    expect(bucketStart(t('2026-06-10T23:30:00Z'), 'day', 180)).toBe(t('2026-06-10T21:00:00Z'));
    expect(bucketLabel(bucketStart(t('2026-06-14T12:00:00Z'), 'week', 0), 0)).toBe('2026-06-08'); // Sunday → its Monday
    expect(bucketLabel(bucketStart(t('2026-06-15T00:00:00Z'), 'week', 0), 0)).toBe('2026-06-15');
    expect(bucketLabel(nextBucketStart(bucketStart(t('2026-12-31T12:00:00Z'), 'month', -300), 'month', -300), -300)).toBe('2027-01-01');
  });

  it('planned time: an 8-16 calendar minus a 12-13 block is 420 minutes', () => {
    const cal = { windows: [{ weekday: 3, start: 480, end: 960 }], exceptions: [] };
    const on = calendarIntervals(cal, t('2026-06-10T00:00:00Z'), t('2026-06-11T00:00:00Z'), 0);
    expect(on).toEqual([{ start: t('2026-06-10T08:00:00Z'), end: t('2026-06-10T16:00:00Z') }]);
    const planned = subtractIntervals(on, [{ start: t('2026-06-10T12:00:00Z'), end: t('2026-06-10T13:00:00Z') }]);
    expect([...minutesByBucket(planned, t('2026-06-10T00:00:00Z'), t('2026-06-11T00:00:00Z'), 'day', 0)]).toEqual([['2026-06-10', 420]]);
    // an exception with null minutes is a day off
    const off = calendarIntervals(
      { ...cal, exceptions: [{ date: '2026-06-10', start: null, end: null }] },
      t('2026-06-10T00:00:00Z'),
      t('2026-06-11T00:00:00Z'),
      0,
    );
    expect(off).toEqual([]);
  });

  it('minutes split over buckets add up to the minutes of the intervals (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60 * 24 * 90 }), fc.integer({ min: 1, max: 60 * 24 * 10 })), { maxLength: 20 }),
        fc.constantFrom('day' as const, 'week' as const, 'month' as const),
        fc.integer({ min: -720, max: 840 }),
        (raw, groupBy, offset) => {
          const base = t('2026-01-01T00:00:00Z');
          const ivs = subtractIntervals(
            raw.map(([s, d]) => ({ start: base + s * 60_000, end: base + (s + d) * 60_000 })),
            [],
          );
          const total = ivs.reduce((a, i) => a + (i.end - i.start) / 60_000, 0);
          const split = [...minutesByBucket(ivs, base - 100 * 24 * H, base + 200 * 24 * H, groupBy, offset).values()].reduce((a, b) => a + b, 0);
          expect(split).toBeCloseTo(total, 6);
        },
      ),
    );
  });

  it('OEE of the fixture, and null factors when there is nothing to divide by', () => {
    const x = oeeOf({ plannedMinutes: 420, runMinutes: 85, idealMinutes: 70, good: 18, scrap: 2 });
    expect(x.availability).toBeCloseTo(85 / 420, 12);
    expect(x.performance).toBeCloseTo(70 / 85, 12);
    expect(x.quality).toBe(0.9);
    expect(x.oee).toBeCloseTo(0.15, 12);
    expect(oeeOf({ plannedMinutes: 0, runMinutes: 0, idealMinutes: 0, good: 0, scrap: 0 })).toEqual({
      availability: null,
      performance: null,
      quality: null,
      oee: null,
    });
  });

  it('Pareto: sorted, shares and cumulative shares ending at 1', () => {
    const p = pareto([
      { key: 'break', value: 15 },
      { key: 'machine_fault', value: 30 },
      { key: 'other', value: 5 },
    ]);
    expect(p.map((r) => [r.key, r.share, r.cumulativeShare])).toEqual([
      ['machine_fault', 0.6, 0.6],
      ['break', 0.3, 0.9],
      ['other', 0.1, 1],
    ]);
  });

  it('percentile_cont as PostgreSQL computes it', () => {
    expect(percentileCont([8, 9], 0.5)).toBe(8.5);
    expect(percentileCont([8, 9], 0.9)).toBeCloseTo(8.9, 12);
    expect(percentileCont([], 0.5)).toBeNull();
  });

  it('CSV per RFC 4180: quoted commas, quotes and line breaks, CRLF, empty for null', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          { a: 'x,y', b: null },
          { a: 'say "hi"', b: 'l1\nl2' },
        ],
      ),
    ).toBe('a,b\r\n"x,y",\r\n"say ""hi""","l1\nl2"\r\n');
  });
});
