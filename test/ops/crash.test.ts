/**
 * Crash safety on PostgreSQL: a server under write load is killed with SIGKILL
 * at random moments; after each restart the integrity checks are clean and no
 * plan is half-written (every plan has its whole graph, every released plan an
 * assignment per node and its reservations).
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { seed } from '../helpers/api.js';
import { createTestDatabase } from '../helpers/engines.js';
import { samplePlan } from '../helpers/plans.js';
import { startServer } from '../helpers/processes.js';

it.runIf(process.env.TEST_DATABASE_URL)('survives SIGKILL under write load with a consistent database, three times', { timeout: 240_000 }, async () => {
  const test = await createTestDatabase('postgres');
  try {
    await seed(test.database.db, 'default');
    const env = { DATABASE_URL: test.url!, MES_ADMIN_PASSWORD: 'admin-pass-123', MES_LOGIN_RATE_LIMIT: '1000', MES_SEED_ON_EMPTY: 'false' };
    let acknowledged = 0;
    for (let round = 0; round < 3; round++) {
      const server = await startServer(env);
      const login = await fetch(`${server.url}/api/mes/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'planner', password: 'admin-pass-123' }),
      });
      const { token } = (await login.json()) as { token: string };
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      let stop = false;
      const writer = async () => {
        while (!stop) {
          try {
            const res = await fetch(`${server.url}/api/mes/production-plans`, {
              method: 'POST',
              headers,
              body: JSON.stringify(samplePlan({ name: `Crash ${round}` })),
            });
            if (res.status !== 201) continue;
            const { id } = (await res.json()) as { id: string };
            const rel = await fetch(`${server.url}/api/mes/production-plans/${id}/release`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ allowShortage: true }),
            });
            if (rel.status === 200) acknowledged++;
          } catch {
            return; // the server died under us
          }
        }
      };
      const writers = [writer(), writer(), writer(), writer()];
      await new Promise((r) => setTimeout(r, 1500 + Math.random() * 2500));
      server.child.kill('SIGKILL');
      stop = true;
      await Promise.all(writers);
      await server.stop();

      const db = test.database.db;
      expect(await runIntegrityChecks(db)).toEqual([]);
      const halfWritten = await sql<{ id: string; status: string; nodes: number; assignments: number; reservations: number }>`
        select p.id, p.status,
               (select count(*)::int from mes.production_plan_nodes n where n.plan_id = p.id) as nodes,
               (select count(*)::int from mes.worker_assignments a where a.plan_id = p.id and a.status <> 'cancelled') as assignments,
               (select count(*)::int from mes.material_ledger l where l.plan_id = p.id and l.entry_type = 'reservation') as reservations
          from mes.production_plans p
         where (select count(*) from mes.production_plan_nodes n where n.plan_id = p.id) = 0
            or (p.status = 'released' and ((select count(*) from mes.worker_assignments a where a.plan_id = p.id and a.status <> 'cancelled')
                  <> (select count(*) from mes.production_plan_nodes n where n.plan_id = p.id)
               or not exists (select 1 from mes.material_ledger l where l.plan_id = p.id and l.entry_type = 'reservation')))`.execute(db);
      expect(halfWritten.rows).toEqual([]);
      const released = await sql<{ n: number }>`select count(*)::int as n from mes.production_plans where status = 'released' and name like 'Crash %'`.execute(
        db,
      );
      // every release the server acknowledged is durable
      expect(released.rows[0]!.n).toBeGreaterThanOrEqual(acknowledged);
    }
    expect(acknowledged).toBeGreaterThan(0);
  } finally {
    await test.drop();
  }
});
