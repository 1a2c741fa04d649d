/**
 * The UI in Turkish, end to end (issue #20): a browser whose language is
 * Turkish walks the main pages (sign-in, plans, designer, a plan, the live
 * board, every master-data tab, users, the portal's sign-in and queue) and
 * fails on any visible text that is still an English catalog value (values
 * the same in both languages, codes and names from data aside); dates and
 * numbers are in Turkish format; switching to English in the header is kept
 * on the server for the next sign-in. UPDATE_SCREENSHOTS=1 refreshes
 * docs/screenshots/portal-tr.png and plan-tr.png.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import en from '../../web/src/i18n/en.json' with { type: 'json' };
import tr from '../../web/src/i18n/tr.json' with { type: 'json' };
import { browserSuite, hasChromium, screenshot } from './browser.js';

const password = 'e2e-admin-pass-1';
const pin = '4321';
const timeout = 20_000;

/** Values that name things in data (a station's first substation is "<station> unit 1"): the seed's names look the same. */
const dataShaped = ['master.firstUnit', 'substations.placeholder'];

type Catalog = { [key: string]: string | Catalog };
function flatten(c: Catalog, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else flatten(v, `${prefix}${k}.`, out);
  }
  return out;
}

/**
 * What English looks like on a page: every English value that differs from its Turkish one,
 * as a whole-text pattern ({{x}} matches anything); a value whose words are all placeholders
 * ("{{n}} {{what}}") says nothing about the language and is left out.
 */
function englishPatterns(): { key: string; pattern: RegExp }[] {
  const names = new Set(dataShaped);
  const english = flatten(en as Catalog);
  const turkish = flatten(tr as Catalog);
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...english]
    .filter(([key, value]) => !names.has(key) && value !== turkish.get(key) && /[A-Za-z]{2,}/.test(value.replace(/\{\{[^}]+\}\}/g, '')))
    .map(([key, value]) => ({
      key,
      pattern: new RegExp(
        `^${value
          .split(/\{\{[^}]+\}\}/)
          .map(escape)
          .join('.+')}$`,
      ),
    }));
}

describe.skipIf(!hasChromium)('the UI in Turkish', () => {
  // the demo floor: plans in production, operators with work, stock and calendars to show
  const suite = browserSuite('tr', { MES_ADMIN_PASSWORD: password, MES_DEMO_PIN: pin }, timeout);
  const patterns = englishPatterns();
  /** A page whose language is Turkish (navigator.languages = ['tr-TR', 'tr']), in Istanbul's time zone. */
  const turkishPage = () => suite.newPage({ locale: 'tr-TR', timezoneId: 'Europe/Istanbul' });

  /** The visible text nodes of the page, each trimmed. */
  const visibleTexts = (page: Page) =>
    // a string, run in the page: this file is type-checked without the DOM's types
    page.evaluate<string[]>(`(() => {
      const texts = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent.trim();
        const parent = node.parentElement;
        if (!text || !parent || parent.closest('script, style')) continue;
        if (!parent.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
        texts.push(text);
      }
      return texts;
    })()`);

  /** Names from data that happen to read as English words (the seeded user names "admin" and "planner"). */
  const dataNames = new Set<string>();

  /** Fails with every English text on the page, and the catalog key it came from. */
  async function expectNoEnglish(page: Page, where: string) {
    // wait for the page's data: nothing is loading any more
    // (a locator, not waitForFunction: a predicate given as a string is eval'd in the page, which the CSP refuses)
    await page.getByText('Yükleniyor…').first().waitFor({ state: 'hidden', timeout });
    const english = (await visibleTexts(page))
      .filter((text) => !dataNames.has(text))
      .flatMap((text) => patterns.filter((p) => p.pattern.test(text)).map((p) => `"${text}" (${p.key})`));
    expect(english, `English text left on ${where}`).toEqual([]);
    return visibleTexts(page);
  }

  async function signIn(page: Page, username: string) {
    await page.goto('/');
    await page.getByLabel('Kullanıcı adı').fill(username);
    await page.getByLabel('Parola').fill(password);
    await page.getByRole('button', { name: 'Giriş yap' }).click();
    await page.getByRole('heading', { name: 'Üretim planları' }).waitFor();
  }

  async function api<T>(token: string, url: string, init: RequestInit = {}): Promise<T> {
    const res = await fetch(`${suite.url}/api/mes${url}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    });
    expect(res.status, `${url}: ${await res.clone().text()}`).toBeLessThan(300);
    return (await res.json()) as T;
  }

  it('walks the planner’s and admin’s pages with no English left; dates and numbers in Turkish', async () => {
    const token = await suite.token('admin', password);
    const users = await api<{ items: { username: string; displayName: string }[] }>(token, '/users?limit=500');
    for (const u of users.items) dataNames.add(u.username).add(u.displayName);
    // a quantity with a thousands separator and decimals, to read back in Turkish
    // (an untracked one: a lot-tracked material's stock moves only through its lots)
    const materials = await api<{ items: { code: string; stock: number; lotTracked: boolean }[] }>(token, '/materials?limit=100');
    const material = materials.items.find((m) => !m.lotTracked)!;
    await api(token, `/materials/${encodeURIComponent(material.code)}/adjustments`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'receipt', quantity: 1000.5, reason: 'e2e' }),
    });
    // e.g. 1500 + 1000.5 → "2.500,5": a thousands dot and a decimal comma
    const stockText = new Intl.NumberFormat('tr-TR', { maximumFractionDigits: 3 }).format(material.stock + 1000.5);
    const plans = await api<{ items: { id: string; status: string }[] }>(token, '/production-plans?status=in_production&status=released&limit=1');
    const planId = plans.items[0]!.id;

    const page = await turkishPage();
    await page.goto('/');
    await page.getByRole('button', { name: 'Giriş yap' }).waitFor();
    await expectNoEnglish(page, 'the sign-in screen');
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('tr');

    await signIn(page, 'admin');
    const planList = await expectNoEnglish(page, '/production');
    // a planned end, as Turkish writes it: "4 Ara Cum 09:30" (day, month and weekday abbreviated in Turkish)
    expect(planList.join('\n')).toMatch(/\b\d{1,2} (Oca|Şub|Mar|Nis|May|Haz|Tem|Ağu|Eyl|Eki|Kas|Ara)\b.*\d{2}:\d{2}/);

    await page.goto(`/production/${planId}`);
    await page.getByTestId('plan-status').waitFor();
    await page.locator('.react-flow__node').first().waitFor();
    await expectNoEnglish(page, `/production/${planId}`);
    // the graph library's own controls are named in Turkish too (they are labels, not text: checked by name)
    await page.getByRole('button', { name: 'Yakınlaştır', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: /^(Zoom In|Zoom Out|Fit View)$/ }).count()).toBe(0);
    await screenshot(page, 'plan-tr');

    await page.goto('/designer');
    await page.getByRole('heading', { name: 'Operasyonlar' }).waitFor();
    await expectNoEnglish(page, '/designer');
    await page.getByRole('button', { name: 'Şemanın tamamını sığdır', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: /^(Zoom In|Zoom Out|Fit View|Toggle Interactivity)$/ }).count()).toBe(0);

    await page.goto('/board');
    await page.getByRole('heading', { name: 'Canlı pano' }).waitFor();
    await expectNoEnglish(page, '/board');

    for (const [tab, heading] of [
      ['operations', 'Operasyonlar'],
      ['stations', 'İstasyonlar'],
      ['workers', 'Çalışanlar'],
      ['materials', 'Malzemeler'],
      ['calendars', 'Vardiya takvimleri'],
    ] as const) {
      await page.goto(`/master/${tab}`);
      await page.getByRole('tab', { name: heading, selected: true }).waitFor();
      await page.locator('tbody tr').first().waitFor();
      const texts = await expectNoEnglish(page, `/master/${tab}`);
      if (tab === 'materials') expect(texts.join('\n')).toContain(stockText);
    }
    await page.getByRole('row').nth(1).click();
    await page.getByRole('dialog').waitFor();
    await expectNoEnglish(page, 'a shift calendar dialog');

    await page.goto('/users');
    await page.getByRole('heading', { name: 'Kullanıcılar' }).waitFor();
    await page.locator('tbody tr').first().waitFor();
    await expectNoEnglish(page, '/users');
    await page
      .getByRole('row', { name: /kullanıcısını yönet/ })
      .first()
      .click();
    await page.getByRole('dialog').waitFor();
    await expectNoEnglish(page, 'a user dialog');
  }, 180_000);

  it('shows the portal’s sign-in and queue in Turkish; a switch to English is kept for the next sign-in', async () => {
    const page = await turkishPage();
    await page.goto('/portal');
    await page.getByRole('tab', { name: 'Atölye (PIN)' }).click();
    await expectNoEnglish(page, 'the portal sign-in');
    await page.getByLabel('Çalışan kodu').fill('W-001');
    for (const digit of pin) await page.getByRole('button', { name: `PIN tuş takımı: ${digit}`, exact: true }).click();
    await page.getByRole('button', { name: 'Giriş yap' }).click();
    await page.getByTestId('current-task').or(page.getByText('Şu anda size ait görev yok')).waitFor();
    await expectNoEnglish(page, 'the portal');
    await screenshot(page, 'portal-tr');

    // the operator switches to English: the page follows at once, and the server keeps it
    await page.getByRole('combobox', { name: 'Dil' }).selectOption('en');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    // a fresh Turkish browser: the sign-in screen is Turkish, the operator's own choice wins after sign-in
    const again = await turkishPage();
    await again.goto('/portal');
    await again.getByRole('tab', { name: 'Atölye (PIN)' }).click();
    await again.getByLabel('Çalışan kodu').fill('W-001');
    for (const digit of pin) await again.getByRole('button', { name: `PIN tuş takımı: ${digit}`, exact: true }).click();
    await again.getByRole('button', { name: 'Giriş yap' }).click();
    await again.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await again.evaluate<string>('document.documentElement.lang')).toBe('en');
  }, 120_000);
});
