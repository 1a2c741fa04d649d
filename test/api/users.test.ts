/**
 * User administration (issue #19): every route of /api/mes/users for admins,
 * its refusals, and what a change does to signing in and to sessions.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { type Client, demoPin, expectNoWrite, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';

const login = (app: FastifyInstance, username: string, password: string) =>
  app.inject({ method: 'POST', url: '/api/mes/auth/login', payload: { username, password } });
const pinLogin = (app: FastifyInstance, workerId: string, pin: string) =>
  app.inject({ method: 'POST', url: '/api/mes/auth/pin-login', payload: { workerId, pin } });

describeEachEngine('user administration', (ctx) => {
  let app: FastifyInstance;
  let admin: Client;

  beforeAll(async () => {
    await seed(ctx.database.db, 'minimal');
    app = await ctx.app();
    admin = await signIn(app, 'admin');
  });

  const events = (entityId: string) =>
    ctx.database.db
      .selectFrom('mes.events')
      .select(['topic', 'entity_type as entityType', 'change', 'payload'])
      .where('entity_type', '=', 'user')
      .where('entity_id', '=', entityId)
      .orderBy('id')
      .execute();

  it('refuses every route to planners and operators (403) and without a session (401)', async () => {
    const planner = await signIn(app, 'planner');
    const operator = await signInWorker(app, 'W-001');
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/mes/users'],
      ['GET', '/api/mes/users/planner'],
      ['POST', '/api/mes/users', { username: 'sneaky', role: 'admin' }],
      ['POST', '/api/mes/users/portal-access', { workerId: 'W-002' }],
      ['PATCH', '/api/mes/users/planner', { role: 'admin' }],
      ['POST', '/api/mes/users/admin/password', {}],
      ['POST', '/api/mes/users/W-001/pin', {}],
      ['POST', '/api/mes/users/admin/disable', {}],
      ['POST', '/api/mes/users/admin/enable', {}],
      ['GET', '/api/mes/users/admin/sessions'],
      ['DELETE', '/api/mes/users/admin/sessions'],
      ['DELETE', '/api/mes/users/admin/sessions/0123456789abcdef'],
    ];
    await expectNoWrite(ctx.database.db, async () => {
      for (const [method, url, body] of routes) {
        for (const client of [planner, operator]) expectProblem(await client.request(method as 'GET', url, body), 403, /admin/);
        expectProblem(await app.inject({ method: method as 'GET', url, ...(body ? { payload: body as object } : {}) }), 401);
      }
    });
  });

  it('lists accounts, paged, with filters q, role, disabled and workerId', async () => {
    const all = (await admin.get('/api/mes/users?limit=500')).json();
    expect(all.total).toBeGreaterThanOrEqual(3);
    const me = all.items.find((u: { username: string }) => u.username === 'admin');
    expect(me).toMatchObject({ role: 'admin', workerId: null, hasPassword: true, hasPin: false, disabledAt: null, activeSessions: expect.any(Number) });
    expect(me.activeSessions).toBeGreaterThanOrEqual(1);
    expect(Date.parse(me.lastLoginAt)).toBeGreaterThan(Date.now() - 600_000);
    expect(JSON.stringify(all)).not.toMatch(/hash|argon/i);

    const page = (await admin.get('/api/mes/users?limit=1&offset=1')).json();
    expect(page).toMatchObject({ total: all.total, limit: 1, offset: 1 });
    expect(page.items[0].username).toBe(all.items[1].username);

    const operators = (await admin.get('/api/mes/users?role=operator&limit=500')).json();
    expect(operators.items.length).toBeGreaterThan(0);
    expect(operators.items.every((u: { role: string; workerId: string }) => u.role === 'operator' && u.workerId)).toBe(true);
    expect((await admin.get('/api/mes/users?q=planN')).json().items.map((u: { username: string }) => u.username)).toEqual(['planner']);
    expect((await admin.get('/api/mes/users?workerId=W-001')).json().items).toMatchObject([{ workerId: 'W-001', workerName: expect.any(String) }]);
    expect((await admin.get('/api/mes/users?disabled=true')).json().total).toBe(0);
    expect((await admin.get('/api/mes/users?disabled=false')).json().total).toBe(all.total);

    expect(expectProblem(await admin.get('/api/mes/users?role=boss'), 400).field).toBe('querystring/role');
    expect(expectProblem(await admin.get('/api/mes/users?limit=0'), 400).field).toBe('querystring/limit');
    expect(expectProblem(await admin.get('/api/mes/users?color=red'), 400).field).toBe('querystring/color');
  });

  it('gets one account with last sign-in and active sessions; 404 for an unknown one, 400 for a bad name', async () => {
    await signIn(app, 'planner');
    const res = await admin.get('/api/mes/users/planner');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ username: 'planner', role: 'planner', activeSessions: expect.any(Number), lastLoginAt: expect.any(String) });
    expect(res.json().activeSessions).toBeGreaterThanOrEqual(1);
    expectProblem(await admin.get('/api/mes/users/ghost'), 404, 'user ghost does not exist');
    expect(expectProblem(await admin.get('/api/mes/users/a%20b'), 400).field).toBe('params/username');
  });

  it('creates a planner with a generated password that signs in, shown once, with an event without secrets', async () => {
    const res = await admin.post('/api/mes/users', { username: 'maria', displayName: 'Maria K.', role: 'planner' });
    expect(res.statusCode, res.body).toBe(201);
    const { user, password, pin } = res.json();
    expect(user).toMatchObject({
      username: 'maria',
      displayName: 'Maria K.',
      role: 'planner',
      hasPassword: true,
      hasPin: false,
      lastLoginAt: null,
      activeSessions: 0,
    });
    expect(pin).toBeUndefined();
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    expect((await login(app, 'maria', password)).statusCode).toBe(200);
    expect((await admin.get('/api/mes/users/maria')).json()).toMatchObject({ activeSessions: 1, lastLoginAt: expect.any(String) });
    expect(JSON.stringify((await admin.get('/api/mes/users/maria')).json())).not.toContain(password);

    const recorded = await events('maria');
    expect(recorded).toMatchObject([{ topic: 'master', entityType: 'user', change: 'created', payload: { username: 'maria', role: 'planner' } }]);
    expect(JSON.stringify(recorded)).not.toContain(password);
  });

  it('creates an operator bound to a worker with a chosen or generated PIN of at least 6 digits', async () => {
    const worker = await admin.post('/api/mes/workers', { name: 'Nora New' });
    expect(worker.statusCode, worker.body).toBe(201);
    const workerId = worker.json().id as string;
    const res = await admin.post('/api/mes/users', { username: 'nora', role: 'operator', workerId, pin: '246810' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      user: { role: 'operator', workerId, workerName: 'Nora New', displayName: 'Nora New', hasPin: true, hasPassword: false },
      pin: '246810',
    });
    expect(res.json().password).toBeUndefined();
    expect((await pinLogin(app, workerId, '246810')).statusCode).toBe(200);

    const other = (await admin.post('/api/mes/workers', { name: 'Otto Other' })).json().id as string;
    const generated = await admin.post('/api/mes/users', { username: 'otto', role: 'operator', workerId: other });
    expect(generated.statusCode, generated.body).toBe(201);
    expect(generated.json().pin).toMatch(/^[0-9]{6}$/);
    expect((await pinLogin(app, other, generated.json().pin)).statusCode).toBe(200);
  });

  it('refuses bad accounts naming the field, and writes nothing', async () => {
    const cases: [unknown, number, string, RegExp?][] = [
      [{ username: 'x', role: 'planner' }, 400, 'body/username'],
      [{ username: 'bad name', role: 'planner' }, 400, 'body/username'],
      [{ username: 'newbie', role: 'boss' }, 400, 'body/role'],
      [{ role: 'planner' }, 400, 'body/username'],
      [{ username: 'newbie', role: 'planner', password: 'chosen-123' }, 400, 'body/password'],
      [{ username: 'newbie', role: 'operator', workerId: 'W-002', pin: '1234' }, 400, 'body/pin'],
      [{ username: 'newbie', role: 'operator', workerId: 'nope' }, 400, 'body/workerId'],
      [{ username: 'newbie', role: 'operator' }, 422, 'body/workerId', /needs a worker/],
      [{ username: 'newbie', role: 'planner', workerId: 'W-002' }, 422, 'body/workerId', /only operator/],
      [{ username: 'newbie', role: 'admin', pin: '123456' }, 422, 'body/pin'],
      [{ username: 'newbie', role: 'operator', workerId: 'W-999' }, 422, 'body/workerId', /does not exist/],
      [{ username: 'newbie', role: 'operator', workerId: 'W-001' }, 409, 'body/workerId', /already has an account/],
      [{ username: 'planner', role: 'planner' }, 409, 'body/username', /already exists/],
    ];
    await expectNoWrite(ctx.database.db, async () => {
      for (const [body, status, field, detail] of cases) {
        const problem = expectProblem(await admin.post('/api/mes/users', body), status, detail);
        expect(problem.field, JSON.stringify(body)).toBe(field);
      }
    });
  });

  it('resets a password: the new one works, the old one and the old sessions do not', async () => {
    const created = (await admin.post('/api/mes/users', { username: 'pia', role: 'planner' })).json();
    const old = await signIn(app, 'pia', created.password);
    const res = await admin.post('/api/mes/users/pia/password');
    expect(res.statusCode, res.body).toBe(200);
    const { password } = res.json();
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(password).not.toBe(created.password);
    expectProblem(await login(app, 'pia', created.password), 401);
    expect((await login(app, 'pia', password)).statusCode).toBe(200);
    expectProblem(await old.get('/api/mes/auth/me'), 401);
    expect((await events('pia')).map((e) => e.change)).toEqual(['created', 'password_reset']);
    expect(JSON.stringify(await events('pia'))).not.toContain(password);

    expectProblem(await admin.post('/api/mes/users/W-001/password'), 422, /reset the PIN/);
    expectProblem(await admin.post('/api/mes/users/ghost/password'), 404);
  });

  it('an admin resetting their own password stays signed in where they did it; their other sessions end', async () => {
    const created = (await admin.post('/api/mes/users', { username: 'ada', role: 'admin' })).json();
    const here = await signIn(app, 'ada', created.password);
    const elsewhere = await signIn(app, 'ada', created.password);
    const res = await here.post('/api/mes/users/ada/password');
    expect(res.statusCode, res.body).toBe(200);
    expect((await here.get('/api/mes/auth/me')).statusCode).toBe(200);
    expectProblem(await elsewhere.get('/api/mes/auth/me'), 401);
    // resetting someone else's password keeps none of theirs
    const reset = (await here.post('/api/mes/users/ada/password')).json();
    const third = await signIn(app, 'ada', reset.password);
    expect((await admin.post('/api/mes/users/ada/password')).statusCode).toBe(200);
    expectProblem(await third.get('/api/mes/auth/me'), 401);
    expectProblem(await here.get('/api/mes/auth/me'), 401);
  });

  it('resets a PIN (generated or chosen): the new one works, the old one does not', async () => {
    expect((await pinLogin(app, 'W-002', demoPin)).statusCode).toBe(200);
    const res = await admin.post('/api/mes/users/W-002/pin', {});
    expect(res.statusCode, res.body).toBe(200);
    const { pin } = res.json();
    expect(pin).toMatch(/^[0-9]{6}$/);
    expectProblem(await pinLogin(app, 'W-002', demoPin), 401);
    expect((await pinLogin(app, 'W-002', pin)).statusCode).toBe(200);
    const chosen = await admin.post('/api/mes/users/W-002/pin', { pin: '13572468' });
    expect(chosen.json().pin).toBe('13572468');
    expectProblem(await pinLogin(app, 'W-002', pin), 401);
    expect((await pinLogin(app, 'W-002', '13572468')).statusCode).toBe(200);

    expect(expectProblem(await admin.post('/api/mes/users/W-002/pin', { pin: '12345' }), 400).field).toBe('body/pin');
    expect(expectProblem(await admin.post('/api/mes/users/W-002/pin', { pin: 'abcdef' }), 400).field).toBe('body/pin');
    expectProblem(await admin.post('/api/mes/users/planner/pin', {}), 422, /reset the password/);
    expectProblem(await admin.post('/api/mes/users/ghost/pin', {}), 404);
  });

  it('disables an account: it cannot sign in, its token is refused; enabling lets it sign in again', async () => {
    const created = (await admin.post('/api/mes/users', { username: 'dora', role: 'planner' })).json();
    const dora = await signIn(app, 'dora', created.password);
    const res = await admin.post('/api/mes/users/dora/disable');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ username: 'dora', disabledAt: expect.any(String), activeSessions: 0 });
    expectProblem(await dora.get('/api/mes/auth/me'), 401);
    expectProblem(await login(app, 'dora', created.password), 401);
    expect((await admin.get('/api/mes/users?disabled=true')).json().items.map((u: { username: string }) => u.username)).toEqual(['dora']);
    // twice is no error and no second event
    expect((await admin.post('/api/mes/users/dora/disable')).statusCode).toBe(200);

    const enabled = await admin.post('/api/mes/users/dora/enable');
    expect(enabled.json()).toMatchObject({ disabledAt: null });
    expect((await login(app, 'dora', created.password)).statusCode).toBe(200);
    expect((await events('dora')).map((e) => e.change)).toEqual(['created', 'disabled', 'enabled']);
    expectProblem(await admin.post('/api/mes/users/ghost/disable'), 404);
    expectProblem(await admin.post('/api/mes/users/ghost/enable'), 404);
  });

  it('a disabled operator cannot sign in with the PIN and their session ends', async () => {
    const tablet = await signInWorker(app, 'W-003');
    expect((await admin.post('/api/mes/users/W-003/disable')).statusCode).toBe(200);
    expectProblem(await tablet.get('/api/mes/workers/W-003/tasks'), 401);
    expectProblem(await pinLogin(app, 'W-003', demoPin), 401);
    expect((await admin.post('/api/mes/users/W-003/enable')).statusCode).toBe(200);
  });

  it('refuses to let an admin disable or demote their own account', async () => {
    await expectNoWrite(ctx.database.db, async () => {
      expectProblem(await admin.post('/api/mes/users/admin/disable'), 409, /your own account/);
      const demote = expectProblem(await admin.patch('/api/mes/users/admin', { role: 'planner' }), 409, /your own account/);
      expect(demote.field).toBe('body/role');
    });
    expect((await admin.get('/api/mes/auth/me')).statusCode).toBe(200);
    // renaming oneself is fine
    expect((await admin.patch('/api/mes/users/admin', { displayName: 'Chief' })).json().user.displayName).toBe('Chief');
  });

  it('changes roles: operators need a worker, PIN and password follow the role, sessions end', async () => {
    const created = (await admin.post('/api/mes/users', { username: 'rolf', role: 'planner' })).json();
    const rolf = await signIn(app, 'rolf', created.password);

    const promoted = await admin.patch('/api/mes/users/rolf', { role: 'admin' });
    expect(promoted.statusCode, promoted.body).toBe(200);
    expect(promoted.json()).toMatchObject({ user: { role: 'admin' } });
    expect(promoted.json().password).toBeUndefined();
    expectProblem(await rolf.get('/api/mes/auth/me'), 401);

    expect(expectProblem(await admin.patch('/api/mes/users/rolf', { role: 'operator' }), 422, /needs a worker/).field).toBe('body/workerId');
    expect(expectProblem(await admin.patch('/api/mes/users/rolf', { workerId: 'W-002' }), 422, /only operator/).field).toBe('body/workerId');
    expect(expectProblem(await admin.patch('/api/mes/users/rolf', { role: 'operator', workerId: 'W-001' }), 409).field).toBe('body/workerId');
    expect(expectProblem(await admin.patch('/api/mes/users/rolf', { role: 'operator', workerId: 'W-999' }), 422).field).toBe('body/workerId');
    expect(expectProblem(await admin.patch('/api/mes/users/rolf', {}), 400).field).toBe('body');
    expect(expectProblem(await admin.patch('/api/mes/users/rolf', { role: 'king' }), 400).field).toBe('body/role');
    expectProblem(await admin.patch('/api/mes/users/ghost', { role: 'planner' }), 404);

    const workerId = (await admin.post('/api/mes/workers', { name: 'Rolf R.' })).json().id as string;
    const demoted = await admin.patch('/api/mes/users/rolf', { role: 'operator', workerId });
    expect(demoted.statusCode, demoted.body).toBe(200);
    expect(demoted.json()).toMatchObject({ user: { role: 'operator', workerId, hasPin: true, hasPassword: false }, pin: expect.stringMatching(/^[0-9]{6}$/) });
    expectProblem(await login(app, 'rolf', created.password), 401);
    expect((await pinLogin(app, workerId, demoted.json().pin)).statusCode).toBe(200);

    const back = await admin.patch('/api/mes/users/rolf', { role: 'planner' });
    expect(back.json()).toMatchObject({ user: { role: 'planner', workerId: null, hasPin: false, hasPassword: true }, password: expect.any(String) });
    expectProblem(await pinLogin(app, workerId, demoted.json().pin), 401);
    expect((await login(app, 'rolf', back.json().password)).statusCode).toBe(200);
    expect((await events('rolf')).map((e) => e.change)).toEqual(['created', 'updated', 'updated', 'updated']);
  });

  it("lists an account's sessions and ends one or all of them", async () => {
    const created = (await admin.post('/api/mes/users', { username: 'sven', role: 'planner' })).json();
    const first = await signIn(app, 'sven', created.password);
    const second = await signIn(app, 'sven', created.password);
    const list = (await admin.get('/api/mes/users/sven/sessions')).json();
    expect(list.items).toHaveLength(2);
    expect(list.items[0]).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      current: false,
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(JSON.stringify(list)).not.toContain(first.token);

    const own = (await admin.get('/api/mes/users/admin/sessions')).json();
    expect(own.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);

    // end the newest: which one it is, the test finds out by asking
    const one = await admin.delete(`/api/mes/users/sven/sessions/${list.items[0].id}`);
    expect(one.statusCode, one.body).toBe(204);
    const alive = [(await first.get('/api/mes/auth/me')).statusCode, (await second.get('/api/mes/auth/me')).statusCode].sort();
    expect(alive).toEqual([200, 401]);
    expectProblem(await admin.delete(`/api/mes/users/sven/sessions/${list.items[0].id}`), 404);
    expect(expectProblem(await admin.delete('/api/mes/users/sven/sessions/not-an-id'), 400).field).toBe('params/sessionId');

    const all = await admin.delete('/api/mes/users/sven/sessions');
    expect(all.json()).toEqual({ ended: 1 });
    expectProblem(await first.get('/api/mes/auth/me'), 401);
    expectProblem(await second.get('/api/mes/auth/me'), 401);
    expect((await admin.get('/api/mes/users/sven')).json().activeSessions).toBe(0);
    expectProblem(await admin.delete('/api/mes/users/ghost/sessions'), 404);
    expectProblem(await admin.get('/api/mes/users/ghost/sessions'), 404);
    expect((await events('sven')).map((e) => e.change)).toEqual(['created', 'sessions_ended', 'sessions_ended']);
    // the last sign-in outlives the sessions, and a user with sessions can still be deleted in SQL
    expect((await admin.get('/api/mes/users/sven')).json().lastLoginAt).toBe(list.items[0].createdAt);
    await signIn(app, 'sven', created.password);
    await sql`delete from mes.users where username = 'sven'`.execute(ctx.database.db);
    expectProblem(await admin.get('/api/mes/users/sven'), 404);
  });

  it('gives a worker portal access in one step: creates the account, then replaces its PIN and enables it', async () => {
    const workerId = (await admin.post('/api/mes/workers', { name: 'Paula Portal' })).json().id as string;
    const first = await admin.post('/api/mes/users/portal-access', { workerId });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      created: true,
      user: { username: workerId, role: 'operator', workerId, displayName: 'Paula Portal' },
      pin: expect.stringMatching(/^[0-9]{6}$/),
    });
    const tablet = await signInWorker(app, workerId, first.json().pin);

    await admin.post(`/api/mes/users/${workerId}/disable`);
    const again = await admin.post('/api/mes/users/portal-access', { workerId, pin: '97531864' });
    expect(again.json()).toMatchObject({ created: false, pin: '97531864', user: { disabledAt: null } });
    expectProblem(await tablet.get('/api/mes/auth/me'), 401);
    expectProblem(await pinLogin(app, workerId, first.json().pin), 401);
    expect((await pinLogin(app, workerId, '97531864')).statusCode).toBe(200);

    expect(expectProblem(await admin.post('/api/mes/users/portal-access', { workerId: 'W-999' }), 422).field).toBe('body/workerId');
    expect(expectProblem(await admin.post('/api/mes/users/portal-access', { workerId, pin: '1234' }), 400).field).toBe('body/pin');
    expect(expectProblem(await admin.post('/api/mes/users/portal-access', {}), 400).field).toBe('body/workerId');
    const archived = (await admin.post('/api/mes/workers', { name: 'Gone Soon' })).json().id as string;
    expect((await admin.delete(`/api/mes/workers/${archived}`)).statusCode).toBe(204);
    expectProblem(await admin.post('/api/mes/users/portal-access', { workerId: archived }), 422, /archived/);
  });

  it('shows an account locked by failed sign-ins and lifts the lock; lifting an unlocked account changes nothing', async () => {
    const created = await admin.post('/api/mes/users', { username: 'locked-planner', role: 'planner' });
    expect(created.statusCode, created.body).toBe(201);
    const password = created.json().password as string;
    for (let i = 0; i < 5; i++) expect((await login(app, 'locked-planner', 'wrong-password')).statusCode).toBeGreaterThanOrEqual(400);
    expectProblem(await login(app, 'locked-planner', password), 429);
    const locked = (await admin.get('/api/mes/users/locked-planner')).json();
    expect(Date.parse(locked.lockedUntil)).toBeGreaterThan(Date.now());
    expect((await admin.get('/api/mes/users?q=locked-planner')).json().items[0].lockedUntil).toBe(locked.lockedUntil);

    const lifted = await admin.post('/api/mes/users/locked-planner/unlock');
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json()).toMatchObject({ username: 'locked-planner', lockedUntil: null });
    expect((await login(app, 'locked-planner', password)).statusCode).toBe(200);
    expect((await events('locked-planner')).map((e) => e.change)).toContain('unlocked');

    const before = (await events('locked-planner')).length;
    expect((await admin.post('/api/mes/users/locked-planner/unlock')).json()).toMatchObject({ lockedUntil: null });
    expect(await events('locked-planner')).toHaveLength(before);
    expectProblem(await admin.post('/api/mes/users/no-such-user/unlock'), 404);
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    for (const [path, method] of [
      ['/api/mes/users', 'get'],
      ['/api/mes/users', 'post'],
      ['/api/mes/users/portal-access', 'post'],
      ['/api/mes/users/{username}', 'get'],
      ['/api/mes/users/{username}', 'patch'],
      ['/api/mes/users/{username}/password', 'post'],
      ['/api/mes/users/{username}/pin', 'post'],
      ['/api/mes/users/{username}/disable', 'post'],
      ['/api/mes/users/{username}/enable', 'post'],
      ['/api/mes/users/{username}/sessions', 'get'],
      ['/api/mes/users/{username}/sessions', 'delete'],
      ['/api/mes/users/{username}/sessions/{sessionId}', 'delete'],
    ]) {
      const op = doc.paths[path!]?.[method!];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '401', '403']));
    }
  });
});
