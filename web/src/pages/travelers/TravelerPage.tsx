/**
 * The printable traveler of a plan (the paper that goes with the parts): the
 * plan, its work order and due date, then each step in order with its
 * station, planned times, its checks and a QR code of the step (its
 * assignment id, which the portal's scanner opens and starts). The print
 * stylesheet drops the app's chrome and keeps each step on one page part.
 */
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { usePlan } from '../../api/plans';
import type { PlanDetail } from '../../api/types';
import { QrCode } from '../../components/QrCode';
import { formatDate, formatDateTime, formatMinutes, formatQuantity, formatTime } from '../../format';
import { Link } from '../../router';
import { Button } from '../../ui';
import './travelers.css';

type Node = PlanDetail['nodes'][number];

export function TravelerPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const plan = usePlan(id);
  if (plan.isError) return <ErrorAlert error={plan.error} title={t('traveler.cannotLoad')} />;
  if (!plan.data) return <div className="empty">{t('common.loading')}</div>;
  const p = plan.data;
  const steps = [...p.nodes].sort(
    (a, b) => (a.assignment?.plannedStart ?? '').localeCompare(b.assignment?.plannedStart ?? '') || a.nodeId.localeCompare(b.nodeId),
  );
  return (
    <div className="traveler" data-testid="traveler">
      <div className="traveler__tools no-print row">
        <Link to={`/production/${encodeURIComponent(p.id)}`}>{t('traveler.backToPlan')}</Link>
        <span className="spacer" />
        <Button variant="primary" onClick={() => window.print()}>
          {t('traveler.print')}
        </Button>
      </div>
      <header className="traveler__head">
        <h1>{t('traveler.title', { name: p.name })}</h1>
        <dl className="traveler__facts">
          <div>
            <dt>{t('traveler.plan')}</dt>
            <dd className="mono">{p.id}</dd>
          </div>
          <div>
            <dt>{t('traveler.workOrder')}</dt>
            <dd className="mono">{p.workOrderCode}</dd>
          </div>
          <div>
            <dt>{t('traveler.quantity')}</dt>
            <dd>{formatQuantity(p.quantity)}</dd>
          </div>
          <div>
            <dt>{t('traveler.dueDate')}</dt>
            <dd>{p.dueDate ? formatDate(p.dueDate) : '—'}</dd>
          </div>
          <div>
            <dt>{t('traveler.printedAt')}</dt>
            <dd>{formatDateTime(new Date().toISOString())}</dd>
          </div>
        </dl>
        {p.note && <p className="traveler__note">{p.note}</p>}
      </header>
      {p.status === 'draft' && <p className="traveler__warning">{t('traveler.draft')}</p>}
      <ol className="traveler__steps">
        {steps.map((node) => (
          <TravelerStep key={node.nodeId} node={node} />
        ))}
      </ol>
    </div>
  );
}

function TravelerStep({ node }: { node: Node }) {
  const { t } = useTranslation();
  const a = node.assignment;
  return (
    <li className="traveler__step" data-testid="traveler-step" data-node={node.nodeId} data-assignment={a?.id ?? ''}>
      <div className="traveler__step-main">
        <h2>
          <span className="mono">{node.nodeId}</span> {node.name}
        </h2>
        <dl className="traveler__facts">
          <div>
            <dt>{t('traveler.operation')}</dt>
            <dd>{node.operationName}</dd>
          </div>
          <div>
            <dt>{t('traveler.station')}</dt>
            <dd>{a ? `${a.substationId} (${a.stationId})` : node.assignedStations.map((s) => s.stationName).join(', ')}</dd>
          </div>
          <div>
            <dt>{t('traveler.planned')}</dt>
            <dd>{a ? `${formatDateTime(a.plannedStart)}–${formatTime(a.plannedEnd)} (${formatMinutes(a.workMinutes)})` : t('traveler.notScheduled')}</dd>
          </div>
          <div>
            <dt>{t('traveler.worker')}</dt>
            <dd>{a?.workerName ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('traveler.quantity')}</dt>
            <dd>{formatQuantity(node.quantity)}</dd>
          </div>
        </dl>
        {node.materialInputs.length > 0 && (
          <p className="small">
            {t('traveler.materials')}: {node.materialInputs.map((m) => `${formatQuantity(m.requiredQuantity)} ${m.unit} ${m.materialCode}`).join(' · ')}
          </p>
        )}
        {node.note && <p className="small">{node.note}</p>}
        <StepChecks node={node} />
        <div className="traveler__signoff">
          <span>{t('traveler.good')} ______</span>
          <span>{t('traveler.scrap')} ______</span>
          <span>{t('traveler.doneBy')} ____________</span>
          <span>{t('traveler.date')} ________</span>
        </div>
      </div>
      <div className="traveler__qr">
        {a ? (
          <>
            <QrCode value={a.id} size={112} label={t('traveler.qrLabel', { id: a.id })} testId={`traveler-qr-${node.nodeId}`} />
            <span className="mono small">{a.id}</span>
          </>
        ) : (
          <span className="muted small">{t('traveler.noQr')}</span>
        )}
      </div>
    </li>
  );
}

/**
 * The step's checks. QUALITY-MERGE: when the inspection plans of operations are on main (the `quality`
 * branch), list the operation's check items here (kind, nominal and tolerances, samples, required at start or
 * completion) with a box to record each; until then this is the marked slot with lines to record checks by hand.
 */
function StepChecks({ node }: { node: Node }) {
  const { t } = useTranslation();
  return (
    <div className="traveler__checks" data-testid="traveler-checks" data-operation={node.operationId}>
      <strong>{t('traveler.checks')}</strong>
      <table>
        <thead>
          <tr>
            <th>{t('traveler.check')}</th>
            <th>{t('traveler.result')}</th>
            <th>{t('traveler.initials')}</th>
          </tr>
        </thead>
        <tbody>
          {[1, 2, 3].map((n) => (
            <tr key={n}>
              <td />
              <td />
              <td />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
