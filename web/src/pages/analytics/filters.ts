/**
 * The period and filters shared by every analytics page, kept in the URL's
 * query (?from=2026-11-01&to=2026-11-30&groupBy=week&stationId=ST-001…) so a
 * view can be bookmarked, sent and reloaded. `from` and `to` are local dates,
 * both included; the API gets [local midnight of from, local midnight after to).
 * Pure (test/unit/analytics-filters.test.ts); the URL is read and written by AnalyticsPage.
 */
import type { AnalyticsQuery, Grouping } from '../../../../src/modules/analytics/analytics.schema.js';

/** What every report is asked (api/analytics.ts has the same type; not imported, so this file stays free of the browser's modules). */
type AnalyticsScope = Omit<AnalyticsQuery, 'format'>;

export interface AnalyticsFilters {
  from: string;
  to: string;
  groupBy: Grouping;
  stationId?: string;
  substationId?: string;
  operationId?: string;
  workerId?: string;
}

const groupings: readonly Grouping[] = ['day', 'week', 'month'];
const filterKeys = ['stationId', 'substationId', 'operationId', 'workerId'] as const;
const isDate = (s: string | null): s is string => !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));

/** A Date as the local date 'YYYY-MM-DD'. */
export function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local midnight of a 'YYYY-MM-DD', `plusDays` later. */
export function localMidnight(date: string, plusDays = 0): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays);
}

/** The last 30 days up to today, by day. */
export function defaultFilters(now = new Date()): AnalyticsFilters {
  const today = localDate(now);
  return { from: localDate(localMidnight(today, -29)), to: today, groupBy: 'day' };
}

export function parseFilters(search: string, now = new Date()): AnalyticsFilters {
  const q = new URLSearchParams(search);
  const d = defaultFilters(now);
  const from = q.get('from');
  const to = q.get('to');
  const groupBy = q.get('groupBy') as Grouping | null;
  const f: AnalyticsFilters = {
    from: isDate(from) ? from : d.from,
    to: isDate(to) ? to : d.to,
    groupBy: groupBy && groupings.includes(groupBy) ? groupBy : d.groupBy,
  };
  for (const k of filterKeys) {
    const v = q.get(k);
    if (v) f[k] = v;
  }
  return f;
}

export function filtersQuery(f: AnalyticsFilters): string {
  const q = new URLSearchParams({ from: f.from, to: f.to, groupBy: f.groupBy });
  for (const k of filterKeys) if (f[k]) q.set(k, f[k]);
  return q.toString();
}

/** What the API is asked: the local dates as instants ([from, day after to)). */
export function scopeOf(f: AnalyticsFilters): AnalyticsScope {
  const scope: AnalyticsScope = { from: localMidnight(f.from).toISOString(), to: localMidnight(f.to, 1).toISOString(), groupBy: f.groupBy };
  for (const k of filterKeys) if (f[k]) scope[k] = f[k];
  return scope;
}

/** The period of one bucket ('YYYY-MM-DD' local start) of a grouping, clipped to the filters' period: a bar's drill-down. */
export function bucketScope(f: AnalyticsFilters, bucket: string): AnalyticsScope {
  const whole = scopeOf(f);
  const start = localMidnight(bucket);
  const end =
    f.groupBy === 'day' ? localMidnight(bucket, 1) : f.groupBy === 'week' ? localMidnight(bucket, 7) : new Date(start.getFullYear(), start.getMonth() + 1, 1);
  const from = new Date(Math.max(start.getTime(), Date.parse(whole.from)));
  const to = new Date(Math.min(end.getTime(), Date.parse(whole.to)));
  return { ...whole, from: from.toISOString(), to: to.toISOString() };
}
