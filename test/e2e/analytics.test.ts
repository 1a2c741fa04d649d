/**
 * The analytics pages in a real browser (issue #18, item 3): on two months of
 * seeded history (the default dataset's `--history 2`), a planner opens the OEE
 * overview from the navigation and sees the API's figures per station; opens
 * the downtime Pareto and clicks its largest bar, and the drill-down lists
 * exactly the API's steps for that reason, each linking to its plan; downloads
 * the Pareto's table as CSV (the API's header and rows); and the live board
 * shows today's OEE per station as the API computes it. Screenshots:
 * analytics-oee, analytics-pareto, analytics-drilldown.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OeeInputs, oeeOf } from '../../src/modules/analytics/analytics.rules.js';
import { runCommand } from '../helpers/processes.js';
import { browserSuite, hasChromium, screenshot, signInWithPassword } from './browser.js';

const password = 'e2e-analytics-pass-1';
const timeout = 20_000;

interface OeeRow extends OeeInputs {
  bucket: string;
  level: 'station' | 'substation';
  stationId: string;
}
interface ParetoRow {
  reason: string;
  value: number;
}
interface StepRow {
  assignmentId: string;
  planId: string;
}

/** A share as the English UI writes it (format.ts formatPercent). */
const percent = (x: number | null) => (x === null ? '—' : new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 }).format(x));

/** The station rows added up per station, then divided (as the page does). */
function stationTotals(rows: OeeRow[]) {
  const sums = new Map<string, OeeInputs>();
  for (const r of rows.filter((x) => x.level === 'station')) {
    const s = sums.get(r.stationId) ?? { plannedMinutes: 0, runMinutes: 0, idealMinutes: 0, good: 0, scrap: 0 };
    s.plannedMinutes += r.plannedMinutes;
    s.runMinutes += r.runMinutes;
    s.idealMinutes += r.idealMinutes;
    s.good += r.good;
    s.scrap += r.scrap;
    sums.set(r.stationId, s);
  }
  return new Map([...sums].map(([id, s]) => [id, oeeOf(s)]));
}

/** Local midnight of a local date and the day after another, as the browser computes them (the page's period). */
async function periodOf(page: Page, from: string, to: string): Promise<{ from: string; to: string }> {
  return page.evaluate(
    ([f, t]) => {
      const at = (d: string, plus: number) => {
        const [y, m, day] = d.split('-').map(Number) as [number, number, number];
        return new Date(y, m - 1, day + plus).toISOString();
      };
      return { from: at(f!, 0), to: at(t!, 1) };
    },
    [from, to],
  );
}

describe.skipIf(!hasChromium)('analytics in a browser', () => {
  // the data folder is seeded with a history before the suite's server starts on it (hooks run in order)
  const env: NodeJS.ProcessEnv = { MES_ADMIN_PASSWORD: password, MES_DEMO_FLOOR: 'false' };
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-e2e-analytics-'));
    const seeded = await runCommand('cli/seed.ts', ['--history', '2'], { MES_DATA_DIR: dataDir, MES_ADMIN_PASSWORD: password, DATABASE_URL: '' }, 280_000);
    expect(seeded.code, seeded.stdout + seeded.stderr).toBe(0);
    expect(seeded.stdout).toMatch(/history of 2 months/);
    env.MES_DATA_DIR = dataDir;
  }, 300_000);
  afterAll(() => {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const suite = browserSuite('analytics', env, timeout);
  const cspViolations: string[] = [];

  it('shows the OEE overview, drills down from a Pareto bar to its steps, exports CSV and puts today’s OEE on the board', async () => {
    const page = await suite.newPage({ csp: cspViolations, acceptDownloads: true });
    await signInWithPassword(page, 'planner', password);

    // ---- reachable from the navigation; then a fixed period of 4 weeks by week, kept in the URL
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { name: 'Analytics' }).waitFor();
    const today = await page.evaluate(() => {
      const d = new Date();
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    });
    const start = new Date(Date.parse(`${today}T00:00:00Z`) - 27 * 86_400_000).toISOString().slice(0, 10);
    await page.goto(`/analytics/oee?from=${start}&to=${today}&groupBy=week`);
    await page.getByRole('tab', { name: 'OEE', selected: true }).waitFor();
    expect(await page.getByTestId('analytics-from').inputValue()).toBe(start);
    expect(await page.getByTestId('analytics-group-by').inputValue()).toBe('week');
    const period = await periodOf(page, start, today);
    const scope = { ...period, groupBy: 'week' };

    // ---- OEE: the page's figures per station are the API's
    const oee = (await (await page.request.get('/api/mes/analytics/oee', { params: scope })).json()) as { rows: OeeRow[] };
    const totals = stationTotals(oee.rows);
    expect(totals.size).toBeGreaterThan(0);
    // the history ran: some station has a real OEE (not "no data")
    expect([...totals.values()].some((f) => f.oee !== null && f.oee > 0)).toBe(true);
    for (const [stationId, f] of totals) {
      await page
        .getByTestId(`oee-${stationId}`)
        .filter({ hasText: percent(f.oee) })
        .waitFor();
      expect(await page.getByTestId(`availability-${stationId}`).textContent()).toBe(percent(f.availability));
      expect(await page.getByTestId(`performance-${stationId}`).textContent()).toBe(percent(f.performance));
      expect(await page.getByTestId(`quality-${stationId}`).textContent()).toBe(percent(f.quality));
    }
    const plant = oeeOf(
      [...oee.rows.filter((r) => r.level === 'station')].reduce(
        (s, r) => ({
          plannedMinutes: s.plannedMinutes + r.plannedMinutes,
          runMinutes: s.runMinutes + r.runMinutes,
          idealMinutes: s.idealMinutes + r.idealMinutes,
          good: s.good + r.good,
          scrap: s.scrap + r.scrap,
        }),
        { plannedMinutes: 0, runMinutes: 0, idealMinutes: 0, good: 0, scrap: 0 },
      ),
    );
    expect(await page.getByTestId('kpi-oee').textContent()).toBe(percent(plant.oee));
    await page.locator('[data-testid="chart-oee-trend"] canvas').waitFor();
    await page.locator('[data-testid="chart-oee-stations"] canvas').waitFor();
    await screenshot(page, 'analytics-oee');

    // ---- downtime Pareto: click the largest bar, the drill-down lists the API's steps for that reason
    await page.getByRole('tab', { name: 'Downtime' }).click();
    await page.waitForURL(`**/analytics/downtime?from=${start}&to=${today}&groupBy=week`);
    const downtime = (await (await page.request.get('/api/mes/analytics/downtime', { params: scope })).json()) as {
      pareto: ParetoRow[];
      rows: { bucket: string; stationId: string; reason: string; minutes: number; pauses: number }[];
    };
    expect(downtime.pareto.length).toBeGreaterThan(1);
    const table = page.getByTestId('pareto-downtime').locator('table.table tbody tr');
    await expect.poll(() => table.count(), { timeout }).toBe(downtime.pareto.length);
    const over = page.locator('[data-testid="chart-downtime-pareto"] .u-over');
    await over.waitFor();
    await screenshot(page, 'analytics-pareto');
    const box = (await over.boundingBox())!;
    // the x scale runs from -0.5 to n - 0.5: bar i is centred at (i + 0.5) / n of the plot's width
    await page.mouse.click(box.x + (0.5 / downtime.pareto.length) * box.width, box.y + box.height - 5);
    const top = downtime.pareto[0]!;
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const steps = (await (await page.request.get('/api/mes/analytics/steps', { params: { ...scope, reason: top.reason, limit: 50 } })).json()) as {
      rows: StepRow[];
    };
    expect(steps.rows.length).toBeGreaterThan(0);
    await expect.poll(() => dialog.locator('table.table tbody tr').count(), { timeout }).toBe(steps.rows.length);
    const shown = await dialog
      .locator('[data-testid^="drill-plan-"]')
      .evaluateAll((links) => links.map((a) => [a.getAttribute('data-testid'), a.getAttribute('href')]));
    expect(shown).toEqual(steps.rows.map((s) => [`drill-plan-${s.assignmentId}`, `/production/${s.planId}`]));
    await screenshot(page, 'analytics-drilldown');

    // ---- CSV of the drill-down's steps and of the Pareto's table: the API's header and rows
    const [stepsFile] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('csv-steps').click()]);
    const stepsCsv = fs.readFileSync((await stepsFile.path())!, 'utf8').split('\r\n');
    expect(stepsCsv[0]).toMatch(/^assignmentId,planId,planName,nodeName,/);
    expect(stepsCsv[1]).toMatch(new RegExp(`^${steps.rows[0]!.assignmentId},${steps.rows[0]!.planId},`));
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-downtime').click()]);
    expect(file.suggestedFilename()).toBe('downtime.csv');
    const csv = fs.readFileSync((await file.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe('bucket,stationId,reason,minutes,pauses');
    const first = downtime.rows[0]!;
    expect(csv[1]).toBe([first.bucket, first.stationId, first.reason, first.minutes, first.pauses].join(','));
    expect(csv.filter((l) => l !== '').length).toBe(downtime.rows.length + 1);

    // ---- the live board: today's OEE per station, from local midnight to now (the figures of the board's own request)
    const boardOee = page.waitForResponse((r) => r.url().includes('/api/mes/analytics/oee?') && r.request().method() === 'GET');
    await page.getByRole('link', { name: 'Live board' }).click();
    await page.getByRole('heading', { name: 'Live board' }).waitFor();
    const response = await boardOee;
    const asked = new URL(response.url()).searchParams;
    const midnight = await page.evaluate(() => new Date(new Date().setHours(0, 0, 0, 0)).toISOString());
    expect(asked.get('from')).toBe(midnight);
    expect(Date.parse(asked.get('to')!) - Date.now()).toBeLessThanOrEqual(60_000);
    const todayOee = stationTotals(((await response.json()) as { rows: OeeRow[] }).rows);
    // every station card shows its figure, or a dash where today has no planned time yet (before the first shift of
    // the day the API has no rows at all: the suite must not depend on the hour it runs at)
    const cards = await page.locator('[data-testid^="board-oee-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice(10)));
    expect(cards.length).toBeGreaterThan(0);
    for (const stationId of todayOee.keys()) expect(cards).toContain(stationId);
    for (const stationId of cards) {
      const f = todayOee.get(stationId);
      const badge = page.getByTestId(`board-oee-${stationId}`);
      if (f) await badge.filter({ hasText: `OEE today ${percent(f.oee)}` }).waitFor();
      else await page.locator(`[data-testid="board-oee-${stationId}"][title="no planned time today"]`).filter({ hasText: 'OEE today —' }).waitFor();
    }

    expect(cspViolations).toEqual([]);
  }, 240_000);
});
