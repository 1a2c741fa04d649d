/**
 * Fingerprint of the scheduler's results: `npx tsx bench/scheduler-digest.ts`
 *
 * Runs schedulePlan on fixed inputs with fixed seeds and a clock that never
 * moves, so only maxIterations and the patience end the search and every run
 * is the same on any machine under any load. Prints per case the makespan,
 * the weighted tardiness, the iterations and a hash of the assignments, then
 * one hash over all of them. A refactor of src/scheduler that should change
 * nothing is checked by running this before and after and comparing the last
 * line (and the table, to see where it differs if it does).
 *
 * The cases cover the search's paths: the FJSP benchmark instances (classic
 * shop: the tabu search, then the ILS), the 1,000-node plan with shifts and
 * bookings (ILS only), and jobs split into plans with due dates (several
 * plans: the due-date rules, the tardiness moves and the plan promotion).
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { schedulePlan } from '../src/scheduler/index.js';
import type { ScheduleInput, ScheduleOptions } from '../src/scheduler/index.js';
import { fjsp, plan1000 } from './scheduler.js';
import { fjspToInput, readFjsp } from './fjsp/instance.js';

const still = (): number => 0;
const all = createHash('sha256');

function digest(name: string, input: ScheduleInput, options: ScheduleOptions): void {
  const res = schedulePlan({ ...input, options: { timeBudgetMs: 1000, ...options, clock: still } });
  const h = createHash('sha256')
    .update(JSON.stringify([res.assignments, res.plans, res.makespanEnd]))
    .digest('hex')
    .slice(0, 16);
  const s = res.stats;
  const line = `${name.padEnd(28)} seed ${String(options.seed).padStart(2)} makespan ${s.makespanMinutes.toFixed(0).padStart(7)} tardiness ${s.weightedTardiness.toFixed(1).padStart(9)} iters ${String(s.iterations).padStart(5)} ${h}`;
  console.log(line);
  all.update(line);
}

/** The jobs of a generated FJSP (node ids J<job>-<op>) as plans with due dates, every third one tight. */
function withDueDates(input: ScheduleInput, perPlan: number): ScheduleInput {
  const nodes = input.nodes.map((n) => ({ ...n, planId: `P${Math.floor((Number(n.id.slice(1).split('-')[0]) - 1) / perPlan)}` }));
  const ids = [...new Set(nodes.map((n) => n.planId))];
  const plans = ids.map((id, i) => ({ id, dueDate: input.now + (i % 3 === 0 ? 60 : 240 + 60 * i) * 60_000, weight: 1 + (i % 4) }));
  return { ...input, nodes, plans };
}

/** The 1,000-node plan cut into plans by node index, with due dates (edges may cross plans). */
function bigWithDueDates(input: ScheduleInput): ScheduleInput {
  const nodes = input.nodes.map((n, v) => ({ ...n, planId: `Q${v % 4}` }));
  const plans = [0, 1, 2, 3].map((i) => ({ id: `Q${i}`, dueDate: input.now + (2 + i) * 86_400_000, weight: i + 1 }));
  return { ...input, nodes, plans };
}

for (const set of ['brandimarte', 'hurink-edata']) {
  const names = readdirSync(new URL(`./fjsp/${set}/`, import.meta.url))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4))
    .sort();
  for (const name of names) {
    const input = fjspToInput(readFjsp(set, name));
    for (const seed of [1, 2]) digest(`${set}/${name}`, input, { seed, maxIterations: 300 });
  }
}
// long tabu runs without patience: its restarts from the best (kick) and its undone moves
for (const name of ['mk01', 'mk02', 'mk03']) {
  const input = fjspToInput(readFjsp('brandimarte', name));
  for (const seed of [1, 2]) digest(`brandimarte/${name} long`, input, { seed, maxIterations: 1500, patience: 0 });
}
for (const seed of [1, 2, 3]) {
  digest('fjsp 10x5', fjsp(10, 5, seed), { seed, maxIterations: 400 });
  digest('fjsp 10x5 due dates', withDueDates(fjsp(10, 5, seed), 2), { seed, maxIterations: 400 });
  digest('fjsp 30x8 due dates', withDueDates(fjsp(30, 8, seed), 3), { seed, maxIterations: 300, patience: 0 });
}
for (const seed of [1, 2]) {
  const big = plan1000(seed, 'shifts');
  digest('plan1000 shifts', big, { seed, maxIterations: 120 });
  digest('plan1000 shifts due dates', bigWithDueDates(big), { seed, maxIterations: 120 });
  digest('plan1000 24/7', plan1000(seed, '24/7'), { seed, maxIterations: 120 });
}
console.log(`all: ${all.digest('hex')}`);
