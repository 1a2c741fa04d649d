/**
 * OEE overview: the selection's OEE, availability, performance and quality; OEE per
 * station (bars) and its trend over the period's buckets (a line per station); the
 * factors per station in a table. A station's bar opens its steps, a point of the
 * trend the steps of that bucket.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { type AnalyticsScope, type OeeRowData, type OeeTotal, oeeTotalOf, useOee } from '../../api/analytics';
import { ErrorAlert } from '../../api/ErrorAlert';
import { formatMinutes, formatPercent, formatQuantity } from '../../format';
import { type Column, Table } from '../../ui';
import { BarChart, TrendChart } from './charts';
import type { Drill } from './DrillDown';
import { type AnalyticsFilters, bucketScope } from './filters';
import { ChartCard, CsvLink, KeyFigures, type Names, PickHint, bucketsOf } from './shared';

type StationTotal = OeeTotal & { stationId: string };

export function OeeReport({ filters, scope, names, onDrill }: { filters: AnalyticsFilters; scope: AnalyticsScope; names: Names; onDrill: (d: Drill) => void }) {
  const { t } = useTranslation();
  const oee = useOee(scope);
  const stationRows = useMemo(() => (oee.data?.rows ?? []).filter((r) => r.level === 'station'), [oee.data]);
  const totals = useMemo(() => {
    const by = new Map<string, OeeRowData[]>();
    for (const r of stationRows) by.set(r.stationId, [...(by.get(r.stationId) ?? []), r]);
    return [...by].map(([stationId, rows]): StationTotal => ({ stationId, ...oeeTotalOf(rows) })).sort((a, b) => a.stationId.localeCompare(b.stationId));
  }, [stationRows]);
  const plant = useMemo(() => oeeTotalOf(stationRows), [stationRows]);
  const buckets = useMemo(() => bucketsOf(stationRows), [stationRows]);
  const trend = useMemo(
    () =>
      totals.map((s) => {
        const byBucket = new Map(stationRows.filter((r) => r.stationId === s.stationId).map((r) => [r.bucket, r.oee]));
        return { label: names.station(s.stationId), values: buckets.map((b) => byBucket.get(b) ?? null) };
      }),
    [totals, stationRows, buckets, names],
  );
  const bars = useMemo(() => [{ label: t('analytics.oee.oee'), values: totals.map((s) => s.oee) }], [totals, t]);
  const labels = useMemo(() => totals.map((s) => names.station(s.stationId)), [totals, names]);

  const columns: Column<StationTotal>[] = [
    { key: 'station', header: t('analytics.station'), render: (s) => `${names.station(s.stationId)} (${s.stationId})` },
    { key: 'oee', header: t('analytics.oee.oee'), numeric: true, render: (s) => <span data-testid={`oee-${s.stationId}`}>{formatPercent(s.oee)}</span> },
    {
      key: 'a',
      header: t('analytics.oee.availability'),
      numeric: true,
      render: (s) => <span data-testid={`availability-${s.stationId}`}>{formatPercent(s.availability)}</span>,
    },
    {
      key: 'p',
      header: t('analytics.oee.performance'),
      numeric: true,
      render: (s) => <span data-testid={`performance-${s.stationId}`}>{formatPercent(s.performance)}</span>,
    },
    {
      key: 'q',
      header: t('analytics.oee.quality'),
      numeric: true,
      render: (s) => <span data-testid={`quality-${s.stationId}`}>{formatPercent(s.quality)}</span>,
    },
    { key: 'planned', header: t('analytics.oee.planned'), numeric: true, render: (s) => formatMinutes(s.plannedMinutes) },
    { key: 'run', header: t('analytics.oee.run'), numeric: true, render: (s) => formatMinutes(s.runMinutes) },
    { key: 'good', header: t('analytics.col.good'), numeric: true, render: (s) => formatQuantity(s.good) },
    { key: 'scrap', header: t('analytics.col.scrap'), numeric: true, render: (s) => formatQuantity(s.scrap) },
  ];

  return (
    <div className="stack">
      <ErrorAlert error={oee.error} />
      <KeyFigures
        items={[
          { label: t('analytics.oee.oee'), value: formatPercent(plant.oee), testId: 'kpi-oee' },
          { label: t('analytics.oee.availability'), value: formatPercent(plant.availability), testId: 'kpi-availability' },
          { label: t('analytics.oee.performance'), value: formatPercent(plant.performance), testId: 'kpi-performance' },
          { label: t('analytics.oee.quality'), value: formatPercent(plant.quality), testId: 'kpi-quality' },
        ]}
      />
      <div className="grid-2">
        <ChartCard title={t('analytics.oee.byStation')}>
          <BarChart
            labels={labels}
            bars={bars}
            format={formatPercent}
            onPick={(i) => totals[i] && onDrill({ title: names.station(totals[i].stationId), scope: { ...scope, stationId: totals[i].stationId } })}
            xLabel={t('analytics.station')}
            testId="chart-oee-stations"
            label={t('analytics.oee.byStation')}
          />
          <PickHint />
        </ChartCard>
        <ChartCard title={t('analytics.oee.trend')}>
          <TrendChart
            buckets={buckets}
            groupBy={filters.groupBy}
            series={trend}
            percent
            onPick={(i) => buckets[i] && onDrill({ title: buckets[i], scope: bucketScope(filters, buckets[i]) })}
            xLabel={t('analytics.col.bucket')}
            testId="chart-oee-trend"
            label={t('analytics.oee.trend')}
          />
          <PickHint />
        </ChartCard>
      </div>
      <ChartCard title={t('analytics.oee.table')} csv={<CsvLink path="oee" scope={scope} />}>
        <Table
          caption={t('analytics.oee.table')}
          columns={columns}
          rows={totals}
          rowKey={(s) => s.stationId}
          onRowClick={(s) => onDrill({ title: names.station(s.stationId), scope: { ...scope, stationId: s.stationId } })}
          rowLabel={(s) => t('analytics.showSteps', { what: names.station(s.stationId) })}
          empty={oee.isPending ? t('common.loading') : t('analytics.none')}
        />
      </ChartCard>
    </div>
  );
}
