/**
 * Yield carried forward in a real browser (issue #15, item 3): a 10-piece step
 * completes 8 good + 2 scrap; the plan page shows the shortfall (the next step
 * expects 8, 2 missing) and the planner adds a remake step for the missing 2
 * from it, after which the next step expects 10 again. Before the remake, the operator's portal shows the next
 * step's expected 8 beside the planned 10, in English and in Turkish.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { apiCaller, browserSuite, hasChromium, screenshot, signInWithPassword, signInWithPin } from './browser.js';

const password = 'e2e-admin-pass-1';
const timeout = 20_000;
const operatorPin = '582931';

describe.skipIf(!hasChromium)('yield carried forward in a browser', () => {
  const suite = browserSuite('yield', { MES_ADMIN_PASSWORD: password, MES_DEMO_FLOOR: 'false' }, timeout);
  let token: string;

  const call = apiCaller(suite, () => token);

  beforeAll(async () => {
    token = await suite.token('admin', password);
  });

  it('shows the shortfall and adds a remake step', async () => {
    await call('POST', '/operations', { id: 'OP-901', name: 'Yield work' });
    await call('POST', '/stations', { id: 'ST-901', name: 'Yield cell', operationIds: ['OP-901'], substations: [{ id: 'ST-901-01', name: 'Yield 1' }] });
    await call('POST', '/workers', { id: 'W-901', name: 'Yield Worker', stationIds: ['ST-901'], operationIds: ['OP-901'] });
    const planId = (
      await call('POST', '/production-plans', {
        workOrderCode: 'WO-YIELD',
        name: 'Yield',
        quantity: 10,
        nodes: [1, 2].map((i) => ({
          nodeId: `N${i}`,
          name: `Yield step ${i}`,
          operationId: 'OP-901',
          nominalTime: 1,
          predecessors: i === 1 ? [] : ['N1'],
          assignedStations: [{ stationId: 'ST-901', priority: 1 }],
          materialInputs: [],
        })),
      })
    ).id as string;
    const released = await call('POST', `/production-plans/${planId}/release`, {});
    const idOf = (nodeId: string) => released.plan.nodes.find((n: { nodeId: string }) => n.nodeId === nodeId).assignment.id as string;
    const n1 = idOf('N1');
    await call('POST', `/worker-assignments/${n1}/start`, {});
    await call('POST', `/worker-assignments/${n1}/complete`, { goodQuantity: 8, scrapQuantity: 2, scrapReason: 'cracked' });

    const page = await suite.newPage();
    await signInWithPassword(page, 'admin', password);
    await page.goto(`/production/${planId}`);
    const card = page.getByRole('table', { name: /Per step: planned, expected/ });
    await card.waitFor();
    expect(await page.getByTestId('yield-expected-N2').textContent()).toBe('8');
    expect(await page.getByTestId('yield-missing-N1').textContent()).toBe('2');
    await screenshot(page, 'yield-shortfall');

    // the operator's portal: the next step's task shows the 8 it can make, with the planned 10 beside it, in English and Turkish
    await call('POST', '/users/portal-access', { workerId: 'W-901', pin: operatorPin });
    const operator = await suite.newPage();
    await signInWithPin(operator, 'W-901', operatorPin);
    const current = operator.locator(`[data-testid="current-task"][data-assignment="${idOf('N2')}"]`);
    await current.waitFor();
    expect(await current.getByTestId('task-quantity').textContent()).toBe('8 expected (planned 10)');
    await screenshot(operator, 'portal-expected-quantity');
    await operator.getByRole('combobox', { name: 'Language' }).selectOption('tr');
    await expect.poll(async () => current.getByTestId('task-quantity').textContent(), { timeout }).toBe('8 bekleniyor (planlanan 10)');
    await operator.close();

    await page.getByTestId('yield-remake-N1').click();
    const dialog = page.getByRole('dialog', { name: 'Add a remake step for N1?' });
    expect(await dialog.getByLabel('Quantity to remake').inputValue()).toBe('2');
    await dialog.getByRole('button', { name: 'Add and schedule' }).click();
    await dialog.getByText('N1-R1 added').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('yield-expected-N1-R1').waitFor();
    await expect.poll(async () => page.getByTestId('yield-expected-N2').textContent()).toBe('10');
    await screenshot(page, 'yield-remade');
  });
});
