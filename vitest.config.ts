import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    // the files share their worker process instead of each getting a new one: every file that opens the app imported
    // its whole module graph again (~3 s each under tsx, ~5 min of the CI run's 109 files), and its code ran cold.
    // Nothing in src keeps state in a module that one file could leave for the next: each file opens its own app and
    // databases and closes them; the scheduler thread is the one module-level resource, and it is stateless (each
    // request carries its whole input) and unref'd while idle, so the files share it
    isolate: false,
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
