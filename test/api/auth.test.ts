import { beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createUser } from '../../src/modules/auth/auth.service.js';
import { adminPassword, clientWithToken, demoPin, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine, testConfig } from '../helpers/engines.js';

describeEachEngine('authentication and roles', (ctx) => {
  beforeAll(async () => {
    await seed(ctx.database.db, 'minimal');
  });

  it('signs in with a password: bearer token and an httpOnly SameSite cookie both work', async () => {
    const app = await ctx.app();
    const res = await app.inject({ method: 'POST', url: '/api/mes/auth/login', payload: { username: 'admin', password: adminPassword } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ username: 'admin', role: 'admin', workerId: null });
    const cookie = res.cookies.find((c) => c.name === 'mes_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.value).toBe(body.token);

    const byBearer = await clientWithToken(app, body.token).get('/api/mes/auth/me');
    expect(byBearer.json()).toMatchObject({ username: 'admin' });
    const byCookie = await app.inject({ method: 'GET', url: '/api/mes/auth/me', cookies: { mes_session: cookie.value } });
    expect(byCookie.json()).toMatchObject({ username: 'admin' });
  });

  it('refuses a wrong password and an unknown user alike, with 401', async () => {
    const app = await ctx.app();
    const wrong = await app.inject({ method: 'POST', url: '/api/mes/auth/login', payload: { username: 'admin', password: 'nope' } });
    const unknown = await app.inject({ method: 'POST', url: '/api/mes/auth/login', payload: { username: 'ghost', password: 'nope' } });
    expectProblem(wrong, 401, 'user name or password is wrong');
    expectProblem(unknown, 401, 'user name or password is wrong');
  });

  it('lets operators sign in with worker id and PIN', async () => {
    const app = await ctx.app();
    const worker = await signInWorker(app, 'W-001', demoPin);
    expect((await worker.get('/api/mes/auth/me')).json()).toMatchObject({ role: 'operator', workerId: 'W-001' });
    const bad = await app.inject({ method: 'POST', url: '/api/mes/auth/pin-login', payload: { workerId: 'W-001', pin: '9999' } });
    expectProblem(bad, 401, 'worker id or PIN is wrong');
  });

  it('tells who is signed in without failing when nobody is (the page load asks it)', async () => {
    const app = await ctx.app();
    const anonymous = await app.inject({ method: 'GET', url: '/api/mes/auth/session' });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({ user: null });
    expect((await clientWithToken(app, 'forged-token').get('/api/mes/auth/session')).json()).toEqual({ user: null });
    const planner = await signIn(app, 'planner');
    expect((await planner.get('/api/mes/auth/session')).json().user).toMatchObject({ username: 'planner', role: 'planner' });
    await planner.post('/api/mes/auth/logout');
    expect((await planner.get('/api/mes/auth/session')).json()).toEqual({ user: null });
  });

  it('answers 401 without a session and after logout, but serves health and docs openly', async () => {
    const app = await ctx.app();
    expectProblem(await app.inject({ method: 'GET', url: '/api/mes/operations' }), 401, 'sign in first');
    expectProblem(await clientWithToken(app, 'forged-token').get('/api/mes/operations'), 401, 'expired');
    const planner = await signIn(app, 'planner');
    expect((await planner.get('/api/mes/operations')).statusCode).toBe(200);
    expect((await planner.post('/api/mes/auth/logout')).statusCode).toBe(204);
    expectProblem(await planner.get('/api/mes/operations'), 401);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/docs/json' })).statusCode).toBe(200);
  });

  it('forbids an operator to write master data (403) and writes nothing', async () => {
    const app = await ctx.app();
    const operator = await signInWorker(app, 'W-002');
    expect((await operator.get('/api/mes/operations')).statusCode).toBe(200);
    expectProblem(await operator.post('/api/mes/operations', { name: 'Sneaky' }), 403, /planner/);
    const admin = await signIn(app, 'admin');
    expect((await admin.get('/api/mes/operations?q=Sneaky')).json().total).toBe(0);
  });

  it('creates users with the rules of the CLI', async () => {
    const db = ctx.database.db;
    await createUser(db, { username: 'maria', role: 'planner', password: 'long-enough-1' });
    await expect(createUser(db, { username: 'op', role: 'operator', pin: '1234' })).rejects.toThrow(/needs --worker/);
    await expect(createUser(db, { username: 'shorty', role: 'planner', password: 'short' })).rejects.toThrow(/at least 8/);
    await expect(createUser(db, { username: 'maria', role: 'planner', password: 'long-enough-2' })).rejects.toThrow('user maria already exists');
    await expect(createUser(db, { username: 'op2', role: 'operator', workerId: 'W-001', pin: '555555' })).rejects.toThrow(
      'worker W-001 already has an account',
    );
    await expect(createUser(db, { username: 'op3', role: 'operator', workerId: 'W-404', pin: '555555' })).rejects.toThrow('worker W-404 does not exist');
    const app = await ctx.app();
    expect((await (await signIn(app, 'maria', 'long-enough-1')).get('/api/mes/auth/me')).json().role).toBe('planner');
  });

  it('rate-limits sign-in attempts', async () => {
    const app = await buildApp({ database: ctx.database, config: testConfig({ loginRateLimit: 3 }), logger: false });
    const attempt = () => app.inject({ method: 'POST', url: '/api/mes/auth/login', payload: { username: 'admin', password: 'wrong' } });
    for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(401);
    expectProblem(await attempt(), 429);
    await app.close();
  });
});
