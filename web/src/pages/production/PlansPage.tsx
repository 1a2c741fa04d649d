/** Production: every plan with status, progress, planned end and late steps; filter by status (or archived) and search. */
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { usePlans } from '../../api/plans';
import type { PlanStatus, PlanSummary } from '../../api/types';
import { formatDateTime, formatNumber, formatQuantity } from '../../format';
import { useDebounced } from '../../hooks';
import { Link, navigate } from '../../router';
import { Badge, Button, Card, type Column, Pager, ProgressBar, SelectField, StatusBadge, Table, TextField, statusLabel } from '../../ui';

const statuses: PlanStatus[] = ['draft', 'released', 'in_production', 'paused', 'completed', 'cancelled'];
const openStatuses: PlanStatus[] = ['draft', 'released', 'in_production', 'paused'];
const pageSize = 50;

const columnsFor = (t: TFunction): Column<PlanSummary>[] => [
  {
    key: 'id',
    header: t('plans.col.plan'),
    className: 'nowrap',
    // the row opens the plan too: a click on the link (also ctrl-click for a new tab) is the link's alone
    render: (p) => (
      <span onClick={(e) => e.stopPropagation()}>
        <Link to={`/production/${p.id}`} className="mono">
          {p.id}
        </Link>
      </span>
    ),
  },
  { key: 'name', header: t('plans.col.name'), render: (p) => p.name },
  { key: 'wo', header: t('plans.col.workOrder'), className: 'nowrap', render: (p) => <span className="mono">{p.workOrderCode}</span> },
  { key: 'qty', header: t('plans.col.qty'), numeric: true, render: (p) => formatQuantity(p.quantity) },
  { key: 'status', header: t('plans.col.status'), render: (p) => <StatusBadge status={p.status} /> },
  { key: 'progress', header: t('plans.col.progress'), render: (p) => <ProgressBar done={p.completedNodes} total={p.nodeCount} /> },
  { key: 'end', header: t('plans.col.plannedEnd'), className: 'nowrap', render: (p) => formatDateTime(p.plannedEnd) },
  {
    key: 'late',
    header: t('plans.col.lateSteps'),
    numeric: true,
    render: (p) =>
      p.lateNodes > 0 ? <Badge tone="danger">{t('plans.late', { count: p.lateNodes, n: formatNumber(p.lateNodes) })}</Badge> : <span className="muted">0</span>,
  },
];

export function PlansPage() {
  const { t } = useTranslation();
  const columns = columnsFor(t);
  const [status, setStatus] = useState<'' | 'open' | 'archived' | PlanStatus>('open');
  const [q, setQ] = useState('');
  const search = useDebounced(q.trim(), 250);
  const [page, setPage] = useState({ offset: 0, filters: '' });
  // another filter or search starts again at the first page
  const filters = `${status}|${search}`;
  const offset = page.filters === filters ? page.offset : 0;
  const plans = usePlans({
    status: status === 'open' ? openStatuses : status && status !== 'archived' ? [status] : undefined,
    archived: status === 'archived' ? true : undefined,
    q: search || undefined,
    limit: pageSize,
    offset,
  });

  return (
    <div className="page">
      <div className="page-header">
        <div className="page-header__title">
          <h1>{t('plans.title')}</h1>
          <span className="muted">{plans.data ? t('plans.count', { count: plans.data.total, n: formatNumber(plans.data.total) }) : t('common.loading')}</span>
        </div>
        <Button variant="primary" onClick={() => navigate('/designer')}>
          {t('plans.new')}
        </Button>
      </div>
      <Card flush>
        <div className="card__header">
          <div className="toolbar">
            <SelectField
              label={t('plans.col.status')}
              value={status}
              onChange={(e) => setStatus(e.target.value as typeof status)}
              options={[
                { value: 'open', label: t('plans.filter.open') },
                { value: '', label: t('plans.filter.all') },
                ...statuses.map((s) => ({ value: s, label: statusLabel(s) })),
                { value: 'archived', label: t('plans.filter.archived') },
              ]}
            />
            <TextField label={t('plans.search')} type="search" placeholder={t('plans.searchPlaceholder')} value={q} onChange={(e) => setQ(e.target.value)} />
          </div>
        </div>
        <ErrorAlert error={plans.error} />
        <Table
          caption={t('plans.title')}
          columns={columns}
          rows={plans.data?.items ?? []}
          rowKey={(p) => p.id}
          onRowClick={(p) => navigate(`/production/${p.id}`)}
          rowLabel={(p) => t('plans.openRow', { id: p.id, name: p.name })}
          empty={plans.isPending ? t('common.loading') : t('plans.noneMatch')}
        />
        {plans.data && (
          <Pager
            label={t('plans.title')}
            total={plans.data.total}
            offset={plans.data.offset}
            limit={pageSize}
            onOffset={(o) => setPage({ offset: o, filters })}
          />
        )}
      </Card>
    </div>
  );
}
