/** The recall view (/recall/:heat): everything made from a heat, by how many steps away from the heat's own lots. */
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { type LotInTree, useHeatRecall } from '../../api/lots';
import { formatDateTime, formatQuantity } from '../../format';
import { Link, navigate } from '../../router';
import { Button, Card, type Column, Table, TextField } from '../../ui';
import { LotStatusBadge } from '../../components/LotStatusBadge';

const columnsFor = (t: TFunction): Column<LotInTree>[] => [
  { key: 'level', header: t('lots.col.level'), numeric: true, render: (l) => l.level },
  {
    key: 'lot',
    header: t('lots.col.lot'),
    render: (l) => (
      <Link to={`/lots/${encodeURIComponent(l.code)}`} className="mono">
        {l.code}
      </Link>
    ),
  },
  { key: 'material', header: t('lots.col.material'), render: (l) => <span className="mono">{l.materialCode}</span> },
  {
    key: 'step',
    header: t('lots.col.step'),
    render: (l) => (l.planId ? <Link to={`/production/${encodeURIComponent(l.planId)}`}>{`${l.planId} ${l.nodeId ?? ''}`}</Link> : (l.supplier ?? '—')),
  },
  { key: 'onHand', header: t('lots.col.onHand'), numeric: true, render: (l) => `${formatQuantity(l.onHand)} ${l.unit}` },
  { key: 'status', header: t('lots.col.status'), render: (l) => <LotStatusBadge lot={l} /> },
  { key: 'at', header: t('lots.col.when'), className: 'nowrap', render: (l) => formatDateTime(l.receivedAt) },
];

export function RecallPage({ heat }: { heat: string | undefined }) {
  const { t } = useTranslation();
  const [input, setInput] = useState(heat ?? '');
  const recall = useHeatRecall(heat ?? '');
  return (
    <Card title={heat ? t('lots.recallOf', { heat }) : t('lots.recall')} flush>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (input.trim()) navigate(`/recall/${encodeURIComponent(input.trim())}`);
        }}
      >
        <TextField label={t('lots.col.heat')} value={input} onChange={(e) => setInput(e.target.value)} data-testid="recall-heat" />
        <Button type="submit" disabled={!input.trim()}>
          {t('lots.find')}
        </Button>
      </form>
      <ErrorAlert error={recall.error} />
      {heat && (
        <Table
          caption={t('lots.recallOf', { heat })}
          columns={columnsFor(t)}
          rows={recall.data?.items ?? []}
          rowKey={(l) => l.code}
          empty={recall.isPending ? t('common.loading') : t('lots.none')}
        />
      )}
    </Card>
  );
}
