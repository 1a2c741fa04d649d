/** Shop-floor words for people: pause reasons, problem categories, what a step waits for. */
import type { PauseReason, ProblemCategory, WaitingFor } from './api/types';
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

/**
 * Why a step whose predecessors are done still starts later, from the
 * scheduler's reason (written in the server's time zone, with ids): the
 * kind of wait in words and the planned start in the reader's time. `self`
 * words it for the operator whose task it is; `start: false` leaves the
 * time out where the planned start is shown next to it. Null when there
 * is nothing to say.
 */
export function describeScheduleWait(
  a: { waitReason: string | null; plannedStart: string; workerId: string; substationId: string },
  { self = false, start = true }: { self?: boolean; start?: boolean } = {},
): string | null {
  const reason = a.waitReason;
  if (!reason) return null;
  let why: string | null = null;
  if (/busy with/.test(reason)) why = self ? t('waits.afterYourEarlierTask') : t('waits.workerBusy', { worker: a.workerId });
  else if (/^substation .* busy/.test(reason)) why = t('waits.substation', { substation: a.substationId });
  else if (/waiting for shift/.test(reason)) why = self ? t('waits.yourShift') : t('waits.workerShift', { worker: a.workerId });
  const when = start ? t('waits.starts', { when: formatDateTime(a.plannedStart) }) : null;
  return [why, when].filter(Boolean).join(' · ') || null;
}
