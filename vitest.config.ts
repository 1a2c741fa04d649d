import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    // vitest's default is one worker fewer than the CPUs: one on a two-core machine, where the files ran one after
    // another (1,548 s of a 27-minute CI run). Most files wait on PostgreSQL, a spawned server or a browser much of
    // the time, and each has its own database and ports, so two run side by side even on two cores.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: 'test' },
    reporters: ['default'],
    // line coverage of src/ for `npm test` (vitest run --coverage); scripts/check-coverage.mjs
    // enforces the floor in CI. Off for ad-hoc runs (`npx vitest run test/api`): coverage/ is
    // shared, so two runs at once would trip over each other's files. Code run only in child
    // processes (the server and CLI spawned by process tests) is not counted.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      reportOnFailure: true,
    },
  },
});
