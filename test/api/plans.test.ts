import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { type Client, expectNoWrite, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { normalizePlan, samplePlan } from '../helpers/plans.js';

describeEachEngine('/api/mes/production-plans', (ctx) => {
  let planner: Client;
  let operator: Client;
  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    const app = await ctx.app();
    planner = await signIn(app, 'planner');
    operator = await signInWorker(app, 'W-001');
  });

  it('creates a draft (201) with a PPL-MMYY-NNN code, the full detail and a Location', async () => {
    const res = await planner.post('/api/mes/production-plans', samplePlan());
    expect(res.statusCode, res.body).toBe(201);
    const plan = res.json();
    expect(plan.id).toMatch(/^PPL-\d{4}-\d{3,}$/);
    expect(res.headers.location).toBe(`/api/mes/production-plans/${plan.id}`);
    expect(plan).toMatchObject({ status: 'draft', version: 1, workOrderCode: 'WO-TEST-1', createdBy: 'planner' });
    expect(plan.nodes.map((n: { nodeId: string }) => n.nodeId)).toEqual(['N1', 'N2', 'N3', 'N4']);
    expect(plan.nodes[2]).toMatchObject({
      operationName: 'Welding',
      quantity: 10,
      efficiency: 0.9,
      predecessors: ['N1', 'N2'],
      assignedStations: [{ stationId: 'ST-003', priority: 1, time: 5.5, stationName: 'Welding bay' }],
      output: { materialCode: 'WIP-001-FRAME', quantity: 10 },
      assignment: null,
    });
    expect(plan.nodes[3].materialInputs).toEqual([
      { materialCode: 'POWDER-RAL7035', materialName: expect.any(String), unit: 'kg', requiredQuantity: 3 },
      { materialCode: 'WIP-001-FRAME', materialName: expect.any(String), unit: 'pcs', requiredQuantity: 10, fromNodeId: 'N3' },
    ]);
    const again = await planner.get(`/api/mes/production-plans/${plan.id}`);
    expect(again.json()).toEqual(plan);
    expect(again.headers.etag).toBe('"1"');
  });

  it('writes the plan, its graph and exactly one created event in the outbox', async () => {
    const plan = (await planner.post('/api/mes/production-plans', samplePlan())).json();
    const events = await ctx.database.db
      .selectFrom('mes.events')
      .select(['topic', 'entity_type', 'entity_id', 'change', 'plan_id', 'worker_id', 'station_id', 'payload', 'actor'])
      .where('entity_id', '=', plan.id)
      .execute();
    expect(events).toEqual([
      {
        topic: 'plans',
        entity_type: 'plan',
        entity_id: plan.id,
        change: 'created',
        plan_id: plan.id,
        worker_id: null,
        station_id: null,
        payload: { status: 'draft', nodes: 4 },
        actor: 'planner',
      },
    ]);
  });

  it('writes nothing, not even the code or an event, when the database refuses the graph (a station deleted after validation)', async () => {
    const db = ctx.database.db;
    await db.insertInto('mes.stations').values({ id: 'ST-900', name: 'Short-lived saw' }).execute();
    await db.insertInto('mes.station_operations').values({ station_id: 'ST-900', operation_id: 'OP-001' }).execute();
    // the station goes while the plan is being written: validation saw it, the foreign key does not
    await sql`create function mes.test_drop_st900() returns trigger language plpgsql as $$
      begin delete from mes.stations where id = 'ST-900'; return new; end $$`.execute(db);
    await sql`create trigger test_drop_st900 before insert on mes.production_plans for each row execute function mes.test_drop_st900()`.execute(db);
    try {
      const counter = () => db.selectFrom('mes.code_counters').select(['prefix', 'period', 'last_value']).where('prefix', '=', 'PPL').execute();
      const before = await counter();
      await expectNoWrite(db, async () => {
        const doc = samplePlan();
        doc.nodes[0]!.assignedStations = [{ stationId: 'ST-900', priority: 1 }];
        const problem = expectProblem(await planner.post('/api/mes/production-plans', doc), 422, /referenced record/);
        expect(problem.constraint).toBe('node_stations_station_id_fkey');
      });
      expect(await counter()).toEqual(before);
    } finally {
      await sql`drop trigger test_drop_st900 on mes.production_plans`.execute(db);
      await sql`drop function mes.test_drop_st900()`.execute(db);
    }
    expect((await planner.post('/api/mes/production-plans', samplePlan())).statusCode).toBe(201);
  });

  it('lists newest first with node count, progress and filters', async () => {
    const created = (await planner.post('/api/mes/production-plans', samplePlan({ workOrderCode: 'WO-LIST-9', name: 'Listed' }))).json();
    const list = (await planner.get('/api/mes/production-plans?limit=2&count=true')).json();
    expect(list.total).toBeGreaterThanOrEqual(12);
    expect(list.items[0]).toMatchObject({ id: created.id, nodeCount: 4, completedNodes: 0, progress: 0, status: 'draft' });
    const byWo = (await planner.get('/api/mes/production-plans?workOrderCode=WO-LIST-9')).json();
    expect(byWo.items.map((p: { id: string }) => p.id)).toEqual([created.id]);
    const released = (await planner.get('/api/mes/production-plans?status=released&count=true')).json();
    expect(released.total).toBe(0);
    const search = (await planner.get('/api/mes/production-plans?q=listed')).json();
    expect(search.items.map((p: { id: string }) => p.id)).toEqual([created.id]);
    const future = (await planner.get(`/api/mes/production-plans?count=true&from=${encodeURIComponent('2999-01-01T00:00:00Z')}`)).json();
    expect(future.total).toBe(0);
    expectProblem(await planner.get('/api/mes/production-plans?status=bogus'), 400);
  });

  it('refuses invalid graphs with 422 naming the node and the rule, writing nothing', async () => {
    const db = ctx.database.db;
    const post = (doc: unknown) => planner.post('/api/mes/production-plans', doc);
    await expectNoWrite(db, async () => {
      const cyc = samplePlan();
      cyc.nodes[0]!.predecessors = ['N4'];
      const cycle = expectProblem(await post(cyc), 422, /^cycle: N1 → N3 → N4 → N1$/);
      expect(cycle.field).toBe('body/nodes/0/predecessors');

      const dangling = samplePlan();
      dangling.nodes[2]!.predecessors = ['N1', 'N9'];
      expect(expectProblem(await post(dangling), 422, 'node N3: predecessor N9 is not a node of this plan').field).toBe('body/nodes/2/predecessors/1');

      const unknownStation = samplePlan();
      unknownStation.nodes[0]!.assignedStations = [{ stationId: 'ST-099', priority: 1 }];
      expectProblem(await post(unknownStation), 422, 'node N1: station ST-099 does not exist');

      const incapable = samplePlan();
      incapable.nodes[3]!.assignedStations = [{ stationId: 'ST-001', priority: 1 }];
      const inc = expectProblem(await post(incapable), 422, 'node N4: station ST-001 cannot perform operation OP-006');
      expect(inc.field).toBe('body/nodes/3/assignedStations/0/stationId');

      const unknownOp = samplePlan();
      unknownOp.nodes[1]!.operationId = 'OP-077';
      expectProblem(await post(unknownOp), 422, 'node N2: operation OP-077 does not exist');

      const unknownMaterial = samplePlan();
      unknownMaterial.nodes[0]!.materialInputs = [{ materialCode: 'UNOBTAINIUM', requiredQuantity: 1 }];
      expectProblem(await post(unknownMaterial), 422, 'material UNOBTAINIUM does not exist');

      const duplicate = samplePlan();
      duplicate.nodes[1]!.nodeId = 'N1';
      expectProblem(await post(duplicate), 422, /node id N1 is used twice/);

      const notAncestor = samplePlan();
      notAncestor.nodes[3]!.materialInputs[1]!.fromNodeId = 'N1';
      expectProblem(await post(notAncestor), 422, /N1 does not output WIP-001-FRAME/);

      const decimals = samplePlan();
      decimals.nodes[0]!.nominalTime = 1.23456;
      expectProblem(await post(decimals), 422, /more than 3 decimals/);
      // the plan's own quantity too: it was stored rounded without a word
      expect((await post(samplePlan({ quantity: 10.0005 }))).json()).toMatchObject({ status: 422, field: 'body/quantity' });

      const several = samplePlan();
      several.nodes[0]!.operationId = 'OP-077';
      several.nodes[1]!.operationId = 'OP-078';
      const many = expectProblem(await post(several), 422, /and 1 more/);
      expect(many.errors).toHaveLength(2);
    });
  });

  it('refuses malformed documents with 400 naming the field, writing nothing', async () => {
    await expectNoWrite(ctx.database.db, async () => {
      const post = (doc: unknown) => planner.post('/api/mes/production-plans', doc);
      const { nodes: _n, ...noNodes } = samplePlan();
      expect(expectProblem(await post(noNodes), 400).field).toBe('body/nodes');
      expect(expectProblem(await post({ ...samplePlan(), quantity: 'ten' }), 400).field).toBe('body/quantity');
      expect(expectProblem(await post({ ...samplePlan(), colour: 'red' }), 400, /unknown property "colour"/).field).toBe('body/colour');
      expectProblem(await post({ ...samplePlan(), nodes: [] }), 400);
      expectProblem(await post({ ...samplePlan(), quantity: -1 }), 400);
      const res = await planner.request('POST', '/api/mes/production-plans', '{"broken json', { 'content-type': 'application/json' });
      expectProblem(res, 400);
    });
  });

  it('forbids operators to create plans, and answers 401 without a session', async () => {
    await expectNoWrite(ctx.database.db, async () => {
      expectProblem(await operator.post('/api/mes/production-plans', samplePlan()), 403);
      const app = await ctx.app();
      expectProblem(await app.inject({ method: 'POST', url: '/api/mes/production-plans', payload: samplePlan() }), 401);
    });
  });

  it('replaces a draft with optimistic concurrency: the stale write gets 409', async () => {
    const plan = (await planner.post('/api/mes/production-plans', samplePlan())).json();
    const changed = samplePlan({ name: 'Renamed' });
    changed.nodes.pop();
    const first = await planner.put(`/api/mes/production-plans/${plan.id}`, changed, { 'if-match': '"1"' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ name: 'Renamed', version: 2 });
    expect(first.json().nodes).toHaveLength(3);
    await expectNoWrite(ctx.database.db, async () => {
      const stale = expectProblem(await planner.put(`/api/mes/production-plans/${plan.id}`, { ...samplePlan(), version: 1 }), 409, /changed by someone else/);
      expect(stale.currentVersion).toBe(2);
      expectProblem(await planner.put(`/api/mes/production-plans/${plan.id}`, samplePlan()), 400, /version/);
      const invalid = samplePlan();
      invalid.nodes[0]!.predecessors = ['N4'];
      expectProblem(await planner.put(`/api/mes/production-plans/${plan.id}`, { ...invalid, version: 2 }), 422, /cycle/);
      expectProblem(await planner.put('/api/mes/production-plans/PPL-0101-999', { ...samplePlan(), version: 1 }), 404);
    });
    const third = await planner.put(`/api/mes/production-plans/${plan.id}`, { ...samplePlan(), version: 2 });
    expect(third.json()).toMatchObject({ version: 3 });
    expect(third.json().nodes).toHaveLength(4);
  });

  it('refuses to change or delete a plan that is not a draft (409 naming the status)', async () => {
    const plan = (await planner.post('/api/mes/production-plans', samplePlan())).json();
    await ctx.database.db.updateTable('mes.production_plans').set({ status: 'completed' }).where('id', '=', plan.id).execute();
    await expectNoWrite(ctx.database.db, async () => {
      const put = expectProblem(await planner.put(`/api/mes/production-plans/${plan.id}`, { ...samplePlan(), version: 1 }), 409, /is completed; only drafts/);
      expect(put.status).toBe(409);
      expectProblem(await planner.delete(`/api/mes/production-plans/${plan.id}`), 409, /is completed/);
    });
  });

  it('deletes a draft with its whole graph (204)', async () => {
    const plan = (await planner.post('/api/mes/production-plans', samplePlan())).json();
    expect((await planner.delete(`/api/mes/production-plans/${plan.id}`)).statusCode).toBe(204);
    expectProblem(await planner.get(`/api/mes/production-plans/${plan.id}`), 404);
    const orphans = await ctx.database.db.selectFrom('mes.production_plan_nodes').select('id').where('plan_id', '=', plan.id).execute();
    expect(orphans).toEqual([]);
  });

  it('exports a plan that imports back to the same document', async () => {
    const plan = (await planner.post('/api/mes/production-plans', samplePlan())).json();
    const exported = (await planner.get(`/api/mes/production-plans/${plan.id}/export`)).json();
    expect(exported).toEqual(normalizePlan(samplePlan()));
    const imported = await planner.post('/api/mes/production-plans/import', exported);
    expect(imported.statusCode).toBe(201);
    expect(imported.json().id).not.toBe(plan.id);
    expect((await planner.get(`/api/mes/production-plans/${imported.json().id}/export`)).json()).toEqual(exported);
  });

  it('records plan events', async () => {
    const rows = await ctx.database.db.selectFrom('mes.events').select(['change']).where('entity_type', '=', 'plan').execute();
    expect(new Set(rows.map((r) => r.change))).toEqual(new Set(['created', 'updated', 'deleted']));
  });
});
