/**
 * Issue #19, finding 1: an open event stream ends with its session. Sign-out,
 * disabling the account, a new PIN or password and archiving the worker each
 * send the stream a last `session_ended` message with the reason and close
 * it within a second, on the instance that made the change and on a second
 * instance over the same database; streams of other users and other sessions
 * go on.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setUserDisabled, updateUserSecrets } from '../../src/modules/auth/auth.repository.js';
import { changeUserSecrets, createUser } from '../../src/modules/auth/auth.service.js';
import { hashSecret } from '../../src/modules/auth/passwords.js';
import { type Client, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { type RunningApp, commitEvents, planEvent, sleep, startApp } from './helpers.js';
import { type SseClient, connectSse } from './sse-client.js';

describeEachEngine('event streams end with their session', (ctx) => {
  let a: RunningApp;
  /** A second instance over the same database. */
  let b: RunningApp;
  const open: SseClient[] = [];
  const db = () => ctx.database.db;
  const connect = async (running: RunningApp, token: string, path = '/api/mes/stream') => {
    const client = await connectSse(running.base, path, { token });
    expect(client.status, JSON.stringify(client.body)).toBe(200);
    open.push(client);
    return client;
  };
  /** The stream's last message is `session_ended` with this reason, and the server closed it within a second. */
  const endedWith = async (client: SseClient, reason: string) => {
    await client.waitFor((c) => c.ended, 1_000, `the stream to end with ${reason}`);
    const last = client.messages.at(-1);
    expect(last).toMatchObject({ event: 'session_ended', data: { reason } });
    expect(client.raw).toMatch(/event: session_ended\ndata: \{"reason":"[a-z_]+"\}\n\n$/);
  };
  /** Streams of the token on both instances, live (a plan event reaches both, when their path admits plan events). */
  const streamsOf = async (token: string, path = '/api/mes/stream') => {
    const onA = await connect(a, token, path);
    const onB = await connect(b, token, path);
    if (path.endsWith('/stream') || path.endsWith('/stream/plans')) {
      const count = onA.events().length;
      await commitEvents(db(), [planEvent()]);
      await Promise.all([onA.waitForEvents(count + 1), onB.waitForEvents(count + 1)]);
    }
    return [onA, onB] as const;
  };

  beforeAll(async () => {
    await seed(db(), 'minimal');
    a = await startApp(ctx.database);
    b = await startApp(ctx.database);
  });
  afterAll(async () => {
    for (const client of open) client.close();
    await a?.close();
    await b?.close();
  });

  it('sign-out: the streams of that session end with logout; another session of the same user goes on', async () => {
    const operator = await signInWorker(a.app, 'W-001');
    const otherSession = await signInWorker(a.app, 'W-001');
    const [onA, onB] = await streamsOf(operator.token, '/api/mes/stream/plans');
    const [keepA, keepB] = await streamsOf(otherSession.token, '/api/mes/stream/plans');
    expect((await operator.post('/api/mes/auth/logout')).statusCode).toBe(204);
    await Promise.all([endedWith(onA, 'logout'), endedWith(onB, 'logout')]);
    expect(a.realtime.stats.clients + b.realtime.stats.clients).toBeGreaterThanOrEqual(2);
    await sleep(100);
    expect(keepA.ended || keepB.ended).toBe(false);
    // a reconnect with the old token is refused
    const again = await connectSse(b.base, '/api/mes/stream/plans', { token: operator.token });
    expect(again.status).toBe(401);
  });

  it('npm run user -- disable: a planner’s streams end with disabled, an admin’s go on', async () => {
    const planner = await signIn(a.app, 'planner');
    const admin = await signIn(a.app, 'admin');
    const [onA, onB] = await streamsOf(planner.token);
    const [adminA, adminB] = await streamsOf(admin.token);
    try {
      expect(await setUserDisabled(db(), 'planner', true)).toBe(true);
      await Promise.all([endedWith(onA, 'disabled'), endedWith(onB, 'disabled')]);
      expectProblem(await planner.get('/api/mes/auth/me'), 401);
      const event = planEvent();
      await commitEvents(db(), [event]);
      await Promise.all([adminA.waitForEvents(2), adminB.waitForEvents(2)]);
      expect(adminA.ended || adminB.ended).toBe(false);
    } finally {
      await setUserDisabled(db(), 'planner', false);
    }
  });

  it('a PIN change (service, CLI or SQL): the operator’s streams end with credentials_changed', async () => {
    for (const change of [
      () => changeUserSecrets(db(), 'W-002', { pin: '246810' }),
      async () => updateUserSecrets(db(), 'W-002', { pinHash: await hashSecret('135790') }),
      async () => sql`update mes.users set pin_hash = ${await hashSecret('975310')} where username = 'W-002'`.execute(db()),
    ]) {
      const pins = ['1234', '246810', '135790'];
      let operator: Client | undefined;
      for (const pin of pins) {
        const res = await a.app.inject({ method: 'POST', url: '/api/mes/auth/pin-login', payload: { workerId: 'W-002', pin } });
        if (res.statusCode === 200) operator = { token: res.json().token } as Client;
      }
      const [onA, onB] = await streamsOf(operator!.token, '/api/mes/stream/assignments');
      await change();
      await Promise.all([endedWith(onA, 'credentials_changed'), endedWith(onB, 'credentials_changed')]);
    }
  });

  it('a role change: the streams end with role_changed', async () => {
    await createUser(db(), { username: 'ida', role: 'planner', password: 'ida-password-1' });
    const ida = await signIn(b.app, 'ida', 'ida-password-1');
    const [onA, onB] = await streamsOf(ida.token);
    await sql`update mes.users set role = 'admin' where username = 'ida'`.execute(db());
    await Promise.all([endedWith(onA, 'role_changed'), endedWith(onB, 'role_changed')]);
  });

  it('archiving the worker: the operator’s streams end with worker_archived', async () => {
    await sql`insert into mes.workers (id, name) values ('W-902', 'Leaving soon')`.execute(db());
    await createUser(db(), { username: 'W-902', role: 'operator', workerId: 'W-902', pin: '902902' });
    const operator = await signInWorker(a.app, 'W-902', '902902');
    const [onA, onB] = await streamsOf(operator.token, '/api/mes/stream/workers?workerId=W-902');
    const planner = await signIn(a.app, 'planner');
    expect((await planner.delete('/api/mes/workers/W-902')).statusCode).toBe(204);
    await Promise.all([endedWith(onA, 'worker_archived'), endedWith(onB, 'worker_archived')]);
  });

  it('expiry: a stream whose session has expired ends with expired at the next heartbeat', async () => {
    const admin = await signIn(a.app, 'admin');
    const stream = await connect(a, admin.token);
    a.realtime.beat();
    await sleep(50);
    expect(stream.ended).toBe(false);
    a.realtime.beat(Date.now() + 13 * 3600_000); // past the 12 hours a session lasts
    await endedWith(stream, 'expired');
  });

  it('deleting the expired sessions (clean-up) ends their streams with expired, and counts the ended streams', async () => {
    const admin = await signIn(a.app, 'admin');
    const stream = await connect(b, admin.token);
    const before = b.realtime.sessionEndedStreams;
    await sql`update mes.sessions set expires_at = now() - interval '1 second' where user_id = (select id from mes.users where username = 'admin')`.execute(
      db(),
    );
    await sql`delete from mes.sessions where expires_at <= now()`.execute(db());
    await endedWith(stream, 'expired');
    expect(b.realtime.sessionEndedStreams).toBeGreaterThan(before);
  });
});
