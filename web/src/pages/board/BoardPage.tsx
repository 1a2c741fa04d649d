/**
 * Live board for supervisors: every station and substation with what runs
 * there (worker, since when, planned vs actual), the workers and their
 * status, and the plans in production — refreshed by the event stream.
 * Paused tasks say why and since when; open problems are marked on the
 * substation that runs the task and counted per plan.
 */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useMemo } from 'react';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useLive } from '../../api/live';
import { type OeeTotal, oeeByStation, useTodayOee } from '../../api/analytics';
import { useAssignments } from '../../api/assignments';
import { useStations, useWorkers } from '../../api/masterData';
import { usePlans } from '../../api/plans';
import { useProblems } from '../../api/problems';
import type { AssignmentSummary, PlanSummary, ProblemView, Station, Worker } from '../../api/types';
import { formatClock, formatDateTime, formatMinutes, formatNumber, formatPercent, formatTime, formatWhen } from '../../format';
import { pauseReasonLabel, problemCategoryLabel } from '../../labels';
import { useNow } from '../../hooks';
import { Lateness, LatenessHeading } from '../../components/Lateness';
import { Link } from '../../router';
import { Badge, Card, type Column, LiveDot, ProgressBar, StatusBadge, Table } from '../../ui';
import './board.css';

export function BoardPage() {
  const { t } = useTranslation();
  const live = useLive();
  const now = useNow(15_000);
  const stations = useStations();
  const workers = useWorkers();
  const running = useAssignments({ status: ['in_progress', 'paused'], limit: 500 });
  const plans = usePlans({ status: ['released', 'in_production', 'paused'], limit: 100 });
  const problems = useProblems({ open: true, limit: 500 });
  const todayOee = useTodayOee(now);
  const oeeToday = useMemo(() => oeeByStation(todayOee.data?.rows ?? []), [todayOee.data]);
  const bySubstation = useMemo(() => new Map((running.data?.items ?? []).map((a) => [a.substationId, a])), [running.data]);
  const open = useMemo(() => groupProblems(problems.data?.items ?? []), [problems.data]);
  const error = stations.error ?? workers.error ?? running.error ?? plans.error ?? problems.error;
  const planCols = useMemo(() => planColumns(open.byPlan, t), [open, t]);

  return (
    <div className="page">
      <div className="page-header">
        <div className="page-header__title">
          <h1>{t('nav.board')}</h1>
          <span className="muted">
            {live.lastEventAt ? t('board.lastChange', { when: formatTime(new Date(live.lastEventAt).toISOString()) }) : t('board.waiting')} ·{' '}
            {t('board.running', { count: running.data?.items.length ?? 0, n: formatNumber(running.data?.items.length ?? 0) })}
          </span>
        </div>
        <LiveDot state={live.state} />
      </div>
      <ErrorAlert error={error} />
      <section aria-label={t('board.stations')} className="grid-cards">
        {(stations.data?.items ?? []).map((s) => (
          <StationCard key={s.id} station={s} running={bySubstation} problems={open.byAssignment} now={now} oee={oeeToday.get(s.id)} />
        ))}
      </section>
      <div className="grid-2 board-tables">
        <Card title={t('board.plansInProduction')} flush>
          <Table caption={t('board.plansInProduction')} columns={planCols} rows={plans.data?.items ?? []} rowKey={(p) => p.id} empty={t('board.noPlans')} />
        </Card>
        <Card title={t('board.workers')} flush>
          <Table caption={t('board.workers')} columns={workerColumns(bySubstation, t)} rows={workers.data?.items ?? []} rowKey={(w) => w.id} />
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
  oee,
}: {
  station: Station;
  running: Map<string, AssignmentSummary>;
  problems: Map<string, ProblemView[]>;
  now: number;
  oee: OeeTotal | undefined;
}) {
  const { t } = useTranslation();
  const figures = oee
    ? t('board.oeeFactors', { a: formatPercent(oee.availability), p: formatPercent(oee.performance), q: formatPercent(oee.quality) })
    : t('board.oeeNone');
  return (
    <Card
      title={`${station.name}`}
      actions={
        <span className="row">
          <span className="board-oee small" title={figures} data-testid={`board-oee-${station.id}`}>
            {t('board.oeeToday', { oee: formatPercent(oee?.oee) })}
          </span>
          <span className="mono muted small">{station.id}</span>
        </span>
      }
      flush
      data-testid={`board-station-${station.id}`}
    >
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
                <span className="muted small">{ss.status === 'maintenance' ? t('board.underMaintenance') : t('board.idle')}</span>
              )}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

function Running({ a, problems, now }: { a: AssignmentSummary; problems: ProblemView[]; now: number }) {
  const { t } = useTranslation();
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
        {a.workerName} · {t('board.sinceFor', { when: formatTime(a.actualStart), clock: formatClock(now - since).replace(/:\d\d$/, '') })}
      </div>
      <div className="muted">
        {t('gantt.planned', { start: formatTime(a.plannedStart), end: formatTime(a.plannedEnd) })} ({formatMinutes(a.workMinutes)}){' '}
        {late && <Badge tone="danger">{t('board.overPlannedEnd')}</Badge>}
      </div>
      {a.status === 'paused' && a.openPause && (
        <div className="board-pause" data-testid={`board-pause-${a.substationId}`}>
          <Badge tone="warning">{pauseReasonLabel(a.openPause.reason)}</Badge> {t('plan.since', { when: formatWhen(a.openPause.startedAt, now) })} (
          {formatMinutes((now - Date.parse(a.openPause.startedAt)) / 60_000)})
          {a.openPause.note && <div className="board-pause__note">“{a.openPause.note}”</div>}
        </div>
      )}
      {problems.length > 0 && (
        <div className="board-problems" data-testid={`board-problems-${a.substationId}`}>
          <Badge tone="danger" title={problems.map((p) => `${problemCategoryLabel(p.category)}: ${p.text}`).join('\n')}>
            ⚠ {t('board.openProblems', { count: problems.length, n: formatNumber(problems.length) })}
          </Badge>{' '}
          <span className="board-problems__text">
            {problemCategoryLabel(problems[0]!.category)}: {problems[0]!.text}
          </span>
        </div>
      )}
    </div>
  );
}

const planColumns = (problems: Map<string, number>, t: TFunction): Column<PlanSummary>[] => [
  {
    key: 'plan',
    header: t('plans.col.plan'),
    className: 'nowrap',
    render: (p) => (
      <Link to={`/production/${p.id}`} className="mono">
        {p.id}
      </Link>
    ),
  },
  { key: 'name', header: t('plans.col.name'), render: (p) => p.name },
  { key: 'status', header: t('plans.col.status'), render: (p) => <StatusBadge status={p.status} /> },
  {
    key: 'progress',
    header: t('plans.col.progress'),
    render: (p) => (
      <span data-testid={`board-plan-progress-${p.id}`}>
        <ProgressBar done={p.completedNodes} total={p.nodeCount} />
      </span>
    ),
  },
  { key: 'end', header: t('plans.col.plannedEnd'), className: 'nowrap', render: (p) => formatDateTime(p.plannedEnd) },
  { key: 'lateness', header: <LatenessHeading />, className: 'nowrap', render: (p) => <Lateness plan={p} /> },
  { key: 'late', header: t('board.late'), numeric: true, render: (p) => (p.lateNodes > 0 ? <Badge tone="danger">{p.lateNodes}</Badge> : '0') },
  {
    key: 'problems',
    header: t('plan.problems'),
    numeric: true,
    render: (p) => <span data-testid={`board-plan-problems-${p.id}`}>{problems.get(p.id) ? <Badge tone="danger">⚠ {problems.get(p.id)}</Badge> : '0'}</span>,
  },
];

const workerColumns = (running: Map<string, AssignmentSummary>, t: TFunction): Column<Worker>[] => {
  const byAssignment = new Map([...running.values()].map((a) => [a.id, a]));
  return [
    {
      key: 'name',
      header: t('gantt.worker'),
      render: (w) => (
        <span>
          {w.name} <span className="mono muted small">{w.id}</span>
        </span>
      ),
    },
    {
      key: 'status',
      header: t('plans.col.status'),
      render: (w) => (
        <span data-testid={`board-worker-${w.id}`}>
          <StatusBadge status={w.status} />
        </span>
      ),
    },
    {
      key: 'task',
      header: t('board.currentTask'),
      render: (w) => {
        if (!w.currentTask) return <span className="muted">—</span>;
        const a = byAssignment.get(w.currentTask.assignmentId);
        return a ? `${a.nodeId} ${a.nodeName} · ${a.substationId}` : `${w.currentTask.planId} ${w.currentTask.nodeId ?? ''}`;
      },
    },
    { key: 'shift', header: t('board.shift'), render: (w) => <span className="small muted">{w.shiftCalendar?.id ?? '—'}</span> },
  ];
};
