import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { type Client, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { samplePlan } from '../helpers/plans.js';

describeEachEngine('shop floor under concurrency', (ctx) => {
  let planner: Client;
  const op: Record<string, Client> = {};

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    const app = await ctx.app();
    planner = await signIn(app, 'planner');
    for (const w of ['W-001', 'W-006']) op[w] = await signInWorker(app, w);
  });

  /** samplePlan with both cuts pinned (N1 on ST-001-01, N2 on ST-001-02) to the given workers; returns node → assignment id. */
  const releasedPlan = async (n1Worker: string, n2Worker: string) => {
    const doc: PlanDocument = samplePlan({ name: `Race ${Math.random().toString(36).slice(2, 8)}` });
    doc.nodes[0]!.pin = { stationId: 'ST-001', substationId: 'ST-001-01', workerId: n1Worker };
    doc.nodes[1]!.pin = { stationId: 'ST-001', substationId: 'ST-001-02', workerId: n2Worker };
    const id = (await planner.post('/api/mes/production-plans', doc)).json().id as string;
    const released = await planner.post(`/api/mes/production-plans/${id}/release`, {});
    expect(released.statusCode, released.body).toBe(200);
    const nodes = released.json().plan.nodes as { nodeId: string; assignment: { id: string } }[];
    return { id, ...Object.fromEntries(nodes.map((n) => [n.nodeId, n.assignment.id])) } as { id: string; N1: string; N2: string; N3: string; N4: string };
  };
  const finish = async (planId: string) => {
    await planner.post(`/api/mes/production-plans/${planId}/pause`);
    expect((await planner.post(`/api/mes/production-plans/${planId}/cancel`)).statusCode).toBe(200);
  };
  const startedEvents = async (id: string) =>
    (await ctx.database.db.selectFrom('mes.events').select('id').where('entity_id', '=', id).where('change', '=', 'started').execute()).length;

  it.runIf(ctx.engine === 'postgres')('100 concurrent starts of one assignment: exactly one succeeds, the others get 409 with the current status', async () => {
    const p = await releasedPlan('W-001', 'W-006');
    const replies = await Promise.all(Array.from({ length: 100 }, () => op['W-001']!.post(`/api/mes/worker-assignments/${p.N1}/start`, {})));
    const ok = replies.filter((r) => r.statusCode === 200);
    const refused = replies.filter((r) => r.statusCode === 409);
    expect(ok).toHaveLength(1);
    expect(
      refused,
      replies
        .filter((r) => r.statusCode !== 200 && r.statusCode !== 409)
        .map((r) => r.body)
        .join('\n'),
    ).toHaveLength(99);
    for (const r of refused)
      expect(r.json()).toMatchObject({ currentStatus: 'in_progress', detail: expect.stringMatching(/is in_progress; it cannot be started/) });
    expect(await startedEvents(p.N1)).toBe(1);
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
    await finish(p.id);
  });

  it.runIf(ctx.engine === 'postgres')('100 concurrent starts with one Idempotency-Key: one action, every reply identical', async () => {
    const p = await releasedPlan('W-001', 'W-006');
    const headers = { 'idempotency-key': `double-tap-${p.N1}` };
    const replies = await Promise.all(Array.from({ length: 100 }, () => op['W-001']!.post(`/api/mes/worker-assignments/${p.N1}/start`, {}, headers)));
    expect(replies.map((r) => r.statusCode)).toEqual(replies.map(() => 200));
    expect(new Set(replies.map((r) => r.body)).size).toBe(1);
    expect(replies.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(99);
    expect(await startedEvents(p.N1)).toBe(1);
    const row = await sql<{ n: number; starts: number }>`
      select count(*)::int as n, count(distinct actual_start)::int as starts from mes.worker_assignments where id = ${p.N1} and status = 'in_progress'`.execute(
      ctx.database.db,
    );
    expect(row.rows[0]).toEqual({ n: 1, starts: 1 });
    expect(replies[0]!.json().assignment.actualStart).toBe(
      (
        await sql<{
          t: string;
        }>`select to_char(actual_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as t from mes.worker_assignments where id = ${p.N1}`.execute(
          ctx.database.db,
        )
      ).rows[0]!.t,
    );
    await finish(p.id);
  });

  it.runIf(ctx.engine === 'postgres')('one worker starting two tasks at once gets exactly one of them', async () => {
    const p = await releasedPlan('W-001', 'W-001');
    const replies = await Promise.all([p.N1, p.N2, p.N1, p.N2].map((id) => op['W-001']!.post(`/api/mes/worker-assignments/${id}/start`, {})));
    expect(replies.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.statusCode === 409)).toHaveLength(3);
    const busy = await sql<{ n: number }>`select count(*)::int as n from mes.worker_assignments where worker_id = 'W-001' and status = 'in_progress'`.execute(
      ctx.database.db,
    );
    expect(busy.rows[0]!.n).toBe(1);
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
    await finish(p.id);
  });

  it('two predecessors completing at the same moment both count: their successor becomes ready', async () => {
    for (let round = 0; round < 3; round++) {
      const p = await releasedPlan('W-001', 'W-006');
      expect((await op['W-001']!.post(`/api/mes/worker-assignments/${p.N1}/start`, {})).statusCode).toBe(200);
      expect((await op['W-006']!.post(`/api/mes/worker-assignments/${p.N2}/start`, {})).statusCode).toBe(200);
      const [a, b] = await Promise.all([
        op['W-001']!.post(`/api/mes/worker-assignments/${p.N1}/complete`, { goodQuantity: 10 }),
        op['W-006']!.post(`/api/mes/worker-assignments/${p.N2}/complete`, { goodQuantity: 10 }),
      ]);
      expect([a!.statusCode, b!.statusCode], `${a!.body}\n${b!.body}`).toEqual([200, 200]);
      expect((await planner.get(`/api/mes/worker-assignments/${p.N3}`)).json().status).toBe('ready');
      await finish(p.id);
    }
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
  });

  // A completion readies the successor (its assignment row) while a planner pins that successor. Both
  // stamp the plan's revision row (migration 0004); taking the plan before the assignment in both keeps
  // them from deadlocking, which PostgreSQL would otherwise break by failing one of them.
  it.runIf(ctx.engine === 'postgres')('a planner pinning a task while its predecessor completes: both apply, no deadlock', async () => {
    for (let round = 0; round < 5; round++) {
      const p = await releasedPlan('W-001', 'W-006');
      for (const [w, id] of [
        ['W-001', p.N1],
        ['W-006', p.N2],
      ] as const) {
        expect((await op[w]!.post(`/api/mes/worker-assignments/${id}/start`, {})).statusCode).toBe(200);
      }
      expect((await op['W-006']!.post(`/api/mes/worker-assignments/${p.N2}/complete`, { goodQuantity: 10 })).statusCode).toBe(200);
      // pinned where it is: same worker, station and time
      const { workerId } = (await planner.get(`/api/mes/worker-assignments/${p.N3}`)).json();
      const [completed, pinned] = await Promise.all([
        op['W-001']!.post(`/api/mes/worker-assignments/${p.N1}/complete`, { goodQuantity: 10 }),
        planner.put(`/api/mes/worker-assignments/${p.N3}`, { workerId }),
      ]);
      expect([completed!.statusCode, pinned!.statusCode], `${completed!.body}\n${pinned!.body}`).toEqual([200, 200]);
      expect((await planner.get(`/api/mes/worker-assignments/${p.N3}`)).json()).toMatchObject({ status: 'ready', pinned: true });
      await finish(p.id);
    }
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
  });
});
