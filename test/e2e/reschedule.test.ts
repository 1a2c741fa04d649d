/**
 * The floor's reschedule in a real browser (issue #16): two plans compete for
 * one worker at one station; the lax one was released first and holds the
 * first window, so the urgent one is projected late. On the production page,
 * "Reschedule…" shows the dry run's before/after (one late plan now, none
 * after) and the plans that change; Apply runs it and shows what was done, and
 * the urgent plan then holds the first window.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { apiCaller, browserSuite, hasChromium, screenshot, signInWithPassword } from './browser.js';

const password = 'e2e-admin-pass-1';
const timeout = 20_000;
const HOUR = 3_600_000;

describe.skipIf(!hasChromium)('reschedule the floor in a browser', () => {
  const suite = browserSuite('reschedule', { MES_ADMIN_PASSWORD: password, MES_DEMO_FLOOR: 'false' }, timeout);
  let token: string;

  const call = apiCaller(suite, () => token);

  const plan = (name: string, dueDate: string, priority: number) => ({
    workOrderCode: `WO-${name}`,
    name,
    quantity: 1,
    dueDate,
    priority,
    nodes: [1, 2].map((i) => ({
      nodeId: `N${i}`,
      name: `${name} step ${i}`,
      operationId: 'OP-900',
      nominalTime: 60,
      predecessors: i === 1 ? [] : ['N1'],
      assignedStations: [{ stationId: 'ST-900', priority: 1 }],
      materialInputs: [],
    })),
  });

  beforeAll(async () => {
    token = await suite.token('admin', password);
  });

  it('shows the dry run before/after and applies it', async () => {
    // ---- a solo floor and two competing plans, the lax one released first -----------
    await call('POST', '/operations', { id: 'OP-900', name: 'Solo work' });
    await call('POST', '/stations', { id: 'ST-900', name: 'Solo cell', operationIds: ['OP-900'], substations: [{ id: 'ST-900-01', name: 'Solo 1' }] });
    await call('POST', '/workers', { id: 'W-900', name: 'Solo Worker', stationIds: ['ST-900'], operationIds: ['OP-900'] });
    const now = Date.now();
    const lax = (await call('POST', '/production-plans', plan('Lax', new Date(now + 240 * HOUR).toISOString(), 4))).id as string;
    const urgent = (await call('POST', '/production-plans', plan('Urgent', new Date(now + 2.5 * HOUR).toISOString(), 1))).id as string;
    await call('POST', `/production-plans/${lax}/release`, {});
    await call('POST', `/production-plans/${urgent}/release`, {});

    // ---- the production page: Reschedule… shows the comparison -------------------------
    const page = await suite.newPage();
    await signInWithPassword(page, 'admin', password);
    await page.getByRole('button', { name: 'Reschedule…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reschedule the floor' });
    await dialog.getByRole('table', { name: 'Before and after' }).waitFor();
    expect(await dialog.getByTestId('late-before').textContent()).toBe('1');
    expect(await dialog.getByTestId('late-after').textContent()).toBe('0');
    expect(await dialog.getByTestId('tardiness-after').textContent()).toBe('0 min');
    const changes = dialog.getByRole('table', { name: 'Plans that change' });
    await changes.getByRole('row', { name: new RegExp(urgent) }).waitFor();
    await changes.getByRole('row', { name: new RegExp(lax) }).waitFor();
    await screenshot(page, 'reschedule-dry-run');

    // ---- Apply: the result, and the urgent plan holds the first window -----------------
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.getByText('Applied: 4 steps moved').waitFor();
    await screenshot(page, 'reschedule-applied');
    const windowOf = async (id: string) => {
      const nodes = (await call('GET', `/production-plans/${id}`)).nodes as { assignment: { plannedStart: string; plannedEnd: string } }[];
      return {
        start: Math.min(...nodes.map((n) => Date.parse(n.assignment.plannedStart))),
        end: Math.max(...nodes.map((n) => Date.parse(n.assignment.plannedEnd))),
      };
    };
    const [u, l] = [await windowOf(urgent), await windowOf(lax)];
    expect(u.end).toBeLessThanOrEqual(l.start);
    expect(u.end).toBeLessThanOrEqual(now + 2.5 * HOUR);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }, 120_000);
});
