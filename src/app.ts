/**
 * Builds the Fastify app: plugins, the one error handler, and the modules.
 * The process wrapper (server.ts) and the tests both call buildApp.
 */
import Fastify, { LogController, type FastifyError, type FastifyReply, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { Database, Engine } from './db/database.js';
import type { DB } from './db/schema.js';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { installAuth } from './modules/auth/auth.hooks.js';
import { metricsPlugin } from './metrics.js';
import { apiModules } from './modules/index.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { DomainError, kindOfSqlState, problemOf } from './shared/errors.js';
import { PlanCatalogCache } from './modules/plans/catalog-cache.js';
import { PlanDetailCache } from './modules/plans/detail-cache.js';
import { SessionCache } from './modules/auth/session-cache.js';
import { webUi } from './web.js';

export interface MesContext {
  db: Kysely<DB>;
  engine: Engine;
  database: Database;
  config: Config;
  /** Set when shutdown begins: readiness fails so a balancer stops sending traffic. */
  draining: boolean;
  /** Plan details this process keeps, each for the revision it was read at. */
  planDetails: PlanDetailCache;
  /** the catalog new plans are validated against (off with the plan cache) */
  planCatalogs: PlanCatalogCache;
  /** Signed-in users this process keeps for a short while. */
  sessions: SessionCache;
}

declare module 'fastify' {
  interface FastifyInstance {
    mes: MesContext;
  }
  interface FastifyContextConfig {
    /** Route needs no session. */
    public?: boolean;
  }
}

export interface BuildAppOptions {
  database: Database;
  config: Config;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: options.config.logLevel },
    bodyLimit: 5 * 1024 * 1024,
    // per-request lines only when debugging: under load they cost more than the request
    logController: new LogController({ disableRequestLogging: !['debug', 'trace'].includes(options.config.logLevel) }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // errors Fastify raises before routing (bad URL encoding, over-long path parameters) are problems too
    frameworkErrors: (error, _request, reply) => {
      const problem = problemOf('bad_request', error.message);
      void (reply as FastifyReply).code(problem.status).type('application/problem+json').send(problem);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('mes', {
    db: options.database.db,
    engine: options.database.engine,
    database: options.database,
    config: options.config,
    draining: false,
    planDetails: new PlanDetailCache(options.config.planCacheMb * 1024 * 1024),
    planCatalogs: new PlanCatalogCache(options.config.planCacheMb > 0),
    sessions: new SessionCache(options.config.sessionCacheSeconds * 1000),
  });

  // While draining, every response closes its connection. server.close() closes only the keep-alive
  // connections idle at that moment: one whose request was still in flight would otherwise stay open
  // after its response (up to keepAliveTimeout, 72 s) and keep the process from exiting.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (app.mes.draining) void reply.header('connection', 'close');
    done(null, payload);
  });

  app.setErrorHandler((error: FastifyError | DomainError | Error, request, reply) => {
    if (error instanceof DomainError) {
      const { errors, field, ...rest } = error.extra;
      return reply
        .code(problemOf(error.kind, error.message).status)
        .type('application/problem+json')
        .send(problemOf(error.kind, error.message, { ...rest, ...(field ? { field } : {}), ...(errors ? { errors } : {}) }));
    }
    const fe = error as FastifyError & { validation?: { instancePath: string; message?: string; params?: Record<string, unknown> }[] };
    if (fe.validation) {
      const errors = fe.validation.map((v) => {
        const missing = v.params?.missingProperty as string | undefined;
        const extra = v.params?.additionalProperty as string | undefined;
        const field = `${fe.validationContext ?? 'body'}${v.instancePath}${missing ? `/${missing}` : ''}${extra ? `/${extra}` : ''}`;
        const message = extra ? `unknown property "${extra}"` : (v.message ?? 'is invalid');
        return { field, message };
      });
      const first = errors[0]!;
      return reply
        .code(400)
        .type('application/problem+json')
        .send(problemOf('bad_request', `${first.field}: ${first.message}`, { field: first.field, errors }));
    }
    const sqlKind = kindOfSqlState((error as { code?: string }).code);
    if (sqlKind && typeof (error as { severity?: unknown }).severity === 'string') {
      request.log.info({ err: error }, 'database refused the change');
      const constraint = (error as { constraint?: string }).constraint;
      return reply
        .code(problemOf(sqlKind.kind, sqlKind.detail).status)
        .type('application/problem+json')
        .send(problemOf(sqlKind.kind, sqlKind.detail, constraint ? { constraint } : {}));
    }
    const status = fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(500).type('application/problem+json').send({
        type: 'urn:burkol-mes:problem:internal',
        title: 'Internal error',
        status: 500,
        detail: 'the server could not complete the request; it has been logged',
      });
    }
    const kind = status === 413 ? 'too_large' : status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : status === 429 ? 'rate_limited' : 'bad_request';
    return reply.code(status).type("application/problem+json").send({ ...problemOf(kind, fe.message), status });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type('application/problem+json').send(problemOf('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Burkol MES API',
        version: '1',
        description: 'Master data, production plans, scheduling and shop-floor execution. Errors are RFC 9457 problem documents.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'token from POST /api/mes/auth/login' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'mes_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  installAuth(app);
  await app.register(metricsPlugin);

  await app.register(healthRoutes);
  await app.register(
    async (api) => {
      for (const module of apiModules) await api.register(module);
    },
    { prefix: '/api/mes' },
  );
  await app.register(webUi);
  return app;
}
