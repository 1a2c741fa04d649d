/** The substations of a station: add, rename, maintenance on/off, archive. */
import { useState } from 'react';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useChangeSubstation } from '../../api/masterData';
import type { Station } from '../../api/types';
import { Button, type Column, StatusBadge, Table, TextField } from '../../ui';

type Sub = Station['substations'][number];

export function StationSubstations({ station }: { station: Station }) {
  const [name, setName] = useState('');
  const change = useChangeSubstation({ onSuccess: (op) => op.kind === 'add' && setName('') });
  const columns: Column<Sub>[] = [
    { key: 'id', header: 'Code', render: (s) => <span className="mono">{s.id}</span> },
    { key: 'name', header: 'Name', render: (s) => s.name },
    { key: 'status', header: 'Status', render: (s) => <StatusBadge status={s.status} /> },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      render: (s) => (
        <span className="row">
          {s.status !== 'in_use' && (
            <Button size="sm" onClick={() => change.mutate({ kind: 'status', id: s.id, status: s.status === 'maintenance' ? 'available' : 'maintenance' })}>
              {s.status === 'maintenance' ? 'Back in service' : 'Maintenance'}
            </Button>
          )}
          <Button size="sm" variant="danger" onClick={() => change.mutate({ kind: 'archive', id: s.id })}>
            Archive
          </Button>
        </span>
      ),
    },
  ];
  return (
    <fieldset className="fieldset">
      <legend>Substations of {station.id}</legend>
      <div className="stack">
        <Table
          caption={`Substations of ${station.id}`}
          columns={columns}
          rows={station.substations}
          rowKey={(s) => s.id}
          empty="No substations: work cannot be booked here"
        />
        <div className="toolbar">
          <TextField
            label="New substation name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={`${station.name} unit ${station.substations.length + 1}`}
          />
          <Button onClick={() => change.mutate({ kind: 'add', stationId: station.id, name: name.trim() })} disabled={!name.trim() || change.isPending}>
            Add substation
          </Button>
        </div>
        <ErrorAlert error={change.error} title="Refused" />
      </div>
    </fieldset>
  );
}
