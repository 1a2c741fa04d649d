/**
 * Who may call what: the role × route matrix below is the specification, and
 * the routes are read from the OpenAPI document, so a route added without a
 * row here fails this test (and one that declares no roles at all fails to
 * register: see src/plugins/auth.ts). docs/ACCESS.md is the same matrix in
 * words, with what each role sees of the data.
 *
 * Every request is one that must not change anything when it is let through:
 * ids that do not exist, empty bodies, a stream query that fails validation.
 * Denied roles get 403 (before any validation), no session 401.
 */
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { type Client, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';

/** public: no session; any: every role (the service narrows an operator to their own work); planner: planners and admins; own: an operator only with their own worker id. */
type Rule = 'public' | 'any' | 'planner' | 'admin' | 'own';

const matrix: Record<string, Rule> = {
  'POST /api/mes/auth/login': 'public',
  'POST /api/mes/auth/pin-login': 'public',
  'POST /api/mes/auth/logout': 'public',
  'GET /api/mes/auth/me': 'any',
  'GET /api/mes/auth/session': 'public',
  'PUT /api/mes/auth/me/locale': 'any',

  'GET /api/mes/operations': 'any',
  'GET /api/mes/operations/{id}': 'any',
  'POST /api/mes/operations': 'planner',
  'PATCH /api/mes/operations/{id}': 'planner',
  'DELETE /api/mes/operations/{id}': 'planner',
  'GET /api/mes/operations/{id}/inspection-plan': 'any',
  'PUT /api/mes/operations/{id}/inspection-plan': 'planner',

  'GET /api/mes/stations': 'any',
  'GET /api/mes/stations/{id}': 'any',
  'POST /api/mes/stations': 'planner',
  'PATCH /api/mes/stations/{id}': 'planner',
  'DELETE /api/mes/stations/{id}': 'planner',
  'GET /api/mes/substations': 'any',
  'GET /api/mes/substations/{id}': 'any',
  'POST /api/mes/substations': 'planner',
  'PATCH /api/mes/substations/{id}': 'planner',
  'DELETE /api/mes/substations/{id}': 'planner',
  'GET /api/mes/substations/{id}/blocks': 'any',
  'POST /api/mes/substations/{id}/blocks': 'planner',
  'DELETE /api/mes/substations/{id}/blocks/{blockId}': 'planner',

  'GET /api/mes/workers': 'planner',
  'GET /api/mes/workers/{id}': 'own',
  'POST /api/mes/workers': 'planner',
  'PATCH /api/mes/workers/{id}': 'planner',
  'DELETE /api/mes/workers/{id}': 'planner',
  'GET /api/mes/workers/{id}/schedule': 'own',
  'GET /api/mes/workers/{id}/tasks': 'own',
  'GET /api/mes/shift-calendars': 'any',
  'GET /api/mes/shift-calendars/{id}': 'any',
  'POST /api/mes/shift-calendars': 'planner',
  'PUT /api/mes/shift-calendars/{id}': 'planner',
  'DELETE /api/mes/shift-calendars/{id}': 'planner',

  'GET /api/mes/materials': 'any',
  'GET /api/mes/materials/{code}': 'any',
  'POST /api/mes/materials': 'planner',
  'PATCH /api/mes/materials/{code}': 'planner',
  'DELETE /api/mes/materials/{code}': 'planner',
  'POST /api/mes/materials/{code}/adjustments': 'planner',
  'GET /api/mes/materials/{code}/ledger': 'planner',
  'POST /api/mes/materials/{code}/lots': 'planner',
  'GET /api/mes/materials/{code}/lots': 'any',
  'GET /api/mes/lots': 'planner',
  'GET /api/mes/lots/{code}': 'any',
  'GET /api/mes/lots/{code}/genealogy': 'planner',
  'POST /api/mes/lots/{code}/block': 'planner',
  'POST /api/mes/lots/{code}/unblock': 'planner',

  'GET /api/mes/production-plans': 'planner',
  'GET /api/mes/production-plans/{id}': 'planner',
  'POST /api/mes/production-plans': 'planner',
  'PUT /api/mes/production-plans/{id}': 'planner',
  'DELETE /api/mes/production-plans/{id}': 'planner',
  'GET /api/mes/production-plans/{id}/export': 'planner',
  'POST /api/mes/production-plans/import': 'planner',
  'GET /api/mes/production-plans/{id}/schedule': 'planner',
  'GET /api/mes/production-plans/{id}/materials': 'planner',
  'POST /api/mes/production-plans/archive': 'planner',
  'POST /api/mes/production-plans/{id}/archive': 'planner',
  'POST /api/mes/production-plans/{id}/release': 'planner',
  'POST /api/mes/production-plans/{id}/pause': 'planner',
  'POST /api/mes/production-plans/{id}/resume': 'planner',
  'POST /api/mes/production-plans/{id}/cancel': 'planner',
  'POST /api/mes/production-plans/{id}/reschedule': 'planner',
  'GET /api/mes/production-plans/{id}/shortfall': 'planner',
  'POST /api/mes/production-plans/{id}/nodes/{nodeId}/accept-short': 'planner',
  'POST /api/mes/production-plans/{id}/nodes/{nodeId}/remake': 'planner',
  'POST /api/mes/schedule/reschedule': 'planner',
  'GET /api/mes/production-plans/{id}/inspection-results': 'planner',
  'GET /api/mes/production-plans/{id}/inspection-report.csv': 'planner',
  'GET /api/mes/production-plans/{id}/nonconformances': 'planner',
  'POST /api/mes/nonconformances/{code}/approve': 'planner',

  'GET /api/mes/worker-assignments': 'any',
  'GET /api/mes/worker-assignments/{id}': 'any',
  'PUT /api/mes/worker-assignments/{id}': 'planner',
  'POST /api/mes/worker-assignments/{id}/start': 'any',
  'POST /api/mes/worker-assignments/{id}/pause': 'any',
  'POST /api/mes/worker-assignments/{id}/resume': 'any',
  'POST /api/mes/worker-assignments/{id}/complete': 'any',
  'POST /api/mes/worker-assignments/{id}/report-problem': 'any',
  'GET /api/mes/worker-assignments/{id}/inspection-results': 'any',
  'POST /api/mes/worker-assignments/{id}/inspection-results': 'any',
  'POST /api/mes/worker-assignments/{id}/nonconformances': 'any',
  'GET /api/mes/problems': 'planner',
  'POST /api/mes/problems/{id}/resolve': 'planner',

  'GET /api/mes/users': 'admin',
  'GET /api/mes/users/{username}': 'admin',
  'POST /api/mes/users': 'admin',
  'PATCH /api/mes/users/{username}': 'admin',
  'POST /api/mes/users/portal-access': 'admin',
  'POST /api/mes/users/{username}/password': 'admin',
  'POST /api/mes/users/{username}/pin': 'admin',
  'POST /api/mes/users/{username}/disable': 'admin',
  'POST /api/mes/users/{username}/enable': 'admin',
  'POST /api/mes/users/{username}/unlock': 'admin',
  'GET /api/mes/users/{username}/sessions': 'admin',
  'DELETE /api/mes/users/{username}/sessions': 'admin',
  'DELETE /api/mes/users/{username}/sessions/{sessionId}': 'admin',

  'GET /api/mes/alerts': 'any',
  'POST /api/mes/alerts/{id}/ack': 'any',
  'POST /api/mes/alerts/ack-all': 'any',

  'POST /api/mes/operations/{id}/documents': 'planner',
  'GET /api/mes/operations/{id}/documents': 'planner',
  'POST /api/mes/production-plans/{id}/documents': 'planner',
  'GET /api/mes/production-plans/{id}/documents': 'planner',
  'POST /api/mes/production-plans/{id}/nodes/{nodeId}/documents': 'planner',
  'GET /api/mes/production-plans/{id}/nodes/{nodeId}/documents': 'planner',
  'GET /api/mes/worker-assignments/{id}/documents': 'any',
  'GET /api/mes/documents/{id}': 'any',
  'DELETE /api/mes/documents/{id}': 'planner',
  'GET /api/mes/analytics/oee': 'planner',
  'GET /api/mes/analytics/downtime': 'planner',
  'GET /api/mes/analytics/scrap': 'planner',
  'GET /api/mes/analytics/planned-vs-actual': 'planner',
  'GET /api/mes/analytics/delivery': 'planner',
  'GET /api/mes/analytics/utilisation': 'planner',
  'GET /api/mes/analytics/steps': 'planner',

  'GET /api/mes/stream': 'any',
  'GET /api/mes/stream/plans': 'any',
  'GET /api/mes/stream/assignments': 'any',
  'GET /api/mes/stream/workers': 'any',
};

type Role = 'admin' | 'planner' | 'operator';
const allowed = (rule: Rule, role: Role) =>
  rule === 'public' || rule === 'any' || rule === 'own' || (rule === 'planner' ? role !== 'operator' : role === 'admin');

/** Ids nobody has: a let-through request finds nothing to act on. */
const missing: Record<string, string> = { id: '999999', code: 'NO-SUCH-MATERIAL', username: 'no-such-user', sessionId: '0000000000000000' };

function apiRoutes(app: FastifyInstance): string[] {
  const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/mes/'))
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
}

describeEachEngine('access: the role × route matrix', (ctx) => {
  let app: FastifyInstance;
  const clients = {} as Record<Role, Client>;

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    app = await ctx.app();
    clients.admin = await signIn(app, 'admin');
    clients.planner = await signIn(app, 'planner');
    clients.operator = await signInWorker(app, 'W-001');
  });

  it('has a rule for every route of the OpenAPI document, and no rule for a route that is gone', () => {
    const routes = apiRoutes(app).sort();
    expect(
      routes.filter((r) => !(r in matrix)),
      'routes without a rule in the matrix',
    ).toEqual([]);
    expect(
      Object.keys(matrix).filter((r) => !routes.includes(r)),
      'rules for routes that do not exist',
    ).toEqual([]);
  });

  it('answers each role as the matrix says: 401 without a session, 403 where denied, through where allowed', async () => {
    const outcomes: string[] = [];
    for (const route of apiRoutes(app)) {
      const rule = matrix[route];
      if (!rule) continue; // reported by the test above
      const [method, path] = route.split(' ') as [string, string];
      if (route === 'POST /api/mes/auth/logout') continue; // public, and it would end the session of the client asking
      const url = (worker: string) => {
        const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => (rule === 'own' && name === 'id' ? worker : (missing[name] ?? 'X')));
        // a stream let through would never end: a query that fails validation proves the request got past the roles
        return filled.startsWith('/api/mes/stream') ? `${filled}?planId=!` : filled;
      };
      // the floor's reschedule with no plans named would reschedule every plan: a body that fails validation proves the roles let it through
      const body = route === 'POST /api/mes/schedule/reschedule' ? { planIds: [] } : ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined;

      const anonymous = await app.inject({ method: method as 'GET', url: url('W-001'), ...(body ? { payload: body } : {}) });
      if (rule === 'public') expect(anonymous.statusCode, `${route} without a session`).not.toBe(401);
      else expectProblem(anonymous, 401);

      for (const role of ['admin', 'planner', 'operator'] as const) {
        const res = await clients[role].request(method as 'GET', url('W-001'), body);
        if (allowed(rule, role)) {
          expect([401, 403], `${route} as ${role}: ${res.body}`).not.toContain(res.statusCode);
          expect(res.statusCode, `${route} as ${role} must change nothing: ${res.body}`).toBeGreaterThanOrEqual(200);
        } else {
          expect(res.statusCode, `${route} as ${role}: ${res.body}`).toBe(403);
        }
        outcomes.push(`${route} ${role} ${res.statusCode}`);
      }
      if (rule === 'own') {
        // an operator with another worker's id
        expectProblem(await clients.operator.request(method as 'GET', url('W-002'), body), 403);
        expect((await clients.planner.request(method as 'GET', url('W-002'), body)).statusCode, route).toBe(200);
      }
    }
    expect(outcomes.length).toBeGreaterThan(3 * 60);
  });

  it('shows an operator their own worker record in full and nobody else’s; emails only to planners and admins', async () => {
    const own = (await clients.operator.get('/api/mes/workers/W-001')).json();
    expect(own).toMatchObject({ id: 'W-001', email: expect.stringContaining('@') });
    expectProblem(await clients.operator.get('/api/mes/workers/W-002'), 403);
    expectProblem(await clients.operator.get('/api/mes/workers'), 403);
    expect((await clients.planner.get('/api/mes/workers?limit=500')).json().items.every((w: { email: string | null }) => typeof w.email === 'string')).toBe(
      true,
    );
  });

  it('keeps the plans, their schedules and the material ledger (who moved stock) from operators', async () => {
    const plan = (await clients.planner.get('/api/mes/production-plans?limit=1')).json().items[0].id as string;
    for (const url of [
      `/api/mes/production-plans/${plan}`,
      `/api/mes/production-plans/${plan}/schedule`,
      `/api/mes/production-plans/${plan}/export`,
      `/api/mes/production-plans/${plan}/materials`,
      '/api/mes/production-plans',
      '/api/mes/materials/SHEET-S235-2/ledger',
    ]) {
      expectProblem(await clients.operator.get(url), 403);
      expect((await clients.planner.get(url)).statusCode, url).toBe(200);
    }
  });
});
