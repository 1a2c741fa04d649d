import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { type Client, expectNoWrite, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine, testConfig } from '../helpers/engines.js';
import { resumePlan } from '../../src/modules/plans/lifecycle.service.js';
import { samplePlan } from '../helpers/plans.js';

interface Node {
  nodeId: string;
  predecessors: string[];
  assignment: {
    id: string;
    status: string;
    workerId: string;
    stationId: string;
    substationId: string;
    plannedStart: string;
    plannedEnd: string;
    pinned: boolean;
  } | null;
  assignedStations: { stationId: string }[];
}

describeEachEngine('plan lifecycle', (ctx) => {
  let planner: Client;
  const materialState = async (code: string) =>
    (await sql<{ stock: number; reserved: number }>`select stock, reserved from mes.materials where code = ${code}`.execute(ctx.database.db)).rows[0]!;
  const newPlan = async (doc = samplePlan()) => {
    const res = await planner.post('/api/mes/production-plans', doc);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    planner = await signIn(await ctx.app(), 'planner');
  });

  it('release reserves material, assigns every node to a capable station, substation and qualified worker, in graph order', async () => {
    const before = await materialState('SHEET-S235-2');
    const id = await newPlan();
    const res = await planner.post(`/api/mes/production-plans/${id}/release`, {});
    expect(res.statusCode, res.body).toBe(200);
    const { plan, schedule, shortages } = res.json();
    expect(plan).toMatchObject({ status: 'released', version: 2 });
    expect(shortages).toEqual([]);
    expect(schedule.makespanMinutes).toBeGreaterThanOrEqual(schedule.lowerBoundMinutes);
    const nodes = plan.nodes as Node[];
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    for (const n of nodes) {
      const a = n.assignment!;
      expect(a).not.toBeNull();
      expect(n.assignedStations.map((s) => s.stationId)).toContain(a.stationId);
      expect(a.substationId.startsWith(a.stationId)).toBe(true);
      expect(a.status).toBe(n.predecessors.length === 0 ? 'ready' : 'pending');
      for (const p of n.predecessors) expect(Date.parse(a.plannedStart)).toBeGreaterThanOrEqual(Date.parse(byId.get(p)!.assignment!.plannedEnd));
      const qualified = await sql<{ n: number }>`
        select count(*)::int as n from mes.worker_operations wo join mes.worker_stations ws on ws.worker_id = wo.worker_id
         where wo.worker_id = ${a.workerId} and ws.station_id = ${a.stationId}
           and wo.operation_id = (select operation_id from mes.production_plan_nodes where plan_id = ${id} and node_id = ${n.nodeId})`.execute(ctx.database.db);
      expect(qualified.rows[0]!.n).toBe(1);
    }
    expect(Date.parse(plan.plannedEnd)).toBe(Math.max(...nodes.map((n) => Date.parse(n.assignment!.plannedEnd))));
    const after = await materialState('SHEET-S235-2');
    expect(after).toEqual({ stock: before.stock, reserved: before.reserved + 5 });
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);

    const events = await ctx.database.db
      .selectFrom('mes.events')
      .select(['topic', 'change'])
      .where('plan_id', '=', id)
      .where('change', '!=', 'created')
      .execute();
    expect(events.filter((e) => e.topic === 'plans').map((e) => e.change)).toEqual(['released']);
    const created = await ctx.database.db.selectFrom('mes.events').select('entity_id').where('plan_id', '=', id).where('topic', '=', 'assignments').execute();
    expect(created).toHaveLength(4);

    const again = expectProblem(
      await planner.post(`/api/mes/production-plans/${id}/release`, {}),
      409,
      /is released; it cannot be released\. Allowed now: pause, cancel/,
    );
    expect(again).toMatchObject({ currentStatus: 'released', allowedActions: ['pause', 'cancel'] });
  });

  it('refuses a release when material is short, listing each short material, and writes nothing; allowShortage records it', async () => {
    const doc = samplePlan();
    doc.nodes[0]!.materialInputs = [{ materialCode: 'SHEET-S235-2', requiredQuantity: 100000 }];
    doc.nodes[1]!.materialInputs = [{ materialCode: 'HINGE-120', requiredQuantity: 999999 }];
    const id = await newPlan(doc);
    await expectNoWrite(ctx.database.db, async () => {
      const res = expectProblem(
        await planner.post(`/api/mes/production-plans/${id}/release`, {}),
        409,
        /not enough material.*HINGE-120 needs 999999.*SHEET-S235-2 needs 100000/,
      );
      expect(res.shortages).toEqual([
        { materialCode: 'HINGE-120', required: 999999, available: expect.any(Number) },
        { materialCode: 'SHEET-S235-2', required: 100000, available: expect.any(Number) },
      ]);
    });
    const forced = await planner.post(`/api/mes/production-plans/${id}/release`, { allowShortage: true });
    expect(forced.statusCode, forced.body).toBe(200);
    expect(forced.json().shortages).toHaveLength(2);
    expect(forced.json().plan).toMatchObject({
      status: 'released',
      allowShortage: true,
      shortages: [{ materialCode: 'HINGE-120' }, { materialCode: 'SHEET-S235-2' }],
    });
    await planner.post(`/api/mes/production-plans/${id}/cancel`);
  });

  it('refuses a release with 422 naming the node when no qualified worker can work at its station, writing nothing', async () => {
    const db = ctx.database.db;
    await sql`insert into mes.stations (id, name) values ('ST-090', 'Robot cell')`.execute(db);
    await sql`insert into mes.station_operations (station_id, operation_id) values ('ST-090', 'OP-004')`.execute(db);
    await sql`insert into mes.substations (id, station_id, name) values ('ST-090-01', 'ST-090', 'Robot 1')`.execute(db);
    const doc = samplePlan();
    doc.nodes[2]!.assignedStations = [{ stationId: 'ST-090', priority: 1 }];
    const id = await newPlan(doc);
    await expectNoWrite(db, async () => {
      const res = expectProblem(
        await planner.post(`/api/mes/production-plans/${id}/release`, {}),
        422,
        /node N3: no qualified worker allowed at ST-090 for OP-004/,
      );
      expect(res.field).toBe('nodes/2');
      // the scheduler's reason is worded in the reader's language too, not passed on in English
      const tr = expectProblem(await planner.post(`/api/mes/production-plans/${id}/release`, {}, { 'accept-language': 'tr' }), 422);
      expect(tr.detail).toContain('N3 düğümü: ST-090 istasyonunda OP-004 için izinli yetkin çalışan yok');
      expect(tr.errors[0].message).toContain('izinli yetkin çalışan yok');
      expect(tr.detail).not.toMatch(/qualified|worker|allowed/);
    });
  });

  it('refuses a release with 422 naming the node when its only station stopped being capable after the draft, writing nothing', async () => {
    const db = ctx.database.db;
    await sql`insert into mes.stations (id, name) values ('ST-091', 'Spare paint booth')`.execute(db);
    await sql`insert into mes.station_operations (station_id, operation_id) values ('ST-091', 'OP-006')`.execute(db);
    await sql`insert into mes.substations (id, station_id, name) values ('ST-091-01', 'ST-091', 'Booth 1')`.execute(db);
    await sql`insert into mes.worker_stations (worker_id, station_id) select worker_id, 'ST-091' from mes.worker_stations where station_id = 'ST-004'`.execute(
      db,
    );
    const doc = samplePlan();
    doc.nodes[3]!.assignedStations = [{ stationId: 'ST-091', priority: 1 }];
    const id = await newPlan(doc);
    const refused = async (pattern: RegExp, field = 'nodes/3') =>
      expectNoWrite(db, async () => {
        const res = expectProblem(await planner.post(`/api/mes/production-plans/${id}/release`, {}), 422, pattern);
        expect(res.field).toBe(field);
        expect(await planStatus()).toBe('draft');
      });
    const planStatus = async () => (await db.selectFrom('mes.production_plans').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

    // every substation under maintenance: nowhere to work
    await sql`update mes.substations set status = 'maintenance' where id = 'ST-091-01'`.execute(db);
    await refused(/node N4: no capable station \(no substation at ST-091\)/);
    const tr = expectProblem(await planner.post(`/api/mes/production-plans/${id}/release`, {}, { 'accept-language': 'tr' }), 422);
    expect(tr.detail).toContain('N4 düğümü: işi yapabilecek istasyon yok (ST-091 istasyonunda alt istasyon yok)');
    await sql`update mes.substations set status = 'available' where id = 'ST-091-01'`.execute(db);
    // the station no longer does the operation
    await sql`delete from mes.station_operations where station_id = 'ST-091' and operation_id = 'OP-006'`.execute(db);
    await refused(
      new RegExp(`plan ${id} no longer passes validation: node N4: station ST-091 cannot perform operation OP-006`),
      'nodes/3/assignedStations/0/stationId',
    );
    await sql`insert into mes.station_operations (station_id, operation_id) values ('ST-091', 'OP-006')`.execute(db);
    // the station is archived
    await sql`update mes.stations set archived_at = now() where id = 'ST-091'`.execute(db);
    await refused(
      new RegExp(`plan ${id} no longer passes validation: node N4: station ST-091 does not exist or is archived`),
      'nodes/3/assignedStations/0/stationId',
    );
    await sql`update mes.stations set archived_at = null where id = 'ST-091'`.execute(db);

    const res = await planner.post(`/api/mes/production-plans/${id}/release`, { allowShortage: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(await planner.post(`/api/mes/production-plans/${id}/cancel`)).toMatchObject({ statusCode: 200 });
  });

  it('pauses, resumes and reschedules: not-started work is re-planned, the plan keeps its shape', async () => {
    const id = await newPlan();
    await planner.post(`/api/mes/production-plans/${id}/release`, {});
    const paused = await planner.post(`/api/mes/production-plans/${id}/pause`);
    expect(paused.json().plan.status).toBe('paused');
    expectProblem(await planner.post(`/api/mes/production-plans/${id}/pause`), 409, /is paused; it cannot be paused\. Allowed now: resume, cancel/);
    const resumed = await planner.post(`/api/mes/production-plans/${id}/resume`);
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json().plan.status).toBe('released');
    const before = (await planner.get(`/api/mes/production-plans/${id}`)).json().nodes.map((n: Node) => n.assignment!.id);
    const rescheduled = await planner.post(`/api/mes/production-plans/${id}/reschedule`);
    expect(rescheduled.statusCode, rescheduled.body).toBe(200);
    const after = rescheduled.json().plan.nodes as Node[];
    expect(after.every((n) => n.assignment && !before.includes(n.assignment.id))).toBe(true);
    const cancelled = await sql<{ n: number }>`select count(*)::int as n from mes.worker_assignments where plan_id = ${id} and status = 'cancelled'`.execute(
      ctx.database.db,
    );
    expect(cancelled.rows[0]!.n).toBe(8); // replaced twice: by resume and by reschedule
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
    expectProblem(await planner.post(`/api/mes/production-plans/${await newPlan()}/reschedule`), 409, /is draft; only released/);
  });

  it('re-times a pinned step on resume: same worker and substation, but not before its predecessors end nor before now', async () => {
    const id = await newPlan();
    const released = (await planner.post(`/api/mes/production-plans/${id}/release`, {})).json().plan.nodes as Node[];
    const weld = released[2]!.assignment!; // N3, after both cuts
    const pin = await planner.put(`/api/mes/worker-assignments/${weld.id}`, { workerId: weld.workerId, substationId: weld.substationId });
    expect(pin.statusCode, pin.body).toBe(200);
    expect((await planner.post(`/api/mes/production-plans/${id}/pause`)).statusCode).toBe(200);
    // resumed two days after the weld was due: its old time is in the past, and the cuts move past it
    const now = new Date(Date.parse(weld.plannedEnd) + 2 * 86_400_000);
    const { utcOffsetMinutes, schedulerBudgetMs } = testConfig();
    await resumePlan(ctx.database.db, id, { actor: 'planner', now, utcOffsetMinutes, schedulerBudgetMs });
    const nodes = (await planner.get(`/api/mes/production-plans/${id}`)).json().nodes as Node[];
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    for (const n of nodes) {
      const start = Date.parse(n.assignment!.plannedStart);
      expect(start, n.nodeId).toBeGreaterThanOrEqual(now.getTime());
      for (const p of n.predecessors) expect(start, `${n.nodeId} after ${p}`).toBeGreaterThanOrEqual(Date.parse(byId.get(p)!.assignment!.plannedEnd));
    }
    expect(nodes[2]!.assignment).toMatchObject({ workerId: weld.workerId, stationId: weld.stationId, substationId: weld.substationId, pinned: true });
    expect(nodes[2]!.assignment!.id).not.toBe(weld.id);
    expect(nodes.filter((n) => n.assignment!.pinned).map((n) => n.nodeId)).toEqual(['N3']);
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
    expect((await planner.post(`/api/mes/production-plans/${id}/cancel`)).statusCode).toBe(200);
  });

  it('on reschedule, the worker who lost a task hears of it: the cancelled event names them, and they get schedule_changed', async () => {
    const db = ctx.database.db;
    const id = await newPlan();
    const cut = ((await planner.post(`/api/mes/production-plans/${id}/release`, {})).json().plan.nodes as Node[])[0]!.assignment!;
    // the cutter may no longer work at the laser: both cuts go to the other cutter (cutters work nowhere else)
    await sql`delete from mes.worker_stations where worker_id = ${cut.workerId} and station_id = ${cut.stationId}`.execute(db);
    try {
      const res = await planner.post(`/api/mes/production-plans/${id}/reschedule`);
      expect(res.statusCode, res.body).toBe(200);
      expect((res.json().plan.nodes as Node[]).map((n) => n.assignment!.workerId)).not.toContain(cut.workerId);
      const { rows } = await sql<{ topic: string; entity_id: string; change: string; worker_id: string | null; station_id: string | null }>`
        select topic, entity_id, change, worker_id, station_id from mes.events
         where tx_id = (select tx_id from mes.events where plan_id = ${id} and change = 'rescheduled')`.execute(db);
      expect(rows).toContainEqual({ topic: 'assignments', entity_id: cut.id, change: 'cancelled', worker_id: cut.workerId, station_id: cut.stationId });
      expect(rows).toContainEqual({ topic: 'workers', entity_id: cut.workerId, change: 'schedule_changed', worker_id: cut.workerId, station_id: null });
    } finally {
      await sql`insert into mes.worker_stations (worker_id, station_id) values (${cut.workerId}, ${cut.stationId})`.execute(db);
      await planner.post(`/api/mes/production-plans/${id}/cancel`);
    }
  });

  it('cancel gives back every reservation and cancels open assignments; a cancelled plan accepts nothing', async () => {
    const before = await materialState('WIRE-SG2-1.0');
    const id = await newPlan();
    await planner.post(`/api/mes/production-plans/${id}/release`, {});
    expect((await materialState('WIRE-SG2-1.0')).reserved).toBe(before.reserved + 2);
    const res = await planner.post(`/api/mes/production-plans/${id}/cancel`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().plan.status).toBe('cancelled');
    expect(res.json().plan.nodes.every((n: Node) => n.assignment === null)).toBe(true);
    expect(await materialState('WIRE-SG2-1.0')).toEqual(before);
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
    for (const [action, done] of [
      ['release', 'released'],
      ['pause', 'paused'],
      ['resume', 'resumed'],
      ['cancel', 'cancelled'],
    ]) {
      expectProblem(
        await planner.post(`/api/mes/production-plans/${id}/${action}`, {}),
        409,
        new RegExp(`is cancelled; it cannot be ${done}\\. Allowed now: nothing`),
      );
    }
    expectProblem(await planner.post('/api/mes/production-plans/PPL-0101-999/release', {}), 404);
  });

  it('lets only planners and admins move plans', async () => {
    const id = await newPlan();
    const operator = await signInWorker(await ctx.app(), 'W-001');
    await expectNoWrite(ctx.database.db, async () => {
      expectProblem(await operator.post(`/api/mes/production-plans/${id}/release`, {}), 403);
    });
  });

  it('releases a seeded plan on shared resources without double-booking anyone', async () => {
    const drafts = await sql<{ id: string }>`select id from mes.production_plans where status = 'draft' and created_by = 'seed' order by id limit 5`.execute(
      ctx.database.db,
    );
    for (const { id } of drafts.rows) {
      const res = await planner.post(`/api/mes/production-plans/${id}/release`, { allowShortage: true });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
  });
});
