/**
 * Builds the Fastify app: the shared context, then the plugins and the API
 * modules in a fixed order. The process wrapper (server.ts) and the tests both
 * call buildApp.
 *
 * Order matters: errors first (every later failure becomes a problem
 * document), the OpenAPI collector before any route, sessions before the
 * routes they guard; the API modules under /api/mes; the web UI last (it
 * answers page loads no route matched).
 */
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import { createContext } from './context.js';
import type { Database } from './db/database.js';
import { alertsRoutes } from './modules/alerts/alerts.routes.js';
import { analyticsRoutes } from './modules/analytics/index.js';
import { assignmentsRoutes } from './modules/assignments/assignments.routes.js';
import { portalRoutes } from './modules/assignments/portal.routes.js';
import { problemsRoutes } from './modules/assignments/problems.routes.js';
import { documentsRoutes } from './modules/documents/documents.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { usersRoutes } from './modules/auth/users.routes.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { lotsRoutes } from './modules/materials/lots.routes.js';
import { materialsRoutes } from './modules/materials/materials.routes.js';
import { operationsRoutes } from './modules/operations/operations.routes.js';
import { archiveRoutes } from './modules/plans/archive.routes.js';
import { floorRoutes } from './modules/plans/floor.routes.js';
import { lifecycleRoutes } from './modules/plans/lifecycle.routes.js';
import { plansRoutes } from './modules/plans/plans.routes.js';
import { qualityRoutes } from './modules/quality/quality.routes.js';
import { yieldRoutes } from './modules/yield/yield.routes.js';
import { realtimeRoutes } from './modules/realtime/realtime.routes.js';
import { blocksRoutes } from './modules/stations/blocks.routes.js';
import { stationsRoutes } from './modules/stations/stations.routes.js';
import { workersRoutes } from './modules/workers/workers.routes.js';
import { archiveJobPlugin } from './plugins/archive-job.js';
import { overrunJobPlugin } from './plugins/overrun-job.js';
import { sessionSweepJobPlugin } from './plugins/session-sweep-job.js';
import { authPlugin } from './plugins/auth.js';
import { csrfPlugin } from './plugins/csrf.js';
import { drainingPlugin } from './plugins/draining.js';
import { errorsPlugin, frameworkErrors } from './plugins/errors.js';
import { metricsPlugin } from './plugins/metrics.js';
import { openapiPlugin } from './plugins/openapi.js';
import { realtimePlugin } from './plugins/realtime.js';
import { schedulerThreadPlugin } from './plugins/scheduler-thread.js';
import { securityHeadersPlugin } from './plugins/security-headers.js';
import { buildValidator } from './plugins/validation.js';
import { webUi } from './plugins/web-ui.js';

export interface BuildAppOptions {
  database: Database;
  config: Config;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    // X-Forwarded-* believed only from configured proxies (MES_TRUST_PROXY): request.protocol, request.host, request.ip
    trustProxy: config.trustProxy,
    bodyLimit: 5 * 1024 * 1024,
    // per-request lines only when debugging: under load they cost more than the request
    logController: new LogController({ disableRequestLogging: !['debug', 'trace'].includes(config.logLevel) }),
    // query strings, path parameters and headers are coerced from their strings; JSON bodies never are (plugins/validation.ts)
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    schemaController: { compilersFactory: { buildValidator } },
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('mes', createContext(options.database, config));

  await app.register(errorsPlugin);
  await app.register(drainingPlugin);
  await app.register(securityHeadersPlugin);
  await app.register(csrfPlugin);
  await app.register(openapiPlugin);
  await app.register(authPlugin);
  await app.register(metricsPlugin);
  await app.register(realtimePlugin);
  await app.register(schedulerThreadPlugin);
  await app.register(archiveJobPlugin);
  await app.register(overrunJobPlugin);
  await app.register(sessionSweepJobPlugin);

  await app.register(healthRoutes);
  await app.register(
    async (api) => {
      for (const routes of [
        authRoutes,
        usersRoutes,
        operationsRoutes,
        stationsRoutes,
        blocksRoutes,
        workersRoutes,
        materialsRoutes,
        lotsRoutes,
        plansRoutes,
        archiveRoutes,
        lifecycleRoutes,
        yieldRoutes,
        floorRoutes,
        assignmentsRoutes,
        portalRoutes,
        qualityRoutes,
        problemsRoutes,
        alertsRoutes,
        documentsRoutes,
        analyticsRoutes,
        realtimeRoutes,
      ]) {
        await api.register(routes);
      }
    },
    { prefix: '/api/mes' },
  );
  await app.register(webUi);
  return app;
}
