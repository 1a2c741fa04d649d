/**
 * Issue #19, findings 4, 5 and 8 (the database part), one test each as
 * reproduced against the running server, and the database being unreachable:
 *
 * 4. JSON bodies are not type-coerced: 1 is not true, "5", [1] and true are
 *    not numbers, 12 is not a string, "OP-001" is not an array, "-Infinity"
 *    is not a number.
 * 5. Input the database would refuse (a date in year 0000, a position of
 *    "Infinity") is refused before any SQL, naming the field; and every
 *    SQLSTATE the database raises on input is a 4xx, never a 500.
 * 8. Text that cannot be stored and amounts that round to 0 at 3 decimals are
 *    refused naming the field; a refusal mapped from the database names the
 *    column when the database says it.
 * The database unreachable (PGlite closed; PostgreSQL behind a proxy that
 * goes away) answers 503 with Retry-After, as a problem document.
 */
import net from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/database.js';
import { type Client, mesContents, seed, signIn } from '../helpers/api.js';
import { createTestDatabase, describeEachEngine, testConfig, type TestDatabase } from '../helpers/engines.js';
import { validPlan } from './bad-input-corpus.js';

/** A 4xx problem document naming `field`, whose detail starts with it. */
function expectFieldProblem(res: LightMyRequestResponse, status: number, field: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, field });
  expect(body.detail.startsWith(`${field}: `), body.detail).toBe(true);
  return body;
}

describeEachEngine('strict input (issue #19)', (ctx) => {
  let app: FastifyInstance;
  let admin: Client;
  let draftPlanId: string;
  let assignmentId: string;

  beforeAll(async () => {
    const db = ctx.database.db;
    await seed(db, 'minimal');
    app = await ctx.app();
    admin = await signIn(app, 'admin');
    const plans = await db.selectFrom('mes.production_plans').select('id').orderBy('id').execute();
    draftPlanId = plans[0]!.id;
    const other = await admin.post('/api/mes/production-plans', validPlan());
    expect(other.statusCode, other.body).toBe(201);
    const released = await admin.post(`/api/mes/production-plans/${other.json().id}/release`, { allowShortage: true });
    expect(released.statusCode, released.body).toBe(200);
    assignmentId = (await db.selectFrom('mes.worker_assignments').select('id').where('status', '=', 'ready').executeTakeFirstOrThrow()).id;
  });

  /** Sends each request, expects the problem naming the field, and that no table changed. */
  async function expectRefusedUnchanged(cases: [method: 'POST' | 'PUT' | 'PATCH', url: string, body: unknown, status: number, field: string][]) {
    const before = await mesContents(ctx.database.db);
    for (const [method, url, body, status, field] of cases) expectFieldProblem(await admin.request(method, url, body), status, field);
    expect(await mesContents(ctx.database.db)).toEqual(before);
  }

  it('finding 4: takes JSON bodies as typed, without coercion', async () => {
    await expectRefusedUnchanged([
      ['POST', `/api/mes/production-plans/${draftPlanId}/release`, { allowShortage: 1 }, 400, 'body/allowShortage'],
      ['POST', `/api/mes/worker-assignments/${assignmentId}/complete`, { goodQuantity: 999999, overrun: 'true' }, 400, 'body/overrun'],
      ['POST', '/api/mes/materials/FASTENER-M8/adjustments', { quantity: [1], reason: 'count' }, 400, 'body/quantity'],
      ['POST', '/api/mes/materials/FASTENER-M8/adjustments', { quantity: true, reason: 'count' }, 400, 'body/quantity'],
      ['POST', '/api/mes/materials/FASTENER-M8/adjustments', { quantity: '5', reason: 'count' }, 400, 'body/quantity'],
      ['POST', '/api/mes/operations', { name: 5 }, 400, 'body/name'],
      ['POST', '/api/mes/production-plans', { ...validPlan(), workOrderCode: 12 }, 400, 'body/workOrderCode'],
      ['POST', '/api/mes/workers', { name: 'Ada', operationIds: 'OP-001' }, 400, 'body/operationIds'],
      ['POST', '/api/mes/materials', { code: 'NEW-INF', name: 'Infinite', unit: 'pcs', openingStock: '-Infinity' }, 400, 'body/openingStock'],
      ['POST', '/api/mes/materials', { code: 'NEW-INF', name: 'Infinite', unit: 'pcs', openingStock: 'Infinity' }, 400, 'body/openingStock'],
    ]);
    // the same requests with proper JSON are accepted: nothing else changed
    expect((await admin.post('/api/mes/operations', { name: '5' })).statusCode).toBe(201);
    expect((await admin.post('/api/mes/materials/FASTENER-M8/adjustments', { quantity: 5, reason: 'count' })).statusCode).toBe(201);
    // query strings are text by nature and are still read as numbers and booleans
    const page = await admin.get('/api/mes/materials?limit=2&offset=0&includeArchived=true');
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({ limit: 2, offset: 0 });
  });

  it('finding 5: refuses before SQL what the database would fail on, naming the field', async () => {
    const calendar = (await ctx.database.db.selectFrom('mes.shift_calendars').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
    const withNode = (patch: object) => {
      const doc = validPlan();
      doc.nodes = [{ ...(doc.nodes as object[])[0]!, ...patch }];
      return doc;
    };
    await expectRefusedUnchanged([
      [
        'PUT',
        `/api/mes/shift-calendars/${calendar}`,
        { name: 'Day', windows: [], exceptions: [{ date: '0000-01-01', startMinute: null, endMinute: null }] },
        400,
        'body/exceptions/0/date',
      ],
      ['POST', '/api/mes/production-plans', withNode({ position: { x: 'Infinity', y: 0 } }), 400, 'body/nodes/0/position/x'],
      ['PUT', `/api/mes/worker-assignments/${assignmentId}`, { plannedStart: '0000-06-01T08:00:00Z' }, 400, 'body/plannedStart'],
    ]);
    expectFieldProblem(await admin.get('/api/mes/production-plans?limit=Infinity'), 400, 'querystring/limit');
    expectFieldProblem(await admin.get('/api/mes/production-plans?from=0000-01-01T00:00:00Z'), 400, 'querystring/from');
  });

  it('finding 8: refuses unstorable text and amounts that round to 0, naming the field', async () => {
    const withNode = (patch: object) => {
      const doc = validPlan();
      doc.nodes = [{ ...(doc.nodes as object[])[0]!, ...patch }];
      return doc;
    };
    await expectRefusedUnchanged([
      ['POST', '/api/mes/operations', { name: 'Laser\u0000cutting' }, 400, 'body/name'],
      ['POST', '/api/mes/operations', { name: 'Laser\ud800' }, 400, 'body/name'],
      ['PATCH', '/api/mes/operations/OP-001', { description: '\udc00' }, 400, 'body/description'],
      ['POST', '/api/mes/production-plans', withNode({ efficiency: 1e-300 }), 400, 'body/nodes/0/efficiency'],
      ['POST', '/api/mes/production-plans', { ...validPlan(), quantity: 0.0001 }, 400, 'body/quantity'],
      ['POST', '/api/mes/materials/FASTENER-M8/adjustments', { quantity: 0.0004, reason: 'count' }, 400, 'body/quantity'],
    ]);
  });

  it('maps every SQLSTATE the database raises on input to a 4xx problem, naming the column when the database says it', async () => {
    // a bare app with one extra route that runs a statement, to see what each engine raises
    const bare = await buildApp({ database: ctx.database, config: testConfig(), logger: false });
    bare.post('/test/sql', { config: { public: true } }, async (request) => {
      const { text, values } = request.body as { text: string; values: unknown[] };
      await ctx.database.pool.query(text, values);
      return { ok: true };
    });
    await bare.ready();
    try {
      const cases: [text: string, values: unknown[], status: number, field: string | undefined][] = [
        ['select $1::date', ['0000-01-01'], 400, undefined], // 22008
        ['select $1::timestamptz', ['0000-01-01T00:00:00Z'], 400, undefined], // 22008
        ["insert into mes.operations (id, name) values ('OP-900', $1)", [null], 400, 'name'], // 23502
        ["insert into mes.operations (id, name, default_efficiency) values ('OP-901', 'x', $1)", [1e-300], 422, 'defaultEfficiency'], // 23514
        ["insert into mes.station_operations (station_id, operation_id) values ('ST-001', $1)", ['OP-999'], 422, 'operationId'], // 23503
        ["insert into mes.operations (id, name) values ($1, 'x')", ['OP-001'], 409, undefined], // 23505 on the primary key
        ['select $1::text', ['a\u0000b'], 400, undefined], // 22021
        ['select $1::jsonb', ['{"a":"\\u0000"}'], 400, undefined], // 22P05
        ['select $1::jsonb', [JSON.stringify({ a: 'x\ud800' })], 400, undefined], // 22P02 (lone surrogate escape)
        ['select $1::int', ['abc'], 400, undefined], // 22P02
        ['select $1::int', ['99999999999'], 400, undefined], // 22003
        ['select $1::numeric(6,3)', ['1e300'], 400, undefined], // 22003
        ["select repeat('x', $1::int)", [1_100_000_000], 413, undefined], // 54000
      ];
      const failures: string[] = [];
      for (const [text, values, status, field] of cases) {
        const res = await bare.inject({ method: 'POST', url: '/test/sql', payload: { text, values } });
        const body = res.json();
        if (res.statusCode !== status || body.field !== field || !String(res.headers['content-type']).startsWith('application/problem+json')) {
          failures.push(`${text} ${JSON.stringify(values)}: ${res.statusCode} ${res.body}`);
        }
      }
      expect(failures, failures.join('\n')).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});

/** A TCP proxy to PostgreSQL that can be taken away: its connections are cut and new ones refused. */
async function proxyTo(url: string) {
  const target = new URL(url);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  return {
    url: proxied.toString(),
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

describeEachEngine('the database unreachable', (ctx) => {
  let test: TestDatabase;
  let app: FastifyInstance;
  let stopDatabase: () => Promise<void>;
  let closeDatabase: () => Promise<void>;

  beforeAll(async () => {
    test = await createTestDatabase(ctx.engine);
    await seed(test.database.db, 'minimal');
    if (ctx.engine === 'pglite') {
      app = await buildApp({ database: test.database, config: testConfig(), logger: false });
      stopDatabase = () => test.database.pglite!.close();
      closeDatabase = async () => undefined;
    } else {
      const proxy = await proxyTo(test.url!);
      const database = await openDatabase({ databaseUrl: proxy.url, poolSize: 4 });
      // fail fast once the proxy is gone (the default waits 10 s for a connection)
      (database.pool.options as { connectionTimeoutMillis: number }).connectionTimeoutMillis = 1_000;
      app = await buildApp({ database, config: testConfig(), logger: false });
      stopDatabase = proxy.stop;
      closeDatabase = () => database.close();
    }
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await closeDatabase?.();
    await test?.drop().catch(() => undefined);
  });

  it('answers writes with 503 and Retry-After, as problem documents, not 500', async () => {
    const admin = await signIn(app, 'admin');
    expect((await admin.get('/api/mes/operations')).statusCode).toBe(200);
    await stopDatabase();
    const writes: [method: 'POST' | 'PATCH', url: string, body: unknown][] = [
      ['POST', '/api/mes/operations', { name: 'Deburr' }],
      ['PATCH', '/api/mes/operations/OP-001', { name: 'Laser' }],
      ['POST', '/api/mes/materials/FASTENER-M8/adjustments', { quantity: 5, reason: 'count' }],
      ['POST', '/api/mes/workers', { name: 'Ada' }],
      ['POST', '/api/mes/production-plans', validPlan()],
    ];
    for (const [method, url, body] of writes) {
      const res = await admin.request(method, url, body);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toMatchObject({ status: 503, type: 'urn:burkol-mes:problem:unavailable' });
    }
    // signing in needs the database too
    const login = await app.inject({ method: 'POST', url: '/api/mes/auth/login', payload: { username: 'admin', password: 'admin-pass-123' } });
    expect(login.statusCode, login.body).toBe(503);
  });
});
