/** The period picker (from, to, grouping) and the filters (station, substation, operation, worker) shared by the analytics pages. */
import { useTranslation } from 'react-i18next';
import { useOperations, useStations, useWorkers } from '../../api/masterData';
import { Button, SelectField, TextField } from '../../ui';
import { type AnalyticsFilters, defaultFilters } from './filters';

export function FilterBar({ value, onChange }: { value: AnalyticsFilters; onChange: (next: AnalyticsFilters) => void }) {
  const { t } = useTranslation();
  const stations = useStations();
  const operations = useOperations();
  const workers = useWorkers();
  const station = stations.data?.items.find((s) => s.id === value.stationId);
  const substations = station ? station.substations : (stations.data?.items ?? []).flatMap((s) => s.substations);
  const set = (patch: Partial<AnalyticsFilters>) => {
    const next = { ...value, ...patch };
    for (const k of Object.keys(patch) as (keyof AnalyticsFilters)[]) if (patch[k] === '') delete next[k];
    onChange(next);
  };
  return (
    <div className="toolbar analytics-filters" role="search" aria-label={t('analytics.filters')}>
      <TextField
        label={t('analytics.from')}
        type="date"
        value={value.from}
        max={value.to}
        onChange={(e) => e.target.value && set({ from: e.target.value })}
        data-testid="analytics-from"
      />
      <TextField
        label={t('analytics.to')}
        type="date"
        value={value.to}
        min={value.from}
        onChange={(e) => e.target.value && set({ to: e.target.value })}
        data-testid="analytics-to"
      />
      <SelectField
        label={t('analytics.groupBy')}
        value={value.groupBy}
        onChange={(e) => set({ groupBy: e.target.value as AnalyticsFilters['groupBy'] })}
        options={[
          { value: 'day', label: t('analytics.grouping.day') },
          { value: 'week', label: t('analytics.grouping.week') },
          { value: 'month', label: t('analytics.grouping.month') },
        ]}
        data-testid="analytics-group-by"
      />
      <SelectField
        label={t('analytics.station')}
        value={value.stationId ?? ''}
        placeholder={t('analytics.all')}
        // a substation of another station would make an empty selection
        onChange={(e) => set({ stationId: e.target.value, substationId: '' })}
        options={(stations.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.name} (${s.id})` }))}
        data-testid="analytics-station"
      />
      <SelectField
        label={t('analytics.substation')}
        value={value.substationId ?? ''}
        placeholder={t('analytics.all')}
        onChange={(e) => set({ substationId: e.target.value })}
        options={substations.map((s) => ({ value: s.id, label: `${s.name} (${s.id})` }))}
        data-testid="analytics-substation"
      />
      <SelectField
        label={t('analytics.operation')}
        value={value.operationId ?? ''}
        placeholder={t('analytics.all')}
        onChange={(e) => set({ operationId: e.target.value })}
        options={(operations.data?.items ?? []).map((o) => ({ value: o.id, label: `${o.name} (${o.id})` }))}
        data-testid="analytics-operation"
      />
      <SelectField
        label={t('analytics.worker')}
        value={value.workerId ?? ''}
        placeholder={t('analytics.all')}
        onChange={(e) => set({ workerId: e.target.value })}
        options={(workers.data?.items ?? []).map((w) => ({ value: w.id, label: `${w.name} (${w.id})` }))}
        data-testid="analytics-worker"
      />
      <Button size="sm" onClick={() => onChange(defaultFilters())}>
        {t('analytics.reset')}
      </Button>
    </div>
  );
}
