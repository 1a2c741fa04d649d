/**
 * Live board for supervisors: every station and substation with what runs
 * there (worker, since when, planned vs actual), the workers and their
 * status, and the plans in production — refreshed by the event stream.
 */
import { useMemo } from 'react';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useLive } from '../../api/live';
import { useAssignments, usePlans, useStations, useWorkers } from '../../api/queries';
import type { AssignmentSummary, PlanSummary, Station, Worker } from '../../api/types';
import { formatClock, formatDateTime, formatMinutes, formatTime } from '../../format';
import { useNow } from '../../hooks';
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
  const bySubstation = useMemo(() => new Map((running.data?.items ?? []).map((a) => [a.substationId, a])), [running.data]);
  const error = stations.error ?? workers.error ?? running.error ?? plans.error;

  return (
    <div className="page">
      <div className="page-header">
        <div className="page-header__title">
          <h1>Live board</h1>
          <span className="muted">
            {live.lastEventAt ? `last change ${formatTime(new Date(live.lastEventAt).toISOString())}` : 'waiting for changes'} · {running.data?.items.length ?? 0} {running.data?.items.length === 1 ? 'task' : 'tasks'} running
          </span>
        </div>
        <LiveDot state={live.state} />
      </div>
      <ErrorAlert error={error} />
      <section aria-label="Stations" className="grid-cards">
        {(stations.data?.items ?? []).map((s) => (
          <StationCard key={s.id} station={s} running={bySubstation} now={now} />
        ))}
      </section>
      <div className="grid-2">
        <Card title="Plans in production" flush>
          <Table caption="Plans in production" columns={planColumns} rows={plans.data?.items ?? []} rowKey={(p) => p.id} empty="No plan is released or running" />
        </Card>
        <Card title="Workers" flush>
          <Table caption="Workers" columns={workerColumns(bySubstation)} rows={workers.data?.items ?? []} rowKey={(w) => w.id} />
        </Card>
      </div>
    </div>
  );
}

function StationCard({ station, running, now }: { station: Station; running: Map<string, AssignmentSummary>; now: number }) {
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
              {a ? <Running a={a} now={now} /> : <span className="muted small">{ss.status === 'maintenance' ? 'under maintenance' : 'idle'}</span>}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

function Running({ a, now }: { a: AssignmentSummary; now: number }) {
  const since = a.actualStart ? Date.parse(a.actualStart) : now;
  const late = Date.parse(a.plannedEnd) < now;
  return (
    <div className="small board-running">
      <div>
        <span className="mono">{a.planId}</span> · <strong>{a.nodeId} {a.nodeName}</strong>
      </div>
      <div>
        {a.workerName} · since {formatTime(a.actualStart)} ({formatClock(now - since).replace(/:\d\d$/, '')} h)
      </div>
      <div className="muted">
        planned {formatTime(a.plannedStart)}–{formatTime(a.plannedEnd)} ({formatMinutes(a.workMinutes)}) {late && <Badge tone="danger">over planned end</Badge>}
      </div>
    </div>
  );
}

const planColumns: Column<PlanSummary>[] = [
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
  { key: 'late', header: 'Late', numeric: true, render: (p) => (p.lateNodes > 0 ? <Badge tone="danger">{p.lateNodes}</Badge> : '0') },
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
