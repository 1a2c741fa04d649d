/**
 * The analytics pages' period and filters (web/src/pages/analytics/filters.ts): what
 * the URL holds, what the API is asked, and the period of one bar's bucket. Expected
 * instants are built with the Date constructor, so the test holds in any time zone.
 */
import { describe, expect, it } from 'vitest';
import { bucketScope, defaultFilters, filtersQuery, parseFilters, scopeOf } from '../../web/src/pages/analytics/filters.js';

const local = (y: number, m: number, d: number) => new Date(y, m - 1, d).toISOString();

describe('analytics filters in the URL', () => {
  const now = new Date(2026, 11, 3, 14, 5);

  it('defaults to the last 30 days by day, and keeps what the URL says', () => {
    expect(parseFilters('', now)).toEqual({ from: '2026-11-04', to: '2026-12-03', groupBy: 'day' });
    expect(defaultFilters(now)).toEqual(parseFilters('', now));
    expect(parseFilters('?from=2026-10-01&to=2026-10-31&groupBy=week&stationId=ST-001&workerId=W-002', now)).toEqual({
      from: '2026-10-01',
      to: '2026-10-31',
      groupBy: 'week',
      stationId: 'ST-001',
      workerId: 'W-002',
    });
  });

  it('replaces what it cannot read by the default, field by field', () => {
    expect(parseFilters('?from=yesterday&to=2026-10-31&groupBy=year&stationId=', now)).toEqual({ from: '2026-11-04', to: '2026-10-31', groupBy: 'day' });
  });

  it('writes back what it reads', () => {
    const f = { from: '2026-10-01', to: '2026-10-31', groupBy: 'month' as const, operationId: 'OP-003', substationId: 'SS-001-1' };
    expect(parseFilters(`?${filtersQuery(f)}`, now)).toEqual(f);
  });

  it('asks the API for [local midnight of from, local midnight after to) with the filters', () => {
    expect(scopeOf({ from: '2026-10-01', to: '2026-10-31', groupBy: 'week', stationId: 'ST-001' })).toEqual({
      from: local(2026, 10, 1),
      to: local(2026, 11, 1),
      groupBy: 'week',
      stationId: 'ST-001',
    });
  });

  it('gives a bar its bucket: a day, a week, a month, clipped to the period', () => {
    const f = { from: '2026-10-07', to: '2026-11-20', groupBy: 'day' as const, workerId: 'W-001' };
    expect(bucketScope(f, '2026-10-09')).toMatchObject({ from: local(2026, 10, 9), to: local(2026, 10, 10), workerId: 'W-001' });
    // the week of Monday 5 October starts before the period: from the period's start
    expect(bucketScope({ ...f, groupBy: 'week' }, '2026-10-05')).toMatchObject({ from: local(2026, 10, 7), to: local(2026, 10, 12) });
    // November ends after the period: to the day after its end
    expect(bucketScope({ ...f, groupBy: 'month' }, '2026-11-01')).toMatchObject({ from: local(2026, 11, 1), to: local(2026, 11, 21) });
    expect(bucketScope({ ...f, groupBy: 'month' }, '2026-10-01')).toMatchObject({ from: local(2026, 10, 7), to: local(2026, 11, 1) });
  });
});
