/**
 * The app shell: who is signed in decides what they see. Operators get the
 * worker portal only; planners and admins get production, the designer,
 * master data and the live board.
 */
import { Suspense, lazy, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Router, Switch, useLocation } from 'wouter';
import { AlertCenter } from './alerts/AlertCenter';
import { LiveContext, useLiveStream } from './api/live';
import { useMe, useSetLocale, useSignOut } from './api/auth';
import type { SessionUser } from './api/types';
import { LoginPage } from './auth/LoginPage';
import { roleLabel } from './labels';
import { LanguageSwitch } from './components/LanguageSwitch';
import { BoardPage } from './pages/board/BoardPage';
import { MasterDataPage } from './pages/master/MasterDataPage';
import { PortalPage } from './pages/portal/PortalPage';
import { PlansPage } from './pages/production/PlansPage';
import { UsersPage } from './pages/users/UsersPage';
import { Link, confirmLeave, navigate, useGuardedLocation } from './router';
import { Alert, Button, LiveDot } from './ui';

// React Flow and dagre load only with the pages that draw graphs (the tablet portal never needs them)
const DesignerPage = lazy(() => import('./pages/designer/DesignerPage').then((m) => ({ default: m.DesignerPage })));
const TravelerPage = lazy(() => import('./pages/travelers/TravelerPage').then((m) => ({ default: m.TravelerPage })));
const LotLabelPage = lazy(() => import('./pages/travelers/LotLabelPage').then((m) => ({ default: m.LotLabelPage })));
const LotPage = lazy(() => import('./pages/lots/LotPage').then((m) => ({ default: m.LotPage })));
const RecallPage = lazy(() => import('./pages/lots/RecallPage').then((m) => ({ default: m.RecallPage })));
// the analytics pages and their chart library (uPlot) load only when a planner opens them
const AnalyticsPage = lazy(() => import('./pages/analytics/AnalyticsPage').then((m) => ({ default: m.AnalyticsPage })));
const PlanPage = lazy(() => import('./pages/production/PlanPage').then((m) => ({ default: m.PlanPage })));

const plannerNav = [
  { to: '/production', label: 'nav.production' },
  { to: '/designer', label: 'nav.designer' },
  { to: '/master', label: 'nav.master' },
  { to: '/board', label: 'nav.board' },
  { to: '/analytics', label: 'nav.analytics' },
  { to: '/recall', label: 'nav.recall' },
];

/** Only admins administer users. */
const adminNav = [{ to: '/users', label: 'nav.users' }];

const plannerTopics = ['plans', 'assignments', 'workers', 'stations', 'materials', 'master', 'alerts'] as const;
const operatorTopics = ['plans', 'assignments', 'workers', 'alerts'] as const;

export function App() {
  const { t } = useTranslation();
  const me = useMe();
  if (me.isPending) return <div className="empty">{t('common.loading')}</div>;
  if (me.isError)
    return (
      <div className="login">
        <Alert title={t('app.unreachable')}>
          {t('app.retrying')} {me.error.message}
        </Alert>
      </div>
    );
  if (!me.data) return <LoginPage />;
  return (
    <Router hook={useGuardedLocation}>
      <SignedIn user={me.data} />
    </Router>
  );
}

function SignedIn({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const setLocale = useSetLocale();
  const [path] = useLocation();
  const endSession = useSignOut();
  const isOperator = user.role === 'operator';
  const live = useLiveStream(isOperator ? [...operatorTopics] : [...plannerTopics]);

  useEffect(() => {
    const home = isOperator ? '/portal' : '/production';
    if (path === '/' || path === '/login' || (isOperator && path !== '/portal') || (!isOperator && path === '/portal'))
      navigate(home, { replace: true, force: true });
  }, [path, isOperator]);

  const signOut = async () => {
    // unsaved work (the designer) is lost by signing out too: ask first
    if (!confirmLeave()) return;
    await endSession();
    navigate('/', { replace: true, force: true });
  };

  const isAdmin = user.role === 'admin';
  const nav = isAdmin ? [...plannerNav, ...adminNav] : plannerNav;
  const page = isOperator ? <PortalPage user={user} onSignOut={signOut} /> : <PlannerPages isAdmin={isAdmin} />;
  if (isOperator) return <LiveContext.Provider value={live}>{page}</LiveContext.Provider>;
  const flush = path.startsWith('/designer');
  return (
    <LiveContext.Provider value={live}>
      <div className="shell">
        <header className="topbar">
          <span className="topbar__brand">Burkol MES</span>
          <nav className="topbar__nav" aria-label={t('nav.main')}>
            {nav.map((n) => (
              <Link key={n.to} to={n.to} className="topbar__link" aria-current={path.startsWith(n.to) ? 'page' : undefined}>
                {t(n.label)}
              </Link>
            ))}
          </nav>
          <div className="topbar__user">
            <AlertCenter user={user} />
            <LiveDot state={live.state} />
            <LanguageSwitch tone="dark" onChange={(locale) => setLocale.mutate(locale)} />
            <span>
              {user.displayName} <span className="muted">({roleLabel(user.role)})</span>
            </span>
            <Button variant="on-dark" size="sm" onClick={signOut}>
              {t('app.signOut')}
            </Button>
          </div>
        </header>
        <main className={flush ? 'main main--flush' : 'main'}>
          <Suspense fallback={<div className="empty">{t('common.loading')}</div>}>{page}</Suspense>
        </main>
      </div>
    </LiveContext.Provider>
  );
}

function PlannerPages({ isAdmin }: { isAdmin: boolean }) {
  return (
    <Switch>
      {isAdmin && <Route path="/users" component={UsersPage} />}
      <Route path="/production/:id/traveler">{(p) => <TravelerPage id={p.id} />}</Route>
      <Route path="/lots/:code/label">{(p) => <LotLabelPage code={decodeURIComponent(p.code)} />}</Route>
      <Route path="/production/:id">{(p) => <PlanPage id={p.id} />}</Route>
      <Route path="/production" component={PlansPage} />
      <Route path="/designer/:id?">{(p) => <DesignerPage id={p.id} />}</Route>
      <Route path="/master/:tab?">{(p) => <MasterDataPage tab={p.tab} />}</Route>
      <Route path="/board" component={BoardPage} />
      <Route path="/analytics/:tab?">{(p) => <AnalyticsPage tab={p.tab} />}</Route>
      <Route path="/lots/:code">{(p) => <LotPage code={p.code} />}</Route>
      <Route path="/recall/:heat?">{(p) => <RecallPage heat={p.heat} />}</Route>
      <Route>
        <NotFound />
      </Route>
    </Switch>
  );
}

function NotFound() {
  const { t } = useTranslation();
  const [path] = useLocation();
  return (
    <div className="page">
      <Alert tone="warning" title={t('app.notFound')}>
        {t('app.noPageAt', { path })} <Link to="/production">{t('app.goToProduction')}</Link>
      </Alert>
    </div>
  );
}
