/**
 * Schedule quality on public flexible job-shop benchmarks: `npm run bench:fjsp`
 *
 *   --set hurink-edata,brandimarte   sets to run (folders of bench/fjsp/; default: all)
 *   --budget 1000                     time budget of the long run in ms (default 1000)
 *   --instances la01,mk03             only these instances
 *   --runs 2                          run everything this many times (default 1); the summary gives
 *                                     each figure's median over the runs (and each run's)
 *
 * Each instance is fed as ONE plan to schedulePlan (see bench/fjsp/instance.ts)
 * and run twice:
 *  - "budget": timeBudgetMs = --budget, with no iteration cap and no patience,
 *    so the search uses the whole budget;
 *  - "release": exactly what a release does, timeBudgetMs = MES_SCHEDULER_BUDGET_MS
 *    (default 100) with the default maxIterations / patience.
 * Wall time and the process's CPU time of each release run are printed with
 * the load average, so an overrun of the release budget can be told apart
 * from a process that was not given the CPU (shared, loaded machine).
 * Every result is checked by test/scheduler/checker.ts (precedence, one task
 * per worker / substation at a time, durations, candidate stations). The
 * reference printed next to each figure is the greedy schedule of the same
 * run (LRP list + earliest finish, improve:false) and the published best
 * known makespan (bench/fjsp/known.json, from bench/fjsp/README.md's source).
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
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
  cpuMs: number;
  feasible: boolean;
  belowLower: boolean;
}

const { values } = parseArgs({
  options: {
    set: { type: 'string' },
    budget: { type: 'string', default: '1000' },
    instances: { type: 'string' },
    runs: { type: 'string', default: '1' },
  },
});
const budget = Number(values.budget);
if (!Number.isFinite(budget) || budget <= 0) throw new Error('--budget must be a positive number of ms');
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
const releaseBudget = Number(process.env.MES_SCHEDULER_BUDGET_MS ?? 100);
const known = readKnown();
const sets = values.set ? values.set.split(',') : Object.keys(known);
const only = values.instances ? new Set(values.instances.split(',')) : undefined;

function run(input: ScheduleInput, options: ScheduleOptions, best: number, lower: number): Run {
  const c = process.cpuUsage();
  const t = performance.now();
  const res = schedulePlan({ ...input, options });
  const ms = performance.now() - t;
  const cu = process.cpuUsage(c);
  const errs = checkSchedule(input, res);
  if (errs.length > 0) console.error(`  INFEASIBLE: ${errs.slice(0, 3).join('; ')}`);
  const makespan = res.stats.makespanMinutes;
  return {
    makespan,
    gap: (100 * (makespan - best)) / best,
    iterations: res.stats.iterations,
    ms,
    cpuMs: (cu.user + cu.system) / 1000,
    feasible: errs.length === 0,
    belowLower: makespan < lower,
  };
}

const pad = (s: string | number, w: number): string => String(s).padStart(w);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

console.log('Burkol MES scheduler on public flexible job-shop benchmarks');
console.log(`machine: ${machine()}`);
console.log(`budget run: timeBudgetMs ${budget}, no iteration cap, no patience; release run: timeBudgetMs ${releaseBudget}, default maxIterations/patience`);
console.log('gap % = (makespan - best known) / best known; greedy = LRP list + earliest finish (improve:false), same run');
console.log('');

const load = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const median = (xs: number[]): number => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};
/** per set and run kind: one row of figures per run */
const figures = new Map<string, { set: string; count: number; what: string; rows: number[][] }>();
const record = (set: string, what: string, rs: Run[], withTimes: boolean): void => {
  const key = `${set}\u0000${what}`;
  const f = figures.get(key) ?? { set, count: rs.length, what, rows: [] };
  const row = [mean(rs.map((r) => r.gap)), Math.max(...rs.map((r) => r.gap)), rs.filter((r) => r.feasible).length];
  if (withTimes) row.push(mean(rs.map((r) => r.ms)), Math.max(...rs.map((r) => r.ms)), mean(rs.map((r) => r.cpuMs)));
  f.rows.push(row);
  figures.set(key, f);
};
for (let round = 1; round <= runs; round++) {
  console.log(`### run ${round}/${runs}, load average ${load()}`);
  for (const set of sets) {
    const table = known[set];
    if (!table) throw new Error(`unknown set ${set} (known: ${Object.keys(known).join(', ')})`);
    const names = readdirSync(new URL(`./fjsp/${set}/`, import.meta.url))
      .filter((f) => f.endsWith('.txt'))
      .map((f) => f.slice(0, -4))
      .filter((n) => !only || only.has(n))
      .sort();
    if (names.length === 0) continue;
    console.log(`== ${set} (load average ${load()})`);
    console.log(
      `${'instance'.padEnd(8)} ${pad('ops', 4)} ${pad('best', 6)} ${pad('greedy', 7)} ${pad('gap%', 6)} | ${pad('budget', 7)} ${pad('gap%', 6)} ${pad('iters', 7)} ${pad('ms', 6)} | ${pad('release', 7)} ${pad('gap%', 6)} ${pad('iters', 6)} ${pad('ms', 5)} ${pad('cpu', 5)}`,
    );
    const greedyRuns: Run[] = [];
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
      greedyRuns.push(greedy);
      longRuns.push(long);
      relRuns.push(rel);
      const flag = (r: Run): string => (!r.feasible ? ' INFEASIBLE' : r.belowLower ? ' BELOW LOWER BOUND' : '');
      console.log(
        `${name.padEnd(8)} ${pad(input.nodes.length, 4)} ${pad(k.best, 6)} ${pad(greedy.makespan, 7)} ${pad(greedy.gap.toFixed(1), 6)} | ` +
          `${pad(long.makespan, 7)} ${pad(long.gap.toFixed(2), 6)} ${pad(long.iterations, 7)} ${pad(long.ms.toFixed(0), 6)} | ` +
          `${pad(rel.makespan, 7)} ${pad(rel.gap.toFixed(2), 6)} ${pad(rel.iterations, 6)} ${pad(rel.ms.toFixed(0), 5)} ${pad(rel.cpuMs.toFixed(0), 5)}${flag(long)}${flag(rel)}`,
      );
    }
    record(set, 'greedy (improve:false)', greedyRuns, false);
    record(set, `${budget} ms, full budget`, longRuns, true);
    record(set, `${releaseBudget} ms, release defaults`, relRuns, true);
    console.log('');
  }
}
console.log(`medians over ${runs} run(s); per run in brackets; ms = wall time of the call, cpu = its process CPU time; load average now ${load()}`);
console.log('| set | instances | run | mean gap % | max gap % | feasible | mean ms | max ms | mean cpu ms |');
console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const f of figures.values()) {
  const cols = f.rows[0]!.map((_, i) => f.rows.map((r) => r[i]!));
  const cell = (i: number, digits: number): string => {
    const xs = cols[i];
    if (!xs) return '-';
    const m = median(xs).toFixed(digits);
    return xs.length > 1 ? `${m} [${xs.map((x) => x.toFixed(digits)).join(', ')}]` : m;
  };
  const feasible = cols[2]!.map((x) => `${x}/${f.count}`).join(', ');
  console.log(
    `| ${f.set} | ${f.count} | ${f.what} | ${cell(0, 2)} | ${cell(1, 2)} | ${f.what.startsWith('greedy') ? '-' : feasible} | ${cell(3, 0)} | ${cell(4, 0)} | ${cell(5, 0)} |`,
  );
}
