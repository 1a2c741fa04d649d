/**
 * Each user's UI language (issue #20): kept on the server, set by the user
 * themself, carried by /auth/me; only the languages the UI speaks are taken.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectLocale, intlTag, resolveLocale } from '../../web/src/i18n/locale.js';
import { adminPassword, demoPin, expectNoWrite, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';

describeEachEngine('a user’s UI language', (ctx) => {
  beforeAll(async () => {
    await seed(ctx.database.db, 'minimal');
  });

  it('is null until chosen, then every role sets its own and /auth/me carries it at once', async () => {
    const app = await ctx.app();
    const admin = await signIn(app, 'admin');
    expect((await admin.get('/api/mes/auth/me')).json()).toMatchObject({ username: 'admin', locale: null });

    const set = await admin.request('PUT', '/api/mes/auth/me/locale', { locale: 'tr' });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ username: 'admin', locale: 'tr' });
    expect((await admin.get('/api/mes/auth/me')).json()).toMatchObject({ locale: 'tr' });

    // another session of the same user (another device) sees it too, and so does the next sign-in
    const again = await signIn(app, 'admin');
    expect((await again.get('/api/mes/auth/me')).json()).toMatchObject({ locale: 'tr' });
    const login = await app.inject({ method: 'POST', url: '/api/mes/auth/login', payload: { username: 'admin', password: adminPassword } });
    expect(login.json().user).toMatchObject({ locale: 'tr' });

    // an operator sets their own, and it does not touch anyone else's
    const operator = await signInWorker(app, 'W-001', demoPin);
    expect((await operator.request('PUT', '/api/mes/auth/me/locale', { locale: 'en' })).json()).toMatchObject({ workerId: 'W-001', locale: 'en' });
    expect((await admin.get('/api/mes/auth/me')).json()).toMatchObject({ locale: 'tr' });
    expect((await admin.request('PUT', '/api/mes/auth/me/locale', { locale: 'en' })).json()).toMatchObject({ locale: 'en' });
  });

  it('refuses a language the UI does not speak, naming /locale, and changes nothing', async () => {
    const app = await ctx.app();
    const planner = await signIn(app, 'admin');
    await planner.request('PUT', '/api/mes/auth/me/locale', { locale: 'tr' });
    for (const [body, field] of [
      [{ locale: 'de' }, 'body/locale'],
      [{ locale: 'TR' }, 'body/locale'],
      [{ locale: '' }, 'body/locale'],
      [{ locale: null }, 'body/locale'],
      [{}, 'body/locale'],
      [{ locale: 'tr', extra: 1 }, 'body/extra'],
    ] as const) {
      await expectNoWrite(ctx.database.db, async () => {
        const res = await planner.request('PUT', '/api/mes/auth/me/locale', body);
        expect(expectProblem(res, 400).field, JSON.stringify(body)).toBe(field);
      });
    }
    expect((await planner.get('/api/mes/auth/me')).json()).toMatchObject({ locale: 'tr' });
  });

  it('needs a session', async () => {
    const app = await ctx.app();
    expectProblem(await app.inject({ method: 'PUT', url: '/api/mes/auth/me/locale', payload: { locale: 'tr' } }), 401);
  });

  it('is kept to the known languages by the database itself', async () => {
    const db = ctx.database.db;
    await expect(sql`update mes.users set locale = 'de' where username = 'admin'`.execute(db)).rejects.toThrow(/users_locale_known/);
    await sql`update mes.users set locale = null where username = 'admin'`.execute(db);
  });
});

describe('choosing the UI language (web/src/i18n/locale.ts)', () => {
  it('takes the user’s stored choice first, then the device’s, then the browser’s languages in order', () => {
    expect(detectLocale({ stored: 'tr', device: 'en', browser: ['en-US'] })).toBe('tr');
    expect(detectLocale({ stored: null, device: 'tr', browser: ['en-US'] })).toBe('tr');
    expect(detectLocale({ stored: null, device: null, browser: ['de-DE', 'tr-TR', 'en'] })).toBe('tr');
    expect(detectLocale({ browser: ['en-GB', 'tr'] })).toBe('en');
  });

  it('falls back to English, silently, for anything unknown: stored, device or browser', () => {
    expect(detectLocale({ stored: 'de', device: 'xx', browser: ['fr-FR', 'zz'] })).toBe('en');
    expect(detectLocale({ stored: '', device: undefined, browser: [] })).toBe('en');
    expect(detectLocale({})).toBe('en');
    expect(resolveLocale('tr-TR')).toBe('tr');
    expect(resolveLocale('TR_tr')).toBe('tr');
    expect(resolveLocale('turkish')).toBeNull();
    expect(resolveLocale(42 as unknown as string)).toBeNull();
  });

  it('formats Turkish as in Turkey and English as the browser writes it', () => {
    expect(intlTag('tr', ['en-US'])).toBe('tr-TR');
    expect(intlTag('en', ['tr-TR', 'en-US'])).toBe('en-US');
    expect(intlTag('en', ['tr-TR'])).toBe('en-GB');
    expect(new Intl.NumberFormat(intlTag('tr')).format(1234.5)).toBe('1.234,5');
    expect(
      new Intl.DateTimeFormat(intlTag('tr'), { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }).format(
        new Date('2026-12-03T14:05:00Z'),
      ),
    ).toBe('03.12.2026 14:05');
  });
});
