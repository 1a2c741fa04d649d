/**
 * Bad input never reaches the data: a generated corpus (wrong types, missing
 * fields, unknown fields, huge strings and arrays, unicode, SQL and HTML
 * injection strings, deep nesting, malformed JSON, wrong content types,
 * bodies over the 5 MiB limit) goes to EVERY write route of the OpenAPI
 * document under /api/mes, as a signed-in admin. Every answer is a 4xx problem
 * document, never a 5xx, and no row of schema mes appears or disappears.
 *
 * Path parameters get existing ids (only on routes whose body is validated,
 * so the request is refused whatever the id) or garbage ids. Routes without a
 * body get garbage ids only: with a real id they would legitimately act.
 * POST /auth/logout is skipped: it succeeds on any input by design.
 */
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { countMesRows } from '../../src/seed/seed.js';
import { type Client, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';

const runs = Number(process.env.MES_FUZZ_RUNS ?? 12);
const skipped = new Set(['POST /api/mes/auth/logout']);
const bodyLimit = 5 * 1024 * 1024;

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
}

interface WriteRoute {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI path, e.g. /api/mes/operations/{id} */
  path: string;
  params: string[];
  body: JsonSchema | undefined;
  idempotencyHeader: boolean;
  label: string;
  /** the body is a file (application/octet-stream), not JSON */
  raw: boolean;
}

function writeRoutes(app: FastifyInstance): WriteRoute[] {
  const doc = app.swagger() as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>;
  };
  const routes: WriteRoute[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/mes/')) continue;
    for (const [method, op] of Object.entries(operations)) {
      const upper = method.toUpperCase();
      if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(upper)) continue;
      const label = `${upper} ${path}`;
      if (skipped.has(label)) continue;
      routes.push({
        method: upper as WriteRoute['method'],
        path,
        params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        body: op.requestBody?.content['application/json']?.schema,
        idempotencyHeader: (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'idempotency-key'),
        label,
        // document uploads (documents.routes.ts): the body is the file, declared by `consumes`, which the document shows only with a body schema
        raw: upper === 'POST' && path.endsWith('/documents'),
      });
    }
  }
  return routes;
}

// ---- the corpus -------------------------------------------------------------

const injections = [
  "' or 1=1 --",
  "'; drop table mes.operations; --",
  '" or ""="',
  '1; select pg_sleep(10)',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '{{7*7}}',
  '${jndi:ldap://x}',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  'a\u0000b',
  '\u202e\u0301\ud83d\ude00',
  'Ω≈ç√∫˜µ≤≥÷',
  '𝕿𝖍𝖊 𝖖𝖚𝖎𝖈𝖐',
  ' ',
  '',
  'null',
  'NaN',
  '-1',
  '1e309',
  '__proto__',
  'constructor',
];

const hugeString = 'x'.repeat(200_000);
const hugeArray = Array.from({ length: 50_000 }, (_, i) => i);
function deeplyNested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}
const deep = deeplyNested(2_000);

const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom(...injections));
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant(-1e308));
const big = fc.constantFrom<unknown>(
  hugeString,
  hugeArray,
  deep,
  { nested: deep },
  Array.from({ length: 2_000 }, () => ({ a: hugeString.slice(0, 100) })),
);
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: big },
);
/** Values that never coerce to a scalar or an array (coerceTypes is on). */
const notScalar = fc.oneof(fc.dictionary(text, anyJson, { minKeys: 0, maxKeys: 3 }), fc.constant({ length: 1, 0: 'x' }));
/** Values that never coerce to an object. */
const notObject = fc.oneof(
  scalar.filter((v) => v !== null),
  fc.array(anyJson, { minLength: 1, maxLength: 3 }),
  fc.constant(hugeString),
);

function typeOf(schema: JsonSchema | undefined): string | undefined {
  return typeof schema?.type === 'string' ? schema.type : undefined;
}

/** A value of the wrong type for a property, or undefined when its schema is a union. */
function wrongValue(schema: JsonSchema): fc.Arbitrary<unknown> | undefined {
  const type = typeOf(schema);
  if (!type) return undefined;
  return type === 'object' ? notObject : notScalar;
}

/** Bodies that no write route accepts (every body schema is a closed object). */
function invalidBodies(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const props = Object.keys(schema?.properties ?? {});
  const known = props.length > 0 ? fc.dictionary(fc.constantFrom(...props), anyJson, { maxKeys: props.length }) : fc.constant({});
  const unknownKey = fc.oneof(text, fc.constantFrom('__proto__', 'constructor', 'id ', 'ID', 'nodes[]')).filter((k) => !props.includes(k));
  const variants: fc.Arbitrary<unknown>[] = [
    // not an object at all
    notObject,
    fc.constant(null),
    fc.constantFrom<unknown>(hugeArray, deep, [], [{}]),
    // an unknown field, with or without known fields of any value
    fc.tuple(known, unknownKey, anyJson).map(([k, key, value]) => ({ ...k, [key]: value })),
  ];
  const typed = props.flatMap((p) => {
    const wrong = wrongValue(schema!.properties![p]!);
    return wrong ? [{ p, wrong }] : [];
  });
  if (typed.length > 0) {
    // known fields only, at least one of the wrong type
    variants.push(fc.tuple(known, fc.constantFrom(...typed)).chain(([k, t]) => t.wrong.map((value) => ({ ...k, [t.p]: value }))));
  }
  const required = schema?.required ?? [];
  if (required.length > 0) {
    // known fields with valid-looking strings, but a required one missing
    variants.push(
      fc.tuple(fc.constantFrom(...required), fc.dictionary(fc.constantFrom(...props), text, { maxKeys: props.length })).map(([missing, k]) => {
        const body: Record<string, unknown> = { ...k };
        delete body[missing];
        return body;
      }),
    );
  }
  return fc.oneof(...variants);
}

const garbageId = fc.oneof(
  fc.constantFrom(
    'OP-999',
    'ST-999',
    'ST-999-99',
    'W-999',
    'PPL-0199-999',
    'WA-0199-999',
    'NOPE-1',
    '999999999',
    '0',
    '-1',
    '1.5',
    'a'.repeat(49),
    'a'.repeat(51),
    'a'.repeat(300),
  ),
  fc.constantFrom(...injections).filter((s) => s !== ''),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
);

function urlOf(route: WriteRoute, ids: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(ids[name]!));
}

// ---- assertions ---------------------------------------------------------------

function problemFailure(res: LightMyRequestResponse): string | undefined {
  if (res.statusCode < 400 || res.statusCode >= 500) return `status ${res.statusCode}: ${res.body.slice(0, 300)}`;
  if (!String(res.headers['content-type']).startsWith('application/problem+json'))
    return `content-type ${res.headers['content-type']}: ${res.body.slice(0, 200)}`;
  let body: { status?: unknown; detail?: unknown };
  try {
    body = res.json();
  } catch {
    return `not JSON: ${res.body.slice(0, 200)}`;
  }
  if (body.status !== res.statusCode) return `problem status ${String(body.status)} vs ${res.statusCode}`;
  if (typeof body.detail !== 'string' || body.detail.length === 0) return 'problem without detail';
  if (/ at .*\.(ts|js):\d+/.test(res.body)) return 'stack trace in the response';
  return undefined;
}

function messageOf(result: { errorInstance?: unknown }): string {
  const error = result.errorInstance;
  return error instanceof Error ? error.message : String(error);
}

function describeInput(input: unknown): string {
  const json = JSON.stringify(input) ?? String(input);
  return json.length > 300 ? `${json.slice(0, 300)}… (${json.length} chars)` : json;
}

describeEachEngine('bad input to every write route', (ctx) => {
  let app: FastifyInstance;
  let admin: Client;
  let routes: WriteRoute[];
  let existing: Map<string, string>;
  let snapshot: Record<string, number>;

  beforeAll(async () => {
    const db = ctx.database.db;
    await seed(db, 'minimal');
    app = await ctx.app();
    admin = await signIn(app, 'admin');
    const planId = (await db.selectFrom('mes.production_plans').select('id').executeTakeFirstOrThrow()).id;
    const release = await admin.post(`/api/mes/production-plans/${planId}/release`, { allowShortage: true });
    expect(release.statusCode, release.body).toBe(200);
    const assignment = await db.selectFrom('mes.worker_assignments').select(['id', 'plan_id']).where('status', '=', 'ready').executeTakeFirstOrThrow();
    const problem = await sql<{ id: number }>`
      insert into mes.assignment_problems (assignment_id, plan_id, category, text, reported_by)
      values (${assignment.id}, ${assignment.plan_id}, 'machine', 'spindle noise', 'W-001') returning id`.execute(db);
    // an existing id per collection (the segment before the path parameter)
    existing = new Map([
      ['operations', 'OP-001'],
      ['production-plans', planId],
      ['worker-assignments', assignment.id],
      ['stations', 'ST-001'],
      ['substations', 'ST-001-01'],
      ['workers', 'W-001'],
      ['shift-calendars', (await db.selectFrom('mes.shift_calendars').select('id').executeTakeFirstOrThrow()).id],
      ['materials', 'FASTENER-M8'],
      ['problems', String(problem.rows[0]!.id)],
      ['users', 'planner'],
      ['lots', (await db.selectFrom('mes.lots').select('code').executeTakeFirstOrThrow()).code],
      ['nodes', (await db.selectFrom('mes.production_plan_nodes').select('node_id').where('plan_id', '=', planId).executeTakeFirstOrThrow()).node_id],
      // approve takes no body: a code of the right shape is enough for its garbage (it answers 404 and writes nothing)
      ['nonconformances', 'NCR-0101-001'],
    ]);
    routes = writeRoutes(app);
    snapshot = await countMesRows(db);
  });

  const existingFor = (route: WriteRoute, param: string) => {
    const segments = route.path.split('/');
    const collection = segments[segments.indexOf(`{${param}}`) - 1]!;
    const id = existing.get(collection);
    if (!id) throw new Error(`no existing id known for ${collection} (${route.label}): add one to the test`);
    return id;
  };

  const paramsArb = (route: WriteRoute): fc.Arbitrary<Record<string, string>> => {
    if (route.params.length === 0) return fc.constant({});
    return fc.record(Object.fromEntries(route.params.map((p) => [p, route.body ? fc.oneof(fc.constant(existingFor(route, p)), garbageId) : garbageId])));
  };

  const headersArb = (route: WriteRoute): fc.Arbitrary<Record<string, string>> =>
    route.idempotencyHeader
      ? fc
          .option(fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 300 }), fc.constant('k'.repeat(5_000))), { nil: undefined })
          .map((key): Record<string, string> => (key === undefined ? {} : { 'idempotency-key': key }))
      : fc.constant({});

  const rowsUnchanged = async () => expect(await countMesRows(ctx.database.db)).toEqual(snapshot);

  it('finds the write routes in the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThanOrEqual(30);
    const labels = routes.map((r) => r.label);
    for (const expected of [
      'POST /api/mes/operations',
      'PUT /api/mes/production-plans/{id}',
      'POST /api/mes/production-plans/{id}/release',
      'DELETE /api/mes/workers/{id}',
      'POST /api/mes/materials/{code}/adjustments',
    ]) {
      expect(labels).toContain(expected);
    }
  });

  it('answers generated garbage with 4xx problem documents and writes nothing', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const input = fc.record({ ids: paramsArb(route), body: invalidBodies(route.body), headers: headersArb(route) });
      const result = await fc.check(
        fc.asyncProperty(input, async ({ ids, body, headers }) => {
          const res = await admin.request(route.method, urlOf(route, ids), body, { 'content-type': 'application/json', ...headers });
          const failure = problemFailure(res);
          if (failure) throw new Error(failure);
        }),
        { numRuns: runs, seed: 20_251_126, endOnFailure: true },
      );
      if (result.failed) {
        const [{ ids, body, headers }] = result.counterexample!;
        failures.push(`${route.label} ids=${describeInput(ids)} headers=${describeInput(headers)} body=${describeInput(body)}: ${messageOf(result)}`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    await rowsUnchanged();
  });

  it('answers malformed JSON, a wrong content type and a body over the limit with 400, 415 and 413', async () => {
    const oversized = JSON.stringify({ name: 'x'.repeat(bodyLimit) });
    const failures: string[] = [];
    for (const route of routes) {
      const ids = Object.fromEntries(route.params.map((p) => [p, route.body ? existingFor(route, p) : 'NOPE-1']));
      const url = urlOf(route, ids);
      const cases: [string, string, string, number][] = [
        ['malformed JSON', '{"name": "x",', 'application/json', 400],
        ['text/plain body', 'name=x', 'text/plain', 400],
        ['unsupported content type', '<name>x</name>', 'application/xml', 415],
        ['oversized body', oversized, 'application/json', 413],
      ];
      for (const [what, payload, type, jsonStatus] of cases) {
        // a file upload takes application/octet-stream only: everything else is the wrong type (its own limits: documents.test.ts)
        const status = route.raw ? 415 : jsonStatus;
        const res = await app.inject({ method: route.method, url, payload, headers: { authorization: `Bearer ${admin.token}`, 'content-type': type } });
        const failure =
          problemFailure(res) ??
          (res.statusCode === status || (!route.body && res.statusCode === 404) ? undefined : `status ${res.statusCode}, expected ${status}`);
        if (failure) failures.push(`${route.label} ${what}: ${failure}`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    await rowsUnchanged();
  });

  it('answers malformed percent-encoding and over-long path parameters with 4xx problem documents', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.params.length > 0)) {
      for (const raw of ['%E0%A4%A', '%zz', 'a'.repeat(101), '%00']) {
        const url = route.path.replace(/\{(\w+)\}/g, raw);
        const res = await app.inject({ method: route.method, url, payload: {}, headers: { authorization: `Bearer ${admin.token}` } });
        const failure = problemFailure(res);
        if (failure) failures.push(`${route.label} with ${raw.slice(0, 20)}${raw.length > 20 ? '…' : ''}: ${failure}`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    await rowsUnchanged();
  });

  it('refuses text with NUL characters in otherwise valid bodies with 400', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/api/mes/operations', { name: 'Laser\u0000cutting' }],
      ['PATCH', '/api/mes/materials/FASTENER-M8', { name: 'Bolt\u0000' }],
      ['POST', '/api/mes/auth/login', { username: 'ad\u0000min', password: 'whatever-123' }],
    ];
    const failures: string[] = [];
    for (const [method, url, body] of cases) {
      const res = await admin.request(method as 'POST', url, body);
      const failure = problemFailure(res) ?? (res.statusCode === 400 ? undefined : `status ${res.statusCode}, expected 400`);
      if (failure) failures.push(`${method} ${url} ${describeInput(body)}: ${failure}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
    await rowsUnchanged();
  });

  it('answers garbage path parameters on routes without a body with 4xx and acts on nothing', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => !r.body && r.params.length > 0)) {
      const input = fc.record({ ids: paramsArb(route), headers: headersArb(route) });
      const result = await fc.check(
        fc.asyncProperty(input, async ({ ids, headers }) => {
          const res = await admin.request(route.method, urlOf(route, ids), undefined, headers);
          const failure = problemFailure(res);
          if (failure) throw new Error(failure);
        }),
        { numRuns: runs * 2, seed: 20_251_127, endOnFailure: true },
      );
      if (result.failed) {
        const [{ ids, headers }] = result.counterexample!;
        failures.push(`${route.label} ids=${describeInput(ids)} headers=${describeInput(headers)}: ${messageOf(result)}`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    await rowsUnchanged();
  });
});
