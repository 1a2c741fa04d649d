/**
 * Planned vs actual minutes per unit per operation and station (with the nominal time the
 * actuals suggest), on-time delivery (rate, lead time, throughput per bucket) and worker
 * utilisation. Each bar opens the steps behind it.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { type AnalyticsScope, type DeliveryRowData, type PlannedVsActualRowData, useDelivery, usePlannedVsActual, useUtilisation } from '../../api/analytics';
import { ErrorAlert } from '../../api/ErrorAlert';
import { formatMinutes, formatNumber, formatPercent, formatQuantity } from '../../format';
import { type Column, Table } from '../../ui';
import { BarChart, TrendChart, bucketLabel } from './charts';
import type { Drill } from './DrillDown';
import { type AnalyticsFilters, bucketScope } from './filters';
import { ChartCard, CsvLink, KeyFigures, type Names, PickHint, bucketsOf, sumBy } from './shared';

type Props = { filters: AnalyticsFilters; scope: AnalyticsScope; names: Names; onDrill: (d: Drill) => void };

const perUnit = (n: number | null) => (n === null ? '—' : formatNumber(n, 2));

export function PlannedVsActualReport({ scope, names, onDrill }: Props) {
  const { t } = useTranslation();
  const report = usePlannedVsActual(scope);
  const rows = useMemo(() => report.data?.rows ?? [], [report.data]);
  const labels = useMemo(() => rows.map((r) => `${names.operation(r.operationId)} · ${names.station(r.stationId)}`), [rows, names]);
  const bars = useMemo(
    () => [
      { label: t('analytics.pva.planned'), values: rows.map((r) => r.plannedPerUnit) },
      { label: t('analytics.pva.actualMedian'), values: rows.map((r) => r.actualMedianPerUnit) },
    ],
    [rows, t],
  );
  const points = useMemo(() => ({ label: t('analytics.pva.suggested'), values: rows.map((r) => r.suggestedNominal) }), [rows, t]);
  const drill = (r: PlannedVsActualRowData) =>
    onDrill({
      title: `${names.operation(r.operationId)} · ${names.station(r.stationId)}`,
      scope: { ...scope, operationId: r.operationId, stationId: r.stationId },
    });
  const columns: Column<PlannedVsActualRowData>[] = [
    { key: 'operation', header: t('analytics.operation'), render: (r) => `${names.operation(r.operationId)} (${r.operationId})` },
    { key: 'station', header: t('analytics.station'), render: (r) => `${names.station(r.stationId)} (${r.stationId})` },
    { key: 'steps', header: t('analytics.scrap.steps'), numeric: true, render: (r) => formatNumber(r.steps) },
    { key: 'units', header: t('analytics.pva.units'), numeric: true, render: (r) => formatQuantity(r.units) },
    { key: 'nominal', header: t('analytics.pva.nominal'), numeric: true, render: (r) => perUnit(r.nominalPerUnit) },
    { key: 'planned', header: t('analytics.pva.planned'), numeric: true, render: (r) => perUnit(r.plannedPerUnit) },
    { key: 'mean', header: t('analytics.pva.actualMean'), numeric: true, render: (r) => perUnit(r.actualMeanPerUnit) },
    { key: 'median', header: t('analytics.pva.actualMedian'), numeric: true, render: (r) => perUnit(r.actualMedianPerUnit) },
    { key: 'suggested', header: t('analytics.pva.suggested'), numeric: true, render: (r) => <strong>{perUnit(r.suggestedNominal)}</strong> },
  ];
  return (
    <div className="stack">
      <ErrorAlert error={report.error} />
      <ChartCard title={t('analytics.pva.chart')}>
        <BarChart
          labels={labels}
          bars={bars}
          points={points}
          format={(n) => formatNumber(n, 1)}
          onPick={(i) => rows[i] && drill(rows[i])}
          xLabel={t('analytics.operation')}
          testId="chart-pva"
          label={t('analytics.pva.chart')}
        />
        <PickHint />
      </ChartCard>
      <ChartCard title={t('analytics.pva.table')} csv={<CsvLink path="planned-vs-actual" scope={scope} />}>
        <p className="muted small">{t('analytics.pva.explain')}</p>
        <Table
          caption={t('analytics.pva.table')}
          columns={columns}
          rows={rows}
          rowKey={(r) => `${r.operationId}|${r.stationId}`}
          onRowClick={drill}
          rowLabel={(r) => t('analytics.showSteps', { what: `${names.operation(r.operationId)} · ${names.station(r.stationId)}` })}
          empty={report.isPending ? t('common.loading') : t('analytics.none')}
        />
      </ChartCard>
    </div>
  );
}

export function DeliveryReport({ filters, scope, onDrill }: Props) {
  const { t } = useTranslation();
  const report = useDelivery(scope);
  // one row per bucket, in time order (the charts' x)
  const rows = useMemo(() => [...(report.data?.rows ?? [])].sort((a, b) => a.bucket.localeCompare(b.bucket)), [report.data]);
  const buckets = useMemo(() => bucketsOf(rows), [rows]);
  const total = useMemo(() => {
    const withDue = rows.reduce((s, r) => s + r.withDueDate, 0);
    const onTime = rows.reduce((s, r) => s + r.onTime, 0);
    return {
      plans: rows.reduce((s, r) => s + r.completedPlans, 0),
      rate: withDue > 0 ? onTime / withDue : null,
      units: rows.reduce((s, r) => s + r.goodUnits, 0),
    };
  }, [rows]);
  const rate = useMemo(() => [{ label: t('analytics.delivery.onTimeRate'), values: rows.map((r) => r.onTimeRate) }], [rows, t]);
  const lead = useMemo(
    () => [
      { label: t('analytics.delivery.leadMedian'), values: rows.map((r) => r.leadTimeMedianHours) },
      { label: t('analytics.delivery.leadP90'), values: rows.map((r) => r.leadTimeP90Hours) },
    ],
    [rows, t],
  );
  const throughput = useMemo(
    () => [
      { label: t('analytics.delivery.units'), values: rows.map((r) => r.units) },
      { label: t('analytics.delivery.goodUnits'), values: rows.map((r) => r.goodUnits) },
    ],
    [rows, t],
  );
  const labels = useMemo(() => buckets.map((b) => bucketLabel(b, filters.groupBy)), [buckets, filters.groupBy]);
  const drill = (bucket: string | undefined) => bucket && onDrill({ title: bucketLabel(bucket, filters.groupBy), scope: bucketScope(filters, bucket) });
  const columns: Column<DeliveryRowData>[] = [
    { key: 'bucket', header: t('analytics.col.bucket'), className: 'nowrap', render: (r) => bucketLabel(r.bucket, filters.groupBy) },
    { key: 'plans', header: t('analytics.delivery.completed'), numeric: true, render: (r) => formatNumber(r.completedPlans) },
    { key: 'due', header: t('analytics.delivery.withDueDate'), numeric: true, render: (r) => formatNumber(r.withDueDate) },
    { key: 'onTime', header: t('analytics.delivery.onTime'), numeric: true, render: (r) => formatNumber(r.onTime) },
    { key: 'rate', header: t('analytics.delivery.onTimeRate'), numeric: true, render: (r) => formatPercent(r.onTimeRate) },
    { key: 'median', header: t('analytics.delivery.leadMedian'), numeric: true, render: (r) => formatNumber(r.leadTimeMedianHours, 1) },
    { key: 'p90', header: t('analytics.delivery.leadP90'), numeric: true, render: (r) => formatNumber(r.leadTimeP90Hours, 1) },
    { key: 'units', header: t('analytics.delivery.units'), numeric: true, render: (r) => formatQuantity(r.units) },
    { key: 'good', header: t('analytics.delivery.goodUnits'), numeric: true, render: (r) => formatQuantity(r.goodUnits) },
  ];
  return (
    <div className="stack">
      <ErrorAlert error={report.error} />
      <KeyFigures
        items={[
          { label: t('analytics.delivery.onTimeRate'), value: formatPercent(total.rate), testId: 'kpi-on-time' },
          { label: t('analytics.delivery.completed'), value: formatNumber(total.plans), testId: 'kpi-completed' },
          { label: t('analytics.delivery.goodUnits'), value: formatQuantity(total.units), testId: 'kpi-good-units' },
        ]}
      />
      <div className="grid-2">
        <ChartCard title={t('analytics.delivery.onTimeRate')}>
          <TrendChart
            buckets={buckets}
            groupBy={filters.groupBy}
            series={rate}
            percent
            onPick={(i) => drill(buckets[i])}
            xLabel={t('analytics.col.bucket')}
            testId="chart-on-time"
            label={t('analytics.delivery.onTimeRate')}
          />
        </ChartCard>
        <ChartCard title={t('analytics.delivery.leadTime')}>
          <TrendChart
            buckets={buckets}
            groupBy={filters.groupBy}
            series={lead}
            format={(n) => formatNumber(n, 1)}
            onPick={(i) => drill(buckets[i])}
            xLabel={t('analytics.col.bucket')}
            testId="chart-lead-time"
            label={t('analytics.delivery.leadTime')}
          />
        </ChartCard>
      </div>
      <ChartCard title={t('analytics.delivery.throughput')}>
        <BarChart
          labels={labels}
          bars={throughput}
          format={formatQuantity}
          onPick={(i) => drill(buckets[i])}
          xLabel={t('analytics.col.bucket')}
          testId="chart-throughput"
          label={t('analytics.delivery.throughput')}
        />
        <PickHint />
      </ChartCard>
      <ChartCard title={t('analytics.delivery.table')} csv={<CsvLink path="delivery" scope={scope} />}>
        <Table
          caption={t('analytics.delivery.table')}
          columns={columns}
          rows={rows}
          rowKey={(r) => r.bucket}
          empty={report.isPending ? t('common.loading') : t('analytics.none')}
        />
      </ChartCard>
    </div>
  );
}

interface WorkerTotal {
  workerId: string;
  worked: number;
  shift: number | null;
  utilisation: number | null;
}

export function UtilisationReport({ filters, scope, names, onDrill }: Props) {
  const { t } = useTranslation();
  const report = useUtilisation(scope);
  const rows = useMemo(() => report.data?.rows ?? [], [report.data]);
  const totals = useMemo(() => {
    const worked = sumBy(
      rows,
      (r) => r.workerId,
      (r) => r.workedMinutes,
    );
    return [...worked]
      .map(([workerId, w]): WorkerTotal => {
        const own = rows.filter((r) => r.workerId === workerId);
        const shift = own.some((r) => r.shiftMinutes === null) ? null : own.reduce((s, r) => s + (r.shiftMinutes ?? 0), 0);
        return { workerId, worked: w, shift, utilisation: shift ? w / shift : null };
      })
      .sort((a, b) => a.workerId.localeCompare(b.workerId));
  }, [rows]);
  const buckets = useMemo(() => bucketsOf(rows), [rows]);
  const trend = useMemo(
    () =>
      totals.map((w) => {
        const by = new Map(rows.filter((r) => r.workerId === w.workerId).map((r) => [r.bucket, r.utilisation]));
        return { label: names.worker(w.workerId), values: buckets.map((b) => by.get(b) ?? null) };
      }),
    [totals, rows, buckets, names],
  );
  const bars = useMemo(() => [{ label: t('analytics.utilisation.utilisation'), values: totals.map((w) => w.utilisation) }], [totals, t]);
  const labels = useMemo(() => totals.map((w) => names.worker(w.workerId)), [totals, names]);
  const drill = (w: WorkerTotal | undefined) => w && onDrill({ title: names.worker(w.workerId), scope: { ...scope, workerId: w.workerId } });
  const columns: Column<WorkerTotal>[] = [
    { key: 'worker', header: t('analytics.worker'), render: (w) => `${names.worker(w.workerId)} (${w.workerId})` },
    { key: 'worked', header: t('analytics.col.worked'), numeric: true, render: (w) => formatMinutes(w.worked) },
    {
      key: 'shift',
      header: t('analytics.utilisation.shift'),
      numeric: true,
      render: (w) => (w.shift === null ? t('analytics.utilisation.noCalendar') : formatMinutes(w.shift)),
    },
    { key: 'utilisation', header: t('analytics.utilisation.utilisation'), numeric: true, render: (w) => formatPercent(w.utilisation) },
  ];
  return (
    <div className="stack">
      <ErrorAlert error={report.error} />
      <div className="grid-2">
        <ChartCard title={t('analytics.utilisation.byWorker')}>
          <BarChart
            labels={labels}
            bars={bars}
            format={formatPercent}
            onPick={(i) => drill(totals[i])}
            xLabel={t('analytics.worker')}
            testId="chart-utilisation"
            label={t('analytics.utilisation.byWorker')}
          />
          <PickHint />
        </ChartCard>
        <ChartCard title={t('analytics.utilisation.trend')}>
          <TrendChart
            buckets={buckets}
            groupBy={filters.groupBy}
            series={trend}
            percent
            onPick={(i) => buckets[i] && onDrill({ title: bucketLabel(buckets[i], filters.groupBy), scope: bucketScope(filters, buckets[i]) })}
            xLabel={t('analytics.col.bucket')}
            testId="chart-utilisation-trend"
            label={t('analytics.utilisation.trend')}
          />
        </ChartCard>
      </div>
      <ChartCard title={t('analytics.utilisation.table')} csv={<CsvLink path="utilisation" scope={scope} />}>
        <Table
          caption={t('analytics.utilisation.table')}
          columns={columns}
          rows={totals}
          rowKey={(w) => w.workerId}
          onRowClick={drill}
          rowLabel={(w) => t('analytics.showSteps', { what: names.worker(w.workerId) })}
          empty={report.isPending ? t('common.loading') : t('analytics.none')}
        />
      </ChartCard>
    </div>
  );
}
