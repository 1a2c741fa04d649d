/** Master data: operations, stations with substations, workers, materials with stock and ledger, shift calendars with their weekly hours and exceptions. */
import type { TFunction } from 'i18next';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useCalendars, useMaterials, useOperations, useStations, useWorkers } from '../../api/masterData';
import type { Material, Operation, ShiftCalendar, Station, Worker } from '../../api/types';
import { formatAmount, formatNumber, formatQuantity } from '../../format';
import { navigate } from '../../router';
import { Badge, StatusBadge, Tabs } from '../../ui';
import { InspectionPlanEditor } from './InspectionPlanEditor';
import { MaterialLots } from './MaterialLots';
import { MaterialStock } from './MaterialStock';
import { list, num, ResourceView, type ResourceConfig, str } from './ResourceView';
import { formatMinute, summarizeWeek, weeklyMinutes } from './shiftCalendar';
import { ShiftCalendarDialog } from './ShiftCalendarDialog';
import { StationSubstations } from './StationSubstations';
import { WorkerPortalAccess } from './WorkerPortalAccess';

type Tab = 'operations' | 'stations' | 'workers' | 'materials' | 'calendars';
const tabsFor = (t: TFunction): { key: Tab; label: string }[] => [
  { key: 'operations', label: t('master.operations') },
  { key: 'stations', label: t('master.stations') },
  { key: 'workers', label: t('master.workers') },
  { key: 'materials', label: t('master.materials') },
  { key: 'calendars', label: t('master.shiftCalendars') },
];

export function MasterDataPage({ tab }: { tab: string | undefined }) {
  const { t } = useTranslation();
  const tabs = tabsFor(t);
  const current = (tabs.find((item) => item.key === tab)?.key ?? 'operations') as Tab;
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
          <h1>{t('nav.master')}</h1>
        </div>
      </div>
      <Tabs label={t('nav.master')} items={tabs} value={current} onChange={(k) => navigate(`/master/${k}`)} />
      <div role="tabpanel" aria-label={tabs.find((item) => item.key === current)!.label}>
        {current === 'operations' && <ResourceView config={operationsConfig(t)} />}
        {current === 'stations' && <ResourceView config={stationsConfig(t, opOptions)} />}
        {current === 'workers' && <ResourceView config={workersConfig(t, opOptions, stationOptions, calendarOptions)} />}
        {current === 'materials' && <ResourceView config={materialsConfig(t)} />}
        {current === 'calendars' && <ResourceView config={calendarsConfig(t)} />}
      </div>
    </div>
  );
}

const operationsConfig = (t: TFunction): ResourceConfig<Operation> => ({
  title: t('master.operations'),
  singular: t('master.singular.operation'),
  noun: 'operations',
  idOf: (o) => o.id,
  useList: useOperations,
  columns: [
    { key: 'id', header: t('master.code'), render: (o) => <span className="mono">{o.id}</span> },
    { key: 'name', header: t('master.name'), render: (o) => o.name },
    { key: 'desc', header: t('master.description'), render: (o) => <span className="muted">{o.description}</span> },
    { key: 'stations', header: t('master.stations'), render: (o) => o.stationIds.join(', ') || <Badge tone="warning">{t('plan.none')}</Badge> },
    { key: 'eff', header: t('master.defaultEfficiency'), numeric: true, render: (o) => o.defaultEfficiency },
    {
      key: 'time',
      header: t('master.defaultNominalTime'),
      numeric: true,
      render: (o) => (o.defaultNominalTime === null ? '' : formatNumber(o.defaultNominalTime)),
    },
  ],
  extra: (o) => <InspectionPlanEditor operation={o} />,
  fields: [
    { name: 'id', label: t('master.code'), kind: 'text', createOnly: true, placeholder: 'OP-009', hint: t('master.emptyNextFreeCode') },
    { name: 'name', label: t('master.name'), kind: 'text', required: true },
    { name: 'defaultEfficiency', label: t('master.defaultEfficiency'), kind: 'number', placeholder: '1' },
    { name: 'defaultNominalTime', label: t('master.defaultNominalTime'), kind: 'number', hint: t('master.defaultNominalTimeHint') },
    { name: 'description', label: t('master.description'), kind: 'textarea' },
  ],
  empty: { id: '', name: '', defaultEfficiency: '', defaultNominalTime: '', description: '' },
  toForm: (o) => ({
    name: o.name,
    defaultEfficiency: String(o.defaultEfficiency),
    defaultNominalTime: o.defaultNominalTime === null ? '' : String(o.defaultNominalTime),
    description: o.description,
  }),
  toCreate: (f) => ({
    ...(str(f.id) ? { id: str(f.id) } : {}),
    name: str(f.name),
    description: str(f.description),
    ...(num(f.defaultEfficiency) !== undefined ? { defaultEfficiency: num(f.defaultEfficiency) } : {}),
    ...(num(f.defaultNominalTime) !== undefined ? { defaultNominalTime: num(f.defaultNominalTime) } : {}),
  }),
  toUpdate: (f) => ({
    name: str(f.name),
    description: str(f.description),
    ...(num(f.defaultEfficiency) !== undefined ? { defaultEfficiency: num(f.defaultEfficiency) } : {}),
    // emptied: the operation no longer has a usual time
    defaultNominalTime: num(f.defaultNominalTime) ?? null,
  }),
});

const stationsConfig = (t: TFunction, opOptions: { value: string; label: string }[]): ResourceConfig<Station> => ({
  title: t('master.stations'),
  singular: t('master.singular.station'),
  noun: 'stations',
  idOf: (s) => s.id,
  useList: useStations,
  columns: [
    { key: 'id', header: t('master.code'), render: (s) => <span className="mono">{s.id}</span> },
    { key: 'name', header: t('master.name'), render: (s) => s.name },
    { key: 'location', header: t('master.location'), render: (s) => s.location },
    { key: 'ops', header: t('master.operations'), render: (s) => s.operations.map((o) => o.name).join(', ') },
    {
      key: 'subs',
      header: t('master.substations'),
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
    { name: 'id', label: t('master.code'), kind: 'text', createOnly: true, placeholder: 'ST-006', hint: t('master.emptyNextFreeCode') },
    { name: 'name', label: t('master.name'), kind: 'text', required: true },
    { name: 'location', label: t('master.location'), kind: 'text' },
    { name: 'description', label: t('master.description'), kind: 'textarea' },
    { name: 'operationIds', label: t('master.operationsItCanPerform'), kind: 'checks', options: opOptions },
  ],
  empty: { id: '', name: '', location: '', description: '', operationIds: [] },
  toForm: (s) => ({ name: s.name, location: s.location, description: s.description, operationIds: s.operations.map((o) => o.id) }),
  toCreate: (f) => ({
    ...(str(f.id) ? { id: str(f.id) } : {}),
    name: str(f.name),
    location: str(f.location),
    description: str(f.description),
    operationIds: list(f.operationIds),
    substations: [{ name: t('master.firstUnit', { name: str(f.name) }) }],
  }),
  toUpdate: (f) => ({ name: str(f.name), location: str(f.location), description: str(f.description), operationIds: list(f.operationIds) }),
  extra: (s) => <StationSubstations station={s} />,
});

const workersConfig = (
  t: TFunction,
  opOptions: { value: string; label: string }[],
  stationOptions: { value: string; label: string }[],
  calendarOptions: { value: string; label: string }[],
): ResourceConfig<Worker> => ({
  title: t('master.workers'),
  singular: t('master.singular.worker'),
  noun: 'workers',
  idOf: (w) => w.id,
  useList: useWorkers,
  columns: [
    { key: 'id', header: t('master.code'), render: (w) => <span className="mono">{w.id}</span> },
    { key: 'name', header: t('master.name'), render: (w) => w.name },
    { key: 'status', header: t('master.status'), render: (w) => <StatusBadge status={w.status} /> },
    { key: 'ops', header: t('master.qualifiedFor'), render: (w) => w.operationIds.join(', ') },
    { key: 'stations', header: t('master.allowedAt'), render: (w) => w.stationIds.join(', ') },
    { key: 'shift', header: t('master.shift'), render: (w) => w.shiftCalendar?.id ?? '—' },
  ],
  fields: [
    { name: 'id', label: t('master.code'), kind: 'text', createOnly: true, placeholder: 'W-011', hint: t('master.emptyNextFreeCode') },
    { name: 'name', label: t('master.name'), kind: 'text', required: true },
    { name: 'email', label: t('master.eMail'), kind: 'text' },
    { name: 'shiftCalendarId', label: t('master.shiftCalendar'), kind: 'select', options: calendarOptions, placeholder: t('master.noneAlwaysOnShift') },
    { name: 'operationIds', label: t('master.qualifiedFor'), kind: 'checks', options: opOptions },
    { name: 'stationIds', label: t('master.allowedAtStations'), kind: 'checks', options: stationOptions },
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

const materialsConfig = (t: TFunction): ResourceConfig<Material> => ({
  title: t('master.materials'),
  singular: t('master.singular.material'),
  noun: 'materials',
  idOf: (m) => m.code,
  useList: useMaterials,
  columns: [
    { key: 'code', header: t('master.code'), render: (m) => <span className="mono">{m.code}</span> },
    { key: 'name', header: t('master.name'), render: (m) => m.name },
    { key: 'stock', header: t('master.stock'), numeric: true, render: (m) => formatAmount(m.stock, m.unit) },
    { key: 'reserved', header: t('master.reserved'), numeric: true, render: (m) => formatQuantity(m.reserved) },
    { key: 'lots', header: t('lots.tracked'), render: (m) => (m.lotTracked ? <Badge tone="info">{t('lots.trackedYes')}</Badge> : '—') },
    {
      key: 'available',
      header: t('master.available'),
      numeric: true,
      render: (m) =>
        m.belowReorderPoint ? (
          <Badge tone="warning">{t('master.below', { available: formatQuantity(m.available), point: formatQuantity(m.reorderPoint) })}</Badge>
        ) : (
          formatQuantity(m.available)
        ),
    },
  ],
  fields: [
    { name: 'code', label: t('master.code'), kind: 'text', createOnly: true, required: true, placeholder: 'SHEET-S235-4' },
    { name: 'name', label: t('master.name'), kind: 'text', required: true },
    { name: 'unit', label: t('master.unit'), kind: 'text', required: true, placeholder: t('master.pcsKgSheet') },
    { name: 'reorderPoint', label: t('master.reorderPoint'), kind: 'number' },
    { name: 'openingStock', label: t('master.openingStock'), kind: 'number', createOnly: true },
    {
      name: 'lotTracked',
      label: t('lots.tracked'),
      kind: 'select',
      options: [
        { value: 'no', label: t('lots.trackedNo') },
        { value: 'yes', label: t('lots.trackedYes') },
      ],
      hint: t('lots.trackedHint'),
    },
  ],
  empty: { code: '', name: '', unit: '', reorderPoint: '', openingStock: '', lotTracked: 'no' },
  toForm: (m) => ({ name: m.name, unit: m.unit, reorderPoint: String(m.reorderPoint), lotTracked: m.lotTracked ? 'yes' : 'no' }),
  toCreate: (f) => ({
    code: str(f.code).toUpperCase(),
    name: str(f.name),
    unit: str(f.unit),
    ...(num(f.reorderPoint) !== undefined ? { reorderPoint: num(f.reorderPoint) } : {}),
    ...(num(f.openingStock) !== undefined ? { openingStock: num(f.openingStock) } : {}),
    lotTracked: f.lotTracked === 'yes',
  }),
  toUpdate: (f) => ({
    name: str(f.name),
    unit: str(f.unit),
    ...(num(f.reorderPoint) !== undefined ? { reorderPoint: num(f.reorderPoint) } : {}),
    lotTracked: f.lotTracked === 'yes',
  }),
  extra: (m) => (
    <>
      {m.lotTracked && <MaterialLots material={m} />}
      <MaterialStock material={m} />
    </>
  ),
});

const calendarsConfig = (t: TFunction): ResourceConfig<ShiftCalendar> => ({
  title: t('master.shiftCalendars'),
  singular: t('master.singular.shiftCalendar'),
  idOf: (c) => c.id,
  useList: useCalendars,
  columns: [
    { key: 'id', header: t('master.code'), className: 'nowrap', render: (c) => <span className="mono">{c.id}</span> },
    { key: 'name', header: t('master.name'), render: (c) => c.name },
    { key: 'week', header: t('master.weeklyHours'), render: (c) => summarizeWeek(c.windows) || <Badge tone="warning">{t('master.noWindows')}</Badge> },
    { key: 'hours', header: t('master.hWeek'), numeric: true, render: (c) => formatQuantity(Math.round((weeklyMinutes(c.windows) / 60) * 100) / 100) },
    {
      key: 'exceptions',
      header: t('master.exceptions'),
      render: (c) =>
        c.exceptions.length === 0 ? (
          '—'
        ) : (
          <span className="small">
            {c.exceptions
              .slice(0, 3)
              .map(
                (e) =>
                  `${e.date} ${e.startMinute === null || e.endMinute === null ? t('master.closed') : `${formatMinute(e.startMinute)}–${formatMinute(e.endMinute)}`}`,
              )
              .join(', ')}
            {c.exceptions.length > 3 && ` ${t('designer.node.more', { n: c.exceptions.length - 3 })}`}
          </span>
        ),
    },
  ],
  dialog: ShiftCalendarDialog,
});
