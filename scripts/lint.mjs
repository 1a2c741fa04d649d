#!/usr/bin/env node
/**
 * `npm run lint`: ESLint, Prettier's check, dependency-cruiser and the translation catalogs'
 * check (scripts/check-i18n.mjs), side by side.
 *
 * They run at once (the machine has two cores, and a hook runs this with a 60 s budget),
 * each one's output is printed whole when it ends, and the run fails if any of them failed,
 * so one run shows every kind of problem. Each keeps a cache under node_modules/.cache, keyed
 * by file content: a second run looks again only at what changed. Any of them alone:
 * `npm run lint:eslint`, `npm run lint:format`, `npm run lint:deps`, `npm run lint:i18n`.
 */
import { spawn } from 'node:child_process';

const tools = [
  { name: 'eslint', script: 'lint:eslint' },
  { name: 'prettier', script: 'lint:format' },
  { name: 'dependency-cruiser', script: 'lint:deps' },
  { name: 'i18n catalogs', script: 'lint:i18n' },
];

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = performance.now();

const results = await Promise.all(
  tools.map(
    ({ name, script }) =>
      new Promise((resolve) => {
        const t0 = performance.now();
        const child = spawn(npm, ['run', '--silent', script], {
          stdio: ['ignore', 'pipe', 'pipe'],
          // the children write to a pipe, so they would not colour on their own; keep colours for a terminal
          env: process.stdout.isTTY ? { ...process.env, FORCE_COLOR: '1' } : process.env,
        });
        const out = [];
        child.stdout.on('data', (c) => out.push(c));
        child.stderr.on('data', (c) => out.push(c));
        child.on('error', (error) => resolve({ name, code: 1, seconds: 0, output: String(error) }));
        child.on('close', (code, signal) => {
          const seconds = (performance.now() - t0) / 1000;
          const result = { name, code: code ?? 1, signal, seconds, output: Buffer.concat(out).toString() };
          const status = result.code === 0 ? 'ok' : signal ? `killed (${signal})` : `failed (exit ${result.code})`;
          process.stdout.write(`== ${name}: ${status} in ${seconds.toFixed(1)} s\n${result.output.trimEnd() ? result.output.trimEnd() + '\n' : ''}`);
          resolve(result);
        });
      }),
  ),
);

const failed = results.filter((r) => r.code !== 0).map((r) => r.name);
const total = ((performance.now() - started) / 1000).toFixed(1);
if (failed.length > 0) {
  process.stdout.write(`lint failed (${failed.join(', ')}) in ${total} s\n`);
  process.exit(1);
}
process.stdout.write(`lint passed in ${total} s\n`);
