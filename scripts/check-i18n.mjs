#!/usr/bin/env node
/**
 * `npm run lint:i18n` (and part of `npm run lint`): the translation catalogs agree with
 * each other and with the code that uses them (issue #20).
 *
 * For each catalog root (a folder holding one `<language>.json` per language, and the
 * source folders whose code uses its keys) it fails when:
 *   - a catalog is not valid JSON, or holds anything but nested objects of strings;
 *   - a key is in one language and not in another;
 *   - a key's {{placeholders}} differ between languages;
 *   - a key is used nowhere in the sources (unused), or the code names a key that no
 *     catalog holds (a string literal that looks like a key of the catalog: its first
 *     segment is one of the catalog's top-level namespaces);
 *   - a key is built at run time: t(`status.${s}`) or i18nKey={`…${x}`}. The sanctioned
 *     way to reach keys from an enum is a literal map, `Record<Enum, string>` of full keys
 *     (web/src/labels.ts), which TypeScript keeps complete and this check can read.
 *
 * Plural forms (`key_one`, `key_other`, `key_zero`, …) count as one key `key` for "used".
 *
 * The roots are listed below; the server's catalogs join the list when they exist (the
 * `msgs` work keeps them in src/i18n/). Tests and other layouts pass them on the command
 * line instead: `--root <catalogDir>=<sourceDir>[,<sourceDir>…]` (repeatable).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The catalog roots of this repository; a root whose folder does not exist is skipped. */
const defaultRoots = [
  { catalogs: 'web/src/i18n', sources: ['web/src'] },
  { catalogs: 'src/i18n', sources: ['src'] },
];

const pluralSuffix = /_(zero|one|two|few|many|other)$/;
const sourceFile = /\.(ts|tsx|js|jsx|mjs)$/;

function parseArgs(argv) {
  const roots = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--root') continue;
    const [catalogs, sources] = (argv[++i] ?? '').split('=');
    if (!catalogs || !sources) throw new Error('--root wants <catalogDir>=<sourceDir>[,<sourceDir>…]');
    roots.push({ catalogs: resolve(catalogs), sources: sources.split(',').map((s) => resolve(s)) });
  }
  return roots.length > 0 ? roots : defaultRoots.map((r) => ({ catalogs: join(repo, r.catalogs), sources: r.sources.map((s) => join(repo, s)) }));
}

/** Every leaf of a catalog as "a.b.c" → string; anything that is not an object of strings is an error. */
function flatten(value, prefix, out, errors, file) {
  if (typeof value === 'string') {
    out.set(prefix, value);
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    errors.push(`${file}: ${prefix || '(top)'} is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}, not text or a group of keys`);
    return;
  }
  if (prefix && Object.keys(value).length === 0) errors.push(`${file}: ${prefix} is an empty group`);
  for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out, errors, file);
}

/** {{name}} and {{name, format}} → the names, sorted. */
function placeholders(text) {
  return [...text.matchAll(/\{\{\s*([^,}\s]+)[^}]*\}\}/g)].map((m) => m[1]).sort();
}

function walk(dir, files = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, files);
    else if (sourceFile.test(name)) files.push(path);
  }
  return files;
}

/** The key-shaped string literals of a source file ('plans.title', "a.b", `a.b_c`): dotted words in quotes. */
function keyLiterals(code) {
  return [...code.matchAll(/(['"`])([a-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+)\1/g)].map((m) => m[2]);
}

function checkRoot(root) {
  const errors = [];
  const name = relative(process.cwd(), root.catalogs) || '.';
  const files = readdirSync(root.catalogs)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (files.length === 0) return [`${name}: no <language>.json catalog`];

  const catalogs = new Map();
  for (const file of files) {
    const path = join(root.catalogs, file);
    let json;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      errors.push(`${relative(process.cwd(), path)}: not valid JSON (${error.message})`);
      continue;
    }
    const keys = new Map();
    flatten(json, '', keys, errors, relative(process.cwd(), path));
    catalogs.set(file.replace(/\.json$/, ''), keys);
  }
  if (catalogs.size === 0) return errors;

  // the same keys, with the same placeholders, in every language
  const languages = [...catalogs.keys()];
  const allKeys = new Set([...catalogs.values()].flatMap((c) => [...c.keys()]));
  for (const key of [...allKeys].sort()) {
    const missingIn = languages.filter((l) => !catalogs.get(l).has(key));
    if (missingIn.length > 0) {
      errors.push(`${name}: key "${key}" is missing in ${missingIn.map((l) => `${l}.json`).join(', ')}`);
      continue;
    }
    const [first, ...rest] = languages;
    const expected = placeholders(catalogs.get(first).get(key)).join(', ');
    for (const l of rest) {
      const got = placeholders(catalogs.get(l).get(key)).join(', ');
      if (got !== expected) errors.push(`${name}: key "${key}" has placeholders {${expected}} in ${first}.json but {${got}} in ${l}.json`);
    }
  }

  // used and unused keys, and keys built at run time
  const bases = new Set([...allKeys].map((k) => k.replace(pluralSuffix, '')));
  const namespaces = new Set([...allKeys].map((k) => k.split('.')[0]));
  const used = new Set();
  for (const dir of root.sources) {
    if (!existsSync(dir)) continue;
    for (const file of walk(dir)) {
      const code = readFileSync(file, 'utf8');
      const where = relative(process.cwd(), file);
      for (const m of code.matchAll(/\bt\(\s*`[^`]*\$\{|i18nKey=\{?\s*`[^`]*\$\{/g)) {
        const line = code.slice(0, m.index).split('\n').length;
        errors.push(`${where}:${line}: a translation key built at run time; map the values to literal keys instead (see scripts/check-i18n.mjs)`);
      }
      for (const text of keyLiterals(code)) {
        if (bases.has(text) || allKeys.has(text)) used.add(text.replace(pluralSuffix, ''));
        else if (namespaces.has(text.split('.')[0])) {
          errors.push(`${where}: key "${text}" is used in the code but in no catalog of ${name}`);
        }
      }
    }
  }
  for (const base of [...bases].sort())
    if (!used.has(base)) errors.push(`${name}: key "${base}" is not used in ${root.sources.map((s) => relative(process.cwd(), s)).join(', ')}`);
  return errors;
}

const roots = parseArgs(process.argv.slice(2)).filter((r) => existsSync(r.catalogs));
const errors = roots.flatMap(checkRoot);
if (errors.length > 0) {
  process.stderr.write(`${errors.join('\n')}\ni18n check failed: ${errors.length} problem${errors.length === 1 ? '' : 's'}\n`);
  process.exit(1);
}
process.stdout.write(`i18n check passed: ${roots.map((r) => relative(process.cwd(), r.catalogs)).join(', ')}\n`);
