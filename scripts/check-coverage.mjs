#!/usr/bin/env node
/**
 * node scripts/check-coverage.mjs [MIN_PERCENT]
 *
 * Reads coverage/coverage-summary.json (written by `npm test`, see
 * vitest.config.ts) and fails when line coverage of src/ is below the floor:
 * the argument, else MES_COVERAGE_MIN, else 80. Exit 0 at or above it, 1 below
 * it or when the summary is missing or unreadable.
 */
import fs from 'node:fs';
import path from 'node:path';

const file = path.resolve(import.meta.dirname, '..', 'coverage', 'coverage-summary.json');
const min = Number(process.argv[2] ?? process.env.MES_COVERAGE_MIN ?? 80);
if (!Number.isFinite(min) || min < 0 || min > 100) {
  console.error(`check-coverage: the minimum must be a percentage, got "${process.argv[2] ?? process.env.MES_COVERAGE_MIN}"`);
  process.exit(1);
}

let total;
try {
  total = JSON.parse(fs.readFileSync(file, 'utf8')).total;
} catch (error) {
  console.error(`check-coverage: cannot read ${path.relative(process.cwd(), file)} (run npm test first): ${error.message}`);
  process.exit(1);
}
const lines = total?.lines;
if (typeof lines?.pct !== 'number') {
  console.error(`check-coverage: ${file} has no total line coverage`);
  process.exit(1);
}

const summary = `line coverage ${lines.pct.toFixed(2)}% (${lines.covered}/${lines.total} lines of src/), minimum ${min}%`;
if (lines.pct < min) {
  console.error(`check-coverage: FAILED ${summary}`);
  process.exit(1);
}
console.log(`check-coverage: OK ${summary}`);
