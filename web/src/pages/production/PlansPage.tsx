/** Production: every plan with status, progress, planned end and late steps; filter by status (or archived) and search. */
import { useState } from 'react';
import { ErrorAlert } from '../../api/ErrorAlert';
import { usePlans } from '../../api/plans';
import type { PlanStatus, PlanSummary } from '../../api/types';
import { formatDateTime } from '../../format';
import { useDebounced } from '../../hooks';
import { Link, navigate } from '../../router';
import { RescheduleFloorButton } from './RescheduleFloor';
import { Badge, Button, Card, type Column, Pager, ProgressBar, SelectField, StatusBadge, Table, TextField, statusLabel } from '../../ui';

const statuses: PlanStatus[] = ['draft', 'released', 'in_production', 'paused', 'completed', 'cancelled'];
const openStatuses: PlanStatus[] = ['draft', 'released', 'in_production', 'paused'];
const pageSize = 50;

const columns: Column<PlanSummary>[] = [
  {
    key: 'id',
    header: 'Plan',
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
  { key: 'name', header: 'Name', render: (p) => p.name },
  { key: 'wo', header: 'Work order', className: 'nowrap', render: (p) => <span className="mono">{p.workOrderCode}</span> },
  { key: 'qty', header: 'Qty', numeric: true, render: (p) => p.quantity },
  { key: 'status', header: 'Status', render: (p) => <StatusBadge status={p.status} /> },
  { key: 'progress', header: 'Progress', render: (p) => <ProgressBar done={p.completedNodes} total={p.nodeCount} /> },
  { key: 'end', header: 'Planned end', className: 'nowrap', render: (p) => formatDateTime(p.plannedEnd) },
  {
    key: 'late',
    header: 'Late steps',
    numeric: true,
    render: (p) => (p.lateNodes > 0 ? <Badge tone="danger">{p.lateNodes} late</Badge> : <span className="muted">0</span>),
  },
];

export function PlansPage() {
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
          <h1>Production plans</h1>
          <span className="muted">{plans.data ? `${plans.data.total} plans` : 'Loading…'}</span>
        </div>
        <div className="toolbar">
          <RescheduleFloorButton />
          <Button variant="primary" onClick={() => navigate('/designer')}>
            New plan
          </Button>
        </div>
      </div>
      <Card flush>
        <div className="card__header">
          <div className="toolbar">
            <SelectField
              label="Status"
              value={status}
              onChange={(e) => setStatus(e.target.value as typeof status)}
              options={[
                { value: 'open', label: 'Open (not finished)' },
                { value: '', label: 'All' },
                ...statuses.map((s) => ({ value: s, label: statusLabel(s) })),
                { value: 'archived', label: 'Archived' },
              ]}
            />
            <TextField label="Search" type="search" placeholder="Plan, name or work order" value={q} onChange={(e) => setQ(e.target.value)} />
          </div>
        </div>
        <ErrorAlert error={plans.error} />
        <Table
          caption="Production plans"
          columns={columns}
          rows={plans.data?.items ?? []}
          rowKey={(p) => p.id}
          onRowClick={(p) => navigate(`/production/${p.id}`)}
          rowLabel={(p) => `Open plan ${p.id} ${p.name}`}
          empty={plans.isPending ? 'Loading…' : 'No plans match'}
        />
        {plans.data && (
          <Pager
            label="Production plans"
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
