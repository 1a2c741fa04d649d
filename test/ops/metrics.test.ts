/**
 * /metrics: Prometheus text behind a bearer token (404 when no token is
 * configured), per-app registries, route patterns as labels, pool gauges,
 * business counters, and the separate metrics port.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { expectProblem, seed, signIn } from '../helpers/api.js';
import { describeEachEngine, testConfig } from '../helpers/engines.js';
import { freePort } from '../helpers/processes.js';

const token = 'metrics-token-0123456789';

describeEachEngine('metrics', (ctx) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await seed(ctx.database.db, 'minimal');
    app = await buildApp({ database: ctx.database, config: testConfig({ metricsToken: token }), logger: false });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
  });

  const scrape = async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.body;
  };

  it('refuses a missing or wrong token with a problem document, and is absent without a configured token', async () => {
    expectProblem(await app.inject({ method: 'GET', url: '/metrics' }), 401);
    expectProblem(await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } }), 401);
    const plain = await ctx.app(); // built with the default test config: no token
    expectProblem(await plain.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } }), 404);
  });

  it('reports request durations by route pattern and status, pool gauges, process metrics and realtime gauges', async () => {
    const planner = await signIn(app, 'planner');
    await planner.get('/api/mes/workers/W-001');
    await planner.get('/api/mes/workers/W-999');
    await app.inject({ method: 'GET', url: '/no/such/thing' });
    const text = await scrape();
    expect(text).toMatch(/mes_http_request_duration_seconds_count\{method="GET",route="\/api\/mes\/workers\/:id",status_code="200"\} 1\b/);
    expect(text).toMatch(/mes_http_request_duration_seconds_count\{method="GET",route="\/api\/mes\/workers\/:id",status_code="404"\} 1\b/);
    expect(text).toMatch(/route="unmatched",status_code="404"/);
    expect(text).not.toContain('W-001');
    expect(text).toMatch(/mes_db_pool_connections\{state="in_use"\} \d+/);
    expect(text).toMatch(/mes_db_pool_connections\{state="idle"\} \d+/);
    expect(text).toMatch(/mes_db_pool_connections\{state="waiting"\} 0/);
    expect(text).toMatch(/mes_db_pool_max \d+/);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toMatch(/mes_sse_clients 0/);
    expect(text).toMatch(/mes_realtime_event_lag_seconds [\d.e-]+/);
  });

  it('counts releases and observes the scheduler run time through app.metrics', async () => {
    const planner = await signIn(app, 'planner');
    const planId = (await ctx.database.db.selectFrom('mes.production_plans').select('id').executeTakeFirstOrThrow()).id;
    const res = await planner.post(`/api/mes/production-plans/${planId}/release`, { allowShortage: true });
    expect(res.statusCode, res.body).toBe(200);
    const text = await scrape();
    expect(text).toMatch(/^mes_plans_released_total 1$/m);
    expect(text).toMatch(/^mes_scheduler_duration_seconds_count 1$/m);
    expect(text).toMatch(/^mes_tasks_started_total 0$/m);
    expect(text).toMatch(/^mes_tasks_completed_total 0$/m);
    // each app has its own registry
    const other = await ctx.app();
    expect(await other.metrics.plansReleased.get()).toMatchObject({ values: [{ value: 0 }] });
  });

  it('serves /metrics without a token on MES_METRICS_PORT once the app listens, and stops it on close', async () => {
    const port = await freePort();
    const listening = await buildApp({ database: ctx.database, config: testConfig({ metricsPort: port, host: '127.0.0.1' }), logger: false });
    try {
      await listening.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('mes_db_pool_connections');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      await listening.close();
    }
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});

it('configuration: MES_METRICS_TOKEN must be long enough, MES_METRICS_PORT a port', () => {
  expect(loadConfig([], { MES_METRICS_TOKEN: token, MES_METRICS_PORT: '9464' })).toMatchObject({ metricsToken: token, metricsPort: 9464 });
  expect(loadConfig([], {})).toMatchObject({ metricsToken: undefined, metricsPort: undefined });
  expect(() => loadConfig([], { MES_METRICS_TOKEN: 'short' })).toThrow(ConfigError);
  expect(() => loadConfig([], { MES_METRICS_PORT: '70000' })).toThrow(/MES_METRICS_PORT/);
});
