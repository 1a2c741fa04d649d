/**
 * Yield carried forward on the plan page: per step planned, expected, completed good and scrap; per output
 * material planned, expected and completed; on a short step the planner's two decisions, accept short or add a
 * remake step (scheduled at once). Live: 'plans' events refresh it.
 */
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import type { PlanStatus, ShortfallView } from '../../api/types';
import { useAcceptShort, useRemake, useShortfall } from '../../api/yield';
import { formatDateTime, formatQuantity } from '../../format';
import { Alert, Badge, Button, Card, type Column, Dialog, NumberField, StatusBadge, Table } from '../../ui';

type Step = ShortfallView['steps'][number];
type Output = ShortfallView['outputs'][number];

const amount = (n: number | null, testId: string, warn = false) =>
  n === null ? (
    <span className="muted">—</span>
  ) : (
    <span data-testid={testId} className={warn ? undefined : n === 0 ? 'muted' : undefined}>
      {warn ? <Badge tone="warning">{formatQuantity(n)}</Badge> : formatQuantity(n)}
    </span>
  );

function stepColumns(t: TFunction, working: boolean, onRemake: (s: Step) => void, accept: ReturnType<typeof useAcceptShort>): Column<Step>[] {
  return [
    {
      key: 'step',
      header: t('yield.col.step'),
      render: (s) => (
        <span>
          <span className="mono">{s.nodeId}</span> {s.name}{' '}
          {s.kind !== 'step' && (
            <Badge tone="info">{s.kind === 'remake' ? t('yield.kind.remake', { of: s.extraOf ?? '' }) : t('yield.kind.rework', { of: s.extraOf ?? '' })}</Badge>
          )}
        </span>
      ),
    },
    { key: 'status', header: t('yield.col.status'), render: (s) => (s.status ? <StatusBadge status={s.status} /> : <span className="muted">—</span>) },
    { key: 'planned', header: t('yield.col.planned'), numeric: true, render: (s) => amount(s.planned, `yield-planned-${s.nodeId}`) },
    {
      key: 'expected',
      header: t('yield.col.expected'),
      numeric: true,
      render: (s) => amount(s.expected, `yield-expected-${s.nodeId}`, s.expected < s.planned),
    },
    { key: 'good', header: t('yield.col.good'), numeric: true, render: (s) => amount(s.completedGood, `yield-good-${s.nodeId}`) },
    { key: 'scrap', header: t('yield.col.scrap'), numeric: true, render: (s) => amount(s.scrap, `yield-scrap-${s.nodeId}`) },
    {
      key: 'missing',
      header: t('yield.col.missing'),
      numeric: true,
      render: (s) => amount(s.missing > 0 ? s.missing : null, `yield-missing-${s.nodeId}`, true),
    },
    {
      key: 'decision',
      header: t('yield.col.decision'),
      render: (s) =>
        s.shortAccepted ? (
          <span data-testid={`yield-accepted-${s.nodeId}`}>{t('yield.acceptedBy', { by: s.shortAccepted.by, when: formatDateTime(s.shortAccepted.at) })}</span>
        ) : s.missing > 0 && working ? (
          <span className="row">
            <Button size="sm" onClick={() => accept.mutate(s.nodeId)} disabled={accept.isPending} data-testid={`yield-accept-${s.nodeId}`}>
              {t('yield.acceptShort')}
            </Button>
            <Button size="sm" variant="primary" onClick={() => onRemake(s)} data-testid={`yield-remake-${s.nodeId}`}>
              {t('yield.remake')}
            </Button>
          </span>
        ) : s.extras.length > 0 ? (
          <span className="muted small">{t('yield.remadeAs', { steps: s.extras.join(', ') })}</span>
        ) : null,
    },
  ];
}

const outputColumns = (t: TFunction): Column<Output>[] => [
  { key: 'material', header: t('yield.col.material'), render: (o) => <span className="mono">{o.materialCode}</span> },
  { key: 'planned', header: t('yield.col.planned'), numeric: true, render: (o) => amount(o.planned, `yield-output-planned-${o.materialCode}`) },
  {
    key: 'expected',
    header: t('yield.col.expected'),
    numeric: true,
    render: (o) => amount(o.expected, `yield-output-expected-${o.materialCode}`, o.expected < o.planned),
  },
  { key: 'completed', header: t('yield.col.completed'), numeric: true, render: (o) => amount(o.completed, `yield-output-completed-${o.materialCode}`) },
];

function RemakeDialog({ planId, step, onClose }: { planId: string; step: Step; onClose: () => void }) {
  const { t } = useTranslation();
  const [quantity, setQuantity] = useState<number | undefined>(step.missing);
  const run = useRemake(planId);
  return (
    <Dialog
      open
      title={t('yield.remakeQuestion', { nodeId: step.nodeId })}
      onClose={onClose}
      onSubmit={() => run.mutate({ nodeId: step.nodeId, quantity })}
      footer={
        run.isSuccess ? (
          <Button variant="primary" onClick={onClose}>
            {t('common.close')}
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>{t('common.keepAsIs')}</Button>
            <Button type="submit" variant="primary" disabled={run.isPending}>
              {run.isPending ? t('common.working') : t('yield.remakeConfirm')}
            </Button>
          </>
        )
      }
    >
      <p>{t('yield.remakeExplain', { missing: formatQuantity(step.missing) })}</p>
      {!run.isSuccess && <NumberField label={t('yield.remakeQuantity')} value={quantity} onValue={setQuantity} min={0} />}
      <ErrorAlert error={run.error} title={t('yield.remakeRefused')} />
      {run.data && (
        <Alert tone="success" title={t('yield.remakeDone', { nodeId: run.data.nodeId })}>
          {t('yield.remakeScheduled', { start: formatDateTime(run.data.plannedStart), end: formatDateTime(run.data.plannedEnd) })}
          {run.data.shortages.length > 0 && (
            <ul>
              {run.data.shortages.map((s) => (
                <li key={s.materialCode}>
                  {t('planActions.shortage', { material: s.materialCode, required: formatQuantity(s.required), available: formatQuantity(s.available) })}
                </li>
              ))}
            </ul>
          )}
        </Alert>
      )}
    </Dialog>
  );
}

export function PlanShortfall({ planId, status }: { planId: string; status: PlanStatus }) {
  const { t } = useTranslation();
  const shortfall = useShortfall(planId, status !== 'draft');
  const accept = useAcceptShort(planId);
  const [remaking, setRemaking] = useState<Step | null>(null);
  const working = status === 'released' || status === 'in_production';
  const view = shortfall.data;
  if (status === 'draft') return null;
  // shown once anything was short: a scrapped step, a lower expectation, a remake (also after it made up the loss)
  const short = view?.steps.some((s) => s.expected < s.planned || s.missing > 0 || (s.scrap ?? 0) > 0 || s.kind !== 'step') ?? false;
  return (
    <Card title={t('yield.title')} flush>
      <ErrorAlert error={shortfall.error ?? accept.error} />
      {view && !short && <div className="empty">{t('yield.nothingShort')}</div>}
      {view && short && (
        <>
          <Table caption={t('yield.stepsCaption')} columns={stepColumns(t, working, setRemaking, accept)} rows={view.steps} rowKey={(s) => s.nodeId} />
          {view.outputs.length > 0 && (
            <>
              <h3 className="card__subtitle">{t('yield.perOutput')}</h3>
              <Table caption={t('yield.outputsCaption')} columns={outputColumns(t)} rows={view.outputs} rowKey={(o) => o.materialCode} />
            </>
          )}
        </>
      )}
      {remaking && <RemakeDialog planId={planId} step={remaking} onClose={() => setRemaking(null)} />}
    </Card>
  );
}
