/** Master data: operations, stations with substations, workers, materials with stock and ledger, shift calendars with their weekly hours and exceptions. */
import { useMemo } from 'react';
import { useCalendars, useMaterials, useOperations, useStations, useWorkers } from '../../api/masterData';
import type { Material, Operation, ShiftCalendar, Station, Worker } from '../../api/types';
import { formatQuantity } from '../../format';
import { navigate } from '../../router';
import { Badge, StatusBadge, Tabs } from '../../ui';
import { MaterialStock } from './MaterialStock';
import { list, num, ResourceView, type ResourceConfig, str } from './ResourceView';
import { formatMinute, summarizeWeek, weeklyMinutes } from './shiftCalendar';
import { ShiftCalendarDialog } from './ShiftCalendarDialog';
import { StationSubstations } from './StationSubstations';
import { WorkerPortalAccess } from './WorkerPortalAccess';

type Tab = 'operations' | 'stations' | 'workers' | 'materials' | 'calendars';
const tabs: { key: Tab; label: string }[] = [
  { key: 'operations', label: 'Operations' },
  { key: 'stations', label: 'Stations' },
  { key: 'workers', label: 'Workers' },
  { key: 'materials', label: 'Materials' },
  { key: 'calendars', label: 'Shift calendars' },
];

export function MasterDataPage({ tab }: { tab: string | undefined }) {
  const current = (tabs.find((t) => t.key === tab)?.key ?? 'operations') as Tab;
  const operations = useOperations();
  const stations = useStations();
  const calendars = useCalendars();
  const opOptions = useMemo(() => (operations.data?.items ?? []).map((o) => ({ value: o.id, label: `${o.id} ${o.name}` })), [operations.data]);
  const stationOptions = useMemo(() => (stations.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.id} ${s.name}` })), [stations.data]);
  const calendarOptions = useMemo(() => (calendars.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.id} — ${c.name}` })), [calendars.data]);

  return (
    <div className="page">
      <div className="page-header">
        <div className="page-header__title">
          <h1>Master data</h1>
        </div>
      </div>
      <Tabs label="Master data" items={tabs} value={current} onChange={(k) => navigate(`/master/${k}`)} />
      <div role="tabpanel" aria-label={tabs.find((t) => t.key === current)!.label}>
        {current === 'operations' && <ResourceView config={operationsConfig} />}
        {current === 'stations' && <ResourceView config={stationsConfig(opOptions)} />}
        {current === 'workers' && <ResourceView config={workersConfig(opOptions, stationOptions, calendarOptions)} />}
        {current === 'materials' && <ResourceView config={materialsConfig} />}
        {current === 'calendars' && <ResourceView config={calendarsConfig} />}
      </div>
    </div>
  );
}

const operationsConfig: ResourceConfig<Operation> = {
  title: 'Operations',
  singular: 'operation',
  noun: 'operations',
  idOf: (o) => o.id,
  useList: useOperations,
  columns: [
    { key: 'id', header: 'Code', render: (o) => <span className="mono">{o.id}</span> },
    { key: 'name', header: 'Name', render: (o) => o.name },
    { key: 'desc', header: 'Description', render: (o) => <span className="muted">{o.description}</span> },
    { key: 'stations', header: 'Stations', render: (o) => o.stationIds.join(', ') || <Badge tone="warning">none</Badge> },
    { key: 'eff', header: 'Default efficiency', numeric: true, render: (o) => o.defaultEfficiency },
  ],
  fields: [
    { name: 'id', label: 'Code', kind: 'text', createOnly: true, placeholder: 'OP-009', hint: 'empty = next free code' },
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'defaultEfficiency', label: 'Default efficiency', kind: 'number', placeholder: '1' },
    { name: 'description', label: 'Description', kind: 'textarea' },
  ],
  empty: { id: '', name: '', defaultEfficiency: '', description: '' },
  toForm: (o) => ({ name: o.name, defaultEfficiency: String(o.defaultEfficiency), description: o.description }),
  toCreate: (f) => ({
    ...(str(f.id) ? { id: str(f.id) } : {}),
    name: str(f.name),
    description: str(f.description),
    ...(num(f.defaultEfficiency) !== undefined ? { defaultEfficiency: num(f.defaultEfficiency) } : {}),
  }),
  toUpdate: (f) => ({
    name: str(f.name),
    description: str(f.description),
    ...(num(f.defaultEfficiency) !== undefined ? { defaultEfficiency: num(f.defaultEfficiency) } : {}),
  }),
};

const stationsConfig = (opOptions: { value: string; label: string }[]): ResourceConfig<Station> => ({
  title: 'Stations',
  singular: 'station',
  noun: 'stations',
  idOf: (s) => s.id,
  useList: useStations,
  columns: [
    { key: 'id', header: 'Code', render: (s) => <span className="mono">{s.id}</span> },
    { key: 'name', header: 'Name', render: (s) => s.name },
    { key: 'location', header: 'Location', render: (s) => s.location },
    { key: 'ops', header: 'Operations', render: (s) => s.operations.map((o) => o.name).join(', ') },
    {
      key: 'subs',
      header: 'Substations',
      render: (s) => (
        <span className="row">
          {s.substations.map((ss) => (
            <StatusBadge key={ss.id} status={ss.status} />
          ))}
          <span className="muted small">{s.substations.length}</span>
        </span>
      ),
    },
  ],
  fields: [
    { name: 'id', label: 'Code', kind: 'text', createOnly: true, placeholder: 'ST-006', hint: 'empty = next free code' },
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'location', label: 'Location', kind: 'text' },
    { name: 'description', label: 'Description', kind: 'textarea' },
    { name: 'operationIds', label: 'Operations it can perform', kind: 'checks', options: opOptions },
  ],
  empty: { id: '', name: '', location: '', description: '', operationIds: [] },
  toForm: (s) => ({ name: s.name, location: s.location, description: s.description, operationIds: s.operations.map((o) => o.id) }),
  toCreate: (f) => ({
    ...(str(f.id) ? { id: str(f.id) } : {}),
    name: str(f.name),
    location: str(f.location),
    description: str(f.description),
    operationIds: list(f.operationIds),
    substations: [{ name: `${str(f.name)} unit 1` }],
  }),
  toUpdate: (f) => ({ name: str(f.name), location: str(f.location), description: str(f.description), operationIds: list(f.operationIds) }),
  extra: (s) => <StationSubstations station={s} />,
});

const workersConfig = (
  opOptions: { value: string; label: string }[],
  stationOptions: { value: string; label: string }[],
  calendarOptions: { value: string; label: string }[],
): ResourceConfig<Worker> => ({
  title: 'Workers',
  singular: 'worker',
  noun: 'workers',
  idOf: (w) => w.id,
  useList: useWorkers,
  columns: [
    { key: 'id', header: 'Code', render: (w) => <span className="mono">{w.id}</span> },
    { key: 'name', header: 'Name', render: (w) => w.name },
    { key: 'status', header: 'Status', render: (w) => <StatusBadge status={w.status} /> },
    { key: 'ops', header: 'Qualified for', render: (w) => w.operationIds.join(', ') },
    { key: 'stations', header: 'Allowed at', render: (w) => w.stationIds.join(', ') },
    { key: 'shift', header: 'Shift', render: (w) => w.shiftCalendar?.id ?? '—' },
  ],
  fields: [
    { name: 'id', label: 'Code', kind: 'text', createOnly: true, placeholder: 'W-011', hint: 'empty = next free code' },
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'email', label: 'E-mail', kind: 'text' },
    { name: 'shiftCalendarId', label: 'Shift calendar', kind: 'select', options: calendarOptions, placeholder: 'none (always on shift)' },
    { name: 'operationIds', label: 'Qualified for', kind: 'checks', options: opOptions },
    { name: 'stationIds', label: 'Allowed at stations', kind: 'checks', options: stationOptions },
  ],
  empty: { id: '', name: '', email: '', shiftCalendarId: '', operationIds: [], stationIds: [] },
  toForm: (w) => ({ name: w.name, email: w.email ?? '', shiftCalendarId: w.shiftCalendar?.id ?? '', operationIds: w.operationIds, stationIds: w.stationIds }),
  toCreate: (f) => ({
    ...(str(f.id) ? { id: str(f.id) } : {}),
    name: str(f.name),
    email: str(f.email) || null,
    shiftCalendarId: str(f.shiftCalendarId) || null,
    operationIds: list(f.operationIds),
    stationIds: list(f.stationIds),
  }),
  toUpdate: (f) => ({
    name: str(f.name),
    email: str(f.email) || null,
    shiftCalendarId: str(f.shiftCalendarId) || null,
    operationIds: list(f.operationIds),
    stationIds: list(f.stationIds),
  }),
  extra: (w) => <WorkerPortalAccess worker={w} />,
});

const materialsConfig: ResourceConfig<Material> = {
  title: 'Materials',
  singular: 'material',
  noun: 'materials',
  idOf: (m) => m.code,
  useList: useMaterials,
  columns: [
    { key: 'code', header: 'Code', render: (m) => <span className="mono">{m.code}</span> },
    { key: 'name', header: 'Name', render: (m) => m.name },
    { key: 'stock', header: 'Stock', numeric: true, render: (m) => `${formatQuantity(m.stock)} ${m.unit}` },
    { key: 'reserved', header: 'Reserved', numeric: true, render: (m) => formatQuantity(m.reserved) },
    {
      key: 'available',
      header: 'Available',
      numeric: true,
      render: (m) =>
        m.belowReorderPoint ? (
          <Badge tone="warning">
            {formatQuantity(m.available)} (below {formatQuantity(m.reorderPoint)})
          </Badge>
        ) : (
          formatQuantity(m.available)
        ),
    },
  ],
  fields: [
    { name: 'code', label: 'Code', kind: 'text', createOnly: true, required: true, placeholder: 'SHEET-S235-4' },
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'unit', label: 'Unit', kind: 'text', required: true, placeholder: 'pcs, kg, sheet' },
    { name: 'reorderPoint', label: 'Reorder point', kind: 'number' },
    { name: 'openingStock', label: 'Opening stock', kind: 'number', createOnly: true },
  ],
  empty: { code: '', name: '', unit: '', reorderPoint: '', openingStock: '' },
  toForm: (m) => ({ name: m.name, unit: m.unit, reorderPoint: String(m.reorderPoint) }),
  toCreate: (f) => ({
    code: str(f.code).toUpperCase(),
    name: str(f.name),
    unit: str(f.unit),
    ...(num(f.reorderPoint) !== undefined ? { reorderPoint: num(f.reorderPoint) } : {}),
    ...(num(f.openingStock) !== undefined ? { openingStock: num(f.openingStock) } : {}),
  }),
  toUpdate: (f) => ({ name: str(f.name), unit: str(f.unit), ...(num(f.reorderPoint) !== undefined ? { reorderPoint: num(f.reorderPoint) } : {}) }),
  extra: (m) => <MaterialStock material={m} />,
};

const calendarsConfig: ResourceConfig<ShiftCalendar> = {
  title: 'Shift calendars',
  singular: 'shift calendar',
  idOf: (c) => c.id,
  useList: useCalendars,
  columns: [
    { key: 'id', header: 'Code', className: 'nowrap', render: (c) => <span className="mono">{c.id}</span> },
    { key: 'name', header: 'Name', render: (c) => c.name },
    { key: 'week', header: 'Weekly hours', render: (c) => summarizeWeek(c.windows) || <Badge tone="warning">no windows</Badge> },
    { key: 'hours', header: 'h / week', numeric: true, render: (c) => formatQuantity(Math.round((weeklyMinutes(c.windows) / 60) * 100) / 100) },
    {
      key: 'exceptions',
      header: 'Exceptions',
      render: (c) =>
        c.exceptions.length === 0 ? (
          '—'
        ) : (
          <span className="small">
            {c.exceptions
              .slice(0, 3)
              .map(
                (e) => `${e.date} ${e.startMinute === null || e.endMinute === null ? 'closed' : `${formatMinute(e.startMinute)}–${formatMinute(e.endMinute)}`}`,
              )
              .join(', ')}
            {c.exceptions.length > 3 && ` +${c.exceptions.length - 3} more`}
          </span>
        ),
    },
  ],
  dialog: ShiftCalendarDialog,
};
