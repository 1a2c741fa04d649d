/**
 * Analytics for planners and admins (issue #18): OEE, downtime, scrap, planned vs
 * actual, delivery and utilisation, one tab each at /analytics/<tab>, with one period
 * and one set of filters kept in the URL. Loaded on demand (App.tsx): uPlot and these
 * pages are not in the bundle the tablet portal loads.
 */
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../router';
import { type TabItem, Tabs } from '../../ui';
import { DrillDown, type Drill } from './DrillDown';
import { FilterBar } from './FilterBar';
import { type AnalyticsFilters, filtersQuery, parseFilters, scopeOf } from './filters';
import { DeliveryReport, PlannedVsActualReport, UtilisationReport } from './FlowReports';
import { OeeReport } from './OeeReport';
import { DowntimeReport, ScrapReport } from './ParetoReports';
import { useNames } from './shared';
import './analytics.css';

const tabs = ['oee', 'downtime', 'scrap', 'planned-vs-actual', 'delivery', 'utilisation'] as const;
type Tab = (typeof tabs)[number];

const tabKeys: Record<Tab, string> = {
  oee: 'analytics.tab.oee',
  downtime: 'analytics.tab.downtime',
  scrap: 'analytics.tab.scrap',
  'planned-vs-actual': 'analytics.tab.pva',
  delivery: 'analytics.tab.delivery',
  utilisation: 'analytics.tab.utilisation',
};

/** The filters of the current URL and a setter that writes them back (replacing the history entry). */
function useAnalyticsFilters(): [AnalyticsFilters, (next: AnalyticsFilters) => void] {
  const [filters, setFilters] = useState(() => parseFilters(window.location.search));
  const update = useCallback((next: AnalyticsFilters) => {
    setFilters(next);
    navigate(`${window.location.pathname}?${filtersQuery(next)}`, { replace: true, force: true });
  }, []);
  return [filters, update];
}

export function AnalyticsPage({ tab }: { tab?: string }) {
  const { t } = useTranslation();
  const current: Tab = (tabs as readonly string[]).includes(tab ?? '') ? (tab as Tab) : 'oee';
  const [filters, setFilters] = useAnalyticsFilters();
  const scope = useMemo(() => scopeOf(filters), [filters]);
  const names = useNames();
  const [drill, setDrill] = useState<Drill | null>(null);
  const items: TabItem<Tab>[] = tabs.map((k) => ({ key: k, label: t(tabKeys[k]) }));
  const props = { filters, scope, names, onDrill: setDrill };
  return (
    <div className="page analytics">
      <div className="page-header">
        <div className="page-header__title">
          <h1>{t('analytics.heading')}</h1>
          <span className="muted">{t('analytics.subtitle')}</span>
        </div>
      </div>
      <FilterBar value={filters} onChange={setFilters} />
      <Tabs items={items} value={current} onChange={(k) => navigate(`/analytics/${k}?${filtersQuery(filters)}`)} label={t('analytics.heading')} />
      {current === 'oee' && <OeeReport {...props} />}
      {current === 'downtime' && <DowntimeReport {...props} />}
      {current === 'scrap' && <ScrapReport {...props} />}
      {current === 'planned-vs-actual' && <PlannedVsActualReport {...props} />}
      {current === 'delivery' && <DeliveryReport {...props} />}
      {current === 'utilisation' && <UtilisationReport {...props} />}
      <DrillDown drill={drill} names={names} onClose={() => setDrill(null)} />
    </div>
  );
}
