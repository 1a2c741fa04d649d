/**
 * Expired sessions do not stay in mes.sessions forever: the session-sweep job
 * (src/plugins/session-sweep-job.ts) deletes them when an instance is ready
 * and hourly after; a live session stays, and the deleted one's start is kept
 * as the user's last sign-in (0009).
 */
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { seed, signIn } from '../helpers/api.js';
import { describeEachEngine, testConfig } from '../helpers/engines.js';

describeEachEngine('expired sessions are swept', (ctx) => {
  const db = () => ctx.database.db;
  const sessionsOf = async (username: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from mes.sessions s join mes.users u on u.id = s.user_id where u.username = ${username}`.execute(db()))
      .rows[0]!.n;

  beforeAll(async () => {
    await seed(db(), 'minimal');
  });

  it('an instance that starts deletes the expired sessions and keeps the live ones', async () => {
    const app = await ctx.app();
    const admin = await signIn(app, 'admin');
    await signIn(app, 'planner');
    await signIn(app, 'planner');
    // one of the planner's sessions has expired, the other is live; the admin's is live
    await sql`
      update mes.sessions set expires_at = now() - interval '1 minute'
       where token_hash = (select token_hash from mes.sessions s join mes.users u on u.id = s.user_id
                            where u.username = 'planner' order by s.created_at limit 1)`.execute(db());
    expect(await sessionsOf('planner')).toBe(2);

    // another instance starts: its job runs when it is ready, and close awaits the run
    const other = await buildApp({ database: ctx.database, config: testConfig(), logger: false });
    await other.ready();
    await other.close();

    expect(await sessionsOf('planner')).toBe(1);
    expect(await sessionsOf('admin')).toBe(1);
    expect((await admin.get('/api/mes/auth/me')).statusCode).toBe(200);
    const { rows } = await sql<{ at: Date | null }>`select last_login_at as at from mes.users where username = 'planner'`.execute(db());
    expect(rows[0]!.at).not.toBeNull();
  });
});
