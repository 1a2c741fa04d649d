/** Talking to the app in tests: sign in, then inject requests with the bearer token. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { type Kysely, sql } from 'kysely';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { type DB, mesTables } from '../../src/db/schema.js';
import { countMesRows, seedDatabase } from '../../src/seed/seed.js';
import type { SeedSize } from '../../src/seed/catalog.js';
import { pinSamplePlan, samplePlan } from './plans.js';

export const adminPassword = 'admin-pass-123';
export const demoPin = '1234';

export function seed(db: Kysely<DB>, size: SeedSize = 'default') {
  return seedDatabase(db, { size, clear: true, adminPassword, demoPin });
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Client {
  token: string;
  request(method: Method, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
}

export function clientWithToken(app: FastifyInstance, token: string): Client {
  const request = (method: Method, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
  return {
    token,
    request,
    get: (url) => request('GET', url),
    post: (url, body, headers) => request('POST', url, body ?? {}, headers),
    put: (url, body, headers) => request('PUT', url, body, headers),
    patch: (url, body) => request('PATCH', url, body),
    delete: (url) => request('DELETE', url),
  };
}

export async function signIn(app: FastifyInstance, username: string, password = adminPassword): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/mes/auth/login', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return clientWithToken(app, res.json().token);
}

export async function signInWorker(app: FastifyInstance, workerId: string, pin = demoPin): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/mes/auth/pin-login', payload: { workerId, pin } });
  expect(res.statusCode, res.body).toBe(200);
  return clientWithToken(app, res.json().token);
}

/** Asserts a problem document with a status, and optionally text in its detail. */
export function expectProblem(res: LightMyRequestResponse, status: number, detail?: string | RegExp) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(res.body).not.toMatch(/ at .*\.(ts|js):\d+/); // no stack traces
  if (detail !== undefined) expect(body.detail).toMatch(detail);
  return body;
}

/** Runs a refused request and checks that no row of schema mes changed. */
export async function expectNoWrite(db: Kysely<DB>, action: () => Promise<unknown>) {
  const before = await countMesRows(db);
  await action();
  const after = await countMesRows(db);
  expect(after).toEqual(before);
}

/**
 * Row count and a checksum of the contents of every table of schema mes
 * (md5 of its rows as text, in text order): equal before and after means
 * nothing was written, not even an update in place.
 */
export async function mesContents(db: Kysely<DB>): Promise<Record<string, { rows: number; md5: string }>> {
  const parts = mesTables.map(
    (t) => `select '${t}' as t, count(*)::int as n, md5(coalesce(string_agg(x::text, E'\\n' order by x::text), '')) as md5 from mes.${t} x`,
  );
  const result = await sql.raw<{ t: string; n: number; md5: string }>(parts.join(' union all ')).execute(db);
  return Object.fromEntries(result.rows.map((r) => [r.t, { rows: r.n, md5: r.md5 }]));
}

/**
 * Cancels every open plan (pausing those in production first), so that a test's next plan finds its
 * workers and substations free now: a step starts only when nothing else holds them (issue #15).
 */
export async function clearTheFloor(planner: Client): Promise<void> {
  const open = await planner.get('/api/mes/production-plans?status=released&status=in_production&status=paused&limit=500');
  for (const other of open.json().items as { id: string; status: string }[]) {
    if (other.status === 'in_production') await planner.post(`/api/mes/production-plans/${other.id}/pause`, {});
    const cancelled = await planner.post(`/api/mes/production-plans/${other.id}/cancel`, {});
    if (cancelled.statusCode !== 200) throw new Error(`clearTheFloor: cancelling ${other.id} answered ${cancelled.statusCode}: ${cancelled.body}`);
  }
}

/** The default seed's planner and two operators: W-001 and W-006 (the pinned sample plan's N1 and N2 are theirs). */
export async function signInPlannerAndOperators(app: FastifyInstance): Promise<{ planner: Client; w1: Client; w6: Client }> {
  return { planner: await signIn(app, 'planner'), w1: await signInWorker(app, 'W-001'), w6: await signInWorker(app, 'W-006') };
}

/** On a cleared floor, the pinned sample plan (named `prefix` and a random suffix) created and released: its id and the assignments of N1 and N2. */
export async function releasePinnedSamplePlan(planner: Client, prefix: string): Promise<{ id: string; N1: string; N2: string }> {
  await clearTheFloor(planner);
  const id = await createAndRelease(planner, pinSamplePlan(samplePlan({ name: `${prefix} ${Math.random().toString(36).slice(2, 8)}` })));
  const plan = (await planner.get(`/api/mes/production-plans/${id}`)).json();
  const ids = Object.fromEntries(plan.nodes.map((n: { nodeId: string; assignment: { id: string } }) => [n.nodeId, n.assignment.id]));
  return { id, N1: ids.N1 as string, N2: ids.N2 as string };
}

/** Creates the plan and releases it, expecting both to succeed; its id (also pushed onto `live`, the plans a test cleans up, when given). */
export async function createAndRelease(planner: Client, doc: PlanDocument, live?: string[]): Promise<string> {
  const created = await planner.post('/api/mes/production-plans', doc);
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  const res = await planner.post(`/api/mes/production-plans/${id}/release`, {});
  expect(res.statusCode, res.body).toBe(200);
  live?.push(id);
  return id;
}

/** Each node's assignment (its booking) as the plan detail shows it, in node order. */
export async function planBookings<T>(planner: Client, planId: string): Promise<T[]> {
  return (await planner.get(`/api/mes/production-plans/${planId}`)).json().nodes.map((n: { assignment: T }) => n.assignment);
}
