/**
 * Lifecycle buttons of a plan (release, pause, resume, cancel, reschedule),
 * each behind a confirmation dialog; a refusal shows the server's detail in
 * the dialog. Which buttons appear comes from the shared transition table.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { allowedPlanActions } from '../../../src/modules/plans/plans.rules.js';
import { ErrorAlert } from '../api/ErrorAlert';
import { type LifecycleAction, useArchivePlan, usePlanTransition } from '../api/plans';
import type { PlanDetail, PlanStatus, TransitionResult } from '../api/types';
import { formatQuantity } from '../format';
import { Alert, Button, Checkbox, Dialog } from '../ui';

/** Keys of each action's words: the button, the dialog's question, what happens, the confirm button and the refusal's title. */
const copy: Record<LifecycleAction, { label: string; question: string; explain: string; confirm: string; refused: string; danger?: boolean }> = {
  release: {
    label: 'planActions.release.label',
    question: 'planActions.release.question',
    explain: 'planActions.release.explain',
    confirm: 'planActions.release.confirm',
    refused: 'planActions.release.refused',
  },
  pause: {
    label: 'planActions.pause.label',
    question: 'planActions.pause.question',
    explain: 'planActions.pause.explain',
    confirm: 'planActions.pause.confirm',
    refused: 'planActions.pause.refused',
  },
  resume: {
    label: 'planActions.resume.label',
    question: 'planActions.resume.question',
    explain: 'planActions.resume.explain',
    confirm: 'planActions.resume.confirm',
    refused: 'planActions.resume.refused',
  },
  cancel: {
    label: 'planActions.cancel.label',
    question: 'planActions.cancel.question',
    explain: 'planActions.cancel.explain',
    confirm: 'planActions.cancel.confirm',
    refused: 'planActions.cancel.refused',
    danger: true,
  },
  reschedule: {
    label: 'planActions.reschedule.label',
    question: 'planActions.reschedule.question',
    explain: 'planActions.reschedule.explain',
    confirm: 'planActions.reschedule.confirm',
    refused: 'planActions.reschedule.refused',
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
  const { t } = useTranslation();
  const [open, setOpen] = useState<LifecycleAction | null>(null);
  return (
    <>
      {actionsFor(plan.status).map((a) => (
        <Button key={a} variant={a === 'release' ? 'primary' : copy[a].danger ? 'danger' : 'default'} onClick={() => setOpen(a)}>
          {t(copy[a].label)}
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
  const { t } = useTranslation();
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
      title={`${t(c.question)} (${planId})`}
      onClose={onClose}
      onSubmit={() => run.mutate({ allowShortage })}
      footer={
        run.isSuccess ? (
          <Button variant="primary" onClick={onClose}>
            {t('common.close')}
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>{t('common.keepAsIs')}</Button>
            <Button type="submit" variant={c.danger ? 'danger' : 'primary'} disabled={run.isPending}>
              {run.isPending ? t('common.working') : t(c.confirm)}
            </Button>
          </>
        )
      }
    >
      <p>{t(c.explain)}</p>
      {action === 'release' && !run.isSuccess && (
        <Checkbox label={t('planActions.allowShortage')} checked={allowShortage} onChange={(e) => setAllowShortage(e.target.checked)} />
      )}
      <ErrorAlert error={run.error} title={t(c.refused)} />
      {shortages.length > 0 && (
        <Alert tone="warning" title={t('planActions.releasedWithShortages')}>
          <ul>
            {shortages.map((s) => (
              <li key={s.materialCode}>
                {t('planActions.shortage', { material: s.materialCode, required: formatQuantity(s.required), available: formatQuantity(s.available) })}
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
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const run = useArchivePlan(plan.id, { onSuccess: () => setOpen(false) });
  if (plan.archivedAt || (plan.status !== 'completed' && plan.status !== 'cancelled')) return null;
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t('planActions.archive.label')}</Button>
      {open && (
        <Dialog
          open
          title={`${t('planActions.archive.question')} (${plan.id})`}
          onClose={() => setOpen(false)}
          onSubmit={() => run.mutate()}
          footer={
            <>
              <Button onClick={() => setOpen(false)}>{t('common.keepAsIs')}</Button>
              <Button type="submit" variant="primary" disabled={run.isPending}>
                {run.isPending ? t('common.working') : t('planActions.archive.confirm')}
              </Button>
            </>
          }
        >
          <p>{t('planActions.archive.explain')}</p>
          <ErrorAlert error={run.error} title={t('planActions.archive.refused')} />
        </Dialog>
      )}
    </>
  );
}
