/**
 * scripts/check-i18n.mjs fails the lint, not the user: broken catalogs (malformed JSON,
 * a key missing in one language, an unused key, placeholders that differ, a key the code
 * uses that no catalog has, a key built at run time) each make it exit non-zero, naming
 * the problem; a consistent pair passes.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = join(import.meta.dirname, '../../scripts/check-i18n.mjs');
const base = mkdtempSync(join(tmpdir(), 'check-i18n-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
/** A catalog root with the given files; returns the check's exit code and output. */
async function check(catalogs: Record<string, string | object>, code: string) {
  const dir = join(base, String(++n));
  mkdirSync(join(dir, 'i18n'), { recursive: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (const [lang, content] of Object.entries(catalogs))
    writeFileSync(join(dir, 'i18n', `${lang}.json`), typeof content === 'string' ? content : JSON.stringify(content));
  writeFileSync(join(dir, 'src', 'page.tsx'), code);
  try {
    const { stdout } = await run(process.execPath, [script, '--root', `${join(dir, 'i18n')}=${join(dir, 'src')}`]);
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

const en = { page: { title: 'Plans', count_one: '{{n}} plan', count_other: '{{n}} plans', hello: 'Hello {{name}}' } };
const tr = { page: { title: 'Planlar', count_one: '{{n}} plan', count_other: '{{n}} plan', hello: 'Merhaba {{name}}' } };
const uses = "t('page.title'); t('page.count', { count, n }); t('page.hello', { name });";

describe('scripts/check-i18n.mjs', () => {
  it('passes consistent catalogs whose every key is used (plural forms count as their key)', async () => {
    const result = await check({ en, tr }, uses);
    expect(result.output).toMatch(/i18n check passed/);
    expect(result.code).toBe(0);
  });

  it('fails on a malformed catalog', async () => {
    const result = await check({ en, tr: '{ "page": { "title": "Planlar", } ' }, uses);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/tr\.json: not valid JSON/);
  });

  it('fails on a catalog holding something other than text', async () => {
    const result = await check({ en, tr: { page: { ...tr.page, title: ['Planlar'] } } }, uses);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/page\.title is an array/);
  });

  it('fails on a key missing in one language', async () => {
    const { hello: _hello, ...rest } = tr.page;
    const result = await check({ en, tr: { page: rest } }, uses);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/key "page\.hello" is missing in tr\.json/);
  });

  it('fails on an unused key', async () => {
    const result = await check({ en: { page: { ...en.page, old: 'Old' } }, tr: { page: { ...tr.page, old: 'Eski' } } }, uses);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/key "page\.old" is not used/);
  });

  it('fails when placeholders differ between languages', async () => {
    const result = await check({ en, tr: { page: { ...tr.page, hello: 'Merhaba {{isim}}' } } }, uses);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/key "page\.hello" has placeholders \{name\} in en\.json but \{isim\} in tr\.json/);
  });

  it('fails on a key the code uses that no catalog holds, and on a key built at run time', async () => {
    const missing = await check({ en, tr }, `${uses} t('page.subtitle');`);
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/key "page\.subtitle" is used in the code but in no catalog/);
    const dynamic = await check({ en, tr }, `${uses} t(\`page.\${which}\`);`);
    expect(dynamic.code).toBe(1);
    expect(dynamic.output).toMatch(/page\.tsx:1: a translation key built at run time/);
  });
});
