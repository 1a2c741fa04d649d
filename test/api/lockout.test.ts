/**
 * Issue #19, finding 2: failed sign-ins lock the account, whatever the client
 * address and whichever instance answered. A locked account answers 429 with
 * Retry-After and the same problem document for a right and a wrong secret;
 * the lock ends by itself (each lock longer than the one before) or when an
 * admin lifts it. Every failure, lock and refusal is logged with the account
 * and the client address, never the secret.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { listUsers, unlockUser } from '../../src/modules/auth/auth.service.js';
import { adminPassword, demoPin, expectProblem, seed } from '../helpers/api.js';
import { describeEachEngine, testConfig } from '../helpers/engines.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const wrongPin = '98765';
const wrongPassword = 'not-the-password-77';

describeEachEngine('per-account lockout after failed sign-ins', (ctx) => {
  let a: FastifyInstance;
  /** A second instance over the same database. */
  let b: FastifyInstance;
  const logs: string[] = [];
  const db = () => ctx.database.db;
  const logger = { level: 'info', stream: { write: (line: string) => logs.push(line) } };
  // small numbers so that locks end within the test: 5 failures in 15 minutes, 1 s, then 2 s, 4 s at most
  const config = testConfig({ loginLockoutAttempts: 5, loginLockoutWindowMinutes: 15, loginLockoutSeconds: 1, loginLockoutMaxSeconds: 4 });
  const pinLogin = (app: FastifyInstance, workerId: string, pin: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/api/mes/auth/pin-login', payload: { workerId, pin }, remoteAddress });
  const login = (app: FastifyInstance, username: string, password: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/api/mes/auth/login', payload: { username, password }, remoteAddress });
  const expectLocked = (res: LightMyRequestResponse) => {
    const body = expectProblem(res, 429, /locked/);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(body.retryAfter).toBe(retryAfter);
    return { body, retryAfter };
  };
  /** The lock of an account ends (as the database's clock sees it). */
  const waitUnlocked = async (username: string) => {
    for (let i = 0; i < 100; i++) {
      const user = (await listUsers(db())).find((u) => u.username === username)!;
      if (!user.lockedUntil) return;
      await sleep(100);
    }
    throw new Error(`${username} stayed locked`);
  };

  beforeAll(async () => {
    await seed(db(), 'minimal');
    a = await buildApp({ database: ctx.database, config, logger });
    b = await buildApp({ database: ctx.database, config, logger });
    await Promise.all([a.ready(), b.ready()]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('21 wrong PINs from three addresses on two instances lock W-003; the right PIN is refused alike while locked', async () => {
    const addresses = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await pinLogin(i % 2 ? b : a, 'W-003', wrongPin, addresses[i % 3]!);
      statuses.push(res.statusCode);
      if (res.statusCode === 429) expectLocked(res);
      else expectProblem(res, 401, 'worker id or PIN is wrong');
    }
    // the 5th failure locks; what follows is refused without being counted
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4).every((s) => s === 429)).toBe(true);

    const right = await pinLogin(a, 'W-003', demoPin, '10.1.1.1');
    const wrong = await pinLogin(b, 'W-003', wrongPin, '10.1.1.2');
    const r = expectLocked(right);
    const w = expectLocked(wrong);
    // nothing tells a right PIN from a wrong one while locked
    expect(Object.keys(r.body).sort()).toEqual(Object.keys(w.body).sort());
    expect(r.body.type).toBe(w.body.type);
    expect(r.body.detail.replace(/\d+ s/, 'N s')).toBe(w.body.detail.replace(/\d+ s/, 'N s'));

    const listed = (await listUsers(db())).find((u) => u.username === 'W-003')!;
    expect(listed.lockedUntil).toBeInstanceOf(Date);
    expect(listed.lockedUntil!.getTime()).toBeGreaterThan(Date.now() - 2_000);

    // other accounts are not locked
    expect((await pinLogin(a, 'W-001', demoPin, '127.0.0.1')).statusCode).toBe(200);
  });

  it('accepts the right PIN once the lock has ended; the next lock lasts twice as long', async () => {
    await waitUnlocked('W-003');
    expect((await pinLogin(b, 'W-003', demoPin, '127.0.0.9')).statusCode).toBe(200);
    // a good sign-in forgets the history: the next lock is the first one again
    for (let i = 0; i < 4; i++) expectProblem(await pinLogin(a, 'W-003', wrongPin, `127.0.1.${i}`), 401);
    expect(expectLocked(await pinLogin(a, 'W-003', wrongPin, '127.0.1.9')).retryAfter).toBe(1);
    await waitUnlocked('W-003');
    for (let i = 0; i < 4; i++) expectProblem(await pinLogin(b, 'W-003', wrongPin, `127.0.2.${i}`), 401);
    expect(expectLocked(await pinLogin(b, 'W-003', wrongPin, '127.0.2.9')).retryAfter).toBe(2);
  });

  it('an admin lifts the lock at once', async () => {
    expectLocked(await pinLogin(a, 'W-003', demoPin, '127.0.0.1'));
    expect(await unlockUser(db(), 'W-003')).toEqual({ wasLocked: true });
    expect((await pinLogin(a, 'W-003', demoPin, '127.0.0.1')).statusCode).toBe(200);
    expect(await unlockUser(db(), 'W-003')).toEqual({ wasLocked: false });
    await expect(unlockUser(db(), 'nobody')).rejects.toThrow('user nobody does not exist');
  });

  it('locks a password account the same way, and failures older than the window are not counted', async () => {
    for (let i = 0; i < 4; i++) expectProblem(await login(i % 2 ? a : b, 'admin', wrongPassword, `10.0.0.${i}`), 401, 'user name or password is wrong');
    // the window of those four began 16 minutes ago: the next failure starts a new count
    await sql`update mes.sign_in_failures set window_started_at = now() - interval '16 minutes'`.execute(db());
    expectProblem(await login(a, 'admin', wrongPassword, '10.0.0.5'), 401);
    for (let i = 0; i < 3; i++) expectProblem(await login(b, 'admin', wrongPassword, `10.0.1.${i}`), 401);
    expectLocked(await login(a, 'admin', wrongPassword, '10.0.1.9'));
    expectLocked(await login(b, 'admin', adminPassword, '10.0.2.1'));
    await unlockUser(db(), 'admin');
    expect((await login(b, 'admin', adminPassword, '10.0.2.1')).statusCode).toBe(200);
  });

  it('an unknown account is refused like a wrong secret and never answers 429', async () => {
    for (let i = 0; i < 7; i++) expectProblem(await login(a, 'nobody-here', wrongPassword, '10.9.0.1'), 401, 'user name or password is wrong');
  });

  it('logs every failure, lock and refusal with the account and client address, never the secret', async () => {
    const entries = logs.map((line) => JSON.parse(line) as { msg: string; account?: string; ip?: string });
    const about = (msg: string, account: string) => entries.filter((e) => e.msg.startsWith(msg) && e.account === account);
    expect(about('failed sign-in', 'worker W-003').some((e) => e.ip === '127.0.0.2')).toBe(true);
    expect(about('failed sign-in; the account is now locked', 'worker W-003').length).toBeGreaterThanOrEqual(3);
    expect(about('sign-in refused: the account is locked', 'worker W-003').some((e) => e.ip === '10.1.1.1')).toBe(true);
    expect(about('failed sign-in: no such enabled account', 'user nobody-here')).toHaveLength(7);
    expect(about('failed sign-in', 'user admin').some((e) => e.ip === '10.0.0.5')).toBe(true);
    // every text value of every line (numbers such as the time may hold the digits of a PIN by chance)
    const text = logs
      .map((line) => Object.values(JSON.parse(line) as Record<string, unknown>).filter((v) => typeof v === 'string'))
      .flat()
      .join('\n');
    for (const secret of [wrongPin, wrongPassword, demoPin, adminPassword]) expect(text).not.toContain(secret);
  });

  it('logs the per-address rate limit too', async () => {
    const lines: string[] = [];
    const limited = await buildApp({
      database: ctx.database,
      config: { ...config, loginRateLimit: 2 },
      logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } },
    });
    try {
      for (let i = 0; i < 2; i++) expectProblem(await login(limited, 'nobody-else', wrongPassword, '10.7.7.7'), 401);
      expectProblem(await login(limited, 'nobody-else', wrongPassword, '10.7.7.7'), 429);
      const entry = lines.map((l) => JSON.parse(l) as { msg: string; ip?: string }).find((e) => e.msg.includes('too many attempts from this client address'));
      expect(entry?.ip).toBe('10.7.7.7');
    } finally {
      await limited.close();
    }
  });
});
