/** Pieces every analytics report uses: names for ids, a chart card with its CSV link, key figures, sums. */
import { type ReactNode, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { csvHref, type ReportPath, type StepsScope } from '../../api/analytics';
import { useOperations, useStations, useWorkers } from '../../api/masterData';
import { formatNumber } from '../../format';
import { t as translate } from '../../i18n';
import { Card } from '../../ui';

export interface Names {
  station: (id: string) => string;
  substation: (id: string | null) => string;
  operation: (id: string) => string;
  worker: (id: string) => string;
}

/** Names of stations, substations, operations and workers by id (the id itself while they load or when archived). */
export function useNames(): Names {
  const stations = useStations();
  const operations = useOperations();
  const workers = useWorkers();
  return useMemo(() => {
    const st = new Map((stations.data?.items ?? []).map((s) => [s.id, s.name]));
    const sub = new Map((stations.data?.items ?? []).flatMap((s) => s.substations.map((x) => [x.id, x.name] as const)));
    const op = new Map((operations.data?.items ?? []).map((o) => [o.id, o.name]));
    const wk = new Map((workers.data?.items ?? []).map((w) => [w.id, w.name]));
    return {
      station: (id) => st.get(id) ?? id,
      substation: (id) => (id ? (sub.get(id) ?? id) : ''),
      operation: (id) => op.get(id) ?? id,
      worker: (id) => wk.get(id) ?? id,
    };
  }, [stations.data, operations.data, workers.data]);
}

/** A download link of a table as CSV (the API's `format=csv`). */
export function CsvLink({ path, scope, testId }: { path: ReportPath | 'steps'; scope: StepsScope; testId?: string }) {
  const { t } = useTranslation();
  return (
    <a className="btn btn--sm" href={csvHref(path, scope)} download={`${path}.csv`} data-testid={testId ?? `csv-${path}`}>
      {t('analytics.csv')}
    </a>
  );
}

/** A card with a chart (or table) and, in its header, the CSV of the table behind it. */
export function ChartCard({ title, csv, children, testId }: { title: string; csv?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <Card title={title} actions={csv} data-testid={testId}>
      {children}
    </Card>
  );
}

/** A row of headline figures. */
export function KeyFigures({ items }: { items: { label: string; value: string; testId?: string }[] }) {
  return (
    <dl className="kpis">
      {items.map((i) => (
        <div key={i.label} className="kpi">
          <dt>{i.label}</dt>
          <dd data-testid={i.testId}>{i.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Sums `value` of rows by `key`, in first-seen order. */
export function sumBy<T>(rows: readonly T[], key: (r: T) => string, value: (r: T) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + value(r));
  return out;
}

/** The buckets present in rows, sorted. */
export const bucketsOf = (rows: readonly { bucket: string }[]) => [...new Set(rows.map((r) => r.bucket))].sort();

/** A hint under a chart: click a bar to see its steps. */
export function PickHint() {
  const { t } = useTranslation();
  return <p className="muted small">{t('analytics.pickHint')}</p>;
}

/** Minutes as hours for an axis tick ("120 h"; a tick needs no minutes). */
export const hoursTick = (minutes: number) => translate('format.hours', { h: formatNumber(minutes / 60, minutes >= 600 ? 0 : 1) });
