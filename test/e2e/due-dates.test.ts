/**
 * Due dates in a real browser (issue #16, item 1): a planner gives a new plan
 * a due date (datetime-local) and a priority in the designer, saves and
 * releases it, and sees its lateness on the plan page (following a move of
 * the step without a reload), on the plans list (with "late only" and a
 * sortable due-date column) and on the live board.
 */
import { describe, expect, it } from 'vitest';
import { latenessParts } from '../../web/src/lateness.js';
import { browserSuite, hasChromium, screenshot, signInWithPassword } from './browser.js';

const password = 'e2e-admin-pass-2';
const timeout = 20_000;

describe.skipIf(!hasChromium)('due dates in a browser', () => {
  const suite = browserSuite('due', { MES_ADMIN_PASSWORD: password, MES_DEMO_FLOOR: 'false' }, timeout);
  const cspViolations: string[] = [];

  it('a due date set in the designer shows as lateness on the plan page, the plans list and the board after release', async () => {
    const page = await suite.newPage({ csp: cspViolations });
    await signInWithPassword(page, 'planner', password);

    // ---- designer: one step, due yesterday (in the browser's time zone), most urgent
    await page.getByRole('button', { name: 'New plan' }).click();
    await page.getByText('new plan · not saved').waitFor();
    await page.getByLabel('Plan name').fill('Rush order');
    await page.getByLabel('Work order').fill('WO-E2E-DUE');
    await page.getByLabel('Quantity', { exact: true }).fill('2');
    const yesterday = await page.evaluate(() => {
      const d = new Date(Date.now() - 86_400_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    });
    await page.getByTestId('designer-due-date').fill(yesterday);
    await page.getByTestId('designer-priority').selectOption('1');
    await page.getByRole('button', { name: 'Add step: Bending' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Bend flanges');
    await page.getByLabel('Nominal time (min/unit)').fill('3');
    await page.getByText('No problems: the plan can be saved.').waitFor();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page
      .getByTestId('designer-status')
      .filter({ hasText: /PPL-\d{4}-\d{3} v1.*saved/ })
      .waitFor();
    const planId = /PPL-\d{4}-\d{3}/.exec((await page.getByTestId('designer-status').textContent()) ?? '')![0];

    // what the browser sent is what the server keeps: the local time as an instant, priority 1
    const saved = (await (await page.request.get(`/api/mes/production-plans/${planId}`)).json()) as { dueDate: string; priority: number };
    expect(saved.priority).toBe(1);
    expect(saved.dueDate).toBe(await page.evaluate((local) => new Date(local).toISOString(), yesterday));

    // ---- release → plan page: due date, priority, projected end, lateness
    await page.getByRole('button', { name: 'Release…' }).click();
    await page.getByRole('button', { name: 'Yes, release' }).click();
    await page.waitForURL(`**/production/${planId}`);
    await page.getByTestId('plan-status').filter({ hasText: 'released' }).waitFor();
    await page.getByTestId('plan-priority').filter({ hasText: '1 – most urgent' }).waitFor();
    await page
      .getByTestId(`lateness-${planId}`)
      .filter({ hasText: /late by \d+ (min|h|days?)/ })
      .waitFor();
    expect(await page.getByTestId('plan-projected-end').textContent()).not.toBe('not scheduled yet');
    await screenshot(page, 'plan-lateness');

    // a planner's move a week later (through the API, as another client would): the open page follows, no reload
    await page.evaluate(() => ((globalThis as unknown as { e2eMarker: number }).e2eMarker = 42));
    const released = (await (await page.request.get(`/api/mes/production-plans/${planId}`)).json()) as {
      nodes: { assignment: { id: string; plannedStart: string } }[];
    };
    const step = released.nodes[0]!.assignment;
    const moved = await page.request.put(`/api/mes/worker-assignments/${step.id}`, {
      data: { plannedStart: new Date(Date.parse(step.plannedStart) + 7 * 86_400_000).toISOString() },
      headers: { origin: suite.url },
    });
    expect(moved.status(), await moved.text()).toBe(200);
    // a week more late: about 8 days when the step was to start now (the text follows the server's figure, whatever the shift)
    const after = (await (await page.request.get(`/api/mes/production-plans/${planId}`)).json()) as { latenessMinutes: number };
    const parts = latenessParts(after.latenessMinutes);
    expect(parts).toMatchObject({ late: true, unit: 'days' });
    const expected = parts.late ? `late by ${parts.count} day${parts.count === 1 ? '' : 's'}` : 'on time';
    await page.getByTestId(`lateness-${planId}`).filter({ hasText: expected }).waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { e2eMarker?: number }).e2eMarker)).toBe(42);

    // ---- plans list: the lateness column, late only, sorted by due date
    await page.getByRole('link', { name: 'Production' }).first().click();
    await page.getByRole('heading', { name: 'Production plans' }).waitFor();
    await page
      .getByTestId(`lateness-${planId}`)
      .filter({ hasText: /late by/ })
      .waitFor();
    await page.getByTestId('plans-late-only').check();
    await page.getByRole('cell', { name: planId }).waitFor();
    // only late plans remain: the seeded drafts have no due date
    await expect.poll(async () => page.locator('tbody tr').count(), { timeout }).toBe(1);
    await page.getByTestId('sort-dueDate').click();
    await expect.poll(async () => page.locator('th[aria-sort="ascending"]').textContent(), { timeout }).toMatch(/Due date/);
    await screenshot(page, 'plans-late');

    // ---- the live board lists the plan with its lateness
    await page.goto('/board');
    await page.getByRole('heading', { name: 'Live board' }).waitFor();
    await page
      .getByTestId(`lateness-${planId}`)
      .filter({ hasText: /late by/ })
      .waitFor();

    expect(cspViolations).toEqual([]);
  }, 180_000);
});
