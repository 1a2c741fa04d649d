/** Shop-floor words for people: pause reasons, problem categories, what a step waits for. */
import type { WaitReason, WaitReasons } from '../../src/shared/wait-reasons.js';
import type { PauseReason, ProblemCategory, SessionUser, WaitingFor } from './api/types';
import { formatDateTime } from './format';
import { t } from './i18n';
import { statusLabel } from './ui';

const pauseReasonKeys: Record<PauseReason, string> = {
  break: 'pauseReason.break',
  material_missing: 'pauseReason.material_missing',
  machine_fault: 'pauseReason.machine_fault',
  quality_problem: 'pauseReason.quality_problem',
  other: 'pauseReason.other',
};

const problemCategoryKeys: Record<ProblemCategory, string> = {
  material: 'problemCategory.material',
  machine: 'problemCategory.machine',
  quality: 'problemCategory.quality',
  safety: 'problemCategory.safety',
  other: 'problemCategory.other',
};

const roleKeys: Record<SessionUser['role'], string> = { admin: 'roles.admin', planner: 'roles.planner', operator: 'roles.operator' };

export function roleLabel(role: SessionUser['role']): string {
  return t(roleKeys[role]);
}

export const pauseReasons = Object.keys(pauseReasonKeys) as PauseReason[];
export const problemCategories = Object.keys(problemCategoryKeys) as ProblemCategory[];

export function pauseReasonLabel(reason: PauseReason): string {
  return t(pauseReasonKeys[reason]);
}

export function problemCategoryLabel(category: ProblemCategory): string {
  return t(problemCategoryKeys[category]);
}

/** "N1 Cut sides (W-002, ready)" for each predecessor not completed yet; with `names`, the worker's name instead of the id. */
export function describeWaitingFor(waitingFor: readonly WaitingFor[], { names = false } = {}): string {
  return waitingFor
    .map((w) => {
      const who = names ? (w.workerName ?? w.workerId) : w.workerId;
      const status = statusLabel(w.status);
      return who
        ? t('waits.stepWithWorker', { id: w.nodeId, name: w.nodeName, worker: who, status })
        : t('waits.step', { id: w.nodeId, name: w.nodeName, status });
    })
    .join('; ');
}

type Translate = (key: string, params?: Record<string, unknown>) => string;

/**
 * One of the scheduler's structured wait reasons in the reader's language
 * and time zone, with ids ("waiting for W-002 (busy with N3 until 14:20)").
 */
export function waitReasonText(reason: WaitReason, translate: Translate = t): string {
  const by = (b: { nodeId?: string; assignmentId?: string }) => b.nodeId ?? b.assignmentId ?? translate('waits.reason.anotherPlan');
  switch (reason.kind) {
    case 'not_before':
      return translate('waits.reason.notBefore', { until: formatDateTime(reason.until) });
    case 'shift':
      return translate('waits.reason.shift', { worker: reason.workerId, until: formatDateTime(reason.until) });
    case 'worker_busy':
      return translate('waits.reason.workerBusy', { worker: reason.workerId, by: by(reason.by), until: formatDateTime(reason.until) });
    case 'substation_busy':
      return translate('waits.reason.substationBusy', { substation: reason.substationId, by: by(reason.by), until: formatDateTime(reason.until) });
    case 'cancelled':
      return reason.cause === 'rescheduled' ? translate('waits.reason.cancelledRescheduled') : translate('waits.reason.cancelledWithPlan');
    case 'text':
      return reason.text;
  }
}

/** All of an assignment's wait reasons as one line ("…; then …"), or undefined when it does not wait (for a tooltip). */
export function waitReasonsText(reasons: WaitReasons, translate: Translate = t): string | undefined {
  return reasons && reasons.length > 0 ? reasons.map((r) => waitReasonText(r, translate)).join('; ') : undefined;
}

/**
 * Why a step whose predecessors are done still starts later, from the
 * scheduler's structured reasons: the kind of wait in words and the planned
 * start in the reader's time. `self` words it for the operator whose task it
 * is; `start: false` leaves the time out where the planned start is shown next
 * to it. Null when there is nothing to say.
 */
export function describeScheduleWait(
  a: { waitReason: WaitReasons; plannedStart: string; workerId: string; substationId: string },
  { self = false, start = true }: { self?: boolean; start?: boolean } = {},
): string | null {
  const reasons = a.waitReason;
  if (!reasons || reasons.length === 0) return null;
  const kinds = new Set(reasons.map((r) => r.kind));
  let why: string | null = null;
  if (kinds.has('worker_busy')) why = self ? t('waits.afterYourEarlierTask') : t('waits.workerBusy', { worker: a.workerId });
  else if (kinds.has('substation_busy')) why = t('waits.substation', { substation: a.substationId });
  else if (kinds.has('shift')) why = self ? t('waits.yourShift') : t('waits.workerShift', { worker: a.workerId });
  else if (kinds.has('not_before')) why = t('waits.notBefore');
  const when = start ? t('waits.starts', { when: formatDateTime(a.plannedStart) }) : null;
  return [why, when].filter(Boolean).join(' · ') || null;
}
