/**
 * One lot (/lots/:code): what it is (material, heat, supplier, certificate,
 * status, on hand, the step that made it), its tree up (what it was made
 * from) and down (what was made from it) with the step and the people on each
 * edge, and where it was used.
 */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { type Genealogy, type LotEdge, type LotUse, useBlockLot, useGenealogy, useLot } from '../../api/lots';
import { formatDateTime, formatQuantity } from '../../format';
import { Link } from '../../router';
import { Button, Card, type Column, Table } from '../../ui';
import { LotStatusBadge } from '../../components/LotStatusBadge';
import './lots.css';

const lotLink = (code: string) => (
  <Link to={`/lots/${encodeURIComponent(code)}`} className="mono">
    {code}
  </Link>
);
const planStep = (planId: string | null, nodeId: string | null, stepName: string | null) =>
  planId ? (
    <span>
      <Link to={`/production/${encodeURIComponent(planId)}`}>{planId}</Link> {nodeId} <span className="muted small">{stepName}</span>
    </span>
  ) : (
    '—'
  );
const person = (workerId: string | null, workerName: string | null, substationId: string | null) =>
  `${workerName ?? workerId ?? '—'}${substationId ? ` @ ${substationId}` : ''}`;

/** The tree as nested lists: each lot under the one it was made from (down) or that it went into (up). */
function Tree({ g }: { g: Genealogy }) {
  const { t } = useTranslation();
  const byCode = new Map(g.lots.map((l) => [l.code, l]));
  const next = new Map<string, LotEdge[]>();
  for (const e of g.edges) {
    const from = g.direction === 'down' ? e.parentLot : e.childLot;
    next.set(from, [...(next.get(from) ?? []), e]);
  }
  const render = (code: string, seen: Set<string>): React.ReactNode => {
    const edges = next.get(code) ?? [];
    if (edges.length === 0 || seen.has(code)) return null;
    const inner = new Set(seen).add(code);
    return (
      <ul className="lot-tree">
        {edges.map((e) => {
          const other = g.direction === 'down' ? e.childLot : e.parentLot;
          const lot = byCode.get(other);
          return (
            <li key={`${e.parentLot}>${e.childLot}`} data-testid={`tree-${other}`}>
              {lotLink(other)} <span className="muted small">{lot?.materialCode}</span>{' '}
              {lot?.heatNumber && <span className="small">{t('lots.heatShort', { heat: lot.heatNumber })}</span>}{' '}
              <span className="small">
                {formatQuantity(e.quantity)} {lot?.unit} · {planStep(e.planId, e.nodeId, e.stepName)} · {person(e.workerId, e.workerName, e.substationId)} ·{' '}
                {formatDateTime(e.at)}
              </span>
              {render(other, inner)}
            </li>
          );
        })}
      </ul>
    );
  };
  return render(g.root.code, new Set()) ?? <p className="muted">{g.direction === 'down' ? t('lots.noChildren') : t('lots.noParents')}</p>;
}

const usesColumns = (t: TFunction): Column<LotUse>[] => [
  { key: 'lot', header: t('lots.col.lot'), render: (u) => lotLink(u.lotCode) },
  { key: 'qty', header: t('lots.col.quantity'), numeric: true, render: (u) => formatQuantity(u.quantity) },
  { key: 'step', header: t('lots.col.step'), render: (u) => planStep(u.planId, u.nodeId, u.stepName) },
  { key: 'who', header: t('lots.col.who'), render: (u) => person(u.workerId, u.workerName, u.substationId) },
  { key: 'at', header: t('lots.col.when'), className: 'nowrap', render: (u) => formatDateTime(u.at) },
];

export function LotPage({ code }: { code: string }) {
  const { t } = useTranslation();
  const lot = useLot(code);
  const up = useGenealogy(code, 'up');
  const down = useGenealogy(code, 'down');
  const block = useBlockLot();
  if (lot.error) return <ErrorAlert error={lot.error} />;
  if (!lot.data) return <div className="empty">{t('common.loading')}</div>;
  const l = lot.data;
  const toggle = () => {
    if (l.status === 'blocked') return block.mutate({ code: l.code, reason: null });
    const reason = window.prompt(t('lots.blockReason', { code: l.code }));
    if (reason?.trim()) block.mutate({ code: l.code, reason: reason.trim() });
  };
  return (
    <div className="stack" data-testid="lot-page">
      <Card
        title={t('lots.lotTitle', { code: l.code })}
        actions={
          <Button size="sm" variant={l.status === 'blocked' ? 'default' : 'danger'} onClick={toggle} disabled={block.isPending}>
            {l.status === 'blocked' ? t('lots.unblock') : t('lots.block')}
          </Button>
        }
      >
        <dl className="lot-facts">
          <dt>{t('lots.col.material')}</dt>
          <dd>
            <span className="mono">{l.materialCode}</span> {l.materialName}
          </dd>
          <dt>{t('lots.col.status')}</dt>
          <dd>
            <LotStatusBadge lot={l} /> {l.blockedReason && <span className="small">{l.blockedReason}</span>}
          </dd>
          <dt>{t('lots.col.onHand')}</dt>
          <dd data-testid="lot-on-hand">
            {formatQuantity(l.onHand)} {l.unit}
          </dd>
          <dt>{t('lots.col.heat')}</dt>
          <dd>{l.heatNumber ? <Link to={`/recall/${encodeURIComponent(l.heatNumber)}`}>{l.heatNumber}</Link> : '—'}</dd>
          <dt>{t('lots.col.supplier')}</dt>
          <dd>{l.supplier ?? '—'}</dd>
          <dt>{t('lots.certificate')}</dt>
          <dd>{l.certificate ?? '—'}</dd>
          <dt>{l.origin === 'output' ? t('lots.madeAt') : t('lots.col.received')}</dt>
          <dd>{formatDateTime(l.receivedAt)}</dd>
          {l.origin === 'output' && (
            <>
              <dt>{t('lots.col.step')}</dt>
              <dd>{planStep(l.planId, l.nodeId, l.stepName)}</dd>
              <dt>{t('lots.col.who')}</dt>
              <dd>{person(l.workerId, l.workerName, l.substationId)}</dd>
            </>
          )}
        </dl>
        <ErrorAlert error={block.error} title={t('lots.refused')} />
      </Card>
      <Card title={t('lots.madeFrom')}>{up.data ? <Tree g={up.data} /> : <ErrorAlert error={up.error} />}</Card>
      <Card title={t('lots.madeInto')}>{down.data ? <Tree g={down.data} /> : <ErrorAlert error={down.error} />}</Card>
      <Card title={t('lots.whereUsed')} flush>
        <Table
          caption={t('lots.whereUsed')}
          columns={usesColumns(t)}
          rows={down.data?.uses ?? []}
          rowKey={(u) => `${u.lotCode}:${u.assignmentId}:${u.at}`}
          empty={down.isPending ? t('common.loading') : t('lots.neverUsed')}
        />
      </Card>
    </div>
  );
}
