import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
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
