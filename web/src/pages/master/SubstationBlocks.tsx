/** A substation's maintenance blocks: the ones not yet ended, add one (the bookings it overlaps move out of it), delete one. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useChangeBlock, useSubstationBlocks } from '../../api/masterData';
import type { SubstationBlock } from '../../api/types';
import { formatDateTime } from '../../format';
import { Button, type Column, Table, TextField } from '../../ui';

/** 'YYYY-MM-DDTHH:MM' of a datetime-local input, as an ISO instant (the browser's time zone). */
const isoOfLocal = (local: string) => new Date(local).toISOString();

export function SubstationBlocks({ substationId }: { substationId: string }) {
  const { t } = useTranslation();
  const blocks = useSubstationBlocks(substationId);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [reason, setReason] = useState('');
  const change = useChangeBlock(substationId, {
    onSuccess: () => {
      setStart('');
      setEnd('');
      setReason('');
    },
  });
  const columns: Column<SubstationBlock>[] = [
    { key: 'start', header: t('blocks.start'), render: (b) => formatDateTime(b.start) },
    { key: 'end', header: t('blocks.end'), render: (b) => formatDateTime(b.end) },
    { key: 'reason', header: t('blocks.reason'), render: (b) => b.reason },
    {
      key: 'actions',
      header: <span className="sr-only">{t('substations.actions')}</span>,
      render: (b) => (
        <Button size="sm" variant="danger" onClick={() => change.mutate({ kind: 'delete', blockId: b.id })} aria-label={t('blocks.deleteOf', { id: b.id })}>
          {t('blocks.delete')}
        </Button>
      ),
    },
  ];
  const ready = start !== '' && end !== '' && reason.trim() !== '';
  return (
    <div className="stack" data-testid={`blocks-${substationId}`}>
      <Table caption={t('blocks.of', { id: substationId })} columns={columns} rows={blocks.data ?? []} rowKey={(b) => b.id} empty={t('blocks.none')} />
      <div className="toolbar">
        <TextField label={t('blocks.start')} type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
        <TextField label={t('blocks.end')} type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />
        <TextField label={t('blocks.reason')} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
        <Button
          onClick={() => change.mutate({ kind: 'add', start: isoOfLocal(start), end: isoOfLocal(end), reason: reason.trim() })}
          disabled={!ready || change.isPending}
        >
          {t('blocks.add')}
        </Button>
      </div>
      <ErrorAlert error={change.error ?? blocks.error} title={t('portal.refused')} />
    </div>
  );
}
