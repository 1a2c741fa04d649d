/** Shop-floor words for people: pause reasons, problem categories, what a step waits for. */
import type { PauseReason, ProblemCategory, WaitingFor } from './api/types';
import { formatDateTime } from './format';
import { statusLabel } from './ui';

export const pauseReasonLabel: Record<PauseReason, string> = {
  break: 'Break',
  material_missing: 'Material missing',
  machine_fault: 'Machine fault',
  quality_problem: 'Quality problem',
  other: 'Other',
};

export const problemCategoryLabel: Record<ProblemCategory, string> = {
  material: 'Material',
  machine: 'Machine',
  quality: 'Quality',
  safety: 'Safety',
  other: 'Other',
};

/** "N1 Cut sides (W-002, ready)" for each predecessor not completed yet; with `names`, the worker's name instead of the id. */
export function describeWaitingFor(waitingFor: readonly WaitingFor[], { names = false } = {}): string {
  return waitingFor
    .map((w) => {
      const who = names ? (w.workerName ?? w.workerId) : w.workerId;
      return `${w.nodeId} ${w.nodeName} (${who ? `${who}, ` : ''}${w.status ? statusLabel(w.status) : 'not scheduled'})`;
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
  if (/busy with/.test(reason)) why = self ? 'after your earlier task' : `waits for ${a.workerId} to finish other work`;
  else if (/^substation .* busy/.test(reason)) why = `waits for substation ${a.substationId}`;
  else if (/waiting for shift/.test(reason)) why = `waits for ${self ? 'your' : `${a.workerId}’s`} shift`;
  const when = start ? `starts ${formatDateTime(a.plannedStart)}` : null;
  return [why, when].filter(Boolean).join(' · ') || null;
}
