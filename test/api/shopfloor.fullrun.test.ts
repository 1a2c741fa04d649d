import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { type Client, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';

interface DetailNode {
  nodeId: string;
  predecessors: string[];
  quantity: number;
  output: { materialCode: string; quantity: number } | null;
  assignment: {
    id: string;
    status: string;
    workerId: string;
    actualStart: string | null;
    actualEnd: string | null;
    workedMinutes: number | null;
    goodQuantity: number | null;
  } | null;
}

describeEachEngine('shop floor: a whole plan run through the API (--minimal)', (ctx) => {
  let planner: Client;
  const workers = new Map<string, Client>();
  const asWorker = async (id: string) => {
    if (!workers.has(id)) workers.set(id, await signInWorker(await ctx.app(), id));
    return workers.get(id)!;
  };

  beforeAll(async () => {
    await seed(ctx.database.db, 'minimal');
    planner = await signIn(await ctx.app(), 'planner');
  });

  it('releases the seeded plan, runs every node in graph order with PIN-signed-in workers, and completes the plan', async () => {
    const db = ctx.database.db;
    // the planner finds the one plan of --minimal through the API, like everything that acts below
    const plans = await planner.get('/api/mes/production-plans?count=true');
    expect(plans.json()).toMatchObject({ total: 1, items: [{ status: 'draft' }] });
    const planId = plans.json().items[0].id as string;
    const released = await planner.post(`/api/mes/production-plans/${planId}/release`, {});
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json().shortages).toEqual([]);

    const nodes0 = released.json().plan.nodes as DetailNode[];
    const finished = nodes0.filter((n) => n.output?.materialCode.startsWith('FG-'));
    expect(finished).toHaveLength(1);
    const fgCode = finished[0]!.output!.materialCode;
    const stockOf = async (code: string) =>
      (await sql<{ stock: number; reserved: number }>`select stock, reserved from mes.materials where code = ${code}`.execute(db)).rows[0]!;
    const fgBefore = await stockOf(fgCode);

    const done = new Set<string>();
    for (let round = 0; round < nodes0.length; round++) {
      const plan = (await planner.get(`/api/mes/production-plans/${planId}`)).json();
      const nodes = plan.nodes as DetailNode[];
      const next = nodes.find((n) => !done.has(n.nodeId) && n.predecessors.every((p) => done.has(p)));
      if (!next) break;
      const a = next.assignment!;
      expect(a.status).toBe('ready');
      const worker = await asWorker(a.workerId);

      const queue = (await worker.get(`/api/mes/workers/${a.workerId}/tasks`)).json();
      const task = queue.tasks.find((t: { id: string }) => t.id === a.id);
      expect(task).toMatchObject({ status: 'ready', canStart: true, startBlockedBy: null, waitingFor: [] });

      const started = await worker.post(`/api/mes/worker-assignments/${a.id}/start`, {});
      expect(started.statusCode, started.body).toBe(200);
      expect(started.json().worker).toMatchObject({ id: a.workerId, status: 'busy', currentAssignmentId: a.id });
      expect(started.json().assignment.planStatus).toBe('in_production');

      const completed = await worker.post(`/api/mes/worker-assignments/${a.id}/complete`, { goodQuantity: next.quantity });
      expect(completed.statusCode, completed.body).toBe(200);
      expect(completed.json().assignment).toMatchObject({ status: 'completed', goodQuantity: next.quantity, scrapQuantity: 0 });
      expect(completed.json().worker.currentAssignmentId).toBeNull();
      expect(['available', 'off_shift']).toContain(completed.json().worker.status);
      done.add(next.nodeId);
    }
    expect(done.size).toBe(nodes0.length);

    const plan = (await planner.get(`/api/mes/production-plans/${planId}`)).json();
    expect(plan.status).toBe('completed');
    expect(plan.completedAt).not.toBeNull();
    expect(plan.startedAt).not.toBeNull();
    for (const n of plan.nodes as DetailNode[]) {
      expect(n.assignment).toMatchObject({ status: 'completed', goodQuantity: n.quantity });
      expect(n.assignment!.actualStart).not.toBeNull();
      expect(n.assignment!.actualEnd).not.toBeNull();
      expect(n.assignment!.workedMinutes).toBeGreaterThanOrEqual(0);
    }

    expect(await runIntegrityChecks(db)).toEqual([]);
    const busy = await sql<{ n: number }>`select count(*)::int as n from mes.workers where status <> 'available' or current_assignment_id is not null`.execute(
      db,
    );
    expect(busy.rows[0]!.n).toBe(0);
    const inUse = await sql<{ n: number }>`select count(*)::int as n from mes.substations where status = 'in_use'`.execute(db);
    expect(inUse.rows[0]!.n).toBe(0);

    const fgAfter = await stockOf(fgCode);
    expect(fgAfter.stock).toBe(fgBefore.stock + finished[0]!.output!.quantity);
    // every reservation of the plan was consumed or given back; the welded frame went in and out
    const held = await sql<{ n: number }>`select coalesce(sum(reserved_delta), 0)::float as n from mes.material_ledger where plan_id = ${planId}`.execute(db);
    expect(held.rows[0]!.n).toBe(0);
    const frame = nodes0.find((n) => n.output?.materialCode.startsWith('WIP-'))!.output!.materialCode;
    expect((await stockOf(frame)).stock).toBe(0);

    const planEvents = await db.selectFrom('mes.events').select('change').where('plan_id', '=', planId).where('topic', '=', 'plans').orderBy('id').execute();
    expect(planEvents.map((e) => e.change)).toEqual(['released', 'started', 'completed']);
  });
});
