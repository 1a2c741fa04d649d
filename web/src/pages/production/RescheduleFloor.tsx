/**
 * "Reschedule…" on the production page: a dry run of the floor's reschedule
 * (every released or in-production plan together, by due date and priority)
 * shows the total tardiness, late plans and makespan before and after, and the
 * plans that change; Apply runs it for real and shows what was done.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { type FloorRescheduleResult, useFloorReschedule } from '../../api/floor';
import { formatDateTime, formatMinutes } from '../../format';
import { Alert, Button, Dialog } from '../../ui';

export function RescheduleFloorButton() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t('reschedule.button')}</Button>
      {open && <RescheduleFloorDialog onClose={() => setOpen(false)} />}
    </>
  );
}

function RescheduleFloorDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const dry = useFloorReschedule();
  const apply = useFloorReschedule();
  const { mutate: compare } = dry;
  useEffect(() => compare({ dryRun: true }), [compare]);
  const shown = apply.data ?? dry.data;
  const canApply = !!dry.data && dry.data.accepted && dry.data.moved > 0 && !apply.isSuccess;
  return (
    <Dialog
      open
      wide
      title={t('reschedule.title')}
      onClose={onClose}
      onSubmit={() => canApply && apply.mutate({ dryRun: false, planIds: dry.data!.plans.map((p) => p.id) })}
      footer={
        apply.isSuccess || (dry.data && !canApply) ? (
          <Button variant="primary" onClick={onClose}>
            {t('reschedule.close')}
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>{t('reschedule.keep')}</Button>
            <Button type="submit" variant="primary" disabled={!canApply || apply.isPending}>
              {apply.isPending ? t('reschedule.working') : t('reschedule.apply')}
            </Button>
          </>
        )
      }
    >
      <p>{t('reschedule.explain')}</p>
      {dry.isPending && <p className="muted">{t('reschedule.comparing')}</p>}
      <ErrorAlert error={dry.error} title={t('reschedule.refused')} />
      <ErrorAlert error={apply.error} title={t('reschedule.refused')} />
      {shown && <Comparison result={shown} />}
      {dry.data && !apply.data && !dry.data.accepted && <Alert tone="info">{t('reschedule.notBetter')}</Alert>}
      {dry.data && !apply.data && dry.data.accepted && dry.data.moved === 0 && <Alert tone="info">{t('reschedule.nothingMoves')}</Alert>}
      {apply.data && (
        <Alert
          tone={apply.data.applied ? 'success' : 'info'}
          title={apply.data.applied ? t('reschedule.applied', { count: apply.data.moved }) : t('reschedule.kept')}
        >
          {apply.data.applied ? null : t('reschedule.notBetter')}
        </Alert>
      )}
    </Dialog>
  );
}

function Comparison({ result }: { result: FloorRescheduleResult }) {
  const { t } = useTranslation();
  const { before, after } = result;
  const changed = result.plans.filter((p) => p.moved > 0);
  return (
    <>
      <table className="table" aria-label={t('reschedule.summary')}>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">{t('reschedule.before')}</th>
            <th scope="col">{t('reschedule.after')}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{t('reschedule.totalTardiness')}</th>
            <td data-testid="tardiness-before">{formatMinutes(before.totalTardinessMinutes)}</td>
            <td data-testid="tardiness-after">{formatMinutes(after.totalTardinessMinutes)}</td>
          </tr>
          <tr>
            <th scope="row">{t('reschedule.latePlans')}</th>
            <td data-testid="late-before">{before.latePlans}</td>
            <td data-testid="late-after">{after.latePlans}</td>
          </tr>
          <tr>
            <th scope="row">{t('reschedule.makespan')}</th>
            <td>{formatDateTime(before.makespanEnd)}</td>
            <td>{formatDateTime(after.makespanEnd)}</td>
          </tr>
        </tbody>
      </table>
      {changed.length > 0 && (
        <table className="table" aria-label={t('reschedule.changes')}>
          <thead>
            <tr>
              <th scope="col">{t('reschedule.plan')}</th>
              <th scope="col">{t('reschedule.due')}</th>
              <th scope="col">{t('reschedule.endBefore')}</th>
              <th scope="col">{t('reschedule.endAfter')}</th>
              <th scope="col">{t('reschedule.steps')}</th>
            </tr>
          </thead>
          <tbody>
            {changed.map((p) => (
              <tr key={p.id}>
                <td>
                  <span className="mono">{p.code}</span> {p.name}
                </td>
                <td>{p.dueDate ? formatDateTime(p.dueDate) : '—'}</td>
                <td>
                  {formatDateTime(p.before.projectedEnd)}
                  {p.before.latenessMinutes > 0 && <span className="muted"> ({t('reschedule.late', { time: formatMinutes(p.before.latenessMinutes) })})</span>}
                </td>
                <td>
                  {formatDateTime(p.after.projectedEnd)}
                  {p.after.latenessMinutes > 0 && <span className="muted"> ({t('reschedule.late', { time: formatMinutes(p.after.latenessMinutes) })})</span>}
                </td>
                <td className="numeric">{p.moved}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
