/**
 * The analytics API (/api/mes/analytics, docs/ANALYTICS.md): one query hook per
 * report, the drill-down's pages of steps, the CSV address of each table, and
 * today's OEE per station for the live board.
 */
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type {
  AnalyticsQuery,
  DeliveryReport,
  DowntimeReport,
  Grouping,
  OeeReport,
  PlannedVsActualReport,
  ScrapReport,
  StepsPage,
  UtilisationReport,
} from '../../../src/modules/analytics/analytics.schema.js';
import { type OeeFigures, type OeeInputs, oeeOf } from '../../../src/modules/analytics/analytics.rules.js';
import { apiBase, api, queryString } from './client';

export type { Grouping };
export type OeeReportData = Static<typeof OeeReport>;
export type OeeRowData = OeeReportData['rows'][number];
export type DowntimeReportData = Static<typeof DowntimeReport>;
export type ScrapReportData = Static<typeof ScrapReport>;
export type ParetoRowData = DowntimeReportData['pareto'][number];
export type PlannedVsActualData = Static<typeof PlannedVsActualReport>;
export type PlannedVsActualRowData = PlannedVsActualData['rows'][number];
export type DeliveryData = Static<typeof DeliveryReport>;
export type DeliveryRowData = DeliveryData['rows'][number];
export type UtilisationData = Static<typeof UtilisationReport>;
export type UtilisationRowData = UtilisationData['rows'][number];
export type StepsPageData = Static<typeof StepsPage>;
export type StepRowData = StepsPageData['rows'][number];

/** The query every report takes (without `format`). */
export type AnalyticsScope = Omit<AnalyticsQuery, 'format'>;

/** The reports, by their path under /analytics. */
export type ReportPath = 'oee' | 'downtime' | 'scrap' | 'planned-vs-actual' | 'delivery' | 'utilisation';

export const analyticsKeys = {
  all: ['analytics'] as const,
  report: (path: string, scope: AnalyticsScope) => ['analytics', path, scope] as const,
  today: () => ['analytics', 'today'] as const,
};

const useReport = <T>(path: ReportPath, scope: AnalyticsScope) =>
  useQuery({
    queryKey: analyticsKeys.report(path, scope),
    queryFn: () => api.get<T>(`/analytics/${path}`, { ...scope }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });

export const useOee = (scope: AnalyticsScope) => useReport<OeeReportData>('oee', scope);
export const useDowntime = (scope: AnalyticsScope) => useReport<DowntimeReportData>('downtime', scope);
export const useScrap = (scope: AnalyticsScope) => useReport<ScrapReportData>('scrap', scope);
export const usePlannedVsActual = (scope: AnalyticsScope) => useReport<PlannedVsActualData>('planned-vs-actual', scope);
export const useDelivery = (scope: AnalyticsScope) => useReport<DeliveryData>('delivery', scope);
export const useUtilisation = (scope: AnalyticsScope) => useReport<UtilisationData>('utilisation', scope);

/** What a drill-down asks for: a scope (a bar's period and filters) and, for a Pareto bar, its reason. */
export type StepsScope = AnalyticsScope & { reason?: string };

/** The completed steps behind a bar, a page of 50 at a time (keyset: `next`). */
export function useAnalyticsSteps(scope: StepsScope | null) {
  return useInfiniteQuery({
    queryKey: ['analytics', 'steps', scope],
    queryFn: ({ pageParam }) => api.get<StepsPageData>('/analytics/steps', { ...scope, limit: 50, after: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    enabled: scope !== null,
  });
}

/** The address of a report's table (or the drill-down's steps) as CSV: a plain link the browser downloads. */
export function csvHref(path: ReportPath | 'steps', scope: StepsScope): string {
  return `${apiBase}/analytics/${path}${queryString({ ...scope, format: 'csv' })}`;
}

/**
 * Today's OEE per station, from local midnight to now (the station rows of /analytics/oee).
 * Fetched again every minute and whenever the floor reports a change (live.ts invalidates
 * the analytics keys on assignment events).
 */
export function useTodayOee(now: number) {
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  // to the next whole minute: the key changes once a minute, not on every render
  const to = Math.ceil((now + 1) / 60_000) * 60_000;
  const scope = { from: midnight.toISOString(), to: new Date(to).toISOString(), groupBy: 'day' as const };
  return useQuery({
    queryKey: [...analyticsKeys.today(), scope.from],
    queryFn: () => api.get<OeeReportData>('/analytics/oee', scope),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

export type OeeTotal = OeeInputs & OeeFigures;

/** Adds up the inputs of OEE rows (a station's buckets, or every station) and divides once: not an average of ratios (docs/ANALYTICS.md). */
export function oeeTotalOf(rows: readonly OeeRowData[]): OeeTotal {
  const sum: OeeInputs = { plannedMinutes: 0, runMinutes: 0, idealMinutes: 0, good: 0, scrap: 0 };
  for (const r of rows) {
    sum.plannedMinutes += r.plannedMinutes;
    sum.runMinutes += r.runMinutes;
    sum.idealMinutes += r.idealMinutes;
    sum.good += r.good;
    sum.scrap += r.scrap;
  }
  return { ...sum, ...oeeOf(sum) };
}

/** The station rows of an OEE report added up per station (over its buckets). */
export function oeeByStation(rows: readonly OeeRowData[]): Map<string, OeeTotal> {
  const by = new Map<string, OeeRowData[]>();
  for (const r of rows) if (r.level === 'station') by.set(r.stationId, [...(by.get(r.stationId) ?? []), r]);
  return new Map([...by].map(([id, list]) => [id, oeeTotalOf(list)]));
}
