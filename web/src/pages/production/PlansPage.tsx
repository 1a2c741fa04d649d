/**
 * Production: every plan with status, progress, due date, priority, projected
 * end and lateness, and late steps; filter by status (or archived), late plans
 * and search; sort by the sortable columns (on the server, so pages stay right).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { usePlans } from '../../api/plans';
import type { PlanSortKey, PlanStatus, PlanSummary } from '../../api/types';
import { Lateness, usePriorityLabel } from '../../components/Lateness';
import { formatDateTime, formatNumber, formatQuantity } from '../../format';
import { useDebounced } from '../../hooks';
import { Link, navigate } from '../../router';
import { RescheduleFloorButton } from './RescheduleFloor';
import { Badge, Button, Card, Checkbox, type Column, CursorPager, ProgressBar, SelectField, StatusBadge, Table, TextField, statusLabel } from '../../ui';

const statuses: PlanStatus[] = ['draft', 'released', 'in_production', 'paused', 'completed', 'cancelled'];
const openStatuses: PlanStatus[] = ['draft', 'released', 'in_production', 'paused'];
const pageSize = 50;

interface Sort {
  key: PlanSortKey;
  direction: 'asc' | 'desc';
}
const newestFirst: Sort = { key: 'createdAt', direction: 'desc' };

/** A column header that sorts the list: first click by its default direction, the next reverses it. */
function SortHeader({ label, sortKey, sort, onSort }: { label: string; sortKey: PlanSortKey; sort: Sort; onSort: (s: Sort) => void }) {
  const { t } = useTranslation();
  const active = sort.key === sortKey;
  const next: Sort = active ? { key: sortKey, direction: sort.direction === 'asc' ? 'desc' : 'asc' } : { key: sortKey, direction: 'asc' };
  return (
    <button type="button" className="th-sort" onClick={() => onSort(next)} title={t('due.sortBy', { column: label })} data-testid={`sort-${sortKey}`}>
      {label}
      {active && (sort.direction === 'asc' ? ' ▲' : ' ▼')}
    </button>
  );
}

function usePlanColumns(sort: Sort, onSort: (s: Sort) => void): Column<PlanSummary>[] {
  const { t } = useTranslation();
  const priorityLabel = usePriorityLabel();
  const sortable = (key: PlanSortKey, label: string) => ({
    header: <SortHeader label={label} sortKey={key} sort={sort} onSort={onSort} />,
    sorted: sort.key === key ? (sort.direction === 'asc' ? ('ascending' as const) : ('descending' as const)) : ('none' as const),
  });
  return [
    {
      key: 'id',
      ...sortable('code', t('plans.col.plan')),
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
    {
      key: 'priority',
      ...sortable('priority', t('due.priority')),
      className: 'nowrap',
      render: (p) => <span title={priorityLabel(p.priority)}>{p.priority}</span>,
    },
    { key: 'progress', header: t('plans.col.progress'), render: (p) => <ProgressBar done={p.completedNodes} total={p.nodeCount} /> },
    { key: 'due', ...sortable('dueDate', t('due.dueDate')), className: 'nowrap', render: (p) => formatDateTime(p.dueDate) },
    { key: 'projected', ...sortable('projectedEnd', t('due.projectedEnd')), className: 'nowrap', render: (p) => formatDateTime(p.projectedEnd) },
    { key: 'lateness', ...sortable('lateness', t('due.lateness')), className: 'nowrap', render: (p) => <Lateness plan={p} /> },
    {
      key: 'late',
      header: t('plans.col.lateSteps'),
      numeric: true,
      render: (p) =>
        p.lateNodes > 0 ? (
          <Badge tone="danger">{t('plans.late', { count: p.lateNodes, n: formatNumber(p.lateNodes) })}</Badge>
        ) : (
          <span className="muted">0</span>
        ),
    },
  ];
}

export function PlansPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'' | 'open' | 'archived' | PlanStatus>('open');
  const [q, setQ] = useState('');
  const [lateOnly, setLateOnly] = useState(false);
  const [sort, setSort] = useState<Sort>(newestFirst);
  const search = useDebounced(q.trim(), 250);
  // the cursors of the pages before the one shown (keyset paging: the API counts nothing)
  const [page, setPage] = useState<{ cursors: string[]; filters: string }>({ cursors: [], filters: '' });
  // another filter, search or order starts again at the first page
  const filters = `${status}|${search}|${lateOnly}|${sort.key}|${sort.direction}`;
  const cursors = page.filters === filters ? page.cursors : [];
  const plans = usePlans({
    status: status === 'open' ? openStatuses : status && status !== 'archived' ? [status] : undefined,
    archived: status === 'archived' ? true : undefined,
    q: search || undefined,
    late: lateOnly ? true : undefined,
    ...(sort === newestFirst ? {} : { sort: sort.key, direction: sort.direction }),
    limit: pageSize,
    cursor: cursors.at(-1),
  });
  // the number of plans is known when they all fit on the first page
  const known = plans.data && cursors.length === 0 && plans.data.nextCursor === null ? plans.data.items.length : undefined;
  const columns = usePlanColumns(sort, setSort);

  return (
    <div className="page">
      <div className="page-header">
        <div className="page-header__title">
          <h1>{t('plans.title')}</h1>
          <span className="muted">
            {known !== undefined ? t('plans.count', { count: known, n: formatNumber(known) }) : plans.data ? '' : t('common.loading')}
          </span>
        </div>
        <div className="toolbar">
          <RescheduleFloorButton />
          <Button variant="primary" onClick={() => navigate('/designer')}>
            {t('plans.new')}
          </Button>
        </div>
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
            <Checkbox label={t('due.lateOnly')} checked={lateOnly} onChange={(e) => setLateOnly(e.target.checked)} data-testid="plans-late-only" />
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
          <CursorPager
            label={t('plans.title')}
            first={cursors.length * pageSize + 1}
            shown={plans.data.items.length}
            hasPrevious={cursors.length > 0}
            hasNext={plans.data.nextCursor !== null}
            onPrevious={() => setPage({ cursors: cursors.slice(0, -1), filters })}
            onNext={() => plans.data?.nextCursor && setPage({ cursors: [...cursors, plans.data.nextCursor], filters })}
          />
        )}
      </Card>
    </div>
  );
}
