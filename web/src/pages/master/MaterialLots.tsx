/** Lots of a lot-tracked material: receive a lot (heat number, supplier, certificate), list them in FIFO order, block and unblock. */
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { type Lot, useBlockLot, useMaterialLots, useReceiveLot } from '../../api/lots';
import type { Material } from '../../api/types';
import { formatDateTime, formatQuantity } from '../../format';
import { Link } from '../../router';
import { LotStatusBadge } from '../../components/LotStatusBadge';
import { Button, Checkbox, type Column, Table, TextField } from '../../ui';

const columnsFor = (t: TFunction, toggle: (lot: Lot) => void, busy: boolean): Column<Lot>[] => [
  {
    key: 'code',
    header: t('lots.col.lot'),
    render: (l) => (
      <Link to={`/lots/${encodeURIComponent(l.code)}`} className="mono">
        {l.code}
      </Link>
    ),
  },
  {
    key: 'heat',
    header: t('lots.col.heat'),
    render: (l) => (l.heatNumber ? <Link to={`/recall/${encodeURIComponent(l.heatNumber)}`}>{l.heatNumber}</Link> : '—'),
  },
  { key: 'supplier', header: t('lots.col.supplier'), render: (l) => l.supplier ?? (l.origin === 'output' ? `${l.planId ?? ''} ${l.nodeId ?? ''}` : '—') },
  { key: 'received', header: t('lots.col.received'), className: 'nowrap', render: (l) => formatDateTime(l.receivedAt) },
  { key: 'onHand', header: t('lots.col.onHand'), numeric: true, render: (l) => `${formatQuantity(l.onHand)} ${l.unit}` },
  { key: 'status', header: t('lots.col.status'), render: (l) => <LotStatusBadge lot={l} /> },
  {
    key: 'action',
    header: t('lots.col.action'),
    render: (l) => (
      <Button size="sm" variant={l.status === 'blocked' ? 'default' : 'danger'} disabled={busy} onClick={() => toggle(l)} data-testid={`lot-toggle-${l.code}`}>
        {l.status === 'blocked' ? t('lots.unblock') : t('lots.block')}
      </Button>
    ),
  },
];

export function MaterialLots({ material }: { material: Material }) {
  const { t } = useTranslation();
  const [includeEmpty, setIncludeEmpty] = useState(false);
  const lots = useMaterialLots(material.code, includeEmpty);
  const [form, setForm] = useState({ lotCode: '', heatNumber: '', supplier: '', certificate: '', quantity: '' });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const receive = useReceiveLot(material.code, () => setForm({ lotCode: '', heatNumber: '', supplier: '', certificate: '', quantity: '' }));
  const block = useBlockLot();
  const q = Number(form.quantity.replace(',', '.'));
  const opt = (s: string) => (s.trim() ? s.trim() : undefined);
  const toggle = (lot: Lot) => {
    if (lot.status === 'blocked') return block.mutate({ code: lot.code, reason: null });
    const reason = window.prompt(t('lots.blockReason', { code: lot.code }));
    if (reason?.trim()) block.mutate({ code: lot.code, reason: reason.trim() });
  };
  return (
    <fieldset className="fieldset">
      <legend>{t('lots.title')}</legend>
      <div className="stack">
        <div className="toolbar">
          <TextField label={t('lots.col.lot')} placeholder={t('lots.generated')} value={form.lotCode} onChange={set('lotCode')} />
          <TextField label={t('lots.col.heat')} value={form.heatNumber} onChange={set('heatNumber')} data-testid="lot-heat" />
          <TextField label={t('lots.col.supplier')} value={form.supplier} onChange={set('supplier')} />
          <TextField label={t('lots.certificate')} value={form.certificate} onChange={set('certificate')} />
          <TextField
            label={t('lots.quantity', { unit: material.unit })}
            inputMode="decimal"
            value={form.quantity}
            onChange={set('quantity')}
            data-testid="lot-quantity"
          />
          <Button
            disabled={!form.quantity || !Number.isFinite(q) || q <= 0 || receive.isPending}
            onClick={() =>
              receive.mutate({
                quantity: q,
                ...(opt(form.lotCode) ? { lotCode: opt(form.lotCode) } : {}),
                ...(opt(form.heatNumber) ? { heatNumber: opt(form.heatNumber) } : {}),
                ...(opt(form.supplier) ? { supplier: opt(form.supplier) } : {}),
                ...(opt(form.certificate) ? { certificate: opt(form.certificate) } : {}),
              })
            }
          >
            {t('lots.receive')}
          </Button>
        </div>
        <ErrorAlert error={receive.error ?? block.error} title={t('lots.refused')} />
        <Checkbox label={t('lots.includeEmpty')} checked={includeEmpty} onChange={(e) => setIncludeEmpty(e.target.checked)} />
        <Table
          caption={t('lots.of', { code: material.code })}
          columns={columnsFor(t, toggle, block.isPending)}
          rows={lots.data?.items ?? []}
          rowKey={(l) => l.code}
          empty={lots.isPending ? t('common.loading') : t('lots.none')}
        />
      </div>
    </fieldset>
  );
}
