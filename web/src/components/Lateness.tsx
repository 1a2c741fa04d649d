/** A plan's lateness against its due date: "on time" / "late by 3 h", or why there is none. */
import { useTranslation } from 'react-i18next';
import type { PlanSummary } from '../api/types';
import { latenessParts } from '../lateness';
import { Badge } from '../ui';

type Projection = Pick<PlanSummary, 'id' | 'dueDate' | 'latenessMinutes'>;

export function LatenessText({ minutes }: { minutes: number }): string {
  const { t } = useTranslation();
  const parts = latenessParts(minutes);
  if (!parts.late) return t('due.onTime');
  if (parts.unit === 'minutes') return t('due.lateByMinutes', { count: parts.count });
  if (parts.unit === 'hours') return t('due.lateByHours', { count: parts.count });
  return t('due.lateByDays', { count: parts.count });
}

export function Lateness({ plan }: { plan: Projection }) {
  const { t } = useTranslation();
  const testId = `lateness-${plan.id}`;
  if (plan.dueDate === null)
    return (
      <span className="muted" data-testid={testId}>
        {t('due.noDueDate')}
      </span>
    );
  if (plan.latenessMinutes === null)
    return (
      <span className="muted" data-testid={testId}>
        {t('due.notScheduled')}
      </span>
    );
  return (
    <span data-testid={testId}>
      <Badge tone={plan.latenessMinutes > 0 ? 'danger' : 'success'}>
        <LatenessText minutes={plan.latenessMinutes} />
      </Badge>
    </span>
  );
}

/** The priorities with their words, most urgent first. */
export const planPriorities = [1, 2, 3, 4, 5] as const;

export function usePriorityLabel(): (priority: number) => string {
  const { t } = useTranslation();
  const labels: Record<number, string> = {
    1: t('due.priorities.1'),
    2: t('due.priorities.2'),
    3: t('due.priorities.3'),
    4: t('due.priorities.4'),
    5: t('due.priorities.5'),
  };
  return (priority) => labels[priority] ?? String(priority);
}

/** "Lateness" as a column header outside a hook's reach (tables built by plain functions). */
export function LatenessHeading() {
  const { t } = useTranslation();
  return <>{t('due.lateness')}</>;
}
