/** An alert in words: the server sends a kind and params (ids, codes, figures); the sentence is the reader's language. */
import type { Alert } from '../api/alerts';
import type { ProblemCategory } from '../api/types';
import { formatDateTime, formatNumber, formatTime } from '../format';
import { t } from '../i18n';
import { problemCategoryLabel } from '../labels';

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

export interface AlertText {
  title: string;
  detail: string;
  note?: string | undefined;
}

export function describeAlert(alert: Alert): AlertText {
  const p = alert.params;
  const node = [str(p.nodeId), str(p.nodeName)].filter(Boolean).join(' ');
  const plan = str(p.planId ?? alert.planId);
  switch (alert.kind) {
    case 'problem_reported':
      return {
        title: t('alerts.kind.problem_reported'),
        detail: t('alerts.detail.problemReported', {
          worker: str(p.workerId),
          node,
          plan,
          category: problemCategoryLabel(str(p.category) as ProblemCategory),
          text: str(p.text),
        }),
      };
    case 'problem_resolved':
      return {
        title: t('alerts.kind.problem_resolved'),
        detail: t('alerts.detail.problemResolved', { node, plan, name: str(p.resolvedByName || p.resolvedBy), time: formatTime(str(p.resolvedAt)) }),
        note: str(p.resolution) ? t('alerts.detail.resolution', { resolution: str(p.resolution) }) : undefined,
      };
    case 'release_blocked': {
      const shortages = Array.isArray(p.shortages) ? (p.shortages as { materialCode: string; required: number; available: number }[]) : [];
      const materials = shortages
        .map((s) => t('alerts.detail.shortage', { code: s.materialCode, required: formatNumber(s.required), available: formatNumber(s.available) }))
        .join('; ');
      return { title: t('alerts.kind.release_blocked'), detail: t('alerts.detail.releaseBlocked', { plan, name: str(p.planName), materials }) };
    }
    case 'plan_late':
      return {
        title: t('alerts.kind.plan_late'),
        detail: t('alerts.detail.planLate', { plan, name: str(p.planName), due: formatDateTime(str(p.dueDate)), end: formatDateTime(str(p.plannedEnd)) }),
      };
    case 'task_withdrawn': {
      const key =
        p.reason === 'plan_cancelled'
          ? 'alerts.detail.withdrawnCancelled'
          : p.reason === 'rescheduled'
            ? 'alerts.detail.withdrawnRescheduled'
            : 'alerts.detail.withdrawnMoved';
      return { title: t('alerts.kind.task_withdrawn'), detail: t(key, { node, plan, worker: str(p.toWorkerId) }) };
    }
    case 'task_moved':
      return {
        title: t('alerts.kind.task_moved'),
        detail: t('alerts.detail.taskMoved', { node, plan, start: formatDateTime(str(p.plannedStart)), substation: str(p.substationId) }),
      };
    default:
      return { title: t('alerts.unknown'), detail: plan };
  }
}
