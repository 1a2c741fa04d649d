/** The output lots a plan's steps made, each linking to its lot page (genealogy). */
import { useTranslation } from 'react-i18next';
import { usePlanLots } from '../../api/lots';
import { formatDateTime, formatQuantity } from '../../format';
import { Link } from '../../router';

export function PlanLots({ planId }: { planId: string }) {
  const { t } = useTranslation();
  const lots = usePlanLots(planId);
  const items = lots.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <>
      <h3 className="card__subtitle">{t('lots.outputLots')}</h3>
      <ul className="plan-lots" data-testid="plan-lots">
        {items.map((l) => (
          <li key={l.code}>
            <Link to={`/lots/${encodeURIComponent(l.code)}`} className="mono">
              {l.code}
            </Link>{' '}
            <span className="small">
              {l.materialCode} · {formatQuantity(l.onHand)} {l.unit} · {l.nodeId} {l.stepName} · {formatDateTime(l.receivedAt)}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
