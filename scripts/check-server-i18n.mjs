#!/usr/bin/env node
/**
 * The server's message catalogs (src/i18n/en.json, tr.json; issue #20), checked by `npm run lint`:
 * - each file parses and is a flat object of strings (a malformed file fails here, not for a user);
 * - both hold the same keys, and each key the same {{placeholders}} in both languages;
 * - every key the code uses exists: `m('key', …)`, `notFound('what', …)` (key `not_found.what`);
 * - no key is unused: a key counts as used when src/ has it as a string literal, or a template
 *   literal that starts with its prefix (`problem.${kind}` uses every `problem.*`).
 * Exits 1 naming every problem.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const catalogDir = join(root, 'src/i18n');
const languages = ['en', 'tr'];
const problems = [];

const catalogs = {};
for (const lng of languages) {
  const file = join(catalogDir, `${lng}.json`);
  try {
    const data = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not a JSON object');
    for (const [key, value] of Object.entries(data)) if (typeof value !== 'string') problems.push(`${lng}.json: "${key}" is not a string`);
    catalogs[lng] = data;
  } catch (error) {
    problems.push(`${relative(root, file)}: ${error.message}`);
    catalogs[lng] = undefined;
  }
}

const placeholders = (text) => [...String(text).matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((x) => x[1]).sort();
const [base, ...others] = languages;
if (!catalogs[base]) {
  process.stdout.write(`server message catalogs: ${problems.join('; ')}\n`);
  process.exit(1);
}
for (const lng of others.filter((l) => catalogs[l])) {
  for (const key of Object.keys(catalogs[base])) {
    if (!(key in catalogs[lng])) problems.push(`${lng}.json: missing "${key}"`);
    else if (placeholders(catalogs[base][key]).join() !== placeholders(catalogs[lng][key]).join())
      problems.push(`${lng}.json: "${key}" has placeholders {${placeholders(catalogs[lng][key])}}, ${base}.json has {${placeholders(catalogs[base][key])}}`);
  }
  for (const key of Object.keys(catalogs[lng])) if (!(key in catalogs[base])) problems.push(`${lng}.json: "${key}" is not in ${base}.json`);
}

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.tsx?$/.test(name)) yield path;
  }
}

const keys = new Set(Object.keys(catalogs[base]));
const used = new Set();
for (const file of sources(join(root, 'src'))) {
  const text = readFileSync(file, 'utf8');
  const where = relative(root, file);
  for (const [, , literal] of text.matchAll(/(['"])([^'"\n\\]+)\1/g)) if (keys.has(literal)) used.add(literal);
  for (const [, prefix] of text.matchAll(/`([a-z_]+(?:\.[a-z0-9_]+)*\.)\$\{/g)) for (const key of keys) if (key.startsWith(prefix)) used.add(key);
  for (const [, key] of text.matchAll(/\bm\(\s*'([^']+)'/g)) if (!keys.has(key)) problems.push(`${where}: m('${key}') is not in ${base}.json`);
  for (const [, what] of text.matchAll(/\bnotFound\(\s*'([^']+)'/g)) {
    const key = `not_found.${what}`;
    if (keys.has(key)) used.add(key);
    else problems.push(`${where}: notFound('${what}') needs "${key}" in ${base}.json`);
  }
}
for (const key of keys) if (!used.has(key)) problems.push(`${base}.json: "${key}" is not used in src/`);

if (problems.length > 0) {
  process.stdout.write(`server message catalogs: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}\n`).join('')}`);
  process.exit(1);
}
process.stdout.write(`server message catalogs: ${keys.size} keys in ${languages.join(', ')}, all used\n`);
