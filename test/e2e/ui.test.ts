/**
 * The web UI end to end, in a real browser (system Chromium via
 * playwright-core) against the real server process on a fresh database:
 * a planner designs a branching plan in the designer (one real drag from the
 * palette, edges drawn on the handles), saves and releases it; operators run
 * every step from the worker portal in a second browser context while the
 * planner's plan page and the live board follow without a reload.
 * Screenshots of every page land in test-results/screenshots/
 * (UPDATE_SCREENSHOTS=1 copies them to docs/screenshots/ for the README).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, connectSteps, hasChromium, screenshot, signInWithPassword, signInWithPin } from './browser.js';

const password = 'e2e-admin-pass-1';
const pin = '4321';
const timeout = 20_000;

if (!hasChromium) console.log('web UI e2e skipped: /usr/bin/chromium is not installed (apt-get install -y --no-install-recommends chromium)');

interface PlanNodeView {
  nodeId: string;
  assignment: { id: string; workerId: string; substationId: string; status: string } | null;
}

describe.skipIf(!hasChromium)('web UI in a browser', () => {
  // without the demo floor: the scenario's operators must be free, and the board must show only its plan
  const suite = browserSuite('ui', { MES_ADMIN_PASSWORD: password, MES_DEMO_PIN: pin, MES_DEMO_FLOOR: 'false' }, timeout);
  /** CSP violations reported by any page of the run; each test ends by asserting there were none. */
  const cspViolations: string[] = [];
  const newPage = () => suite.newPage({ hasTouch: false, csp: cspViolations });
  const signInPlanner = (page: Page) => signInWithPassword(page, 'planner', password);

  async function signInOperator(page: Page, workerId: string) {
    const signOut = page.getByRole('button', { name: 'Sign out' });
    if (await signOut.isVisible()) await signOut.click();
    await signInWithPin(page, workerId, pin);
    await page.getByTestId('current-task').or(page.getByText('No tasks for you right now')).waitFor();
  }

  /** Waits until the element with that test id shows the text (live updates: the page is never reloaded). */
  const waitText = (page: Page, testId: string, text: string | RegExp, ms = timeout) =>
    page.getByTestId(testId).filter({ hasText: text }).first().waitFor({ timeout: ms });

  it('planner designs and releases a plan; operators run it; plan page and live board follow live', async () => {
    // ---- planner: sign in, production list ------------------------------------
    const planner = await newPage();
    await planner.goto('/');
    await planner.getByLabel('User name').waitFor();
    await screenshot(planner, 'login');
    await signInPlanner(planner);
    await planner.getByRole('cell', { name: 'PPL-' }).first().waitFor();
    await screenshot(planner, 'production');

    // ---- designer: five steps, branching, one real drag ------------------------
    await planner.getByRole('button', { name: 'New plan' }).click();
    await planner.getByText('new plan · not saved').waitFor();
    await planner.getByLabel('Plan name').fill('E2E bracket set');
    await planner.getByLabel('Work order').fill('WO-E2E-001');
    await planner.getByLabel('Quantity', { exact: true }).fill('4');

    // N1: dragged from the palette onto the canvas (HTML5 drag and drop)
    await planner.getByTestId('palette-OP-001').dragTo(planner.getByTestId('designer-canvas'), { targetPosition: { x: 200, y: 150 } });
    await planner.getByTestId('design-node-N1').waitFor();
    // a fresh step starts with its operation's usual time (laser cutting: 2 min/unit), so it is not in error at once
    expect(await planner.getByLabel('Nominal time (min/unit)').inputValue()).toBe('2');
    await planner.getByLabel('Name', { exact: true }).fill('Cut blanks');
    await planner.getByRole('button', { name: 'Add material input' }).click();
    // an input not chosen yet is a problem on the node, and saving is off
    await waitText(planner, 'node-problems-N1', 'choose the input material');
    expect(await planner.getByRole('button', { name: 'Save draft' }).isDisabled()).toBe(true);
    await planner.getByLabel('Input 1 material').selectOption('SHEET-S235-2');
    // the picked material's stock shows at once
    await planner.getByTestId('input-stock').filter({ hasText: 'In stock' }).waitFor();
    await planner.locator('.designer-input').getByLabel('Quantity').fill('2');

    // N2..N5 with the palette's + buttons (the keyboard way), each edited in the side panel
    const steps: [string, string, string][] = [
      ['Bending', 'Bend flanges', '1.5'],
      ['Punching', 'Punch holes', '1'],
      ['Welding', 'Weld bracket', '3'],
      ['Inspection', 'Final inspection', '0.5'],
    ];
    for (const [operation, name, minutes] of steps) {
      await planner.getByRole('button', { name: `Add step: ${operation}` }).click();
      await planner.getByLabel('Name', { exact: true }).fill(name);
      await planner.getByLabel('Nominal time (min/unit)').fill(minutes);
    }
    await planner.getByTestId('design-node-N5').waitFor();
    await planner.getByRole('button', { name: 'Auto layout' }).click();
    await planner.waitForTimeout(400);

    // edges drawn from handle to handle: N1 → N2, N1 → N3, N2 → N4, N4 → N5
    await connectSteps(planner, 'N1', 'N2');
    await connectSteps(planner, 'N1', 'N3');
    await connectSteps(planner, 'N2', 'N4');
    await connectSteps(planner, 'N4', 'N5');
    // N3 → N4 from the side panel (keyboard alternative)
    await planner.getByTestId('design-node-N4').click();
    await planner.getByLabel('Add predecessor').selectOption('N3');
    await planner.getByRole('button', { name: 'Remove predecessor N3 of N4' }).waitFor();
    expect(await planner.locator('.react-flow__edge').count()).toBe(5);
    await planner.getByRole('button', { name: 'Auto layout' }).click();
    await planner.waitForTimeout(400);

    // a cycle is refused: N5 → N1 closes one; the nodes say so and saving is off
    await connectSteps(planner, 'N5', 'N1');
    await waitText(planner, 'node-problems-N1', /cycle: .*N1/);
    expect(await planner.getByRole('button', { name: 'Save draft' }).isDisabled()).toBe(true);
    await screenshot(planner, 'designer-cycle');
    await planner.getByTestId('design-node-N1').click();
    await planner.getByRole('button', { name: 'Remove predecessor N5 of N1' }).click();
    await planner.getByText('No problems: the plan can be saved.').waitFor();

    await planner.getByRole('button', { name: 'Save draft' }).click();
    await waitText(planner, 'designer-status', /PPL-\d{4}-\d{3} v1.*saved/);
    const planId = /PPL-\d{4}-\d{3}/.exec((await planner.getByTestId('designer-status').textContent()) ?? '')![0];
    expect(planner.url()).toContain(`/designer/${planId}`);
    await planner.getByTestId('design-node-N4').click();
    await planner.locator('.designer-panel').evaluate((el) => el.scrollTo(0, 0));
    await screenshot(planner, 'designer');

    // ---- release (confirmation dialog) → plan page ---------------------------------
    await planner.getByRole('button', { name: 'Release…' }).click();
    await planner.getByRole('button', { name: 'Yes, release' }).click();
    await planner.waitForURL(`**/production/${planId}`);
    await waitText(planner, 'plan-status', 'released');
    await planner.getByTestId('gantt-bar-N1').waitFor();
    await waitText(planner, 'material-reserved-SHEET-S235-2', /^2 sheet$/);

    const detail = (await (await planner.request.get(`/api/mes/production-plans/${planId}`)).json()) as { nodes: PlanNodeView[] };
    const nodes = new Map(detail.nodes.map((n) => [n.nodeId, n]));
    const assignment = (id: string) => nodes.get(id)!.assignment!;
    expect([...nodes.values()].every((n) => n.assignment?.workerId)).toBe(true);

    // a marker that a reload would wipe: the planner pages must update live
    const board = await planner.context().newPage();
    await board.goto('/board');
    await board.getByRole('heading', { name: 'Live board' }).waitFor();
    for (const p of [planner, board]) await p.evaluate(() => ((globalThis as unknown as { e2eMarker: number }).e2eMarker = 42));

    // ---- operator of N1, second browser context: start ----------------------------
    const operator = await newPage();
    await signInOperator(operator, assignment('N1').workerId);
    await waitText(operator, 'current-task-name', 'N1');
    await screenshot(operator, 'portal');
    await operator.getByRole('button', { name: '▶ Start' }).click();
    await operator.locator('[data-testid="current-task"][data-status="in_progress"]').waitFor();
    await operator.getByTestId('task-timer').waitFor();

    await waitText(planner, 'step-status-N1', 'in progress');
    await waitText(planner, 'plan-status', 'in production');
    await waitText(board, `board-sub-${assignment('N1').substationId}`, 'N1');
    await screenshot(board, 'board');

    // ---- complete N1: good quantity typed on the keypad ------------------------------
    await operator.getByRole('button', { name: '✔ Complete' }).click();
    await operator.getByRole('button', { name: /^Good quantity .*tap to edit$/ }).click();
    await operator.getByRole('button', { name: 'Good quantity: 4', exact: true }).click();
    await screenshot(operator, 'portal-complete');
    await operator.getByRole('button', { name: 'Complete: 4 good, 0 scrap' }).click();
    await operator.getByText('Completed — well done').waitFor();

    await waitText(planner, 'step-status-N1', 'completed');
    await waitText(planner, 'plan-progress', '1/5 steps done');
    // the plan's material follows live: the reservation became consumption
    await waitText(planner, 'material-consumed-SHEET-S235-2', /^2 sheet$/);
    await waitText(planner, 'material-reserved-SHEET-S235-2', /^0 sheet$/);
    await waitText(board, `board-plan-progress-${planId}`, '1/5');

    // ---- the rest, each by its assigned operator ----------------------------------------
    let signedIn = assignment('N1').workerId;
    for (const nodeId of ['N2', 'N3', 'N4', 'N5']) {
      const a = assignment(nodeId);
      if (a.workerId !== signedIn) {
        await signInOperator(operator, a.workerId);
        signedIn = a.workerId;
      }
      await waitText(operator, 'current-task-name', nodeId);
      if (nodeId === 'N2') {
        // the tablet loses the network on the tap: the tap is queued on the tablet and sent, under one key, once it is back
        const keys: string[] = [];
        operator.on('request', (r) => {
          if (r.url().endsWith(`/worker-assignments/${a.id}/start`)) keys.push(r.headers()['idempotency-key'] ?? '');
        });
        await operator.context().setOffline(true);
        await operator.getByRole('button', { name: '▶ Start' }).click();
        await operator.locator('[data-testid="queued-tap"][data-action="start"][data-state="queued"]').waitFor();
        await operator.getByText('This tablet has no network').waitFor();
        await screenshot(operator, 'portal-offline');
        await operator.context().setOffline(false);
        await operator.locator('[data-testid="current-task"][data-status="in_progress"]').waitFor();
        expect(keys.length).toBeGreaterThanOrEqual(1);
        expect(new Set(keys).size).toBe(1);
        expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
      } else {
        await operator.getByRole('button', { name: '▶ Start' }).click();
        await operator.locator('[data-testid="current-task"][data-status="in_progress"]').waitFor();
      }
      if (nodeId === 'N4') {
        // pause with a reason, resume, and report a problem; the planner and the board see the pause and its reason live
        await operator.getByRole('button', { name: '❚❚ Pause' }).click();
        await operator.getByRole('button', { name: 'Machine fault' }).click();
        await operator.getByLabel('Note (optional)').fill('Wire spool empty');
        await operator.getByRole('button', { name: 'Pause', exact: true }).click();
        await operator.locator('[data-testid="current-task"][data-status="paused"]').waitFor();
        await waitText(planner, 'step-status-N4', 'paused');
        await waitText(planner, 'step-note-N4', /Machine fault.*since.*Wire spool empty/);
        await waitText(board, `board-pause-${a.substationId}`, 'Machine fault');
        await operator.getByRole('button', { name: '▶ Resume' }).click();
        await operator.locator('[data-testid="current-task"][data-status="in_progress"]').waitFor();
        await operator.getByRole('button', { name: '⚠ Report problem' }).click();
        await operator.getByRole('button', { name: 'Machine', exact: true }).click();
        await operator.getByLabel('What is wrong?').fill('Wire feed slips now and then');
        await operator.getByRole('button', { name: 'Send report' }).click();
        await operator.getByText('Problem reported to the planner').waitFor();
        // the report reaches the planner's plan page and the board without a reload; the planner resolves it
        await waitText(planner, 'plan-problems', 'Wire feed slips now and then');
        await waitText(planner, 'plan-open-problems', '1 open');
        await waitText(planner, 'step-status-N4', '1 open');
        await waitText(board, `board-problems-${a.substationId}`, '1 open problem');
        await planner.getByTestId('plan-problems').evaluate((el) => el.scrollIntoView());
        await screenshot(planner, 'plan-problems');
        await planner.getByRole('button', { name: /^Resolve problem \d+: Wire feed slips/ }).click();
        await planner.getByLabel('What was done (optional)').fill('Feed rollers cleaned');
        await planner.getByRole('button', { name: 'Mark resolved' }).click();
        await waitText(planner, 'plan-open-problems', 'all resolved');
        await waitText(planner, 'plan-problems', 'Feed rollers cleaned');
        await board.getByTestId(`board-problems-${a.substationId}`).waitFor({ state: 'detached' });
      }
      await operator.getByRole('button', { name: '✔ Complete' }).click();
      // nothing is pre-filled: completing before typing a quantity is not offered
      expect(await operator.getByRole('button', { name: 'Complete: 0 good, 0 scrap' }).isDisabled()).toBe(true);
      await operator.getByRole('button', { name: 'Good quantity: 4', exact: true }).click();
      await operator.getByRole('button', { name: 'Complete: 4 good, 0 scrap' }).click();
      await operator.getByText('Completed — well done').waitFor();
      await waitText(planner, `step-status-${nodeId}`, 'completed');
    }

    await waitText(planner, 'plan-status', 'completed');
    await waitText(planner, 'plan-progress', '5/5 steps done');
    await board.getByTestId(`board-plan-progress-${planId}`).waitFor({ state: 'detached' });
    for (const p of [planner, board]) expect(await p.evaluate(() => (globalThis as unknown as { e2eMarker?: number }).e2eMarker)).toBe(42);
    await screenshot(planner, 'plan');

    // ---- archive the finished plan: it leaves the production list and stays readable ----
    await planner.getByRole('button', { name: 'Archive', exact: true }).click();
    await planner.getByRole('button', { name: 'Yes, archive' }).click();
    await planner.getByText(/^Archived /).waitFor();
    await waitText(planner, 'plan-progress', '5/5 steps done');
    await planner.getByTestId('gantt-bar-N1').waitFor();
    await planner.goto('/production');
    await planner.getByRole('row', { name: /PPL-/ }).first().waitFor();
    expect(await planner.getByRole('row', { name: new RegExp(planId) }).count()).toBe(0);
    await planner.getByLabel('Status').selectOption('archived');
    await planner.getByRole('row', { name: new RegExp(planId) }).waitFor();

    // ---- a refused action shows the server's message: release twice ----------------
    const draft = (await (await planner.request.get('/api/mes/production-plans?status=draft&limit=1')).json()) as { items: { id: string }[] };
    const draftId = draft.items[0]!.id;
    await planner.goto(`/production/${draftId}`);
    await planner.getByRole('button', { name: 'Release', exact: true }).click();
    // meanwhile another planner releases it
    // the API request shares the page's session cookie, so it names the page's origin like a browser would (the CSRF check)
    const sameOrigin = { origin: suite.url };
    expect((await planner.request.post(`/api/mes/production-plans/${draftId}/release`, { data: {}, headers: sameOrigin })).status()).toBe(200);
    await planner.getByRole('button', { name: 'Yes, release' }).click();
    await waitText(planner, 'problem-detail', `plan ${draftId} is released; it cannot be released`);
    await screenshot(planner, 'refused');
    await planner.getByRole('button', { name: 'Keep as is' }).click();
    // the Gantt of that plan, now scheduled
    await planner.getByTestId('gantt-bar-N1').waitFor();
    await planner.getByRole('heading', { name: 'Schedule' }).evaluate((el) => el.scrollIntoView());
    // bars are reachable by keyboard, and the focused one's details show under the chart
    await planner.getByTestId('gantt-bar-N1').first().focus();
    await waitText(planner, 'gantt-focused', /^N1 .* planned /);
    expect(await planner.getByTestId('gantt-bar-N1').first().getAttribute('aria-label')).toMatch(/^N1 .* planned /);
    await screenshot(planner, 'plan-schedule');

    // ---- master data ---------------------------------------------------------------
    await planner.goto('/master/workers');
    await planner.getByRole('row', { name: /W-001/ }).waitFor();
    await screenshot(planner, 'master-data');
    await planner.getByRole('tab', { name: 'Materials' }).click();
    await planner.getByRole('row', { name: /SHEET-S235-2/ }).click();
    await planner.getByRole('table', { name: 'Ledger of SHEET-S235-2' }).getByText('consumption').first().waitFor();
    await screenshot(planner, 'master-data-material');

    // a shift calendar made in the editor: a night window and a closed day, then listed
    await planner.getByRole('button', { name: 'Close' }).click();
    await planner.getByRole('tab', { name: 'Shift calendars' }).click();
    await planner.getByRole('button', { name: 'New shift calendar' }).click();
    await planner.getByLabel('Code *').fill('NIGHT');
    await planner.getByLabel('Name *').fill('Night shift');
    await planner.getByRole('button', { name: 'Add a window on Monday' }).click();
    await planner.getByLabel('Monday window 1 start').fill('22:00');
    await planner.getByLabel('Monday window 1 end').fill('06:00');
    await planner.getByRole('button', { name: '+ Exception' }).click();
    await planner.getByLabel('Exception 1 date').fill('2026-12-24');
    await planner.getByRole('button', { name: 'Create shift calendar' }).click();
    await planner
      .getByRole('row', { name: 'Edit shift calendar NIGHT' })
      .filter({ hasText: 'Mon 22:00–06:00 (next day)' })
      .filter({ hasText: '2026-12-24 closed' })
      .waitFor();
    await screenshot(planner, 'master-data-calendar');

    // ---- the plans list pages by 50 ---------------------------------------------------
    const doc = (i: number) => ({
      workOrderCode: `WO-PAGE-${i}`,
      name: `Paging ${i}`,
      quantity: 1,
      nodes: [
        {
          nodeId: 'N1',
          name: 'Cut',
          operationId: 'OP-001',
          nominalTime: 1,
          predecessors: [],
          assignedStations: [{ stationId: 'ST-001', priority: 1 }],
          materialInputs: [],
        },
      ],
    });
    for (let i = 0; i < 45; i++) expect((await planner.request.post('/api/mes/production-plans', { data: doc(i), headers: sameOrigin })).status()).toBe(201);
    // the open plans (the page's default filter), counted by the API on request; the page pages by cursor and counts nothing
    const open = '/api/mes/production-plans?status=released&status=in_production&status=paused&status=draft&limit=1&count=true';
    const total = ((await (await planner.request.get(open)).json()) as { total: number }).total;
    expect(total).toBeGreaterThan(50);
    expect(total).toBeLessThanOrEqual(100);
    await planner.goto('/production');
    await waitText(planner, 'pager-range', '1–50');
    expect(await planner.getByRole('row', { name: /^Open plan / }).count()).toBe(50);
    await planner.getByRole('button', { name: 'Next ›' }).click();
    await waitText(planner, 'pager-range', `51–${total}`);
    expect(await planner.getByRole('row', { name: /^Open plan / }).count()).toBe(total - 50);
    expect(await planner.getByRole('button', { name: 'Next ›' }).isDisabled()).toBe(true);
    await planner.getByRole('button', { name: '‹ Previous' }).click();
    await waitText(planner, 'pager-range', '1–50');
    await planner.getByRole('button', { name: 'Next ›' }).click();
    await waitText(planner, 'pager-range', `51–${total}`);
    // a search starts again at the first page (on page 2 its 11 matches would show nothing); the range always tells the rows shown
    await planner.getByLabel('Search').fill('Paging 1');
    await planner
      .getByRole('row', { name: /Paging 1\b/ })
      .first()
      .waitFor();
    expect(await planner.getByRole('row', { name: /^Open plan / }).count()).toBe(11);
    expect(cspViolations, cspViolations.join('\n')).toEqual([]);
  }, 300_000);

  it('serves the API documentation under its own Content-Security-Policy', async () => {
    const page = await newPage();
    await page.goto('/api/docs');
    await page.locator('.opblock-summary').first().click();
    await page.locator('.opblock-body').first().waitFor();
    expect(cspViolations, cspViolations.join('\n')).toEqual([]);
  }, 60_000);
});
