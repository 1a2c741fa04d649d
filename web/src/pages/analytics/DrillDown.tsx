/** The completed steps behind a bar (GET /analytics/steps), each linking to its plan; more pages on request; the list as CSV. */
import { useTranslation } from 'react-i18next';
import { type StepRowData, type StepsScope, useAnalyticsSteps } from '../../api/analytics';
import { ErrorAlert } from '../../api/ErrorAlert';
import { formatDateTime, formatMinutes, formatQuantity } from '../../format';
import { Link } from '../../router';
import { Button, type Column, Dialog, Table } from '../../ui';
import { CsvLink, type Names } from './shared';

export interface Drill {
  /** What was clicked, for the title ("Downtime: machine fault"). */
  title: string;
  scope: StepsScope;
}

export function DrillDown({ drill, names, onClose }: { drill: Drill | null; names: Names; onClose: () => void }) {
  const { t } = useTranslation();
  const steps = useAnalyticsSteps(drill?.scope ?? null);
  const rows = steps.data?.pages.flatMap((p) => p.rows) ?? [];
  const columns: Column<StepRowData>[] = [
    {
      key: 'plan',
      header: t('analytics.col.plan'),
      className: 'nowrap',
      render: (s) => (
        <Link to={`/production/${s.planId}`} className="mono" data-testid={`drill-plan-${s.assignmentId}`}>
          {s.planId}
        </Link>
      ),
    },
    { key: 'step', header: t('analytics.col.step'), render: (s) => `${s.nodeName} · ${s.planName}` },
    { key: 'operation', header: t('analytics.operation'), render: (s) => names.operation(s.operationId) },
    { key: 'where', header: t('analytics.substation'), render: (s) => `${names.station(s.stationId)} / ${names.substation(s.substationId)}` },
    { key: 'worker', header: t('analytics.worker'), render: (s) => names.worker(s.workerId) },
    { key: 'end', header: t('analytics.col.ended'), className: 'nowrap', render: (s) => formatDateTime(s.actualEnd) },
    { key: 'worked', header: t('analytics.col.worked'), numeric: true, render: (s) => formatMinutes(s.workedMinutes) },
    { key: 'paused', header: t('analytics.col.paused'), numeric: true, render: (s) => formatMinutes(s.pausedMinutes) },
    { key: 'good', header: t('analytics.col.good'), numeric: true, render: (s) => formatQuantity(s.good) },
    { key: 'scrap', header: t('analytics.col.scrap'), numeric: true, render: (s) => formatQuantity(s.scrap) },
    { key: 'reason', header: t('analytics.col.scrapReason'), render: (s) => s.scrapReason ?? '' },
  ];
  return (
    <Dialog
      open={drill !== null}
      wide
      title={drill ? t('analytics.drill.title', { what: drill.title }) : ''}
      onClose={onClose}
      footer={
        <>
          {drill && <CsvLink path="steps" scope={drill.scope} testId="csv-steps" />}
          <span className="spacer" />
          <Button onClick={onClose}>{t('common.close')}</Button>
        </>
      }
    >
      <ErrorAlert error={steps.error} />
      <div className="drill-steps" data-testid="drill-steps">
        <Table
          caption={t('analytics.drill.caption')}
          columns={columns}
          rows={rows}
          rowKey={(s) => s.assignmentId}
          empty={steps.isPending ? t('common.loading') : t('analytics.drill.none')}
        />
      </div>
      {steps.hasNextPage && (
        <Button onClick={() => void steps.fetchNextPage()} disabled={steps.isFetchingNextPage}>
          {t('analytics.drill.more')}
        </Button>
      )}
    </Dialog>
  );
}
