/** The substations of a station: add, rename, maintenance on/off, availability calendar, maintenance blocks, archive. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useCalendars, useChangeSubstation } from '../../api/masterData';
import type { Station } from '../../api/types';
import { Button, type Column, SelectField, StatusBadge, Table, TextField } from '../../ui';
import { SubstationBlocks } from './SubstationBlocks';

type Sub = Station['substations'][number];

export function StationSubstations({ station }: { station: Station }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const change = useChangeSubstation({ onSuccess: (op) => op.kind === 'add' && setName('') });
  const calendars = useCalendars();
  const [blocksOf, setBlocksOf] = useState<string | null>(null);
  const columns: Column<Sub>[] = [
    { key: 'id', header: t('master.code'), render: (s) => <span className="mono">{s.id}</span> },
    { key: 'name', header: t('master.name'), render: (s) => s.name },
    { key: 'status', header: t('master.status'), render: (s) => <StatusBadge status={s.status} /> },
    {
      key: 'availability',
      header: t('blocks.availability'),
      render: (s) => (
        <SelectField
          label={t('blocks.availabilityOf', { id: s.id })}
          value={s.availabilityCalendarId ?? ''}
          onChange={(e) => change.mutate({ kind: 'calendar', id: s.id, calendarId: e.target.value === '' ? null : e.target.value })}
          options={(calendars.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
          placeholder={t('blocks.alwaysAvailable')}
        />
      ),
    },
    {
      key: 'actions',
      header: <span className="sr-only">{t('substations.actions')}</span>,
      render: (s) => (
        <span className="row">
          {s.status !== 'in_use' && (
            <Button size="sm" onClick={() => change.mutate({ kind: 'status', id: s.id, status: s.status === 'maintenance' ? 'available' : 'maintenance' })}>
              {s.status === 'maintenance' ? t('substations.backInService') : t('substations.maintenance')}
            </Button>
          )}
          <Button size="sm" onClick={() => setBlocksOf(blocksOf === s.id ? null : s.id)} aria-expanded={blocksOf === s.id}>
            {t('blocks.title')}
          </Button>
          <Button size="sm" variant="danger" onClick={() => change.mutate({ kind: 'archive', id: s.id })}>
            {t('planActions.archive.label')}
          </Button>
        </span>
      ),
    },
  ];
  return (
    <fieldset className="fieldset">
      <legend>{t('substations.of', { id: station.id })}</legend>
      <div className="stack">
        <Table
          caption={t('substations.of', { id: station.id })}
          columns={columns}
          rows={station.substations}
          rowKey={(s) => s.id}
          empty={t('substations.none')}
        />
        {blocksOf && station.substations.some((s) => s.id === blocksOf) && <SubstationBlocks substationId={blocksOf} />}
        <div className="toolbar">
          <TextField
            label={t('substations.newName')}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={t('substations.placeholder', { name: station.name, n: station.substations.length + 1 })}
          />
          <Button onClick={() => change.mutate({ kind: 'add', stationId: station.id, name: name.trim() })} disabled={!name.trim() || change.isPending}>
            {t('substations.add')}
          </Button>
        </div>
        <ErrorAlert error={change.error} title={t('portal.refused')} />
      </div>
    </fieldset>
  );
}
