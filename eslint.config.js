// ESLint flat config (issue #14, item 6). Syntax-only on purpose: no rule here needs type
// information, so ESLint never builds a TypeScript program and `npm run lint` stays fast
// (the type check itself is `tsc --noEmit` in `npm test`). Formatting is Prettier's job
// (eslint-config-prettier, last, turns off every stylistic rule); module boundaries and
// import cycles are dependency-cruiser's (.dependency-cruiser.cjs).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import i18next from 'eslint-plugin-i18next';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];

export default defineConfig(
  globalIgnores(['**/node_modules/', 'dist/', 'web/dist/', 'bench/charts/dist/', 'coverage/', 'test-results/', 'data/', 'scratch/', '.build-test/']),

  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  // Everything: ESLint's recommended rules. Node globals outside the browser bundle.
  {
    files: ['**/*.{js,mjs,cjs}', ...TS],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
  // the chart-library comparison runs in Chromium (its page code, and run.mjs's page.evaluate callbacks)
  { files: ['bench/charts/**/*.{js,mjs}'], languageOptions: { globals: { ...globals.browser } } },

  // TypeScript: typescript-eslint's recommended set (the non-type-checked one).
  {
    files: TS,
    extends: [tseslint.configs.recommended],
    rules: {
      // `_name` marks a parameter or binding kept on purpose (a callback's position, a
      // destructured field left out of a rest object).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  // The web UI: browser globals and the rules of hooks. Only the two classic rules: the
  // React Compiler checks that react-hooks 7 also recommends (refs, purity,
  // set-state-in-effect, ...) compile every component with Babel, which doubled the time of
  // the whole ESLint run (about 12 of 24 s of CPU), and this app does not use the compiler.
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
    languageOptions: { globals: { ...globals.browser } },
  },

  // Issue #20: text in the UI comes from the catalogs (web/src/i18n/), so no literal text
  // between JSX tags; attributes and plain strings are scripts/check-i18n.mjs's and the
  // Turkish browser walk's to catch (test/e2e/i18n.test.ts). Symbols, numbers, one-letter marks (v2, C) and the product's name pass.
  {
    files: ['web/src/**/*.tsx'],
    plugins: { i18next },
    rules: {
      'i18next/no-literal-string': [
        'error',
        { mode: 'jsx-text-only', 'should-validate-template': true, words: { exclude: ['^[^A-Za-zÀ-ÖØ-öø-ɏ]*$', '^[A-Za-z]$', '^Burkol MES$'] } },
      ],
    },
  },

  // Data access in a module goes through its repository: only `*.repository.ts` (and the
  // module's index.ts) may use Kysely. src/db, the composition root and the tools are not in
  // src/modules and keep their access.
  {
    files: ['src/modules/**/*.ts'],
    ignores: ['src/modules/**/*.repository.ts', 'src/modules/**/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['kysely', 'kysely/*'],
              message:
                "Only a module's *.repository.ts talks to Kysely. Move the query into the repository, and take the database handle as the Db / Trx types from src/db/database.ts.",
            },
          ],
        },
      ],
    },
  },

  // Last: turn off the rules that Prettier's formatting would fight with.
  prettier,
);
