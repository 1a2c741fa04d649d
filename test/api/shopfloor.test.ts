import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { type Client, expectNoWrite, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { pinSamplePlan, type SamplePin, samplePlan } from '../helpers/plans.js';

describeEachEngine('shop floor execution', (ctx) => {
  let planner: Client;
  const op: Record<string, Client> = {};
  const db = () => ctx.database.db;

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    const app = await ctx.app();
    planner = await signIn(app, 'planner');
    for (const w of ['W-001', 'W-003', 'W-004', 'W-006']) op[w] = await signInWorker(app, w);
  });

  /** Creates and releases samplePlan with pins; returns the plan id and the assignment id of each node. */
  const releasedPlan = async (overrides: Partial<Record<string, SamplePin>> = {}) => {
    const doc: PlanDocument = samplePlan({ name: `Shop floor ${Math.random().toString(36).slice(2, 8)}`, note: 'Customer order 1028, drawing rev. C' });
    pinSamplePlan(doc, overrides);
    const created = await planner.post('/api/mes/production-plans', doc);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const released = await planner.post(`/api/mes/production-plans/${id}/release`, {});
    expect(released.statusCode, released.body).toBe(200);
    return { id, ...(await assignmentsOf(id)) } as { id: string; N1: string; N2: string; N3: string; N4: string };
  };
  const assignmentsOf = async (planId: string): Promise<Record<string, string | undefined>> => {
    const plan = (await planner.get(`/api/mes/production-plans/${planId}`)).json();
    return Object.fromEntries(plan.nodes.map((n: { nodeId: string; assignment: { id: string } }) => [n.nodeId, n.assignment.id]));
  };
  /** Stops a plan whatever its state, so the next test finds every worker and substation free. */
  const finish = async (planId: string) => {
    const status = (await planner.get(`/api/mes/production-plans/${planId}`)).json().status;
    if (status === 'in_production') await planner.post(`/api/mes/production-plans/${planId}/pause`);
    if (status !== 'completed' && status !== 'cancelled') expect((await planner.post(`/api/mes/production-plans/${planId}/cancel`)).statusCode).toBe(200);
  };
  const act = (client: Client, id: string, action: string, body: unknown = {}, headers?: Record<string, string>) =>
    client.post(`/api/mes/worker-assignments/${id}/${action}`, body, headers);

  /** Everything an action could change: counts of every table (expectNoWrite) and the rows that move. */
  const state = async () => ({
    assignments: (
      await sql`select id, status, version, actual_start, actual_end, paused_minutes, good_quantity from mes.worker_assignments order by id`.execute(db())
    ).rows,
    workers: (await sql`select id, status, current_assignment_id from mes.workers order by id`.execute(db())).rows,
    substations: (await sql`select id, status, current_assignment_id from mes.substations order by id`.execute(db())).rows,
    plans: (await sql`select id, status, version from mes.production_plans order by id`.execute(db())).rows,
    materials: (await sql`select code, stock, reserved from mes.materials order by code`.execute(db())).rows,
    pauses: (await sql`select id, ended_at from mes.assignment_pauses order by id`.execute(db())).rows,
  });
  const refusedWithoutWrite = (refuse: () => Promise<unknown>) =>
    expectNoWrite(db(), async () => {
      const before = await state();
      await refuse();
      expect(await state()).toEqual(before);
    });
  const eventsOf = (entityId: string) =>
    db().selectFrom('mes.events').select(['topic', 'change', 'actor', 'payload']).where('entity_id', '=', entityId).orderBy('id').execute();
  const material = async (code: string) =>
    (await sql<{ stock: number; reserved: number }>`select stock, reserved from mes.materials where code = ${code}`.execute(db())).rows[0]!;

  it('lists and shows assignments with plan, node, station and worker; operators see only their own', async () => {
    const p = await releasedPlan();
    const list = await planner.get(`/api/mes/worker-assignments?planId=${p.id}`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().total).toBe(4);
    const starts = list.json().items.map((i: { plannedStart: string }) => Date.parse(i.plannedStart));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    const ready = (await planner.get(`/api/mes/worker-assignments?planId=${p.id}&status=ready&status=in_progress`)).json();
    expect(ready.items.map((i: { nodeId: string }) => i.nodeId).sort()).toEqual(['N1', 'N2']);
    expect((await planner.get(`/api/mes/worker-assignments?planId=${p.id}&workerId=W-003&limit=1`)).json()).toMatchObject({
      total: 1,
      limit: 1,
      items: [{ nodeId: 'N3' }],
    });

    // station, substation, planned window and pages
    const all = list.json().items as { id: string; stationId: string; substationId: string; plannedStart: string; plannedEnd: string }[];
    const weld = (await planner.get(`/api/mes/worker-assignments?planId=${p.id}&stationId=ST-003`)).json();
    expect(weld.items.map((i: { nodeId: string }) => i.nodeId)).toEqual(['N3']);
    const onSub = all[0]!.substationId;
    const bySub = (await planner.get(`/api/mes/worker-assignments?planId=${p.id}&substationId=${onSub}`)).json();
    expect(bySub.total).toBe(all.filter((i) => i.substationId === onSub).length);
    // a window holds what is planned to run in it, also what began before it
    const third = all[2]!.plannedStart;
    const at = (iso: string) => Date.parse(iso);
    const fromThird = (await planner.get(`/api/mes/worker-assignments?planId=${p.id}&from=${encodeURIComponent(third)}`)).json();
    expect(fromThird.items.map((i: { id: string }) => i.id)).toEqual(all.filter((i) => at(i.plannedEnd) > at(third)).map((i) => i.id));
    const untilThird = (await planner.get(`/api/mes/worker-assignments?planId=${p.id}&to=${encodeURIComponent(third)}`)).json();
    expect(untilThird.items.map((i: { id: string }) => i.id)).toEqual(all.filter((i) => at(i.plannedStart) < at(third)).map((i) => i.id));
    const first = all[0]!;
    const inside = new Date((at(first.plannedStart) + at(first.plannedEnd)) / 2).toISOString();
    const running = (await planner.get(`/api/mes/worker-assignments?planId=${p.id}&from=${inside}&to=${inside}`)).json();
    expect(running.items.map((i: { id: string }) => i.id)).toContain(first.id);
    const page2 = (await planner.get(`/api/mes/worker-assignments?planId=${p.id}&limit=2&offset=2`)).json();
    expect(page2).toMatchObject({ total: 4, limit: 2, offset: 2 });
    expect(page2.items.map((i: { id: string }) => i.id)).toEqual(all.slice(2).map((i) => i.id));
    expectProblem(await planner.get(`/api/mes/worker-assignments?planId=${p.id}&status=nonsense`), 400);

    const mine = (await op['W-001']!.get(`/api/mes/worker-assignments?planId=${p.id}`)).json();
    expect(mine.items.map((i: { workerId: string }) => i.workerId)).toEqual(['W-001']);
    expectProblem(await op['W-001']!.get('/api/mes/worker-assignments?workerId=W-006'), 403, /you are worker W-001/);
    expectProblem(await op['W-001']!.get(`/api/mes/worker-assignments/${p.N2}`), 403, /belongs to worker W-006/);
    expectProblem(await planner.get('/api/mes/worker-assignments/WA-0101-999'), 404);

    const detail = (await op['W-001']!.get(`/api/mes/worker-assignments/${p.N1}`)).json();
    expect(detail).toMatchObject({
      id: p.N1,
      status: 'ready',
      planId: p.id,
      workOrderCode: 'WO-TEST-1',
      planNote: 'Customer order 1028, drawing rev. C',
      nodeId: 'N1',
      nodeName: 'Cut sides',
      operationId: 'OP-001',
      operationName: 'Laser cutting',
      stationId: 'ST-001',
      stationName: 'Laser cell',
      substationId: 'ST-001-01',
      workerId: 'W-001',
      quantity: 10,
      actualStart: null,
      actualEnd: null,
      pausedMinutes: 0,
      workedMinutes: null,
      goodQuantity: null,
      openPause: null,
      pauses: [],
      problems: [],
      predecessors: [],
      materialInputs: [{ materialCode: 'SHEET-S235-2', unit: 'sheet', requiredQuantity: 5, fromNodeId: null }],
    });
    const paint = (await planner.get(`/api/mes/worker-assignments/${p.N4}`)).json();
    expect(paint.materialInputs).toContainEqual(expect.objectContaining({ materialCode: 'WIP-001-FRAME', fromNodeId: 'N3' }));
    expect(paint.predecessors).toEqual([expect.objectContaining({ nodeId: 'N3', assignmentId: p.N3, status: 'pending', workerId: 'W-003' })]);
    await finish(p.id);
  });

  it("gives a worker their queue: current task first, then ready, then pending with what they wait for; others' queues are 403", async () => {
    const p = await releasedPlan({ N2: { workerId: 'W-001', substationId: 'ST-001-02' } });
    expect((await act(op['W-001']!, p.N2!, 'start')).statusCode).toBe(200);
    const queue = await op['W-001']!.get('/api/mes/workers/W-001/tasks');
    expect(queue.statusCode, queue.body).toBe(200);
    const mine = queue.json().tasks.filter((t: { planId: string }) => t.planId === p.id);
    expect(queue.json().tasks[0]).toMatchObject({ id: p.N2, status: 'in_progress', canStart: false });
    expect(mine.map((t: { nodeId: string }) => t.nodeId)).toEqual(['N2', 'N1']);
    expect(mine[1]).toMatchObject({ status: 'ready', canStart: false, startBlockedBy: expect.stringMatching(/already has task .* in progress/) });
    expect(queue.json().worker).toMatchObject({ id: 'W-001', status: 'busy', currentAssignmentId: p.N2 });

    const welder = (await op['W-003']!.get('/api/mes/workers/W-003/tasks')).json();
    const weld = welder.tasks.find((t: { id: string }) => t.id === p.N3);
    expect(weld).toMatchObject({
      status: 'pending',
      canStart: false,
      plannerNote: '',
      operationName: 'Welding',
      workOrderCode: 'WO-TEST-1',
      materialInputs: [{ materialCode: 'WIRE-SG2-1.0', materialName: expect.any(String), unit: 'kg', requiredQuantity: 2, fromNodeId: null }],
      // another worker's steps: their state, not who works on them (least privilege)
      waitingFor: [
        { nodeId: 'N1', nodeName: 'Cut sides', assignmentId: p.N1, status: 'ready', workerId: null, workerName: null },
        { nodeId: 'N2', nodeName: 'Cut base', assignmentId: p.N2, status: 'in_progress', workerId: null, workerName: null },
      ],
    });
    const seenByPlanner = (await planner.get('/api/mes/workers/W-003/tasks')).json().tasks.find((t: { id: string }) => t.id === p.N3);
    expect(seenByPlanner.waitingFor).toEqual([
      { nodeId: 'N1', nodeName: 'Cut sides', assignmentId: p.N1, status: 'ready', workerId: 'W-001', workerName: expect.any(String) },
      { nodeId: 'N2', nodeName: 'Cut base', assignmentId: p.N2, status: 'in_progress', workerId: 'W-001', workerName: expect.any(String) },
    ]);
    expect(weld.startBlockedBy).toMatch(/waiting for N1 "Cut sides".*N2 "Cut base"/);
    expect(['available', 'off_shift']).toContain(welder.worker.status);

    expectProblem(await op['W-001']!.get('/api/mes/workers/W-003/tasks'), 403);
    expect((await planner.get('/api/mes/workers/W-003/tasks')).statusCode).toBe(200);
    expectProblem(await planner.get('/api/mes/workers/W-999/tasks'), 404);
    await finish(p.id);
  });

  it('sends the head of a long queue, in queue order, and counts every open task; a limit outside 1-500 is 400 naming it', async () => {
    const plans = [
      await releasedPlan({ N2: { workerId: 'W-001', substationId: 'ST-001-02' } }),
      await releasedPlan({ N1: { workerId: 'W-001', substationId: 'ST-001-01' }, N2: { workerId: 'W-001', substationId: 'ST-001-02' } }),
    ];
    expect((await act(op['W-001']!, plans[0]!.N2, 'start')).statusCode).toBe(200);
    const all = (await op['W-001']!.get('/api/mes/workers/W-001/tasks?limit=500')).json();
    const open = await sql<{ n: number }>`select count(*)::int as n from mes.worker_assignments
      where worker_id = 'W-001' and status in ('in_progress', 'paused', 'ready', 'pending')`.execute(db());
    expect(all.total).toBe(open.rows[0]!.n);
    expect(all.tasks).toHaveLength(all.total);
    expect(all.total).toBeGreaterThanOrEqual(4);
    // the default is 50: the whole of this queue
    expect((await op['W-001']!.get('/api/mes/workers/W-001/tasks')).json().tasks.map((t: { id: string }) => t.id)).toEqual(
      all.tasks.map((t: { id: string }) => t.id),
    );
    for (const limit of [1, 2, 3]) {
      const head = (await op['W-001']!.get(`/api/mes/workers/W-001/tasks?limit=${limit}`)).json();
      expect(head.total).toBe(all.total);
      expect(head.tasks).toEqual(all.tasks.slice(0, limit));
    }
    expect(all.tasks[0]).toMatchObject({ id: plans[0]!.N2, status: 'in_progress' });
    for (const bad of ['0', '501', 'many', '2.5']) {
      expect(expectProblem(await op['W-001']!.get(`/api/mes/workers/W-001/tasks?limit=${bad}`), 400).field).toBe('querystring/limit');
    }
    for (const p of plans) await finish(p.id);
  });

  it('shows on the plan detail what each step waits for, as the worker queue does', async () => {
    const draft = await planner.post('/api/mes/production-plans', pinSamplePlan(samplePlan({ name: `Waits ${Math.random().toString(36).slice(2, 8)}` })));
    const waits = (plan: { nodes: { nodeId: string; waitingFor?: unknown }[] }) => Object.fromEntries(plan.nodes.map((n) => [n.nodeId, n.waitingFor]));
    const unscheduled = (nodeId: string, nodeName: string) => ({ nodeId, nodeName, assignmentId: null, status: null, workerId: null, workerName: null });
    expect(waits(draft.json())).toEqual({
      N1: [],
      N2: [],
      N3: [unscheduled('N1', 'Cut sides'), unscheduled('N2', 'Cut base')],
      N4: [unscheduled('N3', 'Weld frame')],
    });
    expect(waits((await planner.get(`/api/mes/production-plans/${draft.json().id}`)).json())).toEqual(waits(draft.json()));

    const p = await releasedPlan();
    expect((await act(op['W-001']!, p.N1, 'start')).statusCode).toBe(200);
    const done = await act(op['W-001']!, p.N1, 'complete', { goodQuantity: 10 });
    expect(done.statusCode, done.body).toBe(200);
    const detail = (await planner.get(`/api/mes/production-plans/${p.id}`)).json();
    expect(waits(detail)).toEqual({
      N1: [],
      N2: [],
      N3: [{ nodeId: 'N2', nodeName: 'Cut base', assignmentId: p.N2, status: 'ready', workerId: 'W-006', workerName: expect.any(String) }],
      N4: [{ nodeId: 'N3', nodeName: 'Weld frame', assignmentId: p.N3, status: 'pending', workerId: 'W-003', workerName: expect.any(String) }],
    });
    const weld = (await planner.get('/api/mes/workers/W-003/tasks')).json().tasks.find((t: { id: string }) => t.id === p.N3);
    expect(waits(detail).N3).toEqual(weld.waitingFor);
    await finish(p.id);
  });

  it('starts only with predecessors done, by the assigned worker, with no other task running; the first start moves the plan', async () => {
    const p = await releasedPlan({ N2: { workerId: 'W-001', substationId: 'ST-001-02' } });
    await refusedWithoutWrite(async () => {
      const res = expectProblem(await act(op['W-003']!, p.N3!, 'start'), 409, /cannot start yet: waiting for N1 "Cut sides" \(WA-.*, ready\), N2 "Cut base"/);
      expect(res).toMatchObject({ currentStatus: 'pending', planStatus: 'released', waitingFor: [{ nodeId: 'N1' }, { nodeId: 'N2' }] });
      expectProblem(await act(op['W-006']!, p.N1!, 'start'), 403, /assigned to worker W-001/);
      expectProblem(await act(op['W-001']!, 'WA-0101-999', 'start'), 404);
    });

    const res = await act(op['W-001']!, p.N1!, 'start');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.assignment).toMatchObject({ id: p.N1, status: 'in_progress', planStatus: 'in_production', version: 2, startedBy: 'W-001' });
    expect(Date.now() - Date.parse(body.assignment.actualStart)).toBeLessThan(60_000);
    expect(body.worker).toMatchObject({ id: 'W-001', status: 'busy', currentAssignmentId: p.N1, currentPlanId: p.id });
    const holders =
      await sql`select (select status from mes.substations where id = 'ST-001-01') as sub, (select current_node_id from mes.workers where id = 'W-001') as node,
      (select status from mes.production_plans where id = ${p.id}) as plan, (select started_at from mes.production_plans where id = ${p.id}) as started`.execute(
        db(),
      );
    expect(holders.rows[0]).toMatchObject({ sub: 'in_use', node: expect.any(Number), plan: 'in_production', started: expect.any(Date) });
    expect(await eventsOf(p.N1!)).toContainEqual(expect.objectContaining({ topic: 'assignments', change: 'started', actor: 'W-001' }));
    expect((await eventsOf('W-001')).at(-1)).toMatchObject({ topic: 'workers', change: 'status_changed', payload: { status: 'busy', assignmentId: p.N1 } });
    expect((await eventsOf('ST-001-01')).at(-1)).toMatchObject({ topic: 'stations', payload: { status: 'in_use' } });
    expect((await eventsOf(p.id)).map((e) => e.change)).toContain('started');

    await refusedWithoutWrite(async () => {
      expect(expectProblem(await act(op['W-001']!, p.N1!, 'start'), 409, /is in_progress; it cannot be started/)).toMatchObject({
        currentStatus: 'in_progress',
      });
      expect(expectProblem(await act(op['W-001']!, p.N2!, 'start'), 409, new RegExp(`worker W-001 already has task ${p.N1} in progress`))).toMatchObject({
        currentStatus: 'ready',
      });
    });
    expect(await runIntegrityChecks(db())).toEqual([]);
    await finish(p.id);
    expect(await runIntegrityChecks(db())).toEqual([]);
  });

  it('refuses a start on a substation in use by another task or under maintenance; a planner may start on the worker’s behalf', async () => {
    const p = await releasedPlan({ N2: { workerId: 'W-006', substationId: 'ST-001-01' } });
    // whichever cut the substation's live schedule has first starts (issue #15: a start needs the substation free now); the other is refused
    const startOf = async (id: string) => Date.parse((await planner.get(`/api/mes/worker-assignments/${id}`)).json().plannedStart);
    const [first, second] = (await startOf(p.N1!)) <= (await startOf(p.N2!)) ? (['N1', 'N2'] as const) : (['N2', 'N1'] as const);
    const by = { N1: op['W-001']!, N2: op['W-006']! };
    expect((await act(by[first], p[first]!, 'start')).statusCode).toBe(200);
    await refusedWithoutWrite(async () => {
      expectProblem(await act(by[second], p[second]!, 'start'), 409, new RegExp(`substation ST-001-01 is in use by ${p[first]}`));
    });
    await finish(p.id);

    const q = await releasedPlan();
    await sql`update mes.substations set status = 'maintenance' where id = 'ST-001-02'`.execute(db());
    await refusedWithoutWrite(async () => {
      expectProblem(await act(planner, q.N2!, 'start'), 409, /substation ST-001-02 is under maintenance/);
    });
    await sql`update mes.substations set status = 'available' where id = 'ST-001-02'`.execute(db());
    const res = await act(planner, q.N2!, 'start');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().worker).toMatchObject({ id: 'W-006', status: 'busy' });
    // on record with the assignment itself, not only in the (pruned) events
    expect(res.json().assignment).toMatchObject({ workerId: 'W-006', startedBy: 'planner', completedBy: null });
    expect((await planner.get(`/api/mes/worker-assignments/${q.N2}`)).json()).toMatchObject({ startedBy: 'planner' });
    const events = await db()
      .selectFrom('mes.events')
      .select(['topic', 'actor', 'payload'])
      .where('plan_id', '=', q.id)
      .where('change', 'in', ['started', 'status_changed'])
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(4);
    for (const e of events) expect(e).toMatchObject({ actor: 'planner', payload: { onBehalfOf: 'W-006' } });
    await finish(q.id);
  });

  it('refuses actions on a paused or cancelled plan, naming the plan status; running work can still be paused', async () => {
    const p = await releasedPlan();
    await planner.post(`/api/mes/production-plans/${p.id}/pause`);
    await refusedWithoutWrite(async () => {
      const res = expectProblem(await act(op['W-001']!, p.N1!, 'start'), 409, /plan PPL-.* is paused; .* the planner must resume the plan first/);
      expect(res).toMatchObject({ currentStatus: 'ready', planStatus: 'paused' });
    });
    await planner.post(`/api/mes/production-plans/${p.id}/resume`);
    const a = await assignmentsOf(p.id); // resume re-plans work that has not started
    expect((await act(op['W-001']!, a.N1!, 'start')).statusCode).toBe(200);
    expect((await act(op['W-006']!, a.N2!, 'start')).statusCode).toBe(200);

    await planner.post(`/api/mes/production-plans/${p.id}/pause`);
    const paused = await act(op['W-001']!, a.N1!, 'pause', { reason: 'break' });
    expect(paused.statusCode, paused.body).toBe(200);
    await refusedWithoutWrite(async () => {
      expectProblem(await act(op['W-001']!, a.N1!, 'resume'), 409, /is paused; .*cannot be resumed while the plan is paused/);
      expectProblem(await act(op['W-006']!, a.N2!, 'complete', { goodQuantity: 10 }), 409, /plan .* is paused/);
    });

    expect((await planner.post(`/api/mes/production-plans/${p.id}/cancel`)).statusCode).toBe(200);
    await refusedWithoutWrite(async () => {
      for (const [who, node, action] of [
        ['W-001', 'N1', 'resume'],
        ['W-006', 'N2', 'complete'],
        ['W-003', 'N3', 'start'],
      ] as const) {
        const res = expectProblem(
          await act(op[who]!, a[node]!, action, action === 'complete' ? { goodQuantity: 1 } : {}),
          409,
          new RegExp(`is cancelled \\(its plan ${p.id} is cancelled\\)`),
        );
        expect(res).toMatchObject({ currentStatus: 'cancelled', planStatus: 'cancelled' });
      }
    });
    expect(await runIntegrityChecks(db())).toEqual([]);
  });

  it('pauses with a reason and resumes; paused time is kept apart from worked time', async () => {
    const p = await releasedPlan();
    const w = op['W-001']!;
    await refusedWithoutWrite(async () => {
      expectProblem(await act(w, p.N1!, 'pause', { reason: 'break' }), 409, /is ready; it cannot be paused/);
    });
    expect((await act(w, p.N1!, 'start')).statusCode).toBe(200);
    await refusedWithoutWrite(async () => {
      expectProblem(await act(w, p.N1!, 'pause', {}), 400, /reason/);
      expectProblem(await act(w, p.N1!, 'pause', { reason: 'coffee' }), 400);
      expect(expectProblem(await act(w, p.N1!, 'pause', { reason: 'other', note: '  ' }), 422, /note/).field).toBe('body/note');
      expectProblem(await act(w, p.N1!, 'resume'), 409, /is in_progress; it cannot be resumed/);
    });

    // an hour and a half of work so far
    await sql`update mes.worker_assignments set actual_start = actual_start - interval '90 minutes' where id = ${p.N1}`.execute(db());
    const paused = await act(w, p.N1!, 'pause', { reason: 'machine_fault', note: 'Nozzle clogged' });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json().assignment).toMatchObject({
      status: 'paused',
      openPause: { reason: 'machine_fault', note: 'Nozzle clogged', endedAt: null, startedBy: 'W-001' },
    });
    // a machine fault is not a break: the worker stays busy with the task
    expect(paused.json().worker).toMatchObject({ status: 'busy', currentAssignmentId: p.N1 });
    expect((await sql`select status, current_assignment_id from mes.substations where id = 'ST-001-01'`.execute(db())).rows[0]).toEqual({
      status: 'in_use',
      current_assignment_id: p.N1,
    });
    expect((await eventsOf(p.N1!)).at(-1)).toMatchObject({ change: 'paused', payload: { reason: 'machine_fault' } });
    await refusedWithoutWrite(async () => {
      expectProblem(await act(w, p.N1!, 'pause', { reason: 'break' }), 409, /is paused; it cannot be paused/);
      expectProblem(await act(w, p.N1!, 'start'), 409, /is paused; it cannot be started/);
    });

    // the pause lasted 30 minutes
    await sql`update mes.assignment_pauses set started_at = started_at - interval '30 minutes' where assignment_id = ${p.N1}`.execute(db());
    const resumed = await act(w, p.N1!, 'resume');
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json().assignment.pausedMinutes).toBeCloseTo(30, 0);
    expect(resumed.json().assignment.pauses).toHaveLength(1);
    expect(resumed.json().assignment.openPause).toBeNull();
    expect(resumed.json().worker).toMatchObject({ status: 'busy' });

    const onBreak = await act(w, p.N1!, 'pause', { reason: 'break' });
    expect(onBreak.json().worker).toMatchObject({ status: 'on_break', currentAssignmentId: p.N1 });
    expect((await eventsOf('W-001')).at(-1)).toMatchObject({ topic: 'workers', payload: { status: 'on_break' } });
    expect((await act(w, p.N1!, 'resume')).json().worker).toMatchObject({ status: 'busy' });

    const done = await act(w, p.N1!, 'complete', { goodQuantity: 10 });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().assignment.workedMinutes).toBeCloseTo(60, 0);
    expect(done.json().assignment.pausedMinutes).toBeCloseTo(30, 0);
    await finish(p.id);
  });

  it('completes: consumes reserved material and releases the rest of the reservation, produces output by good quantity, readies successors, completes the plan', async () => {
    const p = await releasedPlan();
    const sheet = await material('SHEET-S235-2');
    const wire = await material('WIRE-SG2-1.0');
    const frame = await material('WIP-001-FRAME');
    expect((await act(op['W-001']!, p.N1!, 'start')).statusCode).toBe(200);
    await refusedWithoutWrite(async () => {
      expect(expectProblem(await act(op['W-001']!, p.N1!, 'complete', { goodQuantity: 9, scrapQuantity: 1 }), 422, /scrapReason/).field).toBe(
        'body/scrapReason',
      );
      expect(
        expectProblem(
          await act(op['W-001']!, p.N1!, 'complete', { goodQuantity: 9, materials: [{ materialCode: 'HINGE-120', quantity: 1 }] }),
          422,
          /HINGE-120 is not an input/,
        ).field,
      ).toBe('body/materials/0/materialCode');
      expectProblem(await act(op['W-001']!, p.N1!, 'complete', { goodQuantity: -1 }), 400);
      expect(expectProblem(await act(op['W-001']!, p.N1!, 'complete', { goodQuantity: 0, scrapQuantity: 0 }), 422, /report at least one part/).field).toBe(
        'body/goodQuantity',
      );
      expect(
        expectProblem(
          await act(op['W-001']!, p.N1!, 'complete', { goodQuantity: 500000 }),
          422,
          /good \+ scrap is 500000, more than the 10 planned .*overrun: true/,
        ).field,
      ).toBe('body/goodQuantity');
      const short = expectProblem(
        await act(op['W-001']!, p.N1!, 'complete', { goodQuantity: 10, materials: [{ materialCode: 'SHEET-S235-2', quantity: 999999 }] }),
        409,
        /not enough stock to complete .*SHEET-S235-2 needs 999999, \d+ in stock/,
      );
      expect(short.shortages).toEqual([{ materialCode: 'SHEET-S235-2', needed: 999999, inStock: sheet.stock }]);
      // the refusal carries the state it met: the completion it started to write is not in it
      expect(short.current).toMatchObject({
        assignment: { id: p.N1, status: 'in_progress', actualEnd: null, goodQuantity: null },
        worker: { id: 'W-001', status: 'busy', currentAssignmentId: p.N1 },
      });
    });

    const done = await act(op['W-001']!, p.N1!, 'complete', {
      goodQuantity: 9,
      scrapQuantity: 1,
      scrapReason: 'burr on edge',
      note: 'one sheet bent',
      materials: [{ materialCode: 'SHEET-S235-2', quantity: 6 }],
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().assignment).toMatchObject({
      status: 'completed',
      goodQuantity: 9,
      scrapQuantity: 1,
      scrapReason: 'burr on edge',
      note: 'one sheet bent',
      startedBy: 'W-001',
      completedBy: 'W-001',
    });
    expect(['available', 'off_shift']).toContain(done.json().worker.status);
    expect(await material('SHEET-S235-2')).toEqual({ stock: sheet.stock - 6, reserved: sheet.reserved - 5 });
    const ledger = await sql`select entry_type, stock_delta, reserved_delta from mes.material_ledger where assignment_id = ${p.N1}`.execute(db());
    expect(ledger.rows).toEqual([{ entry_type: 'consumption', stock_delta: -6, reserved_delta: -5 }]);
    expect((await sql`select status from mes.substations where id = 'ST-001-01'`.execute(db())).rows[0]).toEqual({ status: 'available' });
    await refusedWithoutWrite(async () => {
      expect(expectProblem(await act(op['W-001']!, p.N1!, 'complete', { goodQuantity: 9 }), 409, /is completed; it cannot be completed/)).toMatchObject({
        currentStatus: 'completed',
        current: { assignment: { id: p.N1, status: 'completed', goodQuantity: 9, completedBy: 'W-001' }, worker: { id: 'W-001', currentAssignmentId: null } },
      });
    });
    expect((await planner.get(`/api/mes/worker-assignments/${p.N3}`)).json().status).toBe('pending');

    // completing a paused task ends the pause first
    expect((await act(op['W-006']!, p.N2!, 'start')).statusCode).toBe(200);
    expect((await act(op['W-006']!, p.N2!, 'pause', { reason: 'break' })).statusCode).toBe(200);
    const cut = await act(op['W-006']!, p.N2!, 'complete', { goodQuantity: 10 });
    expect(cut.statusCode, cut.body).toBe(200);
    expect(cut.json().assignment.pauses[0].endedAt).not.toBeNull();
    expect(cut.json().worker.currentAssignmentId).toBeNull();
    expect((await eventsOf(p.N3!)).map((e) => e.change)).toContain('ready');
    expect((await planner.get(`/api/mes/worker-assignments/${p.N3}`)).json().status).toBe('ready');

    // 8 good of 10: 8 frames into stock (output 10 × 8 / 10)
    expect((await act(op['W-003']!, p.N3!, 'start')).statusCode).toBe(200);
    expect((await act(op['W-003']!, p.N3!, 'complete', { goodQuantity: 8, scrapQuantity: 2, scrapReason: 'porosity' })).statusCode).toBe(200);
    expect(await material('WIP-001-FRAME')).toEqual({ stock: frame.stock + 8, reserved: frame.reserved });
    expect(await material('WIRE-SG2-1.0')).toEqual({ stock: wire.stock - 2, reserved: wire.reserved - 2 });

    // the paint step needs 10 frames by default: only 8 exist
    expect((await act(op['W-004']!, p.N4!, 'start')).statusCode).toBe(200);
    await refusedWithoutWrite(async () => {
      expectProblem(await act(op['W-004']!, p.N4!, 'complete', { goodQuantity: 8 }), 409, /WIP-001-FRAME needs 10, 8 in stock/);
    });
    const last = await act(op['W-004']!, p.N4!, 'complete', { goodQuantity: 8, materials: [{ materialCode: 'WIP-001-FRAME', quantity: 8 }] });
    expect(last.statusCode, last.body).toBe(200);
    expect(last.json().assignment.planStatus).toBe('completed');
    expect(await material('WIP-001-FRAME')).toEqual(frame);
    const plan = (await planner.get(`/api/mes/production-plans/${p.id}`)).json();
    expect(plan).toMatchObject({ status: 'completed', completedAt: expect.any(String) });
    expect(plan.nodes.find((n: { nodeId: string }) => n.nodeId === 'N3').assignment).toMatchObject({ status: 'completed', goodQuantity: 8, scrapQuantity: 2 });
    const held = await sql<{ n: number }>`select coalesce(sum(reserved_delta), 0)::float as n from mes.material_ledger where plan_id = ${p.id}`.execute(db());
    expect(held.rows[0]!.n).toBe(0);
    const changes = (await db().selectFrom('mes.events').select('change').where('topic', '=', 'materials').where('plan_id', '=', p.id).execute()).map(
      (e) => e.change,
    );
    expect(changes.filter((c) => c === 'produced')).toHaveLength(1);
    expect(changes.filter((c) => c === 'consumed')).toHaveLength(4);
    expect(await runIntegrityChecks(db())).toEqual([]);
  });

  it('records problems without changing state; planners list and resolve them', async () => {
    const p = await releasedPlan();
    await refusedWithoutWrite(async () => {
      expectProblem(await act(op['W-006']!, p.N1!, 'report-problem', { category: 'machine', text: 'x' }), 403);
      expectProblem(await act(op['W-001']!, p.N1!, 'report-problem', { category: 'machine', text: '' }), 400);
      expectProblem(await act(op['W-001']!, p.N1!, 'report-problem', { category: 'weather', text: 'rain' }), 400);
    });
    const res = await act(op['W-001']!, p.N1!, 'report-problem', { category: 'machine', text: 'Laser lens is dirty' });
    expect(res.statusCode, res.body).toBe(201);
    const problem = res.json().problem;
    expect(problem).toMatchObject({
      assignmentId: p.N1,
      planId: p.id,
      nodeId: 'N1',
      category: 'machine',
      text: 'Laser lens is dirty',
      reportedBy: 'W-001',
      resolvedAt: null,
    });
    expect(res.json().assignment).toMatchObject({ status: 'ready', problems: [{ id: problem.id }] });
    expect((await eventsOf(p.N1!)).at(-1)).toMatchObject({ change: 'problem_reported', payload: { problemId: problem.id } });

    expectProblem(await op['W-001']!.get('/api/mes/problems'), 403);
    expect((await planner.get(`/api/mes/problems?planId=${p.id}&open=true`)).json()).toMatchObject({ total: 1, items: [{ id: problem.id }] });
    const resolved = await planner.post(`/api/mes/problems/${problem.id}/resolve`, { resolution: 'cleaned the lens' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ resolvedBy: 'planner', resolution: 'cleaned the lens', resolvedAt: expect.any(String) });
    expectProblem(await planner.post(`/api/mes/problems/${problem.id}/resolve`, {}), 409, /already resolved by planner/);
    expectProblem(await planner.post('/api/mes/problems/999999/resolve', {}), 404);
    expect((await planner.get(`/api/mes/problems?planId=${p.id}&open=true`)).json().total).toBe(0);
    expect((await planner.get(`/api/mes/problems?planId=${p.id}&open=false`)).json().total).toBe(1);
    await finish(p.id);
  });

  it('answers a retried action with the same Idempotency-Key with the first result instead of acting twice', async () => {
    const p = await releasedPlan();
    const w = op['W-001']!;
    const key = { 'idempotency-key': `tap-${p.N1}` };
    const first = await act(w, p.N1!, 'start', {}, key);
    expect(first.statusCode, first.body).toBe(200);
    const again = await act(w, p.N1!, 'start', {}, key);
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await eventsOf(p.N1!)).filter((e) => e.change === 'started')).toHaveLength(1);
    // someone else's key space is their own; without a key the action is re-evaluated
    expectProblem(await act(planner, p.N1!, 'start', {}, key), 409, /is in_progress/);
    await refusedWithoutWrite(async () => {
      expect(expectProblem(await act(w, p.N1!, 'pause', { reason: 'break' }, key), 422, /was used for start WA-/).field).toBe('headers/idempotency-key');
    });
    // a refused action stores nothing: the retry is evaluated again
    const k2 = { 'idempotency-key': `pause-${p.N1}` };
    expectProblem(await act(w, p.N1!, 'pause', { reason: 'other' }, k2), 422);
    expect((await act(w, p.N1!, 'pause', { reason: 'other', note: 'fetching a tool' }, k2)).statusCode).toBe(200);
    expect((await act(w, p.N1!, 'pause', { reason: 'other', note: 'fetching a tool' }, k2)).headers['idempotent-replayed']).toBe('true');
    // the same key with another body is another request: refused, not answered with the first result
    await refusedWithoutWrite(async () => {
      const other = expectProblem(await act(w, p.N1!, 'pause', { reason: 'machine_fault' }, k2), 422, /was used for pause WA-\S+ with a different body/);
      expect(other.field).toBe('headers/idempotency-key');
    });
    // the order of the keys does not make another body
    expect((await act(w, p.N1!, 'pause', { note: 'fetching a tool', reason: 'other' }, k2)).headers['idempotent-replayed']).toBe('true');
    // keys older than 24 hours answer nothing and are pruned by the next stored action
    await sql`update mes.idempotency_keys set created_at = now() - interval '25 hours' where key = ${key['idempotency-key']}`.execute(db());
    expectProblem(await act(w, p.N1!, 'start', {}, key), 409, /is paused/);
    expect((await act(w, p.N1!, 'resume', {}, { 'idempotency-key': `resume-${p.N1}` })).statusCode).toBe(200);
    expect((await sql`select key from mes.idempotency_keys where key = ${key['idempotency-key']}`.execute(db())).rows).toEqual([]);
    expectProblem(await act(w, p.N1!, 'start', {}, { 'idempotency-key': 'has space' }), 400);
    await finish(p.id);
  });
});
