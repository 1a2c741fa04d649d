/** One plan: header with lifecycle actions, the graph, the Gantt, steps and material inputs; all live. */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { ErrorAlert } from '../../api/ErrorAlert';
import { usePlan, useSchedule } from '../../api/queries';
import type { PlanDetail, PlanDetailNode, PlanDocument } from '../../api/types';
import { formatDateTime, formatMinutes, formatQuantity, formatTime } from '../../format';
import { PlanGraph } from '../../graph/PlanGraph';
import { Link, navigate } from '../../router';
import { Alert, Badge, Button, Card, type Column, ProgressBar, StatusBadge, Table, Tabs } from '../../ui';
import { Gantt, type GanttMode } from './Gantt';
import { ArchiveButton, PlanActions } from './PlanActions';
import { PlanMaterialsTable } from './PlanMaterials';

export function PlanPage({ id }: { id: string }) {
  const plan = usePlan(id);
  if (plan.isPending) return <div className="empty">Loading {id}…</div>;
  if (plan.isError)
    return (
      <div className="page">
        <ErrorAlert error={plan.error} title={`Cannot show ${id}`} />
        <Link to="/production">Back to production</Link>
      </div>
    );
  return <PlanView plan={plan.data} />;
}

function PlanView({ plan }: { plan: PlanDetail }) {
  const [mode, setMode] = useState<GanttMode>('station');
  const schedule = useSchedule(plan.id, plan.status !== 'draft');
  const done = plan.nodes.filter((n) => n.assignment?.status === 'completed').length;
  const late = plan.nodes.filter((n) => isLate(n)).length;
  const duplicate = useDuplicate(plan);

  return (
    <div className="page">
      <div className="page-header">
        <div className="page-header__title">
          <div className="row">
            <h1>
              <span className="mono">{plan.id}</span> {plan.name}
            </h1>
            <span data-testid="plan-status">
              <StatusBadge status={plan.status} large />
            </span>
            {plan.archivedAt && <Badge tone="neutral">Archived {formatDateTime(plan.archivedAt)}</Badge>}
          </div>
          <span className="muted">
            Work order <span className="mono">{plan.workOrderCode}</span> · quantity {plan.quantity}
            {plan.note && ` · ${plan.note}`}
          </span>
        </div>
        <div className="row">
          {plan.status === 'draft' && <Button onClick={() => navigate(`/designer/${plan.id}`)}>Edit in designer</Button>}
          <Button onClick={() => duplicate.mutate()} disabled={duplicate.isPending}>
            Duplicate
          </Button>
          <PlanActions plan={plan} />
          <ArchiveButton plan={plan} />
        </div>
      </div>
      <ErrorAlert error={duplicate.error} title="Duplicate refused" />
      {plan.shortages && plan.shortages.length > 0 && (
        <Alert tone="warning" title="Released with material shortages">
          {plan.shortages.map((s) => `${s.materialCode} (need ${s.required}, available ${s.available})`).join(', ')}
        </Alert>
      )}
      <Card>
        <dl className="dl">
          <dt>Progress</dt>
          <dd data-testid="plan-progress">
            <ProgressBar done={done} total={plan.nodes.length} label={`${done}/${plan.nodes.length} steps done`} />
          </dd>
          <dt>Planned</dt>
          <dd>
            {formatDateTime(plan.plannedStart)} → {formatDateTime(plan.plannedEnd)}
          </dd>
          <dt>Actual</dt>
          <dd>
            {formatDateTime(plan.startedAt)} → {formatDateTime(plan.completedAt)}
          </dd>
          <dt>Late steps</dt>
          <dd>{late > 0 ? <Badge tone="danger">{late} late</Badge> : 'none'}</dd>
        </dl>
      </Card>
      <Card title="Graph" flush className="plan-graph-card">
        <PlanGraph plan={plan} />
      </Card>
      <Card
        title="Schedule"
        flush
        actions={
          <Tabs
            label="Gantt rows"
            value={mode}
            onChange={setMode}
            items={[
              { key: 'station', label: 'By station' },
              { key: 'worker', label: 'By worker' },
            ]}
          />
        }
      >
        <div className="table-wrap">
          {plan.status === 'draft' ? (
            <div className="empty">A draft has no schedule yet: release it to plan every step.</div>
          ) : schedule.data ? (
            <Gantt schedule={schedule.data} mode={mode} />
          ) : (
            <ErrorAlert error={schedule.error} />
          )}
        </div>
      </Card>
      <Card title="Steps" flush>
        <Table caption="Steps of the plan" columns={stepColumns} rows={plan.nodes} rowKey={(n) => n.nodeId} />
      </Card>
      <Card title="Material inputs" flush>
        <PlanMaterialsTable planId={plan.id} />
        <h3 className="card__subtitle">Per step</h3>
        <Table
          caption="Material inputs"
          columns={materialColumns}
          rows={plan.nodes.flatMap((n) => n.materialInputs.map((m) => ({ node: n, m })))}
          rowKey={(r) => `${r.node.nodeId}:${r.m.materialCode}`}
          empty="This plan uses no material"
        />
      </Card>
    </div>
  );
}

function isLate(n: PlanDetailNode): boolean {
  const a = n.assignment;
  return !!a && a.status !== 'completed' && a.status !== 'cancelled' && Date.parse(a.plannedEnd) < Date.now();
}

const stepColumns: Column<PlanDetailNode>[] = [
  {
    key: 'step',
    header: 'Step',
    render: (n) => (
      <span>
        <span className="mono">{n.nodeId}</span> {n.name}
      </span>
    ),
  },
  { key: 'op', header: 'Operation', render: (n) => n.operationName },
  {
    key: 'status',
    header: 'Status',
    render: (n) => (
      <span data-testid={`step-status-${n.nodeId}`}>
        {n.assignment ? <StatusBadge status={n.assignment.status} /> : <Badge>not scheduled</Badge>} {isLate(n) && <Badge tone="danger">late</Badge>}
      </span>
    ),
  },
  { key: 'worker', header: 'Worker', render: (n) => (n.assignment ? `${n.assignment.workerName} (${n.assignment.workerId})` : '—') },
  { key: 'where', header: 'Substation', render: (n) => <span className="mono">{n.assignment?.substationId ?? n.assignedStations.map((s) => s.stationId).join(', ')}</span> },
  {
    key: 'planned',
    header: 'Planned',
    className: 'nowrap',
    render: (n) => (n.assignment ? `${formatDateTime(n.assignment.plannedStart)}–${formatTime(n.assignment.plannedEnd)}` : `${formatMinutes(n.nominalTime * n.quantity / n.efficiency)}`),
  },
  {
    key: 'actual',
    header: 'Actual',
    className: 'nowrap',
    render: (n) => (n.assignment?.actualStart ? `${formatDateTime(n.assignment.actualStart)}–${n.assignment.actualEnd ? formatTime(n.assignment.actualEnd) : 'now'}` : '—'),
  },
  {
    key: 'qty',
    header: 'Good / scrap',
    numeric: true,
    render: (n) => (n.assignment?.goodQuantity !== null && n.assignment?.goodQuantity !== undefined ? `${formatQuantity(n.assignment.goodQuantity)} / ${formatQuantity(n.assignment.scrapQuantity ?? 0)}` : '—'),
  },
  {
    key: 'wait',
    header: 'Note',
    render: (n) => <span className="muted small">{n.assignment && (n.assignment.status === 'ready' || n.assignment.status === 'pending') ? (n.assignment.waitReason ?? '') : ''}</span>,
  },
];

const materialColumns: Column<{ node: PlanDetailNode; m: PlanDetailNode['materialInputs'][number] }>[] = [
  { key: 'step', header: 'Step', render: (r) => `${r.node.nodeId} ${r.node.name}` },
  { key: 'code', header: 'Material', render: (r) => <span className="mono">{r.m.materialCode}</span> },
  { key: 'name', header: 'Name', render: (r) => r.m.materialName },
  { key: 'qty', header: 'Required', numeric: true, render: (r) => `${formatQuantity(r.m.requiredQuantity)} ${r.m.unit}` },
  { key: 'from', header: 'Source', render: (r) => (r.m.fromNodeId ? `output of ${r.m.fromNodeId}` : 'stock') },
];

/** Duplicate = export, then import as a new draft named "… (copy)"; opens the copy in the designer. */
export function useDuplicate(plan: { id: string }) {
  return useMutation({
    mutationFn: async () => {
      const doc = await api.get<PlanDocument>(`/production-plans/${encodeURIComponent(plan.id)}/export`);
      const name = `${doc.name} (copy)`.slice(0, 200);
      return api.post<PlanDetail>('/production-plans/import', { ...doc, name });
    },
    onSuccess: (copy) => navigate(`/designer/${copy.id}`),
  });
}
