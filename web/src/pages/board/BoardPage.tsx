/**
 * Live board for supervisors: every station and substation with what runs
 * there (worker, since when, planned vs actual), the workers and their
 * status, and the plans in production — refreshed by the event stream.
 * Paused tasks say why and since when; open problems are marked on the
 * substation that runs the task and counted per plan.
 */
import { useMemo } from 'react';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useLive } from '../../api/live';
import { useAssignments } from '../../api/assignments';
import { useStations, useWorkers } from '../../api/masterData';
import { usePlans } from '../../api/plans';
import { useProblems } from '../../api/problems';
import type { AssignmentSummary, PlanSummary, ProblemView, Station, Worker } from '../../api/types';
import { formatClock, formatDateTime, formatMinutes, formatTime, formatWhen } from '../../format';
import { pauseReasonLabel, problemCategoryLabel } from '../../labels';
import { useNow } from '../../hooks';
import { Lateness, LatenessHeading } from '../../components/Lateness';
import { Link } from '../../router';
import { Badge, Card, type Column, LiveDot, ProgressBar, StatusBadge, Table } from '../../ui';
import './board.css';

export function BoardPage() {
  const live = useLive();
  const now = useNow(15_000);
  const stations = useStations();
  const workers = useWorkers();
  const running = useAssignments({ status: ['in_progress', 'paused'], limit: 500 });
  const plans = usePlans({ status: ['released', 'in_production', 'paused'], limit: 100 });
  const problems = useProblems({ open: true, limit: 500 });
  const bySubstation = useMemo(() => new Map((running.data?.items ?? []).map((a) => [a.substationId, a])), [running.data]);
  const open = useMemo(() => groupProblems(problems.data?.items ?? []), [problems.data]);
  const error = stations.error ?? workers.error ?? running.error ?? plans.error ?? problems.error;
  const planCols = useMemo(() => planColumns(open.byPlan), [open]);

  return (
    <div className="page">
      <div className="page-header">
        <div className="page-header__title">
          <h1>Live board</h1>
          <span className="muted">
            {live.lastEventAt ? `last change ${formatTime(new Date(live.lastEventAt).toISOString())}` : 'waiting for changes'} ·{' '}
            {running.data?.items.length ?? 0} {running.data?.items.length === 1 ? 'task' : 'tasks'} running
          </span>
        </div>
        <LiveDot state={live.state} />
      </div>
      <ErrorAlert error={error} />
      <section aria-label="Stations" className="grid-cards">
        {(stations.data?.items ?? []).map((s) => (
          <StationCard key={s.id} station={s} running={bySubstation} problems={open.byAssignment} now={now} />
        ))}
      </section>
      <div className="grid-2 board-tables">
        <Card title="Plans in production" flush>
          <Table caption="Plans in production" columns={planCols} rows={plans.data?.items ?? []} rowKey={(p) => p.id} empty="No plan is released or running" />
        </Card>
        <Card title="Workers" flush>
          <Table caption="Workers" columns={workerColumns(bySubstation)} rows={workers.data?.items ?? []} rowKey={(w) => w.id} />
        </Card>
      </div>
    </div>
  );
}

interface OpenProblems {
  byAssignment: Map<string, ProblemView[]>;
  byPlan: Map<string, number>;
}

function groupProblems(list: readonly ProblemView[]): OpenProblems {
  const byAssignment = new Map<string, ProblemView[]>();
  const byPlan = new Map<string, number>();
  for (const p of list) {
    if (p.resolvedAt) continue;
    byAssignment.set(p.assignmentId, [...(byAssignment.get(p.assignmentId) ?? []), p]);
    byPlan.set(p.planId, (byPlan.get(p.planId) ?? 0) + 1);
  }
  return { byAssignment, byPlan };
}

function StationCard({
  station,
  running,
  problems,
  now,
}: {
  station: Station;
  running: Map<string, AssignmentSummary>;
  problems: Map<string, ProblemView[]>;
  now: number;
}) {
  return (
    <Card title={`${station.name}`} actions={<span className="mono muted small">{station.id}</span>} flush data-testid={`board-station-${station.id}`}>
      <ul className="board-subs">
        {station.substations.map((ss) => {
          const a = running.get(ss.id);
          return (
            <li key={ss.id} className="board-sub" data-testid={`board-sub-${ss.id}`}>
              <div className="row">
                <strong className="spacer">{ss.name}</strong>
                <StatusBadge status={a ? a.status : ss.status} />
              </div>
              {a ? (
                <Running a={a} problems={problems.get(a.id) ?? []} now={now} />
              ) : (
                <span className="muted small">{ss.status === 'maintenance' ? 'under maintenance' : 'idle'}</span>
              )}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

function Running({ a, problems, now }: { a: AssignmentSummary; problems: ProblemView[]; now: number }) {
  const since = a.actualStart ? Date.parse(a.actualStart) : now;
  const late = Date.parse(a.plannedEnd) < now;
  return (
    <div className="small board-running">
      <div>
        <span className="mono">{a.planId}</span> ·{' '}
        <strong>
          {a.nodeId} {a.nodeName}
        </strong>
      </div>
      <div>
        {a.workerName} · since {formatTime(a.actualStart)} ({formatClock(now - since).replace(/:\d\d$/, '')} h)
      </div>
      <div className="muted">
        planned {formatTime(a.plannedStart)}–{formatTime(a.plannedEnd)} ({formatMinutes(a.workMinutes)}) {late && <Badge tone="danger">over planned end</Badge>}
      </div>
      {a.status === 'paused' && a.openPause && (
        <div className="board-pause" data-testid={`board-pause-${a.substationId}`}>
          <Badge tone="warning">{pauseReasonLabel(a.openPause.reason)}</Badge> since {formatWhen(a.openPause.startedAt, now)} (
          {formatMinutes((now - Date.parse(a.openPause.startedAt)) / 60_000)})
          {a.openPause.note && <div className="board-pause__note">“{a.openPause.note}”</div>}
        </div>
      )}
      {problems.length > 0 && (
        <div className="board-problems" data-testid={`board-problems-${a.substationId}`}>
          <Badge tone="danger" title={problems.map((p) => `${problemCategoryLabel(p.category)}: ${p.text}`).join('\n')}>
            ⚠ {problems.length} open {problems.length === 1 ? 'problem' : 'problems'}
          </Badge>{' '}
          <span className="board-problems__text">
            {problemCategoryLabel(problems[0]!.category)}: {problems[0]!.text}
          </span>
        </div>
      )}
    </div>
  );
}

const planColumns = (problems: Map<string, number>): Column<PlanSummary>[] => [
  {
    key: 'plan',
    header: 'Plan',
    className: 'nowrap',
    render: (p) => (
      <Link to={`/production/${p.id}`} className="mono">
        {p.id}
      </Link>
    ),
  },
  { key: 'name', header: 'Name', render: (p) => p.name },
  { key: 'status', header: 'Status', render: (p) => <StatusBadge status={p.status} /> },
  {
    key: 'progress',
    header: 'Progress',
    render: (p) => (
      <span data-testid={`board-plan-progress-${p.id}`}>
        <ProgressBar done={p.completedNodes} total={p.nodeCount} />
      </span>
    ),
  },
  { key: 'end', header: 'Planned end', className: 'nowrap', render: (p) => formatDateTime(p.plannedEnd) },
  { key: 'lateness', header: <LatenessHeading />, className: 'nowrap', render: (p) => <Lateness plan={p} /> },
  { key: 'late', header: 'Late', numeric: true, render: (p) => (p.lateNodes > 0 ? <Badge tone="danger">{p.lateNodes}</Badge> : '0') },
  {
    key: 'problems',
    header: 'Problems',
    numeric: true,
    render: (p) => <span data-testid={`board-plan-problems-${p.id}`}>{problems.get(p.id) ? <Badge tone="danger">⚠ {problems.get(p.id)}</Badge> : '0'}</span>,
  },
];

const workerColumns = (running: Map<string, AssignmentSummary>): Column<Worker>[] => {
  const byAssignment = new Map([...running.values()].map((a) => [a.id, a]));
  return [
    {
      key: 'name',
      header: 'Worker',
      render: (w) => (
        <span>
          {w.name} <span className="mono muted small">{w.id}</span>
        </span>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      render: (w) => (
        <span data-testid={`board-worker-${w.id}`}>
          <StatusBadge status={w.status} />
        </span>
      ),
    },
    {
      key: 'task',
      header: 'Current task',
      render: (w) => {
        if (!w.currentTask) return <span className="muted">—</span>;
        const a = byAssignment.get(w.currentTask.assignmentId);
        return a ? `${a.nodeId} ${a.nodeName} · ${a.substationId}` : `${w.currentTask.planId} ${w.currentTask.nodeId ?? ''}`;
      },
    },
    { key: 'shift', header: 'Shift', render: (w) => <span className="small muted">{w.shiftCalendar?.id ?? '—'}</span> },
  ];
};
