/** Stock of a material: book a receipt or an adjustment, and read the ledger. */
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useBookStock, useLedger } from '../../api/masterData';
import type { LedgerEntry, Material } from '../../api/types';
import { formatAmount, formatDateTime, formatQuantity } from '../../format';
import { Badge, Button, type Column, SelectField, Table, TextField } from '../../ui';

const ledgerKindKeys: Record<LedgerEntry['kind'], string> = {
  opening: 'stock.kind.opening',
  receipt: 'stock.kind.receipt',
  adjustment: 'stock.kind.adjustment',
  reservation: 'stock.kind.reservation',
  reservation_release: 'stock.kind.reservation_release',
  consumption: 'stock.kind.consumption',
  production: 'stock.kind.production',
};

const ledgerColumns = (t: TFunction): Column<LedgerEntry>[] => [
  { key: 'at', header: t('stock.col.when'), className: 'nowrap', render: (e) => formatDateTime(e.createdAt) },
  {
    key: 'kind',
    header: t('stock.col.kind'),
    render: (e) => (
      <Badge tone={e.kind === 'consumption' ? 'warning' : e.kind === 'production' || e.kind === 'receipt' ? 'success' : 'neutral'}>
        {t(ledgerKindKeys[e.kind])}
      </Badge>
    ),
  },
  { key: 'stock', header: t('stock.col.stockDelta'), numeric: true, render: (e) => signed(e.stockDelta) },
  { key: 'reserved', header: t('stock.col.reservedDelta'), numeric: true, render: (e) => signed(e.reservedDelta) },
  { key: 'ref', header: t('stock.col.planStep'), render: (e) => (e.planId ? `${e.planId}${e.nodeId ? ` ${e.nodeId}` : ''}` : '—') },
  { key: 'reason', header: t('stock.col.reason'), render: (e) => <span className="small">{e.reason}</span> },
  { key: 'actor', header: t('stock.col.by'), render: (e) => e.actor ?? '—' },
];

function signed(n: number): string {
  return n === 0 ? '0' : n > 0 ? `+${formatQuantity(n)}` : formatQuantity(n);
}

export function MaterialStock({ material }: { material: Material }) {
  const { t } = useTranslation();
  const ledger = useLedger(material.code);
  const [kind, setKind] = useState<'receipt' | 'adjustment'>('receipt');
  const [quantity, setQuantity] = useState('');
  const [reason, setReason] = useState('');
  const q = Number(quantity.replace(',', '.'));
  const book = useBookStock(material.code, {
    onSuccess: () => {
      setQuantity('');
      setReason('');
    },
  });
  return (
    <fieldset className="fieldset">
      <legend>{t('master.stock')}</legend>
      <div className="stack">
        <div className="row">
          <Badge tone="info">{t('stock.stock', { amount: formatAmount(material.stock, material.unit) })}</Badge>
          <Badge tone="active">{t('stock.reserved', { amount: formatQuantity(material.reserved) })}</Badge>
          <Badge tone={material.belowReorderPoint ? 'warning' : 'success'}>{t('stock.available', { amount: formatQuantity(material.available) })}</Badge>
        </div>
        {material.lotTracked && <p className="muted small">{t('lots.stockThroughLots')}</p>}
        <div className="toolbar" hidden={material.lotTracked}>
          <SelectField
            label={t('stock.book')}
            value={kind}
            onChange={(e) => setKind(e.target.value as typeof kind)}
            options={[
              { value: 'receipt', label: t('stock.receiptOption') },
              { value: 'adjustment', label: t('stock.adjustmentOption') },
            ]}
          />
          <TextField
            label={t('stock.quantitySigned', { unit: material.unit })}
            inputMode="decimal"
            value={quantity}
            onChange={(e) => setQuantity(e.target.value)}
          />
          <TextField label={t('stock.col.reason')} value={reason} onChange={(e) => setReason(e.target.value)} />
          <Button
            onClick={() => book.mutate({ kind, quantity: q, reason: reason.trim() })}
            disabled={!quantity || !Number.isFinite(q) || q === 0 || !reason.trim() || book.isPending}
          >
            {t('stock.book')}
          </Button>
        </div>
        <ErrorAlert error={book.error} title={t('stock.refused')} />
        <Table
          caption={t('stock.ledgerOf', { code: material.code })}
          columns={ledgerColumns(t)}
          rows={ledger.data?.items ?? []}
          rowKey={(e) => String(e.id)}
          empty={ledger.isPending ? t('common.loading') : t('stock.noMovements')}
        />
      </div>
    </fieldset>
  );
}
