/**
 * Lifecycle buttons of a plan (release, pause, resume, cancel, reschedule),
 * each behind a confirmation dialog; a refusal shows the server's detail in
 * the dialog. Which buttons appear comes from the shared transition table.
 */
import { useState } from 'react';
import { allowedPlanActions } from '../../../src/modules/plans/plans.rules.js';
import { ErrorAlert } from '../api/ErrorAlert';
import { type LifecycleAction, useArchivePlan, usePlanTransition } from '../api/plans';
import type { PlanDetail, PlanStatus, TransitionResult } from '../api/types';
import { Alert, Button, Checkbox, Dialog } from '../ui';

const copy: Record<LifecycleAction, { label: string; question: string; explain: string; danger?: boolean }> = {
  release: {
    label: 'Release',
    question: 'Release this plan?',
    explain: 'Material is reserved and every step is scheduled on a station, substation and worker. The draft can no longer be edited.',
  },
  pause: {
    label: 'Pause',
    question: 'Pause this plan?',
    explain: 'Operators cannot start new steps of this plan until it is resumed. Steps already running continue.',
  },
  resume: { label: 'Resume', question: 'Resume this plan?', explain: 'Steps that have not started are planned again from now.' },
  cancel: {
    label: 'Cancel plan',
    question: 'Cancel this plan?',
    explain: 'Reservations are released and every open assignment is cancelled. This cannot be undone.',
    danger: true,
  },
  reschedule: {
    label: 'Reschedule',
    question: 'Reschedule this plan?',
    explain:
      'Every step that has not started is planned again against the current bookings; pinned steps keep their worker and substation and do not start earlier than set.',
  },
};

export function actionsFor(status: PlanStatus): LifecycleAction[] {
  const actions: LifecycleAction[] = allowedPlanActions(status).flatMap((a) =>
    a === 'release' || a === 'pause' || a === 'resume' || a === 'cancel' ? [a] : [],
  );
  if (status === 'released' || status === 'in_production' || status === 'paused') actions.push('reschedule');
  return actions;
}

export function PlanActions({
  plan,
  onDone,
}: {
  plan: Pick<PlanDetail, 'id' | 'status'>;
  onDone?: (action: LifecycleAction, result: TransitionResult) => void;
}) {
  const [open, setOpen] = useState<LifecycleAction | null>(null);
  return (
    <>
      {actionsFor(plan.status).map((a) => (
        <Button key={a} variant={a === 'release' ? 'primary' : copy[a].danger ? 'danger' : 'default'} onClick={() => setOpen(a)}>
          {copy[a].label}
        </Button>
      ))}
      {open && <ConfirmAction planId={plan.id} action={open} onClose={() => setOpen(null)} onDone={onDone} />}
    </>
  );
}

/** The confirmation dialog of one action; also used by the designer's Release. */
export function ConfirmAction({
  planId,
  action,
  onClose,
  onDone,
}: {
  planId: string;
  action: LifecycleAction;
  onClose: () => void;
  onDone?: ((action: LifecycleAction, result: TransitionResult) => void) | undefined;
}) {
  const [allowShortage, setAllowShortage] = useState(false);
  const run = usePlanTransition(planId, action, {
    onSuccess: (result) => {
      onDone?.(action, result);
      if (!result.shortages?.length) onClose();
    },
  });
  const c = copy[action];
  const shortages = run.data?.shortages ?? [];
  return (
    <Dialog
      open
      title={`${c.question} (${planId})`}
      onClose={onClose}
      onSubmit={() => run.mutate({ allowShortage })}
      footer={
        run.isSuccess ? (
          <Button variant="primary" onClick={onClose}>
            Close
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>Keep as is</Button>
            <Button type="submit" variant={c.danger ? 'danger' : 'primary'} disabled={run.isPending}>
              {run.isPending ? 'Working…' : `Yes, ${c.label.toLowerCase()}`}
            </Button>
          </>
        )
      }
    >
      <p>{c.explain}</p>
      {action === 'release' && !run.isSuccess && (
        <Checkbox
          label="Release even when material is short (shortages are recorded)"
          checked={allowShortage}
          onChange={(e) => setAllowShortage(e.target.checked)}
        />
      )}
      <ErrorAlert error={run.error} title={`${c.label} refused`} />
      {shortages.length > 0 && (
        <Alert tone="warning" title="Released with shortages">
          <ul>
            {shortages.map((s) => (
              <li key={s.materialCode}>
                {s.materialCode}: need {s.required}, available {s.available}
              </li>
            ))}
          </ul>
        </Alert>
      )}
    </Dialog>
  );
}

/** Archive a finished plan (completed or cancelled, not yet archived), behind a confirmation. */
export function ArchiveButton({ plan }: { plan: Pick<PlanDetail, 'id' | 'status' | 'archivedAt'> }) {
  const [open, setOpen] = useState(false);
  const run = useArchivePlan(plan.id, { onSuccess: () => setOpen(false) });
  if (plan.archivedAt || (plan.status !== 'completed' && plan.status !== 'cancelled')) return null;
  return (
    <>
      <Button onClick={() => setOpen(true)}>Archive</Button>
      {open && (
        <Dialog
          open
          title={`Archive this plan? (${plan.id})`}
          onClose={() => setOpen(false)}
          onSubmit={() => run.mutate()}
          footer={
            <>
              <Button onClick={() => setOpen(false)}>Keep as is</Button>
              <Button type="submit" variant="primary" disabled={run.isPending}>
                {run.isPending ? 'Working…' : 'Yes, archive'}
              </Button>
            </>
          }
        >
          <p>The plan leaves the production list and its steps move to the archive. It stays readable (Production → Archived) and can still be duplicated.</p>
          <ErrorAlert error={run.error} title="Archive refused" />
        </Dialog>
      )}
    </>
  );
}
