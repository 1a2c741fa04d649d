/**
 * Issue #19, finding 3: a session ends with the change that should end it —
 * a new password or PIN, a new role, the account disabled, the worker
 * archived — in the same transaction, whichever path made the change (the
 * service, the CLI's repository call, plain SQL), and the token is refused
 * on this instance and on a second one over the same database at once.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { setUserDisabled, updateUserSecrets } from '../../src/modules/auth/auth.repository.js';
import { changeUserSecrets, createUser } from '../../src/modules/auth/auth.service.js';
import { hashSecret } from '../../src/modules/auth/passwords.js';
import { type Client, clientWithToken, demoPin, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine, testConfig } from '../helpers/engines.js';

describeEachEngine('sessions end with the change that should end them', (ctx) => {
  let app: FastifyInstance;
  /** A second instance over the same database. */
  let other: FastifyInstance;
  const db = () => ctx.database.db;
  const sessionsOf = async (username: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from mes.sessions s join mes.users u on u.id = s.user_id where u.username = ${username}`.execute(db()))
      .rows[0]!.n;
  /** Signed in, and answering on both instances (so both may have cached the session). */
  const signedIn = async (signInHere: () => Promise<Client>) => {
    const client = await signInHere();
    const onOther = clientWithToken(other, client.token);
    expect((await client.get('/api/mes/auth/me')).statusCode).toBe(200);
    expect((await onOther.get('/api/mes/auth/me')).statusCode).toBe(200);
    return { client, onOther };
  };
  /**
   * Refused within a second on both instances: the sessions are gone as the
   * change commits; a process that kept the user drops it when the NOTIFY
   * reaches its listener, a few milliseconds later.
   */
  const refusedEverywhere = async ({ client, onOther }: { client: Client; onOther: Client }) => {
    const until = Date.now() + 1_000;
    for (const c of [client, onOther]) {
      for (;;) {
        const res = await c.get('/api/mes/auth/me');
        if (res.statusCode === 401 || Date.now() > until) {
          expectProblem(res, 401);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };

  beforeAll(async () => {
    await seed(db(), 'minimal');
    app = await ctx.app();
    other = await buildApp({ database: ctx.database, config: testConfig(), logger: false });
    await other.ready();
  });
  afterAll(async () => {
    await other?.close();
  });

  it('a PIN change (service or CLI) ends the operator’s sessions; the new PIN signs in, a 4-digit PIN set before still did', async () => {
    // W-003 still has the seeded 4-digit PIN: it signs in until changed
    const viaService = await signedIn(() => signInWorker(app, 'W-003', demoPin));
    await changeUserSecrets(db(), 'W-003', { pin: '246810' });
    expect(await sessionsOf('W-003')).toBe(0);
    await refusedEverywhere(viaService);
    expectProblem(await app.inject({ method: 'POST', url: '/api/mes/auth/pin-login', payload: { workerId: 'W-003', pin: demoPin } }), 401);

    // what `npm run user -- passwd W-003 --pin …` runs
    const viaCli = await signedIn(() => signInWorker(app, 'W-003', '246810'));
    expect(await updateUserSecrets(db(), 'W-003', { pinHash: await hashSecret('135790') })).toBe(true);
    await refusedEverywhere(viaCli);
    await signInWorker(app, 'W-003', '135790');
  });

  it('refuses new PINs shorter than 6 digits', async () => {
    await expect(changeUserSecrets(db(), 'W-002', { pin: '4321' })).rejects.toThrow('a PIN has 6 to 8 digits');
    await expect(createUser(db(), { username: 'op9', role: 'operator', workerId: 'W-002', pin: '12345' })).rejects.toThrow('a PIN has 6 to 8 digits');
  });

  it('a password change ends the user’s sessions, made in plain SQL too', async () => {
    await createUser(db(), { username: 'hana', role: 'planner', password: 'first-password-1' });
    const viaService = await signedIn(() => signIn(app, 'hana', 'first-password-1'));
    await changeUserSecrets(db(), 'hana', { password: 'second-password-2' });
    await refusedEverywhere(viaService);

    const viaSql = await signedIn(() => signIn(app, 'hana', 'second-password-2'));
    const hash = await hashSecret('third-password-3');
    await sql`update mes.users set password_hash = ${hash} where username = 'hana'`.execute(db());
    expect(await sessionsOf('hana')).toBe(0);
    await refusedEverywhere(viaSql);
  });

  it('a role change ends the user’s sessions; a change of the display name does not', async () => {
    const hana = await signedIn(() => signIn(app, 'hana', 'third-password-3'));
    await sql`update mes.users set display_name = 'Hana K.' where username = 'hana'`.execute(db());
    // a kept session is read again when the user's NOTIFY arrives (milliseconds on PostgreSQL): poll up to a second
    let name: string | undefined;
    for (const until = Date.now() + 1_000; name !== 'Hana K.' && Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
      name = (await hana.client.get('/api/mes/auth/me')).json().displayName;
    }
    expect(name).toBe('Hana K.');
    await sql`update mes.users set role = 'admin' where username = 'hana'`.execute(db());
    await refusedEverywhere(hana);
    expect((await (await signIn(app, 'hana', 'third-password-3')).get('/api/mes/auth/me')).json().role).toBe('admin');
  });

  it('disabling ends the sessions; enabling again does not bring them back', async () => {
    const hana = await signedIn(() => signIn(app, 'hana', 'third-password-3'));
    expect(await setUserDisabled(db(), 'hana', true)).toBe(true);
    expect(await sessionsOf('hana')).toBe(0);
    await refusedEverywhere(hana);
    expect(await setUserDisabled(db(), 'hana', false)).toBe(true);
    expectProblem(await hana.client.get('/api/mes/auth/me'), 401);
  });

  it('archiving a worker ends its operator’s sessions; the operator can sign in no more', async () => {
    await sql`insert into mes.workers (id, name) values ('W-901', 'Leaving soon')`.execute(db());
    await createUser(db(), { username: 'W-901', role: 'operator', workerId: 'W-901', pin: '901901', password: 'operator-pass-901' });
    const operator = await signedIn(() => signInWorker(app, 'W-901', '901901'));
    expect((await operator.client.get('/api/mes/workers/W-901/schedule')).statusCode).toBe(200);
    const planner = await signIn(app, 'planner');
    expect((await planner.delete('/api/mes/workers/W-901')).statusCode).toBe(204);
    expect(await sessionsOf('W-901')).toBe(0);
    await refusedEverywhere(operator);
    expectProblem(await operator.client.get('/api/mes/workers/W-901/schedule'), 401);
    expectProblem(await app.inject({ method: 'POST', url: '/api/mes/auth/pin-login', payload: { workerId: 'W-901', pin: '901901' } }), 401);
    expectProblem(await app.inject({ method: 'POST', url: '/api/mes/auth/login', payload: { username: 'W-901', password: 'operator-pass-901' } }), 401);
  });

  it('leaves the sessions of other users alone', async () => {
    const admin = await signedIn(() => signIn(app, 'admin'));
    await changeUserSecrets(db(), 'W-002', { pin: '222222' });
    expect((await admin.client.get('/api/mes/auth/me')).statusCode).toBe(200);
    expect((await admin.onOther.get('/api/mes/auth/me')).statusCode).toBe(200);
  });
});
