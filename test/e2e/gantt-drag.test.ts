/**
 * The Gantt a planner can trust and move, in a real browser (issue #15, item 5): a step that crosses the end
 * of its worker's shift is drawn as two segments; dragging a bar to a free slot past its successor's start moves
 * it and the successor follows (the server's new times show on both bars, and the message names the follower);
 * the arrow keys and Enter move a focused bar; dragging a bar onto a substation that is busy at that time is
 * refused: the bar snaps back and the server's reason is shown.
 *
 * The floor (test/helpers/gantt.ts): W-951 does N1 (60 min) → N2 (30 min) and goes off shift 30 minutes from
 * now for two hours, so N1 is split; W-952 does N4 (6 h) → N3, so N2 has slack before N3 (the drag runs past it),
 * and N4 holds its substation until N3 starts.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dailyGapWindows, ganttFloor } from '../helpers/gantt.js';
import { apiCaller, browserSuite, hasChromium, screenshot, signInWithPassword, signInWithPin } from './browser.js';

const password = 'e2e-admin-pass-1';
const timeout = 20_000;
const MIN = 60_000;
const operatorPin = '582931';
/** expect.poll waits a second by default: the machine is shared, the server's answers take longer */
const poll = { timeout: timeout, interval: 100 };

interface Assignment {
  id: string;
  substationId: string;
  plannedStart: string;
  plannedEnd: string;
}

describe.skipIf(!hasChromium)('drag Gantt bars in a browser', () => {
  const suite = browserSuite('gantt-drag', { MES_ADMIN_PASSWORD: password, MES_DEMO_FLOOR: 'false' }, timeout);
  let token: string;
  let planId: string;

  const call = apiCaller(suite, () => token);
  const assignments = async (): Promise<Map<string, Assignment>> => {
    const nodes = (await call('GET', `/production-plans/${planId}`)).nodes as { nodeId: string; assignment: Assignment }[];
    return new Map(nodes.map((n) => [n.nodeId, n.assignment]));
  };

  beforeAll(async () => {
    token = await suite.token('admin', password);
    const gapStart = Math.floor((Date.now() + 30 * MIN) / MIN) * MIN;
    await call('POST', '/shift-calendars', { id: 'GAP', name: 'Daily gap', windows: dailyGapWindows(gapStart, 120) });
    for (const op of ganttFloor.operations) await call('POST', '/operations', op);
    await call('POST', '/stations', ganttFloor.station);
    for (const w of ganttFloor.workers('GAP')) await call('POST', '/workers', w);
    planId = (await call('POST', '/production-plans', ganttFloor.plan(new Date(Date.now() + 24 * 3_600_000).toISOString()))).id;
    await call('POST', `/production-plans/${planId}/release`, {});
  });

  /** Pixels per millisecond of the chart's time axis. */
  const scale = async (page: Page) => {
    const chart = page.locator('.gantt');
    const [from, to] = [await chart.getAttribute('data-range-start'), await chart.getAttribute('data-range-end')];
    const track = await page.locator('.gantt__axis .gantt__track').boundingBox();
    if (!from || !to || !track) throw new Error('the Gantt has no time axis');
    return track.width / (Date.parse(to) - Date.parse(from));
  };

  /** Drags a bar by dx pixels and onto the row at y (its own row when y is not given), in steps, with the mouse. */
  const dragBar = async (page: Page, bar: Locator, dx: number, y?: number) => {
    const box = await bar.boundingBox();
    if (!box) throw new Error('drag: the bar is not visible');
    const x0 = box.x + Math.min(box.width / 2, 10);
    const y0 = box.y + box.height / 2;
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move(x0 + dx / 2, (y0 + (y ?? y0)) / 2, { steps: 5 });
    await page.mouse.move(x0 + dx, y ?? y0, { steps: 5 });
    await page.mouse.up();
  };

  it('shows the shift split, moves a bar to a free slot, and snaps one back from a busy slot with the reason', async () => {
    const page = await suite.newPage();
    await signInWithPassword(page, 'admin', password);
    await page.goto(`/production/${planId}`);
    const n1 = page.getByTestId('gantt-bar-N1');
    await n1.waitFor();
    // the mouse works in the viewport: the chart into view (it is below the graph)
    await page.locator('.gantt').scrollIntoViewIfNeeded();

    // ---- a step over the end of the shift: two segments, the gap between them ------------------------
    await expect.poll(() => n1.getByTestId('gantt-segment').count(), poll).toBe(2);
    expect(await page.getByTestId('gantt-bar-N2').getByTestId('gantt-segment').count()).toBe(1);
    await screenshot(page, 'gantt-split');

    // ---- drag N2 past N3's planned start, into a free slot of its own worker and substation: accepted, N3 follows ----
    const before = await assignments();
    const [n2Before, n3Before] = [before.get('N2')!, before.get('N3')!];
    // a free slot: N3 is on another worker (W-952), and on another substation than N2's, so only precedence ties them
    expect(n3Before.substationId).not.toBe(n2Before.substationId);
    // N2 (30 min) to start 15 minutes before N3 does: its new end lies 15 minutes past N3's planned start
    const target = Date.parse(n3Before.plannedStart) - 15 * MIN;
    const n2 = page.getByTestId('gantt-bar-N2');
    await dragBar(page, n2, (target - Date.parse(n2Before.plannedStart)) * (await scale(page)));
    // the outcome, whichever it is (a refusal's reason makes the failure readable)
    const outcome = async () => `${await page.getByTestId('gantt-move-status').textContent()}|${await page.getByTestId('gantt-move-refused').textContent()}`;
    await expect.poll(outcome, poll).toMatch(/N2 moved to|N2 was not moved/);
    expect(await outcome()).toMatch(/^N2 moved to .*\|$/);
    const moved = (await assignments()).get('N2')!;
    expect(Math.abs(Date.parse(moved.plannedStart) - target)).toBeLessThanOrEqual(10 * MIN);
    expect(Date.parse(moved.plannedStart) % (5 * MIN)).toBe(0); // snapped to 5 minutes
    expect(Date.parse(moved.plannedEnd)).toBeGreaterThan(Date.parse(n3Before.plannedStart));
    // N3 followed: the server moved it to no earlier than N2's new end, the answer names it, the chart shows it live
    const n3 = (await assignments()).get('N3')!;
    expect(Date.parse(n3.plannedStart)).toBeGreaterThanOrEqual(Date.parse(moved.plannedEnd));
    expect(n3.plannedStart).not.toBe(n3Before.plannedStart);
    await page
      .getByTestId('gantt-move-status')
      .getByText(/N2 moved to .*N3 follows/)
      .waitFor();
    await expect.poll(() => n2.getAttribute('data-start'), poll).toBe(moved.plannedStart);
    await expect.poll(() => page.getByTestId('gantt-bar-N3').getAttribute('data-start'), poll).toBe(n3.plannedStart);
    await screenshot(page, 'gantt-moved');

    // ---- the keyboard: three steps right (5 minutes each) and Enter -----------------------------------
    await n2.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page
      .getByTestId('gantt-move-status')
      .getByText(/Enter moves it/)
      .waitFor();
    await page.keyboard.press('Enter');
    const keyed = new Date(Date.parse(moved.plannedStart) + 15 * MIN).toISOString();
    await expect.poll(async () => (await assignments()).get('N2')!.plannedStart, poll).toBe(keyed);
    await expect.poll(() => n2.getAttribute('data-start'), poll).toBe(keyed);

    // ---- drag N2 down onto N4's substation and an hour back, where N4 holds it: refused, back in place -------
    const n4Sub = (await assignments()).get('N4')!.substationId;
    const home = (await assignments()).get('N2')!.substationId;
    expect(n4Sub).not.toBe(home);
    const origin = await n2.boundingBox();
    const row = await page.getByTestId(`gantt-row-${n4Sub}`).locator('.gantt__track').boundingBox();
    // an hour earlier, into N4's last hour there (N2 now starts where N4 ends)
    await dragBar(page, n2, -60 * MIN * (await scale(page)), row!.y + row!.height / 2);
    const refused = page.getByTestId('gantt-move-refused');
    await refused.getByText(new RegExp(`N2 was not moved: substation ${n4Sub} is booked by`)).waitFor();
    await screenshot(page, 'gantt-refused');
    // snapped back: in its own row, where it was; nothing written
    await page.getByTestId(`gantt-row-${home}`).getByTestId('gantt-bar-N2').waitFor();
    await expect.poll(async () => (await n2.boundingBox())?.x, poll).toBeCloseTo(origin!.x, 0);
    expect((await n2.boundingBox())!.y).toBeCloseTo(origin!.y, 0);
    expect((await assignments()).get('N2')).toMatchObject({ substationId: home, plannedStart: keyed });

    // ---- the operator's portal: the moved task says so in the queue, with its time as it is now ---------
    await call('POST', '/users/portal-access', { workerId: 'W-951', pin: operatorPin });
    const operator = await suite.newPage();
    await signInWithPin(operator, 'W-951', operatorPin);
    const n2Id = (await assignments()).get('N2')!.id;
    const badge = operator.getByTestId(`queue-${n2Id}`).getByTestId(`task-moved-${n2Id}`);
    await badge.waitFor();
    expect(await badge.textContent()).toContain('moved: now');
    await screenshot(operator, 'portal-task-moved');
  }, 120_000);
});
