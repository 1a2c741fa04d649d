/**
 * Module boundaries and import cycles (issue #14, item 6), checked by `npm run lint`.
 *
 * The target layout of the server:
 *   src/server.ts app.ts config.ts context.ts web.ts   process wrapper and composition root
 *   src/db/          Kysely database, its Db/Trx types, schema, migrations
 *   src/plugins/     Fastify plugins (errors, auth, metrics, realtime, scheduler thread, ...)
 *   src/modules/<area>/  <area>.routes.ts -> <area>.service.ts -> <area>.repository.ts / <area>.rules.ts,
 *                    <area>.schema.ts, index.ts (what the module offers other modules)
 *   src/scheduler/   the pure scheduler
 *   src/integrity/ src/seed/ src/shared/
 * Rules name folders by pattern only, so a folder that does not exist yet matches nothing
 * instead of failing the run.
 *
 * Type-only imports (`import type`) count, in the cycle rule as in the others: TypeScript
 * erases them, so a type-only cycle does no harm at run time, but it ties the two files
 * together all the same (one cannot be understood or moved without the other), and the
 * web's only lawful use of the server is type-only, so the web rules must see them.
 */

/** A file that belongs to a module area: group 1 is the area. */
const MODULE = '^src/modules/([^/]+)/';
/** A module's public face. */
const MODULE_INDEX = '^src/modules/[^/]+/index\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles in the server or the web UI (type-only imports count: see the top of this file).',
      from: { path: '^(src|web/src)/' },
      to: { circular: true },
    },
    {
      name: 'scheduler-is-pure',
      severity: 'error',
      comment: 'src/scheduler is pure: it imports only its own files and node builtins, nothing of the app and no package.',
      from: { path: '^src/scheduler/' },
      to: { pathNot: '^src/scheduler/', dependencyTypesNot: ['core'] },
    },
    {
      name: 'cross-module-through-index',
      severity: 'error',
      comment:
        "A module reaches another module only through that module's index.ts. Schemas are the exception: they are the public contract (the web compiles against them too), so any file may import another module's *.schema.ts directly, and schema-imports-only-schemas keeps a schema from pulling in more.",
      from: { path: MODULE },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', MODULE_INDEX, '\\.schema\\.ts$'] },
    },
    {
      name: 'src-through-module-index',
      severity: 'error',
      comment:
        "Outside the modules, only the composition root (src/app.ts), src/plugins (through index.ts, below), src/seed and src/integrity reach into a module; everything else in src/ uses the module's index.ts (or a public *.schema.ts).",
      from: { path: '^src/', pathNot: ['^src/modules/', '^src/plugins/', '^src/seed/', '^src/integrity/', '^src/app\\.ts$'] },
      to: { path: '^src/modules/[^/]+/', pathNot: [MODULE_INDEX, '\\.schema\\.ts$'] },
    },
    {
      name: 'routes-not-repository',
      severity: 'error',
      comment: 'routes -> service -> repository: a route file does not import a repository; it calls the service.',
      from: { path: '^src/modules/.+\\.routes\\.ts$' },
      to: { path: '\\.repository\\.ts$' },
    },
    {
      name: 'repository-not-service-or-routes',
      severity: 'error',
      comment: 'A repository is below the service and the routes: it does not import them.',
      from: { path: '^src/modules/.+\\.repository\\.ts$' },
      to: { path: '\\.(service|routes)\\.ts$' },
    },
    {
      name: 'rules-are-pure',
      severity: 'error',
      comment:
        'A *.rules.ts file is pure domain logic, shared by the services, the routes and the web UI: it imports only schemas, other rules, src/shared and the pure scheduler.',
      from: { path: '^src/modules/.+\\.rules\\.ts$' },
      to: { path: '^(src|web|cli|test|bench)/', pathNot: ['\\.(schema|rules)\\.ts$', '^src/shared/', '^src/scheduler/'] },
    },
    {
      name: 'schema-imports-only-schemas',
      severity: 'error',
      comment: 'A *.schema.ts file imports only other schemas, src/shared and packages (TypeBox): the web compiles against them.',
      from: { path: '^src/.+\\.schema\\.ts$' },
      to: { path: '^(src|web|cli|test|bench)/', pathNot: ['\\.schema\\.ts$', '^src/shared/'] },
    },
    {
      name: 'modules-not-plugins-or-root',
      severity: 'error',
      comment: 'Modules do not depend on the plugins, the composition root or the process wrapper (shared types live in src/context.ts).',
      from: { path: '^src/modules/' },
      to: { path: '^src/(plugins/|app\\.ts$|server\\.ts$)' },
    },
    {
      name: 'plugins-through-module-index',
      severity: 'error',
      comment: "A plugin uses a module only through the module's index.ts.",
      from: { path: '^src/plugins/' },
      to: { path: '^src/modules/[^/]+/', pathNot: MODULE_INDEX },
    },
    {
      name: 'src-not-tools-or-web',
      severity: 'error',
      comment: 'The server does not import the tests, benchmarks, CLI or web UI.',
      from: { path: '^src/' },
      to: { path: '^(test|bench|cli|web)/' },
    },
    {
      name: 'web-uses-server-schemas-and-rules-only',
      severity: 'error',
      comment:
        'The web UI may take from src/ only *.schema.ts files (it derives the API types from the TypeBox schemas), pure *.rules.ts files (the same checks in the browser as on the server; rules-are-pure keeps them free of the server) and src/shared.',
      from: { path: '^web/src/' },
      to: { path: '^src/', pathNot: ['\\.(schema|rules)\\.ts$', '^src/shared/'] },
    },
    {
      name: 'web-uses-server-types-only',
      severity: 'error',
      comment: 'What the web UI takes from src/ other than pure rules is types (`import type`): no other server code in the bundle.',
      from: { path: '^web/src/' },
      to: { path: '^src/', pathNot: '\\.rules\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-pages-isolated',
      severity: 'error',
      comment: 'A page folder does not import another page folder; share through web/src/ui, web/src/api or a top-level module.',
      from: { path: '^web/src/pages/([^/]+)/' },
      to: { path: '^web/src/pages/[^/]+/', pathNot: '^web/src/pages/$1/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import dependency-cruiser cannot resolve is a module it cannot check.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|coverage|data|test-results)/' },
    // type-only imports are dependencies too (see the top of this file)
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    cache: { folder: 'node_modules/.cache/dependency-cruiser', strategy: 'content' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
