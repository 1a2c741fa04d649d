/**
 * Worker portal, tablet first: the current task in large type with a running
 * timer, big buttons for start / pause / resume / complete / report problem,
 * and the queue with what each task waits for. Offline and refused actions
 * are said plainly; a failed tap can be retried with the same key.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAssignmentInspection } from '../../api/quality';
import { InspectionChecks } from './InspectionChecks';
import { useSetLocale } from '../../api/auth';
import { describeError } from '../../api/client';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useLive } from '../../api/live';
import { type QueuedTap, type ShopFloorAction, useShopFloorAction, useWorkerTasks } from '../../api/assignments';
import type { SessionUser, WorkerTask } from '../../api/types';
import { formatAmount, formatClock, formatDateTime, formatMinutes, formatNumber, formatQuantity, formatTime } from '../../format';
import { useNow, useOnline } from '../../hooks';
import { describeScheduleWait, describeWaitingFor, pauseReasonLabel, waitReasonsText } from '../../labels';
import { Alert, Badge, Button, LiveDot, StatusBadge } from '../../ui';
import { CompleteDialog, PauseDialog, ProblemDialog } from './ActionDialogs';
import { PortalAlerts, SoundToggle } from './PortalAlerts';
import { type QueueNotices, TaskNoticeBadges, WithdrawnItems, useQueueNotices } from './QueueNotices';
import { TaskDocuments } from './TaskDocuments';
import { CameraScanner } from '../../scan/CameraScanner';
import { parseScan } from '../../scan/scan';
import { useWedgeScan } from '../../scan/useWedgeScan';
import './portal.css';

const doneText: Record<ShopFloorAction, string> = {
  start: 'portal.done.start',
  pause: 'portal.done.pause',
  resume: 'portal.done.resume',
  complete: 'portal.done.complete',
  'report-problem': 'portal.done.reportProblem',
};

const actionName: Record<ShopFloorAction, string> = {
  start: 'portal.action.start',
  pause: 'portal.action.pause',
  resume: 'portal.action.resume',
  complete: 'portal.action.complete',
  'report-problem': 'portal.action.reportProblem',
};

export function PortalPage({ user, onSignOut }: { user: SessionUser; onSignOut: () => void }) {
  const { t } = useTranslation();
  const setLocale = useSetLocale();
  const workerId = user.workerId ?? '';
  const tasks = useWorkerTasks(workerId);
  const online = useOnline();
  const live = useLive();
  const { state, perform, dismiss, sendQueued, removeTap } = useShopFloorAction(workerId);
  const [dialog, setDialog] = useState<'pause' | 'complete' | 'problem' | null>(null);
  const notices = useQueueNotices(user);
  const now = useNow(30_000);

  const list = tasks.data?.tasks ?? [];
  // with nothing running, the operator may pick another ready task than the planned first one
  const [chosenId, setChosenId] = useState<string | null>(null);
  const running = list.find((task) => task.status === 'in_progress' || task.status === 'paused');
  const chosen = list.find((task) => task.id === chosenId && task.status === 'ready');
  const current = running ?? chosen ?? list.find((task) => task.status === 'ready') ?? list[0];
  const queue = list.filter((task) => task !== current);
  // the API sends the head of a long queue (its default limit); the rest comes as these are done
  const later = Math.max(0, (tasks.data?.total ?? list.length) - list.length);
  const worker = tasks.data?.worker;
  const busy = state.pending !== null;
  const run = async (action: ShopFloorAction, body?: unknown) => {
    if (!current) return false;
    return perform(action, current.id, body);
  };

  // scanning (camera or keyboard wedge): a step's code opens it and starts it when it is ready (the start
  // endpoint decides, with all its refusals: another worker's step, not ready, already busy); a lot's code
  // goes to the completion form when it is open
  const [camera, setCamera] = useState(false);
  const [scannedLot, setScannedLot] = useState<{ code: string; n: number } | null>(null);
  const [scanNotice, setScanNotice] = useState<string | null>(null);
  const onScan = (text: string) => {
    setCamera(false);
    const scan = parseScan(text);
    setScanNotice(null);
    if (!scan) return setScanNotice(t('scan.unknown', { text }));
    if (scan.kind === 'lot') {
      if (dialog === 'complete') setScannedLot((last) => ({ code: scan.lotCode, n: (last?.n ?? 0) + 1 }));
      else setScanNotice(t('scan.lotOutsideCompletion', { code: scan.lotCode }));
      return;
    }
    if (dialog !== null) return setScanNotice(t('scan.closeDialogFirst'));
    const task = list.find((x) => x.id === scan.assignmentId);
    if (task && (task.status === 'in_progress' || task.status === 'paused')) return;
    if (task && task.status === 'ready' && !running) setChosenId(task.id);
    void perform('start', scan.assignmentId);
  };
  useWedgeScan(onScan);

  return (
    <div className="portal">
      <header className="portal__bar">
        <span className="topbar__brand">Burkol MES</span>
        <div>
          <div className="portal__who">{worker?.name ?? user.displayName}</div>
          <div className="muted small">
            {workerId} {worker && <StatusBadge status={worker.status} />}
          </div>
        </div>
        <span className="spacer" />
        <Button size="lg" variant="on-dark" onClick={() => setCamera(true)} data-testid="scan-button">
          {t('scan.button')}
        </Button>
        <SoundToggle />
        <LiveDot state={live.state} />
        <LanguageSwitch tone="dark" onChange={(locale) => setLocale.mutate(locale)} />
        <Button size="lg" variant="on-dark" onClick={onSignOut}>
          {t('app.signOut')}
        </Button>
      </header>

      <div className="portal__messages" aria-live="polite">
        {!online && (
          <Alert tone="danger" title={t('ui.offline')}>
            {t('queue.offlineBody')}
          </Alert>
        )}
        <PortalAlerts user={user} />
        <TapQueue queue={state.queue} onSend={() => void sendQueued()} onRemove={removeTap} />
        {tasks.isError && <ErrorAlert error={tasks.error} title={t('portal.cannotLoad')} />}
        {state.refused && (
          <Alert tone="danger" title={t('portal.refused')}>
            <div className="row">
              <span data-testid="problem-detail">{describeError(state.refused).detail}</span>
              <Button size="lg" onClick={dismiss}>
                {t('portal.ok')}
              </Button>
            </div>
          </Alert>
        )}
        {scanNotice && (
          <Alert tone="warning" title={t('scan.title')}>
            <span data-testid="scan-notice">{scanNotice}</span>
          </Alert>
        )}
        {state.lastDone && !state.refused && (
          <Alert tone="success" key={state.lastDone.at}>
            {t(doneText[state.lastDone.action])}
          </Alert>
        )}
      </div>

      <main className="portal__main">
        <section className="portal__current card" aria-label={t('portal.currentTask')}>
          {tasks.isPending ? (
            <div className="empty">{t('portal.loading')}</div>
          ) : !current ? (
            <div className="empty portal__idle">
              <div className="portal__title">{t('portal.noTasks')}</div>
              <p>{t('portal.noTasksHint')}</p>
            </div>
          ) : (
            <CurrentTask
              task={current}
              notices={notices}
              now={now}
              busy={busy}
              onStart={() => void run('start')}
              onResume={() => void run('resume')}
              onDialog={setDialog}
            />
          )}
        </section>
        <section className="portal__queue card" aria-label={t('portal.nextTasks')}>
          <h2 className="portal__queue-title">{t('portal.next', { n: formatNumber(queue.length + later) })}</h2>
          {queue.length === 0 && notices.withdrawn.length === 0 && <p className="muted">{t('portal.nothingQueued')}</p>}
          <ol>
            {queue.map((task) => (
              <QueueItem
                key={task.id}
                task={task}
                notices={notices}
                now={now}
                onChoose={!running && task.status === 'ready' && task.canStart ? () => setChosenId(task.id) : undefined}
              />
            ))}
            <WithdrawnItems notices={notices} />
          </ol>
          {later > 0 && (
            <p className="muted" data-testid="portal-later">
              {t('portal.moreLater', { n: formatNumber(later) })}
            </p>
          )}
        </section>
        {current && <TaskDocuments assignmentId={current.id} />}
      </main>

      {current && dialog === 'pause' && (
        <PauseDialog
          busy={busy}
          onClose={() => setDialog(null)}
          onSubmit={async (body) => (await run('pause', body)) && setDialog(null)}
          error={state.refused}
        />
      )}
      {current && dialog === 'complete' && (
        <CompleteDialog
          task={current}
          busy={busy}
          onClose={() => setDialog(null)}
          onSubmit={async (body) => (await run('complete', body)) && setDialog(null)}
          error={state.refused}
          scannedLot={scannedLot}
          onScanLot={() => setCamera(true)}
        />
      )}
      {camera && <CameraScanner onScan={onScan} onClose={() => setCamera(false)} />}
      {current && dialog === 'problem' && (
        <ProblemDialog
          busy={busy}
          onClose={() => setDialog(null)}
          onSubmit={async (body) => (await run('report-problem', body)) && setDialog(null)}
          error={state.refused}
        />
      )}
    </div>
  );
}

function CurrentTask({
  task,
  notices,
  now,
  busy,
  onStart,
  onResume,
  onDialog,
}: {
  task: WorkerTask;
  notices: QueueNotices;
  now: number;
  busy: boolean;
  onStart: () => void;
  onResume: () => void;
  onDialog: (d: 'pause' | 'complete' | 'problem') => void;
}) {
  const { t } = useTranslation();
  const running = task.status === 'in_progress' || task.status === 'paused';
  // the step's checks: Start waits for those required at start, Complete for those required at completion
  const checks = useAssignmentInspection(task.id).data;
  const checksBlockStart = checks !== undefined && !checks.startReady;
  const checksBlockComplete = checks !== undefined && !checks.completionReady;
  return (
    <div className="stack" data-testid="current-task" data-assignment={task.id} data-status={task.status}>
      <div className="row">
        <StatusBadge status={task.status} large />
        <span className="muted">
          {task.planId} · {task.workOrderCode} · {task.planName}
        </span>
        {task.planStatus === 'paused' && <Badge tone="warning">{t('portal.planPaused')}</Badge>}
        <TaskNoticeBadges task={task} notices={notices} now={now} />
      </div>
      <div className="portal__title" data-testid="current-task-name">
        <span className="mono">{task.nodeId}</span> {task.nodeName}
      </div>
      <div className="portal__facts">
        <div>
          <span className="muted">{t('portal.operation')}</span>
          <strong>{task.operationName}</strong>
        </div>
        <div>
          <span className="muted">{t('portal.where')}</span>
          <strong>
            {task.substationName} <span className="mono small">({task.substationId})</span>
          </strong>
        </div>
        <div>
          <span className="muted">{t('portal.quantity')}</span>
          {/* scrap upstream lowered what this step can make: the expected quantity first, the planned one beside it */}
          <strong data-testid="task-quantity">
            {task.expectedQuantity !== null && task.expectedQuantity !== task.quantity
              ? t('portal.expectedOfPlanned', { expected: formatQuantity(task.expectedQuantity), planned: formatQuantity(task.quantity) })
              : formatQuantity(task.quantity)}
          </strong>
        </div>
        <div>
          <span className="muted">{t('plan.planned')}</span>
          <strong>
            {formatDateTime(task.plannedStart)}–{formatTime(task.plannedEnd)} ({formatMinutes(task.workMinutes)})
          </strong>
        </div>
      </div>
      {running && <Timer task={task} />}
      {task.materialInputs.length > 0 && (
        <div className="small">
          <span className="muted">{t('portal.material')} </span>
          {task.materialInputs
            .map(
              (m) => `${formatAmount(m.requiredQuantity, m.unit)} ${m.materialName}${m.fromNodeId ? ` ${t('portal.fromNode', { node: m.fromNodeId })}` : ''}`,
            )
            .join(' · ')}
        </div>
      )}
      {task.plannerNote && (
        <Alert tone="info" title={t('portal.plannerNote')}>
          {task.plannerNote}
        </Alert>
      )}
      {task.planNote && (
        <Alert tone="info" title={t('portal.about', { code: task.workOrderCode })}>
          {task.planNote}
        </Alert>
      )}
      {!running && !task.canStart && task.startBlockedBy && (
        <Alert tone="warning" title={t('portal.cannotStart')}>
          {/* the server's message names assignment ids: say it with the steps and who has them */}
          {task.waitingFor.length > 0 ? (
            <span title={task.startBlockedBy}>{t('portal.waitsFor', { what: describeWaitingFor(task.waitingFor, { names: true }) })}</span>
          ) : (
            task.startBlockedBy
          )}
        </Alert>
      )}
      {checks && <InspectionChecks assignmentId={task.id} state={checks} editable={task.status !== 'completed' && task.status !== 'cancelled'} />}
      {(checksBlockStart && !running) || (checksBlockComplete && running) ? (
        <Alert tone="warning" title={running ? t('quality.completeWaits') : t('quality.startWaits')}>
          {t('quality.recordFirst')}
        </Alert>
      ) : null}
      <div className="portal__actions">
        {(task.status === 'ready' || task.status === 'pending') && (
          <Button size="xl" variant="primary" onClick={onStart} disabled={busy || !task.canStart || checksBlockStart}>
            ▶ {t('portal.start')}
          </Button>
        )}
        {task.status === 'in_progress' && (
          <>
            <Button size="xl" variant="primary" onClick={() => onDialog('complete')} disabled={busy || checksBlockComplete}>
              ✔ {t('portal.complete')}
            </Button>
            <Button size="xl" onClick={() => onDialog('pause')} disabled={busy}>
              ❚❚ {t('portal.pause')}
            </Button>
          </>
        )}
        {task.status === 'paused' && (
          <Button size="xl" variant="primary" onClick={onResume} disabled={busy}>
            ▶ {t('portal.resume')}
          </Button>
        )}
        <Button size="xl" variant="danger" onClick={() => onDialog('problem')} disabled={busy}>
          ⚠ {t('portal.reportProblem')}
        </Button>
      </div>
    </div>
  );
}

/** The running clock of the task: worked time so far, without pauses; frozen while paused. */
function Timer({ task }: { task: WorkerTask }) {
  const { t } = useTranslation();
  const now = useNow(1000);
  if (!task.actualStart) return null;
  const end = task.openPause ? Date.parse(task.openPause.startedAt) : now;
  const worked = end - Date.parse(task.actualStart) - task.pausedMinutes * 60_000;
  const over = worked > task.workMinutes * 60_000;
  return (
    <div className="portal__timer" role="timer" aria-label={t('portal.workedTime')}>
      <span className={over ? 'portal__clock is-over' : 'portal__clock'} data-testid="task-timer">
        {formatClock(worked)}
      </span>
      <span className="muted">
        {t('portal.ofPlanned', { time: formatMinutes(task.workMinutes) })}
        {task.openPause && ` · ${t('portal.pausedSince', { reason: pauseReasonLabel(task.openPause.reason), when: formatTime(task.openPause.startedAt) })}`}
      </span>
    </div>
  );
}

function QueueItem({ task, notices, now, onChoose }: { task: WorkerTask; notices: QueueNotices; now: number; onChoose?: (() => void) | undefined }) {
  // the planned start is on the line above: say only what the task waits for
  const { t } = useTranslation();
  const scheduleWait = describeScheduleWait(task, { self: true, start: false });
  return (
    <li className="portal__queue-item" data-testid={`queue-${task.id}`}>
      <div className="row">
        <StatusBadge status={task.status} />
        <strong>
          <span className="mono">{task.nodeId}</span> {task.nodeName}
        </strong>
        <TaskNoticeBadges task={task} notices={notices} now={now} />
      </div>
      <div className="muted small">
        {task.planId} · {task.substationId} · {t('portal.plannedAt', { when: formatDateTime(task.plannedStart), time: formatMinutes(task.workMinutes) })}
      </div>
      {task.waitingFor.length > 0 ? (
        <div className="small" title={waitReasonsText(task.waitReason)}>
          {t('portal.waitsFor', { what: describeWaitingFor(task.waitingFor, { names: true }) })}
        </div>
      ) : (
        scheduleWait && (
          <div className="small muted" title={waitReasonsText(task.waitReason)}>
            {scheduleWait}
          </div>
        )
      )}
      {onChoose && (
        <Button size="lg" onClick={onChoose} aria-label={t('portal.doNextLabel', { id: task.nodeId, name: task.nodeName })}>
          {t('portal.doNext')}
        </Button>
      )}
    </li>
  );
}

/** Taps made without network (or without an answer), in order, each with its state: queued, sending, done, refused and why. */
function TapQueue({ queue, onSend, onRemove }: { queue: QueuedTap[]; onSend: () => void; onRemove: (key: string) => void }) {
  const { t } = useTranslation();
  if (queue.length === 0) return null;
  const waiting = queue.some((tap) => tap.state === 'queued');
  const stateLabel = (tap: QueuedTap) =>
    tap.state === 'refused'
      ? t('queue.state.refused', { reason: tap.reason ?? '' })
      : { queued: t('queue.state.queued'), sending: t('queue.state.sending'), done: t('queue.state.done') }[tap.state];
  return (
    <Alert tone={queue.some((tap) => tap.state === 'refused') ? 'danger' : 'warning'} title={t('queue.title', { count: queue.length })}>
      <div className="tap-queue" data-testid="tap-queue">
        <span className="small">{t('queue.note')}</span>
        <ol>
          {queue.map((tap) => (
            <li key={tap.key} className="tap-queue__item" data-testid="queued-tap" data-action={tap.action} data-state={tap.state}>
              <strong>{t(actionName[tap.action])}</strong> <span className="mono small">{tap.assignmentId}</span> · {formatTime(new Date(tap.at).toISOString())}{' '}
              · <span>{stateLabel(tap)}</span>{' '}
              {(tap.state === 'refused' || tap.state === 'done') && (
                <Button size="sm" onClick={() => onRemove(tap.key)}>
                  {t('queue.remove')}
                </Button>
              )}
            </li>
          ))}
        </ol>
        {waiting && (
          <div className="row">
            <Button size="lg" variant="primary" onClick={onSend}>
              {t('queue.sendNow')}
            </Button>
          </div>
        )}
      </div>
    </Alert>
  );
}
