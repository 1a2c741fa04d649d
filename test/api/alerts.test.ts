/**
 * Alerts (issue #20, item 2): written by the action that causes them, in its
 * transaction; addressed to the planners, a worker or one operator's account;
 * each reader sees only their own and acknowledges them for themselves.
 */
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { origin, readMissedEvents } from '../../src/modules/realtime/events.repository.js';
import { filterFor, matchesFilter } from '../../src/modules/realtime/realtime.rules.js';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { type Client, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { pinSamplePlan, samplePlan } from '../helpers/plans.js';

interface Alert {
  id: number;
  kind: string;
  audience: string;
  workerId: string | null;
  userId: number | null;
  planId: string | null;
  assignmentId: string | null;
  problemId: number | null;
  params: Record<string, unknown>;
  acknowledgedAt: string | null;
}

describeEachEngine('alerts', (ctx) => {
  let planner: Client;
  let admin: Client;
  const op: Record<string, Client> = {};
  const db = () => ctx.database.db;

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    const app = await ctx.app();
    planner = await signIn(app, 'planner');
    admin = await signIn(app, 'admin');
    for (const w of ['W-001', 'W-003', 'W-006']) op[w] = await signInWorker(app, w);
  });

  const mine = async (client: Client, unacknowledged = true): Promise<Alert[]> => {
    const res = await client.get(`/api/mes/alerts?unacknowledged=${unacknowledged}&limit=500`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  };
  const newest = async (client: Client, kind: string) => (await mine(client)).find((a) => a.kind === kind);
  const ackAll = async () => {
    for (const c of [planner, admin, ...Object.values(op)]) expect((await c.post('/api/mes/alerts/ack-all', {})).statusCode).toBe(200);
  };

  const releasedPlan = async (
    body: object = {},
    doc: PlanDocument = pinSamplePlan(samplePlan({ name: `Alerts ${Math.random().toString(36).slice(2, 8)}` })),
  ) => {
    const created = await planner.post('/api/mes/production-plans', doc);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const released = await planner.post(`/api/mes/production-plans/${id}/release`, body);
    expect(released.statusCode, released.body).toBe(200);
    const plan = released.json().plan;
    const of = Object.fromEntries(
      plan.nodes.map((n: { nodeId: string; assignment: { id: string; workerId: string; substationId: string; plannedStart: string } }) => [
        n.nodeId,
        n.assignment,
      ]),
    );
    return { id, of } as { id: string; of: Record<string, { id: string; workerId: string; substationId: string; plannedStart: string }> };
  };
  const cancel = async (planId: string) => expect((await planner.post(`/api/mes/production-plans/${planId}/cancel`)).statusCode).toBe(200);

  it('tells the planners of a reported problem, and the operator who reported it that it was resolved, by whom and when', async () => {
    await ackAll();
    const p = await releasedPlan();
    const reported = await op['W-001']!.post(`/api/mes/worker-assignments/${p.of.N1!.id}/report-problem`, { category: 'machine', text: 'saw blade chipped' });
    expect(reported.statusCode, reported.body).toBe(201);
    const problemId = reported.json().problem.id as number;

    for (const client of [planner, admin]) {
      const alert = await newest(client, 'problem_reported');
      expect(alert).toMatchObject({
        audience: 'planners',
        planId: p.id,
        assignmentId: p.of.N1!.id,
        problemId,
        params: { problemId, nodeId: 'N1', workerId: 'W-001', category: 'machine', text: 'saw blade chipped', reportedBy: 'W-001' },
        acknowledgedAt: null,
      });
    }
    // operators never see the planners' alerts
    expect(await mine(op['W-001']!)).toEqual([]);
    expect(await mine(op['W-006']!)).toEqual([]);

    const resolvedAt = Date.now();
    const resolved = await planner.post(`/api/mes/problems/${problemId}/resolve`, { resolution: 'blade replaced' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const me = (await op['W-001']!.get('/api/mes/auth/me')).json();
    const plannerMe = (await planner.get('/api/mes/auth/me')).json();
    const alert = await newest(op['W-001']!, 'problem_resolved');
    expect(alert).toMatchObject({
      audience: 'user',
      userId: me.id,
      workerId: null,
      problemId,
      params: { problemId, nodeId: 'N1', resolvedBy: 'planner', resolvedByName: plannerMe.displayName, resolution: 'blade replaced' },
    });
    expect(Date.parse(alert!.params.resolvedAt as string)).toBeGreaterThanOrEqual(resolvedAt - 60_000);
    // addressed to that operator only
    for (const client of [planner, admin, op['W-006']!, op['W-003']!]) expect((await mine(client)).some((a) => a.kind === 'problem_resolved')).toBe(false);
    await cancel(p.id);
  });

  it('addresses a resolution to the worker when a planner reported the problem on their behalf', async () => {
    await ackAll();
    const p = await releasedPlan();
    const reported = await planner.post(`/api/mes/worker-assignments/${p.of.N1!.id}/report-problem`, { category: 'quality', text: 'burr on edge' });
    expect(reported.statusCode, reported.body).toBe(201);
    const problemId = reported.json().problem.id as number;
    expect((await planner.post(`/api/mes/problems/${problemId}/resolve`, {})).statusCode).toBe(200);
    expect(await newest(op['W-001']!, 'problem_resolved')).toMatchObject({ audience: 'worker', workerId: 'W-001', userId: null, problemId });
    expect(await mine(op['W-006']!)).toEqual([]);
    await cancel(p.id);
  });

  it('streams alert events only to their recipients: an operator gets their own worker’s, planners all', async () => {
    const { rows } = await sql<{ id: number }>`select max(id) as id from mes.events where topic = 'alerts' and change = 'created'`.execute(db());
    expect(rows[0]?.id).toBeTruthy();
    const upTo = { txId: '999999999999', id: Number.MAX_SAFE_INTEGER };
    // created and acknowledged ones (an operator's acknowledgement carries their worker too)
    const all = await readMissedEvents(db(), origin, upTo, { topics: ['alerts'] }, 10_000);
    const events = all.filter((e) => e.change === 'created');
    const kinds = (list: typeof events) => [...new Set(list.filter((e) => e.change === 'created').map((e) => (e.payload.alert as Alert).kind))].sort();
    expect(kinds(events)).toEqual(['problem_reported', 'problem_resolved', 'task_withdrawn']);
    const asOperator = (workerId: string) => filterFor({ role: 'operator', workerId }, { topics: ['alerts'] });
    for (const workerId of ['W-001', 'W-006']) {
      const replayed = await readMissedEvents(db(), origin, upTo, asOperator(workerId), 10_000);
      const live = all.filter((e) => matchesFilter(e, asOperator(workerId)));
      expect(replayed.map((e) => e.id)).toEqual(live.map((e) => e.id));
      expect(live.every((e) => e.workerId === workerId)).toBe(true);
      // the planners' alerts never; the resolution only to the one who reported (W-001)
      expect(live.some((e) => e.change === 'created' && (e.payload.alert as Alert).audience === 'planners')).toBe(false);
      expect(kinds(live)).toEqual(workerId === 'W-001' ? ['problem_resolved', 'task_withdrawn'] : ['task_withdrawn']);
    }
  });

  it('acknowledges per user and idempotently; another person’s alert is 404; ack-all stops at upTo', async () => {
    await ackAll();
    const p = await releasedPlan();
    const problem = async (text: string) =>
      (await op['W-001']!.post(`/api/mes/worker-assignments/${p.of.N1!.id}/report-problem`, { category: 'other', text })).json().problem.id as number;
    await problem('first');
    await problem('second');
    const [second, first] = (await mine(planner)).filter((a) => a.kind === 'problem_reported');
    expect(first!.params.text).toBe('first');

    const acked = await planner.post(`/api/mes/alerts/${first!.id}/ack`, {});
    expect(acked.statusCode, acked.body).toBe(200);
    expect(acked.json()).toMatchObject({ id: first!.id, acknowledgedAt: expect.any(String) });
    const again = await planner.post(`/api/mes/alerts/${first!.id}/ack`, {});
    expect(again.json().acknowledgedAt).toBe(acked.json().acknowledgedAt);
    expect((await mine(planner)).map((a) => a.id)).toEqual([second!.id]);
    // the admin has not acknowledged it: acknowledgement is per person
    expect((await mine(admin)).map((a) => a.id)).toEqual([second!.id, first!.id]);
    // all my alerts (unacknowledged=false) still lists it, acknowledged
    expect((await mine(planner, false)).find((a) => a.id === first!.id)?.acknowledgedAt).toBe(acked.json().acknowledgedAt);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from mes.alert_acks where alert_id = ${first!.id}`.execute(db());
    expect(rows[0]!.n).toBe(1);

    // not addressed to them: 404, and nothing written
    expectProblem(await op['W-001']!.post(`/api/mes/alerts/${second!.id}/ack`, {}), 404);
    expectProblem(await op['W-006']!.post(`/api/mes/alerts/${second!.id}/ack`, {}), 404);
    expectProblem(await planner.post('/api/mes/alerts/999999999/ack', {}), 404);
    expectProblem(await planner.post('/api/mes/alerts/abc/ack', {}), 400);
    expectProblem(await planner.post('/api/mes/alerts/ack-all', { upTo: 0 }), 400);
    expectProblem(await planner.post('/api/mes/alerts/ack-all', { everything: true }), 400);
    expectProblem(await planner.get('/api/mes/alerts?unacknowledged=maybe'), 400);
    const acks = await sql<{ n: number }>`select count(*)::int as n from mes.alert_acks where alert_id = ${second!.id}`.execute(db());
    expect(acks.rows[0]!.n).toBe(0);

    // ack-all up to the first: the second stays
    expect((await admin.post('/api/mes/alerts/ack-all', { upTo: first!.id })).json()).toEqual({ acknowledged: 1 });
    expect((await mine(admin)).map((a) => a.id)).toEqual([second!.id]);
    expect((await admin.post('/api/mes/alerts/ack-all', {})).json()).toEqual({ acknowledged: 1 });
    expect((await admin.post('/api/mes/alerts/ack-all', {})).json()).toEqual({ acknowledged: 0 });
    expect(await mine(admin)).toEqual([]);
    await cancel(p.id);
  });

  it('tells the planners of a plan released short of material, with the shortages', async () => {
    await ackAll();
    const doc = pinSamplePlan(samplePlan({ name: 'Alerts short' }));
    doc.nodes[1]!.materialInputs = [{ materialCode: 'HINGE-120', requiredQuantity: 999999 }];
    // refused: nothing written, no alert
    const created = (await planner.post('/api/mes/production-plans', doc)).json().id as string;
    expect((await planner.post(`/api/mes/production-plans/${created}/release`, {})).statusCode).toBe(409);
    expect(await mine(planner)).toEqual([]);
    const released = await planner.post(`/api/mes/production-plans/${created}/release`, { allowShortage: true });
    expect(released.statusCode, released.body).toBe(200);
    const alert = await newest(admin, 'release_blocked');
    expect(alert).toMatchObject({
      audience: 'planners',
      planId: created,
      params: { planId: created, planName: 'Alerts short', shortages: [{ materialCode: 'HINGE-120', required: 999999, available: expect.any(Number) }] },
    });
    expect(await mine(op['W-001']!)).toEqual([]);
    await cancel(created);
  });

  it('tells the planners once when a plan’s projected end passes its due date', async () => {
    await ackAll();
    const dueDate = new Date(Date.now() + 60_000).toISOString();
    const p = await releasedPlan({}, pinSamplePlan(samplePlan({ name: 'Alerts late', dueDate })));
    const alert = await newest(planner, 'plan_late');
    expect(alert).toMatchObject({ audience: 'planners', planId: p.id, params: { planId: p.id, planName: 'Alerts late', dueDate } });
    expect(Date.parse(alert!.params.plannedEnd as string)).toBeGreaterThan(Date.parse(dueDate));
    // still late after a reschedule: not told twice
    expect((await planner.post(`/api/mes/production-plans/${p.id}/reschedule`)).statusCode).toBe(200);
    expect((await mine(planner)).filter((a) => a.kind === 'plan_late' && a.planId === p.id)).toHaveLength(1);
    // a plan due long after its end is not late
    const onTime = await releasedPlan({}, pinSamplePlan(samplePlan({ name: 'Alerts on time', dueDate: '2100-01-01T00:00:00.000Z' })));
    expect((await mine(planner)).some((a) => a.kind === 'plan_late' && a.planId === onTime.id)).toBe(false);
    expect(await mine(op['W-001']!)).toEqual([]);
    await cancel(p.id);
    await cancel(onTime.id);
  });

  it('tells each worker whose task a cancelled plan withdrew', async () => {
    await ackAll();
    const p = await releasedPlan();
    await cancel(p.id);
    for (const [node, workerId] of [
      ['N1', 'W-001'],
      ['N2', 'W-006'],
      ['N3', 'W-003'],
    ] as const) {
      const alerts = (await mine(op[workerId]!)).filter((a) => a.kind === 'task_withdrawn');
      expect(alerts).toEqual([
        expect.objectContaining({
          audience: 'worker',
          workerId,
          planId: p.id,
          assignmentId: p.of[node]!.id,
          params: expect.objectContaining({ nodeId: node, reason: 'plan_cancelled', toWorkerId: null }),
        }),
      ]);
    }
    // planners are not the recipients of task alerts
    expect((await mine(planner)).some((a) => a.kind === 'task_withdrawn')).toBe(false);
  });

  it('tells the worker when a planner moves their task to another time or gives it to someone else', async () => {
    await ackAll();
    const p = await releasedPlan();
    const paint = p.of.N4!;
    const otherSub = paint.substationId === 'ST-004-01' ? 'ST-004-02' : 'ST-004-01';
    const later = new Date(Date.parse(paint.plannedStart) + 7 * 86_400_000).toISOString();
    const moved = await planner.put(`/api/mes/worker-assignments/${paint.id}`, { substationId: otherSub, plannedStart: later });
    expect(moved.statusCode, moved.body).toBe(200);
    const paintClient = op[paint.workerId] ?? (op[paint.workerId] = await signInWorker(await ctx.app(), paint.workerId));
    expect(await newest(paintClient, 'task_moved')).toMatchObject({
      audience: 'worker',
      workerId: paint.workerId,
      assignmentId: paint.id,
      params: { nodeId: 'N4', substationId: otherSub, plannedStart: later },
    });
    // the same move again changes nothing: no new alert
    const before = (await mine(paintClient)).length;
    expect((await planner.put(`/api/mes/worker-assignments/${paint.id}`, { substationId: otherSub, plannedStart: later })).statusCode).toBe(200);
    expect((await mine(paintClient)).length).toBe(before);

    // to another qualified worker: the one who had it is told it went to them
    const workers = (await planner.get('/api/mes/workers?limit=500')).json().items as { id: string }[];
    let given: string | undefined;
    for (const w of workers) {
      if (w.id === paint.workerId) continue;
      const res = await planner.put(`/api/mes/worker-assignments/${paint.id}`, { workerId: w.id, substationId: otherSub, plannedStart: later });
      if (res.statusCode === 200) {
        given = w.id;
        break;
      }
    }
    expect(given, 'some other worker can paint').toBeDefined();
    expect(await newest(paintClient, 'task_withdrawn')).toMatchObject({
      audience: 'worker',
      workerId: paint.workerId,
      params: { nodeId: 'N4', reason: 'moved', toWorkerId: given },
    });
    await cancel(p.id);
  });

  it('keeps the invariants in the database: one recipient, a known kind', async () => {
    await expect(
      sql`insert into mes.alerts (kind, recipient_role, recipient_worker_id) values ('task_moved', 'planners', 'W-001')`.execute(db()),
    ).rejects.toThrow();
    await expect(sql`insert into mes.alerts (kind) values ('task_moved')`.execute(db())).rejects.toThrow();
    await expect(sql`insert into mes.alerts (kind, recipient_role) values ('weather', 'planners')`.execute(db())).rejects.toThrow();
    await expect(sql`insert into mes.alerts (kind, recipient_role) values ('task_moved', 'operators')`.execute(db())).rejects.toThrow();
  });
});
