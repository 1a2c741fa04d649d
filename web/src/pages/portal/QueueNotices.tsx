/**
 * What changed about the operator's queue, said in the queue itself (issue #15 item 6): a task the planner or
 * a repair moved carries a "moved" badge with its time as it is now (the live booking), a task that may start
 * before its planned time says "ready early", and a task taken away (another worker, a cancelled plan) stays
 * listed, struck through, with the alert's words until the operator acknowledges it. The banners on top
 * (PortalAlerts) say it once; these keep it where the operator looks for the next task.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { type Alert, isMine, useAcknowledgeAlert, useUnacknowledgedAlerts } from '../../api/alerts';
import type { SessionUser, WorkerTask } from '../../api/types';
import { AlertBody } from '../../alerts/AlertCenter';
import { formatTime } from '../../format';
import { Badge, Button } from '../../ui';

export interface QueueNotices {
  /** An unacknowledged "task moved" alert per assignment. */
  moved: Map<string, Alert>;
  /** Unacknowledged "task withdrawn" alerts, newest first. */
  withdrawn: Alert[];
}

export function useQueueNotices(user: SessionUser): QueueNotices {
  const alerts = useUnacknowledgedAlerts();
  return useMemo(() => {
    const mine = (alerts.data?.items ?? []).filter((a) => isMine(a, user));
    const moved = new Map<string, Alert>();
    for (const a of mine) if (a.kind === 'task_moved' && a.assignmentId && !moved.has(a.assignmentId)) moved.set(a.assignmentId, a);
    return { moved, withdrawn: mine.filter((a) => a.kind === 'task_withdrawn') };
  }, [alerts.data, user]);
}

/** Ready, allowed to start, and its booking is still ahead: the operator may start it before its time. */
export function isReadyEarly(task: WorkerTask, now: number): boolean {
  return task.status === 'ready' && task.canStart && Date.parse(task.plannedStart) > now + 60_000;
}

/** The badges of one task: moved (with its time now), ready early. */
export function TaskNoticeBadges({ task, notices, now }: { task: WorkerTask; notices: QueueNotices; now: number }) {
  const { t } = useTranslation();
  const moved = notices.moved.get(task.id);
  return (
    <>
      {moved && (
        <Badge tone="warning">
          <span data-testid={`task-moved-${task.id}`}>{t('portal.movedNow', { when: formatTime(task.plannedStart) })}</span>
        </Badge>
      )}
      {isReadyEarly(task, now) && (
        <Badge tone="success">
          <span data-testid={`task-ready-early-${task.id}`}>{t('portal.readyEarly', { when: formatTime(task.plannedStart) })}</span>
        </Badge>
      )}
    </>
  );
}

/** Tasks taken away from this worker, in the queue until acknowledged. */
export function WithdrawnItems({ notices }: { notices: QueueNotices }) {
  const { t } = useTranslation();
  const ack = useAcknowledgeAlert();
  return (
    <>
      {notices.withdrawn.map((a) => (
        <li key={a.id} className="portal__queue-item portal__queue-item--withdrawn" data-testid={`queue-withdrawn-${a.assignmentId ?? a.id}`}>
          <div className="row">
            <Badge tone="danger">{t('portal.withdrawn')}</Badge>
            <s className="mono">{String(a.params.nodeId ?? a.assignmentId ?? '')}</s>
          </div>
          <div className="small">
            <AlertBody alert={a} />
          </div>
          <Button size="lg" onClick={() => ack.mutate(a.id)}>
            {t('alerts.ack')}
          </Button>
        </li>
      ))}
    </>
  );
}
