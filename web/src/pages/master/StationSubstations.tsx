/** The substations of a station: add, rename, maintenance on/off, archive. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { ErrorAlert } from '../../api/ErrorAlert';
import { resource } from '../../api/queries';
import type { Station } from '../../api/types';
import { Button, type Column, StatusBadge, Table, TextField } from '../../ui';

type Sub = Station['substations'][number];

export function StationSubstations({ station }: { station: Station }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const change = useMutation({
    mutationFn: (op: { kind: 'add' } | { kind: 'status'; id: string; status: 'available' | 'maintenance' } | { kind: 'archive'; id: string }) => {
      if (op.kind === 'add') return api.post('/substations', { stationId: station.id, name: name.trim() });
      if (op.kind === 'status') return api.patch(`/substations/${op.id}`, { status: op.status });
      return api.delete(`/substations/${op.id}`);
    },
    onSuccess: (_r, op) => {
      if (op.kind === 'add') setName('');
      void queryClient.invalidateQueries({ queryKey: resource.stations });
    },
  });
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
        <Table caption={`Substations of ${station.id}`} columns={columns} rows={station.substations} rowKey={(s) => s.id} empty="No substations: work cannot be booked here" />
        <div className="toolbar">
          <TextField label="New substation name" value={name} onChange={(e) => setName(e.target.value)} placeholder={`${station.name} unit ${station.substations.length + 1}`} />
          <Button onClick={() => change.mutate({ kind: 'add' })} disabled={!name.trim() || change.isPending}>
            Add substation
          </Button>
        </div>
        <ErrorAlert error={change.error} title="Refused" />
      </div>
    </fieldset>
  );
}
