/**
 * Browser plumbing of the end-to-end tests: the system Chromium through
 * playwright-core (never a downloaded browser), an up-to-date web build,
 * screenshots, and the gestures the plan designer needs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { type ServerProcess, root, startServer } from '../helpers/processes.js';

export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(chromiumPath);

export const screenshotDir = path.join(root, 'test-results/screenshots');
export const docsScreenshotDir = path.join(root, 'docs/screenshots');
export const viewport = { width: 1280, height: 800 };

/** The system Chromium; `extraArgs` add switches (a fake camera: test/e2e/traveler-scan.test.ts). */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-dev-shm-usage',
      ...extraArgs,
    ],
  });
}

/**
 * Collects the Content-Security-Policy violations of every page of a context:
 * the console errors Chromium prints for them, and the `securitypolicyviolation`
 * events (reported on the console by an init script, which CSP does not
 * govern). A test asserts the list stays empty: the UI must work under the
 * server's policy, never by the policy being loosened.
 */
export async function collectCspViolations(context: BrowserContext, violations: string[] = []): Promise<string[]> {
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' in ' + (e.sourceFile || e.documentURI) + ':' + e.lineNumber));`,
  });
  context.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|CSP violation/i.test(text)) violations.push(`${message.location().url}: ${text}`);
  });
  return violations;
}

/**
 * Builds web/dist when it is missing or older than a file under web/ (so the test never runs a stale UI).
 * Test files run in parallel processes: a lock directory lets one build while the others wait for it.
 */
export async function ensureWebBuild(): Promise<void> {
  const lock = path.join(root, 'web/.build-lock');
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // a lock left by a killed run is stale after 5 minutes
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      if ((held && Date.now() - held.mtimeMs > 300_000) || Date.now() > deadline) fs.rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    await buildIfStale();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

async function buildIfStale(): Promise<void> {
  const index = path.join(root, 'web/dist/index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const newest = Math.max(
    newestMtime(path.join(root, 'web/src')),
    fs.statSync(path.join(root, 'web/index.html')).mtimeMs,
    fs.statSync(path.join(root, 'vite.config.ts')).mtimeMs,
  );
  if (built > newest) return;
  const { build } = await import('vite');
  // vitest runs with NODE_ENV=test; the bundle must be a production build
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

export const shots: string[] = [];

/** The pages the README shows (docs/screenshots); the others stay in test-results. */
const documented = new Set([
  'login',
  'production',
  'designer',
  'designer-cycle',
  'plan',
  'plan-problems',
  'plan-schedule',
  'refused',
  'portal',
  'portal-complete',
  'portal-offline',
  'board',
  'master-data-material',
  'master-data-calendar',
  // analytics (test/e2e/analytics.test.ts)
  'analytics-oee',
  'analytics-pareto',
  'analytics-drilldown',
  // the UI in Turkish (test/e2e/i18n.test.ts)
  'portal-tr',
  'plan-tr',
]);

/** A viewport screenshot into test-results/screenshots (and docs/screenshots with UPDATE_SCREENSHOTS=1). */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled' });
  shots.push(file);
  if (process.env.UPDATE_SCREENSHOTS === '1' && documented.has(name)) {
    fs.mkdirSync(docsScreenshotDir, { recursive: true });
    fs.copyFileSync(file, path.join(docsScreenshotDir, `${name}.png`));
  }
}

/** Drags with the mouse from the centre of one element to the centre of another, in steps (React Flow's connection gesture). */
export async function mouseDrag(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('drag: an element is not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2 + a.width / 2, (a.y + b.y) / 2 + a.height / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** Connects step `from` (its output handle) to step `to` (its input handle) on the designer canvas. */
export async function connectSteps(page: Page, from: string, to: string): Promise<void> {
  await mouseDrag(
    page,
    page.locator(`[data-testid="design-node-${from}"] .react-flow__handle.source`),
    page.locator(`[data-testid="design-node-${to}"] .react-flow__handle.target`),
  );
}

/** One test file's server and browser (see browserSuite). */
export interface BrowserSuite {
  /** The server's base URL (http://127.0.0.1:port). */
  readonly url: string;
  /**
   * A page in a new browser context, closed after the file's tests: the server as base URL, the
   * default viewport and timeout (both overridable), browser errors logged, and the context's
   * Content-Security-Policy violations collected into `csp` when given.
   */
  newPage(options?: BrowserContextOptions & { csp?: string[] }): Promise<Page>;
  /** A bearer token of the user, signed in outside the browser (a sign-in inside would replace a page's session cookie). */
  token(username: string, password: string): Promise<string>;
}

/**
 * The server and browser of an end-to-end test file: a fresh data folder and server (with `env`,
 * sign-in rate limits lifted) and the system Chromium, started before the file's tests (the web
 * build first: the server serves web/dist only if it exists when it starts); every context, the
 * browser, the server and its data folder closed and removed after them. Call it inside `describe`.
 */
export function browserSuite(name: string, env: NodeJS.ProcessEnv, timeout = 20_000, browserArgs: string[] = []): BrowserSuite {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let dataDir: string | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    await ensureWebBuild();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `mes-e2e-${name}-`));
    server = await startServer({ MES_DATA_DIR: dataDir, MES_LOGIN_RATE_LIMIT: '1000', ...env }, 150_000);
    browser = await launchBrowser(browserArgs);
  }, 300_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (shots.length > 0) console.log(`screenshots: ${shots.map((s) => path.basename(s)).join(', ')}`);
  });
  const started = () => {
    if (!server || !browser) throw new Error('the browser suite has not started (call browserSuite inside describe)');
    return { server, browser };
  };
  return {
    get url() {
      return started().server.url;
    },
    async newPage({ csp, ...options } = {}) {
      const { server, browser } = started();
      const context = await browser.newContext({ viewport, baseURL: server.url, ...options });
      context.setDefaultTimeout(timeout);
      contexts.push(context);
      if (csp) await collectCspViolations(context, csp);
      const page = await context.newPage();
      page.on('pageerror', (e) => console.log(`browser error: ${e.message}`));
      return page;
    },
    async token(username, password) {
      const res = await fetch(`${started().server.url}/api/mes/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (!res.ok) throw new Error(`sign-in of ${username} failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
  };
}

/**
 * A caller of the suite's API as the holder of `token()` (a bearer token, read at each call): the
 * method, the path below /api/mes and an optional JSON body; expects a 2xx answer and returns its
 * parsed body (undefined when empty).
 */
export function apiCaller(suite: BrowserSuite, token: () => string) {
  return async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${suite.url}/api/mes${url}`, {
      method,
      headers: { authorization: `Bearer ${token()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    expect(res.status, `${method} ${url}: ${text}`).toBeLessThan(300);
    return text ? JSON.parse(text) : undefined;
  };
}

/** Signs in on the sign-in page with a password and waits for the plans list (the English UI). */
export async function signInWithPassword(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Production plans' }).waitFor();
}

/**
 * Signs an operator in on the portal with the on-screen PIN keypad, as on the tablet (the English UI). Waits for
 * nothing after the click: what follows (a task, an empty queue, a refusal) is the caller's to wait for.
 */
export async function signInWithPin(page: Page, workerId: string, pin: string): Promise<void> {
  await page.goto('/portal');
  await page.getByRole('tab', { name: 'Shop floor (PIN)' }).click();
  await page.getByLabel('Worker id').fill(workerId);
  for (const digit of pin) await page.getByRole('button', { name: `PIN keypad: ${digit}`, exact: true }).click();
  await page.getByRole('button', { name: 'Sign in' }).click();
}
