/** The plan page's quality section: every step's checks and current values, the non-conformances (approve), and the CSV inspection report. */
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { inspectionReportUrl, type Nonconformance, useApproveNonconformance, usePlanInspection, usePlanNonconformances } from '../../api/quality';
import { formatDateTime, formatNumber } from '../../format';
import { Badge, Button, Card, type Column, Table } from '../../ui';

type Row = { key: string; step: string; check: string; sample: number; value: string; result: 'ok' | 'failed' | 'missing'; who: string; when: string };

const dispositionKeys = { rework: 'quality.disposition.rework', scrap: 'quality.disposition.scrap', use_as_is: 'quality.disposition.use_as_is' } as const;

export function PlanInspection({ planId }: { planId: string }) {
  const { t } = useTranslation();
  const results = usePlanInspection(planId);
  const ncrs = usePlanNonconformances(planId);
  const approve = useApproveNonconformance();
  const rows: Row[] = (results.data?.steps ?? []).flatMap((step) =>
    step.items.flatMap((s) =>
      Array.from({ length: s.item.samples }, (_, k) => {
        const r = s.results.find((x) => x.sample === k + 1);
        const value =
          r === undefined
            ? ''
            : s.item.kind === 'photo'
              ? '📷'
              : typeof r.value === 'boolean'
                ? r.value
                  ? t('quality.pass')
                  : t('quality.fail')
                : String(r.value);
        return {
          key: `${step.assignmentId}/${s.item.id}/${k + 1}`,
          step: `${step.nodeId} ${step.nodeName}`,
          check: `${s.item.label}${s.item.unit ? ` (${s.item.unit})` : ''}`,
          sample: k + 1,
          value,
          result: r === undefined ? ('missing' as const) : r.ok ? ('ok' as const) : ('failed' as const),
          who: r?.recordedBy ?? '',
          when: r ? formatDateTime(r.recordedAt) : '',
        };
      }),
    ),
  );
  const columns: Column<Row>[] = [
    { key: 'step', header: t('quality.col.step'), render: (r) => r.step },
    { key: 'check', header: t('quality.col.check'), render: (r) => r.check },
    { key: 'sample', header: t('quality.col.sample'), numeric: true, render: (r) => formatNumber(r.sample) },
    { key: 'value', header: t('quality.col.value'), render: (r) => <span className="mono">{r.value}</span> },
    {
      key: 'result',
      header: t('quality.col.result'),
      render: (r) =>
        r.result === 'ok' ? (
          <Badge tone="success">{t('quality.ok')}</Badge>
        ) : r.result === 'failed' ? (
          <Badge tone="danger">{t('quality.failed')}</Badge>
        ) : (
          <span className="muted">{t('quality.missing')}</span>
        ),
    },
    { key: 'who', header: t('quality.col.who'), render: (r) => `${r.who} ${r.when}` },
  ];
  const ncrColumns: Column<Nonconformance>[] = [
    { key: 'code', header: t('quality.col.code'), render: (n) => <span className="mono">{n.code}</span> },
    { key: 'step', header: t('quality.col.step'), render: (n) => `${n.nodeId} ${n.nodeName}` },
    { key: 'quantity', header: t('quality.col.quantity'), numeric: true, render: (n) => formatNumber(n.quantity) },
    { key: 'items', header: t('quality.col.check'), render: (n) => n.items.map((i) => i.label).join(', ') },
    { key: 'disposition', header: t('quality.col.disposition'), render: (n) => t(dispositionKeys[n.disposition]) },
    { key: 'note', header: t('quality.col.note'), render: (n) => n.note },
    {
      key: 'approved',
      header: t('quality.col.approved'),
      render: (n) =>
        n.approvedBy ? (
          <span>
            {n.approvedBy} {formatDateTime(n.approvedAt!)}
            {n.reworkNodeId && <Badge tone="info">{t('quality.reworkStep', { node: n.reworkNodeId })}</Badge>}
          </span>
        ) : (
          <Button size="sm" variant="primary" disabled={approve.isPending} onClick={() => approve.mutate(n.code)} data-testid={`approve-${n.code}`}>
            {t('quality.approve')}
          </Button>
        ),
    },
  ];
  return (
    <Card
      title={t('quality.title')}
      flush
      actions={
        <a className="btn" href={inspectionReportUrl(planId)} download data-testid="inspection-report-link">
          ⬇ {t('quality.csv')}
        </a>
      }
    >
      <ErrorAlert error={results.error ?? ncrs.error ?? approve.error} />
      <Table
        caption={t('quality.resultsCaption')}
        columns={columns}
        rows={rows}
        rowKey={(r) => r.key}
        empty={results.isPending ? t('common.loading') : t('quality.noChecks')}
      />
      <h3 className="card__subtitle">{t('quality.ncrs')}</h3>
      <Table caption={t('quality.ncrs')} columns={ncrColumns} rows={ncrs.data?.items ?? []} rowKey={(n) => n.code} empty={t('quality.noNcrs')} />
    </Card>
  );
}
