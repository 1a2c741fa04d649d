/**
 * Archiving finished plans: the graph and assignments leave the hot tables,
 * the plan reads the same through the API, the ledger and stock do not move,
 * and everything that is not a finished plan is refused without a write.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { migrateTo, migrateToLatest } from '../../src/db/migrator.js';
import { archiveAllFinished, archiveFinishedPlans } from '../../src/modules/plans/archive.service.js';
import { type Client, expectNoWrite, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { runCommand } from '../helpers/processes.js';

interface DetailNode {
  nodeId: string;
  predecessors: string[];
  quantity: number;
  assignment: { id: string; workerId: string } | null;
}

describeEachEngine('archiving finished plans', (ctx) => {
  let planner: Client;
  let completedId: string;
  let cancelledId: string;
  /** The seeded plan's document: a plan the minimal dataset can schedule. */
  let template: object;
  const db = () => ctx.database.db;
  const hotRows = async (planId: string) =>
    (
      await sql<{ n: number }>`
        select (select count(*) from mes.production_plan_nodes where plan_id = ${planId})
             + (select count(*) from mes.node_predecessors where plan_id = ${planId})
             + (select count(*) from mes.node_stations where plan_id = ${planId})
             + (select count(*) from mes.node_material_inputs where plan_id = ${planId})
             + (select count(*) from mes.worker_assignments where plan_id = ${planId})
             + (select count(*) from mes.assignment_problems where plan_id = ${planId}) as n`.execute(db())
    ).rows[0]!.n;
  const stockAndLedger = async () =>
    (
      await sql`select code, stock, reserved, (select count(*) from mes.material_ledger l where l.material_code = m.code) as entries from mes.materials m order by code`.execute(
        db(),
      )
    ).rows;

  /** Releases a plan and runs every node to completion (a problem reported and a pause on the first). */
  async function runToCompletion(planId: string) {
    expect((await planner.post(`/api/mes/production-plans/${planId}/release`, { allowShortage: true })).statusCode).toBe(200);
    const done = new Set<string>();
    for (;;) {
      const nodes = (await planner.get(`/api/mes/production-plans/${planId}`)).json().nodes as DetailNode[];
      const next = nodes.find((n) => !done.has(n.nodeId) && n.predecessors.every((p) => done.has(p)));
      if (!next) break;
      const a = next.assignment!;
      const worker = await signInWorker(await ctx.app(), a.workerId);
      expect((await worker.post(`/api/mes/worker-assignments/${a.id}/start`, {})).statusCode).toBe(200);
      if (done.size === 0) {
        expect((await worker.post(`/api/mes/worker-assignments/${a.id}/report-problem`, { category: 'machine', text: 'coolant low' })).statusCode).toBe(201);
        expect((await worker.post(`/api/mes/worker-assignments/${a.id}/pause`, { reason: 'break' })).statusCode).toBe(200);
        expect((await worker.post(`/api/mes/worker-assignments/${a.id}/resume`, {})).statusCode).toBe(200);
      }
      const completed = await worker.post(`/api/mes/worker-assignments/${a.id}/complete`, { goodQuantity: next.quantity });
      expect(completed.statusCode, completed.body).toBe(200);
      done.add(next.nodeId);
    }
  }

  beforeAll(async () => {
    await seed(db(), 'minimal');
    planner = await signIn(await ctx.app(), 'planner');
    completedId = (await sql<{ id: string }>`select id from mes.production_plans order by id limit 1`.execute(db())).rows[0]!.id;
    await runToCompletion(completedId);
    template = (await planner.get(`/api/mes/production-plans/${completedId}/export`)).json();
    const created = await planner.post('/api/mes/production-plans', { ...template, name: 'To be cancelled' });
    expect(created.statusCode, created.body).toBe(201);
    cancelledId = created.json().id;
    expect((await planner.post(`/api/mes/production-plans/${cancelledId}/release`, { allowShortage: true })).statusCode).toBe(200);
    expect((await planner.post(`/api/mes/production-plans/${cancelledId}/cancel`)).statusCode).toBe(200);
  });

  it('moves a completed plan out of the hot tables; detail and export read the same, stock and ledger do not move', async () => {
    const before = (await planner.get(`/api/mes/production-plans/${completedId}`)).json();
    const exportBefore = (await planner.get(`/api/mes/production-plans/${completedId}/export`)).json();
    const ganttBefore = (await planner.get(`/api/mes/production-plans/${completedId}/schedule`)).json();
    expect(ganttBefore.workers.length).toBeGreaterThan(0);
    const listed = (await planner.get('/api/mes/production-plans')).json().items.find((p: { id: string }) => p.id === completedId);
    expect(before.status).toBe('completed');
    expect(before.archivedAt).toBeNull();
    expect(await hotRows(completedId)).toBeGreaterThan(0);
    const stock = await stockAndLedger();

    const res = await planner.post(`/api/mes/production-plans/${completedId}/archive`);
    expect(res.statusCode, res.body).toBe(200);
    const archived = res.json();
    expect(archived.archivedAt).toEqual(expect.any(String));
    expect({ ...archived, archivedAt: null }).toEqual(before);

    expect(await hotRows(completedId)).toBe(0);
    expect(await stockAndLedger()).toEqual(stock);
    expect(await runIntegrityChecks(db())).toEqual([]);

    const again = (await planner.get(`/api/mes/production-plans/${completedId}`)).json();
    expect(again).toEqual(archived);
    expect((await planner.get(`/api/mes/production-plans/${completedId}/export`)).json()).toEqual(exportBefore);
    // the same bars from the archive (the answer's `now` is the clock's)
    const ganttAfter = (await planner.get(`/api/mes/production-plans/${completedId}/schedule`)).json();
    expect({ ...ganttAfter, now: ganttBefore.now }).toEqual(ganttBefore);
    // duplicating an archived plan (export, then import) gives a new draft with the whole graph
    const copy = await planner.post('/api/mes/production-plans/import', exportBefore);
    expect(copy.statusCode, copy.body).toBe(201);
    expect(copy.json().nodes).toHaveLength(before.nodes.length);

    // the default list is the hot one; archived=true lists it with the counts it had
    const hot = (await planner.get('/api/mes/production-plans')).json().items.map((p: { id: string }) => p.id);
    expect(hot).not.toContain(completedId);
    const cold = (await planner.get('/api/mes/production-plans?archived=true&count=true')).json();
    expect(cold.total).toBe(1);
    // the header row stays (its updatedAt moves to the archiving); the counts are those it had
    expect(cold.items[0]).toEqual({ ...listed, archivedAt: archived.archivedAt, updatedAt: expect.any(String) });
    expect(Date.parse(cold.items[0].updatedAt)).toBeGreaterThanOrEqual(Date.parse(listed.updatedAt));

    const archive = (
      await sql<{ problems: unknown[]; pauses: unknown[] }>`select problems, pauses from mes.plan_archives where plan_id = ${completedId}`.execute(db())
    ).rows[0]!;
    expect(archive.problems).toEqual([expect.objectContaining({ category: 'machine', text: 'coolant low' })]);
    expect(archive.pauses).toEqual([expect.objectContaining({ reason: 'break', endedAt: expect.any(String) })]);
    const events = await db()
      .selectFrom('mes.events')
      .select(['change', 'payload'])
      .where('plan_id', '=', completedId)
      .where('topic', '=', 'plans')
      .orderBy('id')
      .execute();
    expect(events.at(-1)).toEqual({ change: 'archived', payload: { status: 'completed', nodes: before.nodes.length } });
  });

  it('refuses plans that are not finished, archived twice, unknown, or asked for by an operator or nobody — writing nothing', async () => {
    const draft = (await planner.post('/api/mes/production-plans', { ...template, name: 'Still a draft' })).json();
    const operator = await signInWorker(await ctx.app(), 'W-001');
    await expectNoWrite(db(), async () => {
      const body = expectProblem(await planner.post(`/api/mes/production-plans/${draft.id}/archive`), 409, /is draft; only completed or cancelled/);
      expect(body.currentStatus).toBe('draft');
      expectProblem(await planner.post(`/api/mes/production-plans/${completedId}/archive`), 409, /already archived/);
      expectProblem(await planner.post('/api/mes/production-plans/PPL-0101-999/archive'), 404);
      expectProblem(await operator.post(`/api/mes/production-plans/${cancelledId}/archive`), 403);
      expectProblem(await operator.post('/api/mes/production-plans/archive', { olderThanDays: 0 }), 403);
      const anonymous = await (await ctx.app()).inject({ method: 'POST', url: `/api/mes/production-plans/${cancelledId}/archive` });
      expectProblem(anonymous, 401);
      expectProblem(await planner.post('/api/mes/production-plans/archive', { olderThanDays: -1 }), 400);
      expectProblem(await planner.post('/api/mes/production-plans/archive', { limit: 0 }), 400);
      expectProblem(await planner.post('/api/mes/production-plans/archive', { olderThan: 3 }), 400);
    });
    // a finished plan that was archived cannot be touched by the lifecycle either
    expectProblem(await planner.post(`/api/mes/production-plans/${completedId}/release`), 409);
  });

  it('the bulk run archives by age, oldest first, in batches; a run that finds nothing writes nothing', async () => {
    await sql`update mes.production_plans set cancelled_at = now() - interval '10 days' where id = ${cancelledId}`.execute(db());
    await expectNoWrite(db(), async () => {
      const none = await planner.post('/api/mes/production-plans/archive', { olderThanDays: 30 });
      expect(none.statusCode, none.body).toBe(200);
      expect(none.json()).toMatchObject({ archived: [], remaining: 0 });
    });
    const res = await planner.post('/api/mes/production-plans/archive', { olderThanDays: 5 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ archived: [cancelledId], remaining: 0 });
    expect(new Date(res.json().cutoff).getTime()).toBeLessThan(Date.now() - 4.9 * 86_400_000);
    expect(await hotRows(cancelledId)).toBe(0);
    const detail = (await planner.get(`/api/mes/production-plans/${cancelledId}`)).json();
    expect(detail).toMatchObject({ status: 'cancelled', archivedAt: expect.any(String) });
    expect(detail.nodes.length).toBeGreaterThan(0);
    expect(await runIntegrityChecks(db())).toEqual([]);
  });

  it('reverting migration 0003 is refused while archived plans exist, and changes nothing', async () => {
    await expect(migrateTo(db(), '0002_shop_floor')).rejects.toThrow(/archived plans exist/);
    expect(await migrateToLatest(db())).toEqual([]);
    expect((await planner.get(`/api/mes/production-plans/${completedId}`)).json().archivedAt).toEqual(expect.any(String));
  });

  it('the hourly job archives everything eligible, batch after batch', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = (await planner.post('/api/mes/production-plans', { ...template, name: `Job ${i}` })).json().id as string;
      expect((await planner.post(`/api/mes/production-plans/${id}/cancel`)).statusCode).toBe(200);
      ids.push(id);
    }
    const batches: number[] = [];
    const options = {
      olderThanDays: 0,
      now: new Date(Date.now() + 1000),
      actor: 'test',
      batch: 2,
      onBatch: (r: { archived: string[] }) => batches.push(r.archived.length),
    };
    expect((await archiveAllFinished(db(), options)).archived).toHaveLength(3);
    expect(batches).toEqual([2, 1]);
    for (const id of ids) expect(await hotRows(id)).toBe(0);
    expect((await archiveAllFinished(db(), options)).archived).toHaveLength(0);
  });

  it.runIf(ctx.engine === 'postgres')('two archivers at once take each plan exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = (await planner.post('/api/mes/production-plans', { ...template, name: `Parallel ${i}` })).json().id as string;
      expect((await planner.post(`/api/mes/production-plans/${id}/release`, { allowShortage: true })).statusCode).toBe(200);
      expect((await planner.post(`/api/mes/production-plans/${id}/cancel`)).statusCode).toBe(200);
      ids.push(id);
    }
    const now = new Date(Date.now() + 1000);
    const runs = await Promise.all(Array.from({ length: 3 }, () => archiveFinishedPlans(db(), { olderThanDays: 0, limit: 2, now, actor: 'test' })));
    const taken = runs.flatMap((r) => r.archived);
    expect(new Set(taken).size).toBe(taken.length);
    expect(taken.sort()).toEqual(ids.sort());
    expect(await runIntegrityChecks(db())).toEqual([]);
  });

  it.runIf(ctx.engine === 'postgres')('npm run archive archives what is old enough and refuses bad arguments with exit 2', async () => {
    const id = (await planner.post('/api/mes/production-plans', { ...template, name: 'For the CLI' })).json().id as string;
    expect((await planner.post(`/api/mes/production-plans/${id}/cancel`)).statusCode).toBe(200);
    const old = await runCommand('cli/archive.ts', ['--older-than', '1'], { DATABASE_URL: ctx.url });
    expect(old.code, old.stderr).toBe(0);
    expect(old.stdout).toContain('0 plans archived');
    await sql`update mes.production_plans set cancelled_at = now() - interval '2 days' where id = ${id}`.execute(db());
    const run = await runCommand('cli/archive.ts', ['--older-than', '1'], { DATABASE_URL: ctx.url });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`archived ${id}`);
    expect(run.stdout).toContain('1 plans archived');
    expect(await hotRows(id)).toBe(0);
    const bad = await runCommand('cli/archive.ts', ['--limit', '0'], { DATABASE_URL: ctx.url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--limit must be an integer/);
  });
});

describe('configuration', () => {
  it('MES_ARCHIVE_AFTER_DAYS: 90 by default, off disables, a bad value is refused', async () => {
    const { loadConfig } = await import('../../src/config.js');
    expect(loadConfig([], {}).archiveAfterDays).toBe(90);
    expect(loadConfig([], { MES_ARCHIVE_AFTER_DAYS: '30' }).archiveAfterDays).toBe(30);
    expect(loadConfig([], { MES_ARCHIVE_AFTER_DAYS: 'off' }).archiveAfterDays).toBeUndefined();
    expect(() => loadConfig([], { MES_ARCHIVE_AFTER_DAYS: '0' })).toThrow(/MES_ARCHIVE_AFTER_DAYS/);
  });
});
