/**
 * Quality checks in a real browser (issue #17, item 3): the operator's tablet
 * shows a step's checks as large touch controls; Start waits for the
 * required-at-start pass/fail, the measurement field shows the tolerance band
 * and turns in/out as digits are typed, Complete waits for the
 * required-at-completion values; the planner's plan page lists the results
 * and links the CSV report. Every wait is Playwright's; no timing is asserted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { pinSamplePlan, samplePlan } from '../helpers/plans.js';
import { apiCaller, browserSuite, hasChromium, screenshot, signInWithPassword, signInWithPin } from './browser.js';

const password = 'e2e-admin-pass-1';
const pin = '4321';
const timeout = 20_000;

describe.skipIf(!hasChromium)('inspection checks in a browser', () => {
  const suite = browserSuite('inspection', { MES_ADMIN_PASSWORD: password, MES_DEMO_PIN: pin, MES_DEMO_FLOOR: 'false' }, timeout);
  let token: string;

  const api = apiCaller(suite, () => token);

  beforeAll(async () => {
    token = await suite.token('planner', password);
  });

  it('holds Start and Complete until the checks are recorded, colours a measurement against its band, and shows the results to the planner', async () => {
    const checks = await api('PUT', '/operations/OP-001/inspection-plan', {
      items: [
        { kind: 'pass_fail', label: 'Material certificate matches', requiredAt: 'start' },
        { kind: 'measurement', label: 'Width', requiredAt: 'completion', nominal: 100, lowerTolerance: -0.5, upperTolerance: 0.5, unit: 'mm' },
      ],
    });
    const width = checks.items[1].id as number;
    const plan = await api('POST', '/production-plans', pinSamplePlan(samplePlan({ name: 'Checked cabinet' })));
    const released = await api('POST', `/production-plans/${plan.id}/release`, {});
    const n1 = released.plan.nodes.find((n: { nodeId: string }) => n.nodeId === 'N1').assignment as { id: string };

    const operator = await suite.newPage({ hasTouch: true });
    await signInWithPin(operator, 'W-001', pin);
    await operator.locator(`[data-testid="current-task"][data-assignment="${n1.id}"]`).waitFor();
    await operator.locator('[data-testid="inspection-checks"]').waitFor();

    const start = operator.getByRole('button', { name: '▶ Start' });
    expect(await start.isDisabled()).toBe(true);
    await operator.getByRole('button', { name: '✔ Pass' }).click();
    await operator.locator('[data-testid="current-task"] button:has-text("▶ Start"):not([disabled])').waitFor();
    await start.click();
    await operator.locator(`[data-testid="current-task"][data-status="in_progress"]`).waitFor();

    const complete = operator.getByRole('button', { name: '✔ Complete' });
    expect(await complete.isDisabled()).toBe(true);
    await operator.getByTestId(`band-${width}`).filter({ hasText: '99.5' }).waitFor();
    const field = operator.getByTestId(`measure-${width}-1`);
    await field.fill('100.7');
    await operator.locator(`[data-testid="measure-${width}-1"][data-tolerance="out"]`).waitFor();
    await field.fill('100.2');
    await operator.locator(`[data-testid="measure-${width}-1"][data-tolerance="in"]`).waitFor();
    await screenshot(operator, 'portal-checks');
    await operator.getByTestId('save-checks').click();
    await operator.locator('[data-testid="current-task"] button:has-text("✔ Complete"):not([disabled])').waitFor();

    const planner = await suite.newPage();
    await signInWithPassword(planner, 'planner', password);
    await planner.goto(`/production/${plan.id}`);
    await planner.getByText('Quality: checks and non-conformances').waitFor();
    // N1's recorded width, passing; N2 (same operation) has its checks still missing
    await planner.getByRole('row').filter({ hasText: 'Width (mm)' }).filter({ hasText: '100.2' }).filter({ hasText: 'OK' }).waitFor();
    expect(await planner.getByRole('row').filter({ hasText: 'Width (mm)' }).filter({ hasText: 'missing' }).count()).toBe(1);
    expect(await planner.getByTestId('inspection-report-link').getAttribute('href')).toBe(`/api/mes/production-plans/${plan.id}/inspection-report.csv`);
    await screenshot(planner, 'plan-quality');
  });
});
