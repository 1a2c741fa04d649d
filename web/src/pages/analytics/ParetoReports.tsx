/**
 * Downtime and scrap: a Pareto by reason (bars largest first, the cumulative share as
 * a line) and the same figures per station (downtime) or per operation (scrap). A
 * reason's bar opens the steps with a pause or scrap of that reason; a station's or an
 * operation's bar the steps there.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { type AnalyticsScope, type ParetoRowData, useDowntime, useScrap } from '../../api/analytics';
import type { PauseReason } from '../../api/types';
import { ErrorAlert } from '../../api/ErrorAlert';
import { formatMinutes, formatNumber, formatPercent, formatQuantity } from '../../format';
import { pauseReasonLabel, pauseReasons } from '../../labels';
import { type Column, Table } from '../../ui';
import { BarChart, ParetoChart } from './charts';
import type { Drill } from './DrillDown';
import { ChartCard, CsvLink, hoursTick, type Names, PickHint, sumBy } from './shared';

/** A pause reason in the reader's language (the API's reason codes); other reasons as written. */
const downtimeReason = (reason: string) => ((pauseReasons as string[]).includes(reason) ? pauseReasonLabel(reason as PauseReason) : reason);

const titleKeys = { downtime: 'analytics.downtime.title', scrap: 'analytics.scrap.title' } as const;
const paretoKeys = { downtime: 'analytics.downtime.pareto', scrap: 'analytics.scrap.pareto' } as const;

interface ParetoProps {
  kind: 'downtime' | 'scrap';
  pareto: ParetoRowData[];
  reasonLabel: (reason: string) => string;
  format: (n: number) => string;
  axisFormat: (n: number) => string;
  valueHeader: string;
  countHeader: string;
  scope: AnalyticsScope;
  onDrill: (d: Drill) => void;
}

function Pareto({ kind, pareto, reasonLabel, format, axisFormat, valueHeader, countHeader, scope, onDrill }: ParetoProps) {
  const { t } = useTranslation();
  const labels = useMemo(() => pareto.map((p) => reasonLabel(p.reason)), [pareto, reasonLabel]);
  const values = useMemo(() => pareto.map((p) => p.value), [pareto]);
  const cumulative = useMemo(() => pareto.map((p) => p.cumulativeShare), [pareto]);
  const drill = (p: ParetoRowData) => onDrill({ title: `${t(titleKeys[kind])}: ${reasonLabel(p.reason)}`, scope: { ...scope, reason: p.reason } });
  const columns: Column<ParetoRowData>[] = [
    { key: 'reason', header: t('analytics.col.reason'), render: (p) => reasonLabel(p.reason) },
    { key: 'value', header: valueHeader, numeric: true, render: (p) => format(p.value) },
    { key: 'count', header: countHeader, numeric: true, render: (p) => formatNumber(p.count) },
    { key: 'share', header: t('analytics.col.share'), numeric: true, render: (p) => formatPercent(p.share) },
    { key: 'cumulative', header: t('analytics.col.cumulative'), numeric: true, render: (p) => formatPercent(p.cumulativeShare) },
  ];
  return (
    <ChartCard title={t(paretoKeys[kind])} csv={<CsvLink path={kind} scope={scope} />} testId={`pareto-${kind}`}>
      <ParetoChart
        labels={labels}
        values={values}
        cumulative={cumulative}
        valueLabel={valueHeader}
        format={format}
        axisFormat={axisFormat}
        xLabel={t('analytics.col.reason')}
        onPick={(i) => pareto[i] && drill(pareto[i])}
        testId={`chart-${kind}-pareto`}
        label={t(paretoKeys[kind])}
      />
      <PickHint />
      <Table
        caption={t(paretoKeys[kind])}
        columns={columns}
        rows={pareto}
        rowKey={(p) => p.reason}
        onRowClick={drill}
        rowLabel={(p) => t('analytics.showSteps', { what: reasonLabel(p.reason) })}
        empty={t('analytics.none')}
      />
    </ChartCard>
  );
}

/** Bars of a total per key (station, operation), largest first; a bar opens the steps of its key. */
function ByKey({
  title,
  totals,
  label,
  format,
  axisFormat,
  xLabel,
  valueHeader,
  onPick,
  testId,
}: {
  title: string;
  totals: Map<string, number>;
  label: (key: string) => string;
  format: (n: number) => string;
  axisFormat: (n: number) => string;
  xLabel: string;
  valueHeader: string;
  onPick: (key: string) => void;
  testId: string;
}) {
  const sorted = useMemo(() => [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])), [totals]);
  const labels = useMemo(() => sorted.map(([k]) => label(k)), [sorted, label]);
  const bars = useMemo(() => [{ label: valueHeader, values: sorted.map(([, v]) => v) }], [sorted, valueHeader]);
  return (
    <ChartCard title={title}>
      <BarChart
        labels={labels}
        bars={bars}
        format={format}
        axisFormat={axisFormat}
        xLabel={xLabel}
        onPick={(i) => sorted[i] && onPick(sorted[i][0])}
        testId={testId}
        label={title}
      />
      <PickHint />
    </ChartCard>
  );
}

export function DowntimeReport({ scope, names, onDrill }: { scope: AnalyticsScope; names: Names; onDrill: (d: Drill) => void }) {
  const { t } = useTranslation();
  const report = useDowntime(scope);
  const byStation = useMemo(
    () =>
      sumBy(
        report.data?.rows ?? [],
        (r) => r.stationId,
        (r) => r.minutes,
      ),
    [report.data],
  );
  return (
    <div className="stack">
      <ErrorAlert error={report.error} />
      <div className="grid-2">
        <Pareto
          kind="downtime"
          pareto={report.data?.pareto ?? []}
          reasonLabel={downtimeReason}
          format={formatMinutes}
          axisFormat={hoursTick}
          valueHeader={t('analytics.downtime.minutes')}
          countHeader={t('analytics.downtime.pauses')}
          scope={scope}
          onDrill={onDrill}
        />
        <ByKey
          title={t('analytics.downtime.byStation')}
          totals={byStation}
          label={names.station}
          format={formatMinutes}
          axisFormat={hoursTick}
          xLabel={t('analytics.station')}
          valueHeader={t('analytics.downtime.minutes')}
          onPick={(stationId) => onDrill({ title: `${t('analytics.downtime.title')}: ${names.station(stationId)}`, scope: { ...scope, stationId } })}
          testId="chart-downtime-stations"
        />
      </div>
    </div>
  );
}

export function ScrapReport({ scope, names, onDrill }: { scope: AnalyticsScope; names: Names; onDrill: (d: Drill) => void }) {
  const { t } = useTranslation();
  const report = useScrap(scope);
  const byOperation = useMemo(
    () =>
      sumBy(
        report.data?.rows ?? [],
        (r) => r.operationId,
        (r) => r.scrap,
      ),
    [report.data],
  );
  const unspecified = t('analytics.scrap.unspecified');
  const reasonLabel = useMemo(() => (reason: string) => (reason === 'unspecified' ? unspecified : reason), [unspecified]);
  return (
    <div className="stack">
      <ErrorAlert error={report.error} />
      <div className="grid-2">
        <Pareto
          kind="scrap"
          pareto={report.data?.pareto ?? []}
          reasonLabel={reasonLabel}
          format={formatQuantity}
          axisFormat={formatQuantity}
          valueHeader={t('analytics.scrap.units')}
          countHeader={t('analytics.scrap.steps')}
          scope={scope}
          onDrill={onDrill}
        />
        <ByKey
          title={t('analytics.scrap.byOperation')}
          totals={byOperation}
          label={names.operation}
          format={formatQuantity}
          axisFormat={formatQuantity}
          xLabel={t('analytics.operation')}
          valueHeader={t('analytics.scrap.units')}
          onPick={(operationId) => onDrill({ title: `${t('analytics.scrap.title')}: ${names.operation(operationId)}`, scope: { ...scope, operationId } })}
          testId="chart-scrap-operations"
        />
      </div>
    </div>
  );
}
