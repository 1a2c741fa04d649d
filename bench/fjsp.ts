/**
 * Schedule quality on public flexible job-shop benchmarks: `npm run bench:fjsp`
 *
 *   --set hurink-edata,brandimarte   sets to run (folders of bench/fjsp/; default: all)
 *   --budget 1000                     time budget of the long run in ms (default 1000)
 *   --instances la01,mk03             only these instances
 *
 * Each instance is fed as ONE plan to schedulePlan (see bench/fjsp/instance.ts)
 * and run twice:
 *  - "budget": timeBudgetMs = --budget, with no iteration cap and no patience,
 *    so the search uses the whole budget;
 *  - "release": exactly what a release does, timeBudgetMs = MES_SCHEDULER_BUDGET_MS
 *    (default 100) with the default maxIterations / patience.
 * Every result is checked by test/scheduler/checker.ts (precedence, one task
 * per worker / substation at a time, durations, candidate stations). The
 * reference printed next to each figure is the greedy schedule of the same
 * run (LRP list + earliest finish, improve:false) and the published best
 * known makespan (bench/fjsp/known.json, from bench/fjsp/README.md's source).
 */
import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { schedulePlan } from '../src/scheduler/index.js';
import type { ScheduleInput, ScheduleOptions } from '../src/scheduler/index.js';
import { checkSchedule } from '../test/scheduler/checker.js';
import { machine } from './lib.js';
import { fjspToInput, readFjsp, readKnown } from './fjsp/instance.js';

interface Run {
  makespan: number;
  gap: number;
  iterations: number;
  ms: number;
  feasible: boolean;
  belowLower: boolean;
}

const { values } = parseArgs({
  options: {
    set: { type: 'string' },
    budget: { type: 'string', default: '1000' },
    instances: { type: 'string' },
  },
});
const budget = Number(values.budget);
if (!Number.isFinite(budget) || budget <= 0) throw new Error('--budget must be a positive number of ms');
const releaseBudget = Number(process.env.MES_SCHEDULER_BUDGET_MS ?? 100);
const known = readKnown();
const sets = values.set ? values.set.split(',') : Object.keys(known);
const only = values.instances ? new Set(values.instances.split(',')) : undefined;

function run(input: ScheduleInput, options: ScheduleOptions, best: number, lower: number): Run {
  const t = performance.now();
  const res = schedulePlan({ ...input, options });
  const ms = performance.now() - t;
  const errs = checkSchedule(input, res);
  if (errs.length > 0) console.error(`  INFEASIBLE: ${errs.slice(0, 3).join('; ')}`);
  const makespan = res.stats.makespanMinutes;
  return { makespan, gap: (100 * (makespan - best)) / best, iterations: res.stats.iterations, ms, feasible: errs.length === 0, belowLower: makespan < lower };
}

const pad = (s: string | number, w: number): string => String(s).padStart(w);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

console.log('Burkol MES scheduler on public flexible job-shop benchmarks');
console.log(`machine: ${machine()}`);
console.log(`budget run: timeBudgetMs ${budget}, no iteration cap, no patience; release run: timeBudgetMs ${releaseBudget}, default maxIterations/patience`);
console.log('gap % = (makespan - best known) / best known; greedy = LRP list + earliest finish (improve:false), same run');
console.log('');

const summary: string[] = [];
for (const set of sets) {
  const table = known[set];
  if (!table) throw new Error(`unknown set ${set} (known: ${Object.keys(known).join(', ')})`);
  const names = readdirSync(new URL(`./fjsp/${set}/`, import.meta.url))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4))
    .filter((n) => !only || only.has(n))
    .sort();
  if (names.length === 0) continue;
  console.log(`== ${set}`);
  console.log(
    `${'instance'.padEnd(8)} ${pad('ops', 4)} ${pad('best', 6)} ${pad('greedy', 7)} ${pad('gap%', 6)} | ${pad('budget', 7)} ${pad('gap%', 6)} ${pad('iters', 7)} ${pad('ms', 6)} | ${pad('release', 7)} ${pad('gap%', 6)} ${pad('iters', 6)} ${pad('ms', 5)}`,
  );
  const greedyGaps: number[] = [];
  const longRuns: Run[] = [];
  const relRuns: Run[] = [];
  for (const name of names) {
    const k = table[name];
    if (!k) throw new Error(`${set}/${name}: no best known value in known.json`);
    const input = fjspToInput(readFjsp(set, name));
    // warm-up (JIT) so the first instance is not measured cold
    schedulePlan({ ...input, options: { maxIterations: 50, timeBudgetMs: 60_000 } });
    const greedy = run(input, { improve: false }, k.best, k.lower);
    const long = run(input, { timeBudgetMs: budget, maxIterations: 1e9, patience: 0 }, k.best, k.lower);
    const rel = run(input, { timeBudgetMs: releaseBudget }, k.best, k.lower);
    greedyGaps.push(greedy.gap);
    longRuns.push(long);
    relRuns.push(rel);
    const flag = (r: Run): string => (!r.feasible ? ' INFEASIBLE' : r.belowLower ? ' BELOW LOWER BOUND' : '');
    console.log(
      `${name.padEnd(8)} ${pad(input.nodes.length, 4)} ${pad(k.best, 6)} ${pad(greedy.makespan, 7)} ${pad(greedy.gap.toFixed(1), 6)} | ` +
        `${pad(long.makespan, 7)} ${pad(long.gap.toFixed(2), 6)} ${pad(long.iterations, 7)} ${pad(long.ms.toFixed(0), 6)} | ` +
        `${pad(rel.makespan, 7)} ${pad(rel.gap.toFixed(2), 6)} ${pad(rel.iterations, 6)} ${pad(rel.ms.toFixed(0), 5)}${flag(long)}${flag(rel)}`,
    );
  }
  const line = (what: string, rs: Run[]): string =>
    `| ${set} | ${rs.length} | ${what} | ${mean(rs.map((r) => r.gap)).toFixed(2)} | ${Math.max(...rs.map((r) => r.gap)).toFixed(2)} | ${rs.filter((r) => r.feasible).length}/${rs.length} | ${mean(rs.map((r) => r.ms)).toFixed(0)} |`;
  summary.push(`| ${set} | ${names.length} | greedy (improve:false) | ${mean(greedyGaps).toFixed(2)} | ${Math.max(...greedyGaps).toFixed(2)} | - | - |`);
  summary.push(line(`${budget} ms, full budget`, longRuns));
  summary.push(line(`${releaseBudget} ms, release defaults`, relRuns));
  console.log('');
}
console.log('| set | instances | run | mean gap % | max gap % | feasible | mean ms |');
console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: |');
for (const s of summary) console.log(s);
