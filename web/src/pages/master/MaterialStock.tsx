/** Stock of a material: book a receipt or an adjustment, and read the ledger. */
import { useState } from 'react';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useBookStock, useLedger } from '../../api/masterData';
import type { LedgerEntry, Material } from '../../api/types';
import { formatDateTime, formatQuantity } from '../../format';
import { Badge, Button, type Column, SelectField, Table, TextField } from '../../ui';

const ledgerColumns: Column<LedgerEntry>[] = [
  { key: 'at', header: 'When', className: 'nowrap', render: (e) => formatDateTime(e.createdAt) },
  {
    key: 'kind',
    header: 'Kind',
    render: (e) => (
      <Badge tone={e.kind === 'consumption' ? 'warning' : e.kind === 'production' || e.kind === 'receipt' ? 'success' : 'neutral'}>
        {e.kind.replace('_', ' ')}
      </Badge>
    ),
  },
  { key: 'stock', header: 'Stock Δ', numeric: true, render: (e) => signed(e.stockDelta) },
  { key: 'reserved', header: 'Reserved Δ', numeric: true, render: (e) => signed(e.reservedDelta) },
  { key: 'ref', header: 'Plan / step', render: (e) => (e.planId ? `${e.planId}${e.nodeId ? ` ${e.nodeId}` : ''}` : '—') },
  { key: 'reason', header: 'Reason', render: (e) => <span className="small">{e.reason}</span> },
  { key: 'actor', header: 'By', render: (e) => e.actor ?? '—' },
];

function signed(n: number): string {
  return n === 0 ? '0' : n > 0 ? `+${formatQuantity(n)}` : formatQuantity(n);
}

export function MaterialStock({ material }: { material: Material }) {
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
      <legend>Stock</legend>
      <div className="stack">
        <div className="row">
          <Badge tone="info">
            stock {formatQuantity(material.stock)} {material.unit}
          </Badge>
          <Badge tone="active">reserved {formatQuantity(material.reserved)}</Badge>
          <Badge tone={material.belowReorderPoint ? 'warning' : 'success'}>available {formatQuantity(material.available)}</Badge>
        </div>
        <div className="toolbar">
          <SelectField
            label="Book"
            value={kind}
            onChange={(e) => setKind(e.target.value as typeof kind)}
            options={[
              { value: 'receipt', label: 'Receipt (goods in)' },
              { value: 'adjustment', label: 'Adjustment (count, write-off)' },
            ]}
          />
          <TextField label={`Quantity (${material.unit}, signed)`} inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
          <TextField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          <Button
            onClick={() => book.mutate({ kind, quantity: q, reason: reason.trim() })}
            disabled={!quantity || !Number.isFinite(q) || q === 0 || !reason.trim() || book.isPending}
          >
            Book
          </Button>
        </div>
        <ErrorAlert error={book.error} title="Booking refused" />
        <Table
          caption={`Ledger of ${material.code}`}
          columns={ledgerColumns}
          rows={ledger.data?.items ?? []}
          rowKey={(e) => String(e.id)}
          empty={ledger.isPending ? 'Loading…' : 'No movements'}
        />
      </div>
    </fieldset>
  );
}
