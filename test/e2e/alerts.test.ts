/**
 * Alerts and the portal's connection truth in a real browser (issue #20, items 2 and 3), two contexts:
 * an operator reports a problem on the portal and a planner on another page (master data) gets the alert
 * live as a toast and in the header's counter; the planner resolves it and the operator's portal shows who
 * resolved it; an acknowledged alert stays acknowledged after a reload. Then the tablet goes offline
 * (emulated): the badge says so, a Start tap is queued visibly, and when the network is back the badge
 * returns to live by itself and the tap is sent exactly once (the server's count of started tasks rises by one).
 * No timing is asserted: every wait is Playwright's, with a generous timeout.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { pinSamplePlan, samplePlan } from '../helpers/plans.js';
import { apiCaller, browserSuite, hasChromium, screenshot, signInWithPassword, signInWithPin } from './browser.js';

const password = 'e2e-admin-pass-1';
const pin = '4321';
const metricsToken = 'e2e-metrics-token-0123456789';
const timeout = 20_000;

describe.skipIf(!hasChromium)('alerts and connection truth in a browser', () => {
  const suite = browserSuite('alerts', { MES_ADMIN_PASSWORD: password, MES_DEMO_PIN: pin, MES_DEMO_FLOOR: 'false', MES_METRICS_TOKEN: metricsToken }, timeout);
  const newPage = () => suite.newPage({ hasTouch: false });
  let token: string;

  const api = apiCaller(suite, () => token);
  const tasksStarted = async () => {
    const text = await (await fetch(`${suite.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
    return Number(/^mes_tasks_started_total (\d+)/m.exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    token = await suite.token('planner', password);
  });

  it('brings a reported problem to a planner on another page, its resolution to the operator, and a tap made offline once', async () => {
    // a released plan whose first step is W-001's
    const plan = await api('POST', '/production-plans', pinSamplePlan(samplePlan({ name: 'Alert cabinet' })));
    const released = await api('POST', `/production-plans/${plan.id}/release`, {});
    const n1 = released.plan.nodes.find((n: { nodeId: string }) => n.nodeId === 'N1').assignment as { id: string };
    const plannerName = (await api('GET', '/auth/me')).displayName as string;

    // ---- the planner works on master data, far from the plan ---------------------------------
    const planner = await newPage();
    await signInWithPassword(planner, 'planner', password);
    await planner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Master data' }).click();
    await planner.locator('[data-testid="live-state"][data-state="live"]').waitFor();
    await planner.locator('[data-testid="alert-count"][data-count="0"]').waitFor();

    // ---- the operator on the tablet ------------------------------------------------------------
    const operator = await newPage();
    await signInWithPin(operator, 'W-001', pin);
    await operator.locator(`[data-testid="current-task"][data-assignment="${n1.id}"]`).waitFor();
    await operator.locator('[data-testid="live-state"][data-state="live"]').waitFor();

    await operator.getByRole('button', { name: '⚠ Report problem' }).click();
    await operator.getByRole('button', { name: 'Machine', exact: true }).click();
    await operator.getByLabel('What is wrong?').fill('Saw blade chipped');
    await operator.getByRole('button', { name: 'Send report' }).click();

    // ---- the planner gets it live: a toast, and the counter ---------------------------------------
    const toast = planner.locator('[data-testid="alert-toast"][data-kind="problem_reported"]');
    await toast.filter({ hasText: 'Saw blade chipped' }).waitFor();
    await planner.locator('[data-testid="alert-count"][data-count="1"]').waitFor();
    await screenshot(planner, 'alerts-planner-toast');

    // ---- the planner resolves it; the operator's portal says so, and who ----------------------------
    const problems = await api('GET', `/problems?planId=${plan.id}`);
    await api('POST', `/problems/${problems.items[0].id}/resolve`, { resolution: 'Blade replaced' });
    const banner = operator.locator('[data-testid="portal-alert"][data-kind="problem_resolved"]');
    await banner.filter({ hasText: plannerName }).filter({ hasText: 'Blade replaced' }).waitFor();
    await screenshot(operator, 'alerts-portal-resolved');
    await banner.getByRole('button', { name: 'Acknowledge' }).click();
    await banner.waitFor({ state: 'detached' });

    // ---- acknowledged on the server: a reload shows neither the toast nor the count ----------------
    await toast.getByRole('button', { name: 'Acknowledge' }).click();
    await planner.locator('[data-testid="alert-count"][data-count="0"]').waitFor();
    await planner.reload();
    await planner.locator('[data-testid="live-state"][data-state="live"]').waitFor();
    await planner.locator('[data-testid="alert-count"][data-count="0"]').waitFor();
    expect(await planner.locator('[data-testid="alert-toast"]').count()).toBe(0);
    await operator.reload();
    await operator.locator(`[data-testid="current-task"][data-assignment="${n1.id}"]`).waitFor();
    expect(await operator.locator('[data-testid="portal-alert"]').count()).toBe(0);

    // ---- offline: the badge says so; a Start tap is queued where the operator sees it -----------------
    const startsBefore = await tasksStarted();
    const keys: string[] = [];
    operator.on('request', (r) => {
      if (r.url().endsWith(`/worker-assignments/${n1.id}/start`)) keys.push(r.headers()['idempotency-key'] ?? '');
    });
    await operator.locator('[data-testid="live-state"][data-state="live"]').waitFor();
    await operator.context().setOffline(true);
    await operator.locator('[data-testid="live-state"][data-state="offline"]').waitFor();
    await operator.getByRole('button', { name: '▶ Start' }).click();
    await operator.locator('[data-testid="queued-tap"][data-action="start"][data-state="queued"]').waitFor();
    // tapping again while it waits does not queue it twice
    await operator.getByRole('button', { name: '▶ Start' }).click();
    expect(await operator.locator('[data-testid="queued-tap"]').count()).toBe(1);
    await screenshot(operator, 'portal-offline-queue');

    // ---- back: live again by itself, and the tap sent once ----------------------------------------------
    await operator.context().setOffline(false);
    await operator.locator('[data-testid="queued-tap"][data-action="start"][data-state="done"]').waitFor();
    await operator.locator('[data-testid="current-task"][data-status="in_progress"]').waitFor();
    await operator.locator('[data-testid="live-state"][data-state="live"]').waitFor();
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(await tasksStarted()).toBe(startsBefore + 1);
    const detail = await api('GET', `/worker-assignments/${n1.id}`);
    expect(detail).toMatchObject({ status: 'in_progress' });
  }, 240_000);
});
