/** One plan: header with lifecycle actions, what the shop floor reported, the graph, the Gantt, steps and material inputs; all live. */
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useAssignments } from '../../api/assignments';
import { useMe } from '../../api/auth';
import { useDuplicatePlan, usePlan, useSchedule } from '../../api/plans';
import { useProblems } from '../../api/problems';
import type { AssignmentSummary, PlanDetail, PlanDetailNode, ProblemView } from '../../api/types';
import { formatAmount, formatDateTime, formatMinutes, formatNumber, formatQuantity, formatTime, formatWhen } from '../../format';
import { PlanGraph } from '../../components/graph/PlanGraph';
import { describeScheduleWait, describeWaitingFor, pauseReasonLabel, waitReasonsText } from '../../labels';
import { Link, navigate } from '../../router';
import { Alert, Badge, Button, Card, type Column, ProgressBar, StatusBadge, Table, Tabs } from '../../ui';
import { Lateness, usePriorityLabel } from '../../components/Lateness';
import { Gantt, type GanttMode } from './Gantt';
import { ArchiveButton, PlanActions } from '../../components/PlanActions';
import { PlanInspection } from './PlanInspection';
import { PlanLots } from './PlanLots';
import { PlanMaterialsTable } from './PlanMaterials';
import { PlanShortfall } from './PlanShortfall';
import './plan.css';
import { PlanProblems, sortProblems } from './PlanProblems';
import { PlanDocuments } from './PlanDocuments';

export function PlanPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const plan = usePlan(id);
  if (plan.isPending) return <div className="empty">{t('plan.loading', { id })}</div>;
  if (plan.isError)
    return (
      <div className="page">
        <ErrorAlert error={plan.error} title={t('plan.cannotShow', { id })} />
        <Link to="/production">{t('plan.backToProduction')}</Link>
      </div>
    );
  return <PlanView plan={plan.data} />;
}

function PlanView({ plan }: { plan: PlanDetail }) {
  const { t } = useTranslation();
  const priorityLabel = usePriorityLabel();
  const [mode, setMode] = useState<GanttMode>('station');
  const schedule = useSchedule(plan.id, plan.status !== 'draft');
  // only planners move bookings (the move route answers 403 to anyone else)
  const role = useMe().data?.role;
  const canMove = role === 'planner' || role === 'admin';
  const done = plan.nodes.filter((n) => n.assignment?.status === 'completed').length;
  const late = plan.nodes.filter((n) => isLate(n)).length;
  // the copy opens in the designer
  const duplicate = useDuplicatePlan(plan.id, { onSuccess: (copy) => navigate(`/designer/${copy.id}`) });
  const floor = useFloorReports(plan);
  const columns = useMemo(() => stepColumns(floor, t), [floor, t]);
  const openProblems = floor.problems.filter((p) => !p.resolvedAt).length;

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
            {plan.archivedAt && <Badge tone="neutral">{t('plan.archivedAt', { when: formatDateTime(plan.archivedAt) })}</Badge>}
          </div>
          <span className="muted">
            {t('plan.workOrder')} <span className="mono">{plan.workOrderCode}</span> · {t('plan.quantity', { quantity: formatQuantity(plan.quantity) })}
            {plan.note && ` · ${plan.note}`}
          </span>
        </div>
        <div className="row">
          {plan.status === 'draft' && <Button onClick={() => navigate(`/designer/${plan.id}`)}>{t('plan.editInDesigner')}</Button>}
          <Button onClick={() => navigate(`/production/${plan.id}/traveler`)} data-testid="open-traveler">
            {t('traveler.open')}
          </Button>
          <Button onClick={() => duplicate.mutate()} disabled={duplicate.isPending}>
            {t('plan.duplicate')}
          </Button>
          <PlanActions plan={plan} />
          <ArchiveButton plan={plan} />
        </div>
      </div>
      <ErrorAlert error={duplicate.error} title={t('plan.duplicateRefused')} />
      {plan.shortages && plan.shortages.length > 0 && (
        <Alert tone="warning" title={t('plan.releasedWithShortages')}>
          {plan.shortages
            .map((s) => t('plan.shortage', { material: s.materialCode, required: formatQuantity(s.required), available: formatQuantity(s.available) }))
            .join(', ')}
        </Alert>
      )}
      <Card>
        <dl className="dl">
          <dt>{t('plan.progress')}</dt>
          <dd data-testid="plan-progress">
            <ProgressBar
              done={done}
              total={plan.nodes.length}
              label={t('plan.stepsDone', { done: formatNumber(done), total: formatNumber(plan.nodes.length) })}
            />
          </dd>
          <dt>{t('plan.planned')}</dt>
          <dd>
            {formatDateTime(plan.plannedStart)} → {formatDateTime(plan.plannedEnd)}
          </dd>
          <dt>{t('plan.actual')}</dt>
          <dd>
            {formatDateTime(plan.startedAt)} → {formatDateTime(plan.completedAt)}
          </dd>
          <dt>{t('due.dueDate')}</dt>
          <dd data-testid="plan-due-date">{plan.dueDate ? formatDateTime(plan.dueDate) : t('due.noDueDate')}</dd>
          <dt>{t('due.priority')}</dt>
          <dd data-testid="plan-priority">{priorityLabel(plan.priority)}</dd>
          <dt>{t('due.projectedEnd')}</dt>
          <dd data-testid="plan-projected-end">{plan.projectedEnd ? formatDateTime(plan.projectedEnd) : t('due.notScheduled')}</dd>
          <dt>{t('due.lateness')}</dt>
          <dd>
            <Lateness plan={plan} />
          </dd>
          <dt>{t('plans.col.lateSteps')}</dt>
          <dd>{late > 0 ? <Badge tone="danger">{t('plans.late', { count: late, n: formatNumber(late) })}</Badge> : t('plan.none')}</dd>
          <dt>{t('plan.problems')}</dt>
          <dd data-testid="plan-open-problems">
            {openProblems > 0 ? (
              <Badge tone="danger">⚠ {t('plan.openCount', { n: formatNumber(openProblems) })}</Badge>
            ) : floor.problems.length > 0 ? (
              t('plan.allResolved')
            ) : (
              t('plan.noneReported')
            )}
          </dd>
        </dl>
      </Card>
      {floor.problems.length > 0 && <PlanProblems problems={floor.problems} workerName={floor.workerName} />}
      <Card title={t('plan.graph')} flush className="plan-graph-card">
        <PlanGraph plan={plan} />
      </Card>
      <Card
        title={t('plan.schedule')}
        flush
        actions={
          <Tabs
            label={t('plan.ganttRows')}
            value={mode}
            onChange={setMode}
            items={[
              { key: 'station', label: t('plan.byStation') },
              { key: 'worker', label: t('plan.byWorker') },
            ]}
          />
        }
      >
        <div className="table-wrap">
          {plan.status === 'draft' ? (
            <div className="empty">{t('plan.draftNoSchedule')}</div>
          ) : schedule.data ? (
            <Gantt schedule={schedule.data} mode={mode} planStatus={plan.status} canMove={canMove} />
          ) : (
            <ErrorAlert error={schedule.error} />
          )}
        </div>
      </Card>
      <Card title={t('plan.steps')} flush>
        <Table caption={t('plan.stepsCaption')} columns={columns} rows={plan.nodes} rowKey={(n) => n.nodeId} />
      </Card>
      {plan.status !== 'draft' && <PlanInspection planId={plan.id} />}
      <PlanDocuments plan={plan} />
      <PlanShortfall planId={plan.id} status={plan.status} />
      <Card title={t('plan.materialInputs')} flush>
        <PlanMaterialsTable planId={plan.id} />
        <PlanLots planId={plan.id} />
        <h3 className="card__subtitle">{t('plan.perStep')}</h3>
        <Table
          caption={t('plan.materialInputs')}
          columns={materialColumns(t)}
          rows={plan.nodes.flatMap((n) => n.materialInputs.map((m) => ({ node: n, m })))}
          rowKey={(r) => `${r.node.nodeId}:${r.m.materialCode}`}
          empty={t('plan.noMaterial')}
        />
      </Card>
    </div>
  );
}

function isLate(n: PlanDetailNode): boolean {
  const a = n.assignment;
  return !!a && a.status !== 'completed' && a.status !== 'cancelled' && Date.parse(a.plannedEnd) < Date.now();
}

interface FloorReports {
  /** The assignment summaries by node: the plan detail carries no open pause and no scrap reason. */
  byNode: Map<string, AssignmentSummary>;
  /** The plan's problems, open first. */
  problems: ProblemView[];
  openByNode: Map<string, number>;
  workerName: (workerId: string) => string | undefined;
}

/** What operators reported on this plan: open pauses and scrap reasons of its steps, and its problems. */
function useFloorReports(plan: PlanDetail): FloorReports {
  const scheduled = plan.status !== 'draft';
  const assignments = useAssignments({ planId: plan.id, limit: 500 }, scheduled);
  const problems = useProblems({ planId: plan.id, limit: 500 }, scheduled);
  return useMemo(() => {
    // the previous plan's lists stay as placeholders while this plan's load: keep only this plan's
    const list = sortProblems((problems.data?.items ?? []).filter((p) => p.planId === plan.id));
    const openByNode = new Map<string, number>();
    for (const p of list) if (!p.resolvedAt) openByNode.set(p.nodeId, (openByNode.get(p.nodeId) ?? 0) + 1);
    const byNode = new Map((assignments.data?.items ?? []).filter((a) => a.planId === plan.id).map((a) => [a.nodeId, a]));
    const names = new Map(plan.nodes.flatMap((n) => (n.assignment ? [[n.assignment.workerId, n.assignment.workerName] as const] : [])));
    return { byNode, problems: list, openByNode, workerName: (id: string) => names.get(id) };
  }, [assignments.data, problems.data, plan.id, plan.nodes]);
}

const stepColumns = (floor: FloorReports, t: TFunction): Column<PlanDetailNode>[] => [
  {
    key: 'step',
    header: t('plan.col.step'),
    render: (n) => (
      <span className="step-cell">
        <span>
          <span className="mono">{n.nodeId}</span> {n.name}
        </span>
        <span className="muted small">{n.operationName}</span>
      </span>
    ),
  },
  {
    key: 'status',
    header: t('plans.col.status'),
    render: (n) => (
      <span data-testid={`step-status-${n.nodeId}`}>
        {n.assignment ? <StatusBadge status={n.assignment.status} /> : <Badge>{t('status.not_scheduled')}</Badge>}{' '}
        {isLate(n) && <Badge tone="danger">{t('plan.lateBadge')}</Badge>}{' '}
        {floor.openByNode.has(n.nodeId) && <Badge tone="danger">⚠ {t('plan.openCount', { n: formatNumber(floor.openByNode.get(n.nodeId)) })}</Badge>}
      </span>
    ),
  },
  {
    key: 'worker',
    header: t('plan.col.workerSubstation'),
    render: (n) => (
      <span className="step-cell">
        <span>
          {n.assignment ? (
            <>
              {n.assignment.workerName} <span className="mono muted small nowrap">{n.assignment.workerId}</span>
            </>
          ) : (
            '—'
          )}
        </span>
        <span className="mono small">{n.assignment?.substationId ?? n.assignedStations.map((s) => s.stationId).join(', ')}</span>
      </span>
    ),
  },
  {
    // two facts a cell (operation under the step, substation under the worker, actual under planned): the table fits 1024 px with room for the note
    key: 'when',
    header: t('plan.col.plannedActual'),
    className: 'nowrap',
    render: (n) => (
      <span className="step-when">
        <span>
          {n.assignment
            ? `${formatDateTime(n.assignment.plannedStart)}–${formatTime(n.assignment.plannedEnd)}`
            : formatMinutes((n.nominalTime * n.quantity) / n.efficiency)}
        </span>
        {n.assignment?.actualStart && (
          <span className="muted small">
            {t('plan.actualSpan', {
              start: formatDateTime(n.assignment.actualStart),
              end: n.assignment.actualEnd ? formatTime(n.assignment.actualEnd) : t('plan.now'),
            })}
          </span>
        )}
      </span>
    ),
  },
  {
    key: 'qty',
    header: t('plan.col.goodScrap'),
    numeric: true,
    render: (n) =>
      n.assignment?.goodQuantity !== null && n.assignment?.goodQuantity !== undefined
        ? `${formatQuantity(n.assignment.goodQuantity)} / ${formatQuantity(n.assignment.scrapQuantity ?? 0)}`
        : '—',
  },
  { key: 'note', header: t('plan.col.note'), render: (n) => <StepNote node={n} summary={floor.byNode.get(n.nodeId)} /> },
];

/** Why a paused step stands, what a completed one scrapped, what a waiting one waits for. */
function StepNote({ node, summary }: { node: PlanDetailNode; summary: AssignmentSummary | undefined }) {
  const { t } = useTranslation();
  const a = node.assignment;
  if (!a) return null;
  const pause = a.status === 'paused' ? summary?.openPause : null;
  if (pause)
    return (
      <span className="step-note" data-testid={`step-note-${node.nodeId}`}>
        <Badge tone="warning">{pauseReasonLabel(pause.reason)}</Badge> <span className="muted">{t('plan.since', { when: formatWhen(pause.startedAt) })}</span>
        {pause.note && <span className="step-note__text">“{pause.note}”</span>}
      </span>
    );
  if (a.status === 'completed' && (a.scrapQuantity ?? 0) > 0)
    return (
      <span className="step-note" data-testid={`step-note-${node.nodeId}`}>
        <Badge tone="danger">{t('plan.scrap', { quantity: formatQuantity(a.scrapQuantity) })}</Badge>{' '}
        {summary?.scrapReason && <span className="step-note__text">{summary.scrapReason}</span>}
      </span>
    );
  if (a.status !== 'ready' && a.status !== 'pending') return null;
  // the scheduler's reason names ids and the server's local time: it stays as the tooltip
  // the server's list of unfinished predecessors; a plan archived before it existed has none: no wait is shown
  const waits = node.waitingFor ?? [];
  const text = waits.length > 0 ? t('plan.waitsFor', { what: describeWaitingFor(waits) }) : describeScheduleWait(a);
  return text ? (
    <span className="muted small" title={waitReasonsText(a.waitReason)} data-testid={`step-note-${node.nodeId}`}>
      {text}
    </span>
  ) : null;
}

const materialColumns = (t: TFunction): Column<{ node: PlanDetailNode; m: PlanDetailNode['materialInputs'][number] }>[] => [
  { key: 'step', header: t('plan.col.step'), render: (r) => `${r.node.nodeId} ${r.node.name}` },
  { key: 'code', header: t('plan.col.material'), render: (r) => <span className="mono">{r.m.materialCode}</span> },
  { key: 'name', header: t('plans.col.name'), render: (r) => r.m.materialName },
  { key: 'qty', header: t('plan.col.required'), numeric: true, render: (r) => formatAmount(r.m.requiredQuantity, r.m.unit) },
  { key: 'from', header: t('plan.col.source'), render: (r) => (r.m.fromNodeId ? t('plan.outputOf', { node: r.m.fromNodeId }) : t('plan.stock')) },
];
