/**
 * Prometheus metrics: one Registry per app (tests build many apps in one
 * process, so nothing goes to prom-client's global registry).
 *
 * - HTTP: request duration per route pattern (never the raw URL), method and status;
 * - database pool: connections in use, idle, and requests waiting for one;
 * - process: prom-client's default metrics, registered on the first scrape;
 * - business: plans released, tasks started and completed, scheduler run time —
 *   routes observe them through `app.metrics` (services stay free of metrics);
 * - realtime: SSE clients and the age of the oldest committed event this
 *   process has not fanned out yet, read at scrape time when the realtime
 *   plugin is registered.
 *
 * Exposure: `GET /metrics` answers only when MES_METRICS_TOKEN is set and the
 * request sends `Authorization: Bearer <token>` (404 otherwise, so the main port
 * does not advertise it), and/or on a separate port MES_METRICS_PORT with no
 * token (keep that port off public networks).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Realtime } from '../modules/realtime/index.js';
import { DomainError, m } from '../shared/errors.js';

export interface MesMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  plansReleased: Counter;
  tasksStarted: Counter;
  tasksCompleted: Counter;
  /** Seconds one scheduler run took (release, resume, reschedule). */
  schedulerDuration: Histogram;
  /** Prometheus text of every metric. */
  render(): Promise<string>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: MesMetrics;
  }
}

/** The realtime service, when the app has one (its plugin registered). */
function realtimeIfAny(app: FastifyInstance): Realtime | undefined {
  return app.hasDecorator('realtime') ? app.realtime : undefined;
}

export function createMetrics(app: FastifyInstance): MesMetrics {
  const registry = new Registry();
  const registers = [registry];
  const pool = () => app.mes.database.pool;

  const httpDuration = new Histogram({
    name: 'mes_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern, method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const plansReleased = new Counter({ name: 'mes_plans_released_total', help: 'Production plans released', registers });
  const tasksStarted = new Counter({ name: 'mes_tasks_started_total', help: 'Assignments started by operators', registers });
  const tasksCompleted = new Counter({ name: 'mes_tasks_completed_total', help: 'Assignments completed by operators', registers });
  const schedulerDuration = new Histogram({
    name: 'mes_scheduler_duration_seconds',
    help: 'Time one scheduler run took (release, resume, reschedule)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });

  new Gauge({
    name: 'mes_db_pool_connections',
    help: 'Database pool connections by state (in_use, idle) and requests waiting for one (waiting)',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const p = pool();
      this.set({ state: 'in_use' }, p.totalCount - p.idleCount);
      this.set({ state: 'idle' }, p.idleCount);
      this.set({ state: 'waiting' }, p.waitingCount);
    },
  });
  new Gauge({
    name: 'mes_db_pool_max',
    help: 'Configured size of the database pool',
    registers,
    collect() {
      this.set(pool().options.max ?? 0);
    },
  });

  // the caches count their own hits and misses; exported as counters at scrape time
  new Counter({
    name: 'mes_cache_lookups_total',
    help: 'Lookups of the per-process caches by cache (plan_detail, plan_list, plan_catalog, session) and result (hit, miss)',
    labelNames: ['cache', 'result'] as const,
    registers,
    collect() {
      this.reset();
      const { planDetails, planLists, planCatalogs, sessions } = app.mes;
      this.inc({ cache: 'plan_detail', result: 'hit' }, planDetails.hits);
      this.inc({ cache: 'plan_detail', result: 'miss' }, planDetails.misses);
      this.inc({ cache: 'plan_list', result: 'hit' }, planLists.hits);
      this.inc({ cache: 'plan_list', result: 'miss' }, planLists.misses);
      this.inc({ cache: 'plan_catalog', result: 'hit' }, planCatalogs.hits);
      this.inc({ cache: 'plan_catalog', result: 'miss' }, planCatalogs.misses);
      this.inc({ cache: 'session', result: 'hit' }, sessions.hits);
      this.inc({ cache: 'session', result: 'miss' }, sessions.misses);
    },
  });
  new Counter({
    name: 'mes_plan_list_reads_total',
    help: 'Plans list pages read from the database (requests that missed the same kept page together share one read)',
    registers,
    collect() {
      this.reset();
      this.inc(app.mes.planLists.reads);
    },
  });
  new Gauge({
    name: 'mes_cache_entries',
    help: 'Entries held by the per-process caches (plan_detail, plan_list, plan_catalog, session)',
    labelNames: ['cache'] as const,
    registers,
    collect() {
      this.set({ cache: 'plan_detail' }, app.mes.planDetails.count);
      this.set({ cache: 'plan_list' }, app.mes.planLists.count);
      this.set({ cache: 'plan_catalog' }, app.mes.planCatalogs.count);
      this.set({ cache: 'session' }, app.mes.sessions.count);
    },
  });
  new Gauge({
    name: 'mes_sse_clients',
    help: 'Open Server-Sent Events streams of this process',
    registers,
    collect() {
      this.set(realtimeIfAny(app)?.stats.clients ?? 0);
    },
  });
  new Gauge({
    name: 'mes_realtime_listener_connected',
    help: '1 while the outbox listener of this process holds its LISTEN connection',
    registers,
    collect() {
      this.set(realtimeIfAny(app)?.stats.listenerConnected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mes_realtime_event_lag_seconds',
    help: 'Age of the oldest committed event this process has not yet sent to its SSE clients (0 when caught up)',
    registers,
    async collect() {
      const realtime = realtimeIfAny(app);
      if (!realtime?.isReady) return this.set(0);
      try {
        this.set(await realtime.undeliveredEventAge());
      } catch (error) {
        app.log.warn({ err: error }, 'metrics: cannot read the event lag');
      }
    },
  });

  let processMetrics = false;
  return {
    registry,
    httpDuration,
    plansReleased,
    tasksStarted,
    tasksCompleted,
    schedulerDuration,
    async render() {
      // lazily: the default collectors start timers and observers that apps never scraped do not need
      if (!processMetrics) {
        collectDefaultMetrics({ register: registry });
        processMetrics = true;
      }
      return registry.metrics();
    },
  };
}

function sameToken(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

async function startMetricsServer(app: FastifyInstance, port: number, host: string): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    app.metrics.render().then(
      (text) => response.writeHead(200, { 'content-type': app.metrics.registry.contentType }).end(text),
      (error: unknown) => {
        app.log.error({ err: error }, 'metrics: rendering failed');
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  app.log.info(`metrics served on port ${typeof address === 'object' && address ? address.port : port}`);
  return server;
}

const plugin: FastifyPluginAsync = async (app) => {
  const metrics = createMetrics(app);
  app.decorate('metrics', metrics);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  const { metricsToken, metricsPort } = app.mes.config;
  app.get('/metrics', { schema: { hide: true }, config: { public: true } }, async (request, reply) => {
    if (!metricsToken) throw new DomainError('not_found', m('route.not_found', { method: 'GET', path: '/metrics' }));
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token || !sameToken(token, metricsToken)) throw new DomainError('unauthenticated', m('metrics.token_needed'));
    const text = await metrics.render();
    return reply.type(metrics.registry.contentType).send(text);
  });

  if (metricsPort !== undefined) {
    let server: http.Server | undefined;
    // only when the app listens (server.ts), not under app.inject in tests
    app.addHook('onListen', async () => {
      server = await startMetricsServer(app, metricsPort, app.mes.config.host);
    });
    app.addHook('onClose', async () => {
      if (!server) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    });
  }
};

export const metricsPlugin = fp(plugin, { name: 'mes-metrics' });
