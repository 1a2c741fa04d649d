/**
 * Plan designer benchmark (issue #7: "works for a 100-node plan without lag"):
 * the built UI in the system Chromium, a 100-node and a 300-node draft next to
 * a 5-node one measured in the same run. For each plan:
 *
 *   - open: from navigation until the graph is laid out, drawn and validated
 *     ("No problems" shown);
 *   - drag: a step dragged across the canvas in 60 mouse moves; frame
 *     intervals (requestAnimationFrame) and long tasks (> 50 ms) meanwhile;
 *   - type: a 20-character step name typed key by key into the side panel,
 *     each key until the step on the canvas shows it (through Playwright, so
 *     a key includes a few round trips to the browser: compare with the
 *     5-node plan, not with zero);
 *   - auto layout: from the click until the next frame is painted.
 *
 *   npx tsx bench/designer.ts     (BENCH_DATABASE_URL or DATABASE_URL chooses the server)
 */
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import type { PlanDocument } from '../src/modules/plans/plans.schema.js';
import { seedDatabase } from '../src/seed/seed.js';
import { ensureWebBuild, hasChromium, launchBrowser, viewport } from '../test/e2e/browser.js';
import { machine, percentile, scratchDatabase } from './lib.js';
import { watchdog } from './watchdog.js';

/** A branching plan on the default dataset: four parallel lines that merge every tenth step. */
function branchingPlan(size: number): PlanDocument {
  const ops: [string, string][] = [
    ['OP-001', 'ST-001'],
    ['OP-003', 'ST-002'],
    ['OP-004', 'ST-003'],
    ['OP-006', 'ST-004'],
    ['OP-008', 'ST-005'],
  ];
  return {
    workOrderCode: 'WO-BENCH-UI',
    name: `Designer bench ×${size}`,
    quantity: 5,
    nodes: Array.from({ length: size }, (_, i) => {
      const [operationId, stationId] = ops[i % ops.length]!;
      const predecessors = i < 4 ? [] : i % 10 === 9 ? [`N${i - 1}`, `N${i - 2}`, `N${i - 3}`] : [`N${i - 4}`];
      return {
        nodeId: `N${i}`,
        name: `Step ${i}`,
        operationId,
        nominalTime: 1 + (i % 4),
        predecessors,
        assignedStations: [{ stationId, priority: 1 }],
        materialInputs: [],
      };
    }),
  };
}

interface Figures {
  size: number;
  openMs: number;
  drag: { frames: number; p95Frame: number; maxFrame: number; longTasks: number; longTaskMs: number };
  firstKey: number;
  typeP50: number;
  typeMax: number;
  layoutMs: number;
}

/*
 * Scripts run in the page are strings: the DOM is not among this project's
 * TypeScript libs (it is server code), and tsx's keepNames would leave a
 * __name() call in a compiled function that the page does not have.
 */
const startRecording = `(() => {
  const state = { intervals: [], longTasks: [], running: true };
  state.observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) state.longTasks.push(e.duration); });
  state.observer.observe({ type: 'longtask' });
  globalThis.__bench = state;
  let last = performance.now();
  const tick = (t) => { state.intervals.push(t - last); last = t; if (state.running) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;
const stopRecording = `(async () => {
  const state = globalThis.__bench;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  state.running = false;
  state.observer.disconnect();
  return { intervals: state.intervals.slice(1), longTasks: state.longTasks };
})()`;
/** From a click on "Auto layout" until the frame after it. */
const timeAutoLayout = `(async () => {
  const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Auto layout');
  const s = performance.now();
  button.click();
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - s;
})()`;

async function measure(page: Page, planId: string, size: number): Promise<Figures> {
  // open
  const t0 = performance.now();
  await page.goto(`/designer/${planId}`);
  await page.getByText('No problems: the plan can be saved.').waitFor();
  await page.locator('.react-flow__node').first().waitFor();
  const openMs = performance.now() - t0;

  // drag a step that is on screen across the canvas
  const id = (await page.locator('.react-flow__node').first().getAttribute('data-id'))!;
  const node = page.locator(`.react-flow__node[data-id="${id}"]`);
  const box = (await node.boundingBox())!;
  const canvas = (await page.getByTestId('designer-canvas').boundingBox())!;
  await page.evaluate(startRecording);
  const moves = 60;
  await page.mouse.move(box.x + box.width / 2, box.y + 10);
  await page.mouse.down();
  for (let i = 1; i <= moves; i++) {
    await page.mouse.move(box.x + box.width / 2 + (i / moves) * (canvas.width / 2), box.y + 10 + (i / moves) * (canvas.height / 4));
  }
  await page.mouse.up();
  const { intervals, longTasks } = await page.evaluate<{ intervals: number[]; longTasks: number[] }>(stopRecording);
  const moved = (await node.boundingBox())!;
  if (Math.abs(moved.x - box.x) < canvas.width / 4) throw new Error('drag: the step did not follow the mouse');
  intervals.sort((a, b) => a - b);

  // type a name, key by key, each until the canvas shows it
  await node.click();
  const nameField = page.getByRole('group', { name: `Step ${id}` }).getByLabel('Name', { exact: true });
  await nameField.fill('');
  const label = page.locator(`[data-testid="design-node-${id}"] .graph-node__name`);
  const text = 'Weld frame, side A 1';
  const keys: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const k0 = performance.now();
    await nameField.press(text[i] === ' ' ? 'Space' : text[i]!);
    await label.filter({ hasText: text.slice(0, i + 1) }).waitFor();
    keys.push(performance.now() - k0);
  }
  // the first key also clears the "name is required" problem the emptied field raised, on every plan size
  const firstKey = keys.shift()!;
  keys.sort((a, b) => a - b);

  // auto layout: click until the frame after it
  const layoutMs = await page.evaluate<number>(timeAutoLayout);

  return {
    size,
    openMs,
    drag: {
      frames: intervals.length,
      p95Frame: percentile(intervals, 95),
      maxFrame: intervals.at(-1) ?? NaN,
      longTasks: longTasks.length,
      longTaskMs: longTasks.reduce((a, b) => a + b, 0),
    },
    firstKey,
    typeP50: percentile(keys, 50),
    typeMax: keys.at(-1)!,
    layoutMs,
  };
}

async function main() {
  if (!hasChromium) {
    console.log('bench/designer: no /usr/bin/chromium (Debian package chromium); nothing measured');
    process.exit(2);
  }
  watchdog('bench/designer', 10 * 60_000);
  await ensureWebBuild();
  const url = await scratchDatabase('mes_bench_designer');
  const config = { ...loadConfig([], { ...process.env, LOG_LEVEL: 'silent' }), databaseUrl: url, loginRateLimit: 1000 };
  const database = await openDatabase({ databaseUrl: url, poolSize: 10 });
  await migrateToLatest(database.db);
  await seedDatabase(database.db, { size: 'default', adminPassword: 'bench-password', demoPin: '1234' });
  const app = await buildApp({ database, config, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport, baseURL: base });
  context.setDefaultTimeout(60_000);
  const login = await context.request.post('/api/mes/auth/login', { data: { username: 'planner', password: 'bench-password' } });
  if (!login.ok()) throw new Error(`sign-in failed: ${login.status()}`);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log(`browser error: ${e.message}`));

  console.log(`bench/designer on ${machine()}`);
  console.log(`Chromium ${browser.version()}, viewport ${viewport.width}×${viewport.height}, web build of web/dist`);
  const rounds = 3;
  const all: Figures[] = [];
  for (const size of [5, 100, 300]) {
    const res = await context.request.post('/api/mes/production-plans', { data: branchingPlan(size) });
    if (res.status() !== 201) throw new Error(`plan of ${size} nodes refused: ${res.status()} ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    // a warm-up open (code of the page, fonts), then the measured rounds
    await page.goto(`/designer/${id}`);
    await page.getByText('No problems: the plan can be saved.').waitFor();
    for (let r = 0; r < rounds; r++) all.push(await measure(page, id, size));
  }

  const med = (xs: number[]) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    );
  console.log(`\nmedians of ${rounds} rounds each; the 5-node plan is the same-run reference`);
  console.log(
    '| steps | open ms | drag: frames in 60 moves | frame p95 ms | frame max ms | long tasks (total ms) | first key → canvas ms | next keys p50 / max ms | auto layout ms |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const size of [5, 100, 300]) {
    const f = all.filter((x) => x.size === size);
    console.log(
      `| ${size} | ${med(f.map((x) => x.openMs)).toFixed(0)} | ${med(f.map((x) => x.drag.frames)).toFixed(0)} | ${med(f.map((x) => x.drag.p95Frame)).toFixed(1)} | ${Math.max(...f.map((x) => x.drag.maxFrame)).toFixed(1)} | ${med(f.map((x) => x.drag.longTasks))} (${med(f.map((x) => x.drag.longTaskMs)).toFixed(0)}) | ${med(f.map((x) => x.firstKey)).toFixed(0)} | ${med(f.map((x) => x.typeP50)).toFixed(1)} / ${Math.max(...f.map((x) => x.typeMax)).toFixed(1)} | ${med(f.map((x) => x.layoutMs)).toFixed(0)} |`,
    );
  }
  await browser.close();
  await app.close();
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
