/**
 * Issue #19, findings 6 and 8 (headers): cookie-authenticated changes only
 * from the application's own origin (or MES_ALLOWED_ORIGINS), bodies JSON or
 * nothing, security headers on every response, Secure cookies over HTTPS.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { adminPassword, type Client, expectNoWrite, expectProblem, seed, signIn } from '../helpers/api.js';
import { describeEachEngine, testConfig } from '../helpers/engines.js';
import { samplePlan } from '../helpers/plans.js';

const host = 'mes.example:3000';
const self = `http://${host}`;

async function cookieOf(app: FastifyInstance, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'POST', url: '/api/mes/auth/login', headers, payload: { username: 'planner', password: adminPassword } });
  expect(res.statusCode, res.body).toBe(200);
  return res.cookies.find((c) => c.name === 'mes_session')!;
}

function expectSecurityHeaders(res: LightMyRequestResponse, styles = "style-src 'self';") {
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('same-origin');
  const csp = String(res.headers['content-security-policy']);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain(styles);
  expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  expect(csp).not.toContain('unsafe-eval');
  return csp;
}

describeEachEngine('CSRF and security headers', (ctx) => {
  let app: FastifyInstance;
  let planner: Client;
  let session: string;
  let planId: string;
  const extraApps: FastifyInstance[] = [];
  const status = async () => (await planner.get(`/api/mes/production-plans/${planId}`)).json().status as string;
  const cookiePost = (url: string, headers: Record<string, string>, payload: string | object = {}, on = app) =>
    on.inject({ method: 'POST', url, headers: { host, ...headers }, cookies: { mes_session: session }, payload });
  const another = async (overrides: Parameters<typeof testConfig>[0]) => {
    const other = await buildApp({ database: ctx.database, config: testConfig(overrides), logger: false });
    await other.ready();
    extraApps.push(other);
    return other;
  };

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    app = await ctx.app();
    planner = await signIn(app, 'planner');
    session = (await cookieOf(app)).value;
    const created = await planner.post('/api/mes/production-plans', samplePlan());
    expect(created.statusCode, created.body).toBe(201);
    planId = created.json().id;
    expect((await planner.post(`/api/mes/production-plans/${planId}/release`, {})).statusCode).toBe(200);
  });

  afterAll(async () => {
    for (const other of extraApps) await other.close();
  });

  describe('changes signed in by cookie', () => {
    it('refuses the cross-site text/plain pause of finding 6, and the plan stays released', async () => {
      const pause = () =>
        cookiePost(
          `/api/mes/production-plans/${planId}/pause`,
          { 'content-type': 'text/plain', origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
          '',
        );
      await expectNoWrite(ctx.database.db, async () => {
        const body = expectProblem(await pause(), 403, /another site/);
        expect(body).toMatchObject({ type: 'urn:burkol-mes:problem:forbidden', rule: 'fetch-metadata' });
      });
      expect(await status()).toBe('released');
    });

    it('refuses foreign, same-site, opaque and missing origins, whatever the body', async () => {
      const url = `/api/mes/production-plans/${planId}/pause`;
      const cases: [string, Record<string, string>, string][] = [
        ['foreign Origin, no fetch metadata (older browser)', { origin: 'http://evil.example' }, 'origin'],
        ['another port of the same host (same-site)', { origin: 'http://mes.example:8080', 'sec-fetch-site': 'same-site' }, 'origin'],
        ['a sibling subdomain', { origin: 'http://intranet.example:3000', 'sec-fetch-site': 'same-site' }, 'origin'],
        ['opaque Origin: null (sandboxed frame)', { origin: 'null' }, 'origin'],
        ['foreign Referer without Origin', { referer: 'http://evil.example/attack.html' }, 'origin'],
        ['neither Origin nor Referer', {}, 'origin-missing'],
      ];
      await expectNoWrite(ctx.database.db, async () => {
        for (const [what, headers, rule] of cases) {
          const res = await cookiePost(url, headers);
          expect(res.statusCode, what).toBe(403);
          expect(expectProblem(res, 403).rule, what).toBe(rule);
        }
      });
      // downgrade: to a server reached over https (by a trusted proxy), an http page of its host is not the server
      const proxied = await another({ trustProxy: true });
      const res = await cookiePost(url, { origin: 'http://mes.example:3000', 'x-forwarded-proto': 'https' }, {}, proxied);
      expect(expectProblem(res, 403).rule).toBe('origin');
      expect(await status()).toBe('released');
    });

    it('accepts the same origin (Origin, Referer or Sec-Fetch-Site), and the origins of MES_ALLOWED_ORIGINS', async () => {
      const url = (action: string) => `/api/mes/production-plans/${planId}/${action}`;
      const paused = await cookiePost(url('pause'), { origin: self, 'sec-fetch-site': 'same-origin' });
      expect(paused.statusCode, paused.body).toBe(200);
      expect(await status()).toBe('paused');
      // Referer when a browser sends no Origin
      expect((await cookiePost(url('resume'), { referer: `${self}/production/${planId}` })).statusCode).toBe(200);
      // the browser's word alone, behind a proxy that rewrites Host
      expect((await cookiePost(url('pause'), { 'sec-fetch-site': 'same-origin', origin: 'https://public.example' })).statusCode).toBe(200);
      // a TLS proxy that forwards plain HTTP: the https page of this host is ours
      expect((await cookiePost(url('resume'), { origin: `https://${host}` })).statusCode).toBe(200);

      const listed = await another({ allowedOrigins: ['https://mes.plant.example'] });
      expectProblem(await cookiePost(url('pause'), { origin: 'https://mes.plant.example' }), 403);
      expect((await cookiePost(url('pause'), { origin: 'https://mes.plant.example' }, {}, listed)).statusCode).toBe(200);
      expect((await cookiePost(url('resume'), { origin: 'https://mes.plant.example', 'sec-fetch-site': 'same-site' }, {}, listed)).statusCode).toBe(200);
      expect(await status()).toBe('released');
    });

    it('checks sign-in and sign-out too: no login or logout forced by another site', async () => {
      const login = (headers: Record<string, string>) =>
        app.inject({ method: 'POST', url: '/api/mes/auth/login', headers: { host, ...headers }, payload: { username: 'planner', password: adminPassword } });
      expect(expectProblem(await login({ origin: 'http://evil.example' }), 403).rule).toBe('origin');
      expect(expectProblem(await login({ 'sec-fetch-site': 'cross-site' }), 403).rule).toBe('fetch-metadata');
      expect((await login({ origin: self })).statusCode).toBe(200);
      expectProblem(await cookiePost('/api/mes/auth/logout', { origin: 'http://evil.example' }), 403);
      expect(
        (await app.inject({ method: 'GET', url: '/api/mes/auth/me', headers: { origin: 'http://evil.example' }, cookies: { mes_session: session } }))
          .statusCode,
      ).toBe(200);
    });
  });

  it('leaves bearer-token changes alone: no Origin needed (integrations, the CLI)', async () => {
    const paused = await planner.post(`/api/mes/production-plans/${planId}/pause`);
    expect(paused.statusCode, paused.body).toBe(200);
    // a page cannot send Authorization cross-origin without a CORS preflight, which is never granted
    const resumed = await planner.post(`/api/mes/production-plans/${planId}/resume`, {}, { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(await status()).toBe('released');
  });

  it('takes JSON or no body: text/plain never reaches a handler (400), forms and other types are 415', async () => {
    const pause = `/api/mes/production-plans/${planId}/pause`;
    await expectNoWrite(ctx.database.db, async () => {
      for (const payload of ['', 'x', '{}']) {
        const res = await planner.request('POST', pause, payload, { 'content-type': 'text/plain;charset=UTF-8' });
        expect(expectProblem(res, 400, /must be JSON/).rule).toBe('json-body');
      }
      expectProblem(await planner.request('POST', pause, 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
      expectProblem(await planner.request('POST', pause, '--x--', { 'content-type': 'multipart/form-data; boundary=x' }), 415);
      expectProblem(await planner.request('POST', '/api/mes/production-plans', JSON.stringify(samplePlan()), { 'content-type': 'text/plain' }), 400);
    });
    expect(await status()).toBe('released');
    // no body at all, or JSON, is what the UI sends
    expect((await planner.request('POST', pause)).statusCode).toBe(200);
    expect((await planner.request('POST', `/api/mes/production-plans/${planId}/resume`, '{}', { 'content-type': 'application/json' })).statusCode).toBe(200);
  });

  describe('security headers', () => {
    it('on the web UI page, on API answers and problems', async () => {
      const page = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
      // 200 when web/dist is built (the e2e test builds it), a 404 problem otherwise: the headers either way
      expect([200, 404]).toContain(page.statusCode);
      const csp = expectSecurityHeaders(page);
      expect(csp.replace(/;\s*/g, '; ')).toBe(
        "default-src 'self'; base-uri 'self'; script-src 'self'; script-src-attr 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      expectSecurityHeaders(await planner.get('/api/mes/auth/me'));
      expectSecurityHeaders(await app.inject({ method: 'GET', url: '/api/mes/auth/me' })); // 401
      expectSecurityHeaders(await cookiePost(`/api/mes/production-plans/${planId}/pause`, { origin: 'http://evil.example' })); // 403
      expectSecurityHeaders(await app.inject({ method: 'GET', url: '/healthz' }));
    });

    it('on the API documentation, with its own policy (inline styles, never inline scripts)', async () => {
      for (const url of ['/api/docs', '/api/docs/static/swagger-ui.css', '/api/docs/static/swagger-initializer.js', '/api/docs/json']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(200);
        expectSecurityHeaders(res, "style-src 'self' 'unsafe-inline';");
      }
    });

    it('HSTS only when the request came over HTTPS (X-Forwarded-Proto believed only with MES_TRUST_PROXY)', async () => {
      const proxied = await another({ trustProxy: true });
      const get = (on: FastifyInstance, headers: Record<string, string> = {}) => on.inject({ method: 'GET', url: '/healthz', headers });
      expect((await get(app)).headers['strict-transport-security']).toBeUndefined();
      expect((await get(app, { 'x-forwarded-proto': 'https' })).headers['strict-transport-security']).toBeUndefined();
      expect((await get(proxied)).headers['strict-transport-security']).toBeUndefined();
      expect((await get(proxied, { 'x-forwarded-proto': 'https' })).headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    });
  });

  it('marks the session cookie Secure over HTTPS-by-proxy when trustProxy is on, not when off; always with MES_SECURE_COOKIES', async () => {
    const proxied = await another({ trustProxy: true });
    const secure = await another({ secureCookies: true });
    const https = { 'x-forwarded-proto': 'https' };
    expect((await cookieOf(proxied, https)).secure).toBe(true);
    expect((await cookieOf(proxied)).secure).toBeFalsy();
    expect((await cookieOf(app, https)).secure).toBeFalsy();
    expect((await cookieOf(secure)).secure).toBe(true);
    // and the origin behind the proxy is the forwarded one
    const res = await proxied.inject({
      method: 'POST',
      url: `/api/mes/production-plans/${planId}/pause`,
      headers: { host: 'internal:3000', 'x-forwarded-host': 'mes.example', 'x-forwarded-proto': 'https', origin: 'https://mes.example' },
      cookies: { mes_session: session },
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await planner.post(`/api/mes/production-plans/${planId}/resume`)).statusCode).toBe(200);
  });
});

it('configuration: MES_ALLOWED_ORIGINS is a list of http(s) origins, MES_TRUST_PROXY off by default', () => {
  expect(loadConfig([], {})).toMatchObject({ allowedOrigins: [], trustProxy: false, secureCookies: false });
  expect(loadConfig([], { MES_ALLOWED_ORIGINS: ' https://MES.plant.example , http://localhost:5173,https://mes.plant.example:443' }).allowedOrigins).toEqual([
    'https://mes.plant.example',
    'http://localhost:5173',
  ]);
  for (const bad of ['*', 'mes.plant.example', 'https://mes.plant.example/app', 'https://mes.plant.example?x', 'ftp://files.example', 'https://*.example']) {
    expect(() => loadConfig([], { MES_ALLOWED_ORIGINS: bad }), bad).toThrow(ConfigError);
  }
  expect(() => loadConfig([], { MES_ALLOWED_ORIGINS: 'https://a.example,nope' })).toThrow(/MES_ALLOWED_ORIGINS: "nope"/);
  expect(loadConfig([], { MES_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  expect(loadConfig([], { MES_TRUST_PROXY: 'off' }).trustProxy).toBe(false);
  expect(loadConfig([], { MES_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,loopback' }).trustProxy).toBe('10.0.0.0/8,127.0.0.1,loopback');
  expect(() => loadConfig([], { MES_TRUST_PROXY: 'proxy.internal' })).toThrow(/MES_TRUST_PROXY/);
});
