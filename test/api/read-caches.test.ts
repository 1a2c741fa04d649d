/**
 * The per-process caches must never serve what the database no longer says.
 * Plan details are kept per revision and the revision comes from triggers, so
 * a change made by anyone (this process, another instance, plain SQL) is seen
 * by the next request; kept sessions are dropped by the `mes_sessions`
 * NOTIFY, so a sign-out or a disabled user reaches every instance.
 */
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { DB } from '../../src/db/schema.js';
import { setUserDisabled } from '../../src/modules/auth/auth.repository.js';
import type { PlanDetail } from '../../src/modules/plans/plans.schema.js';
import { getPlanDetail } from '../../src/modules/plans/plans.service.js';
import { type Client, clientWithToken, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine, testConfig } from '../helpers/engines.js';
import { samplePlan } from '../helpers/plans.js';

/** Polls until `check` passes; a NOTIFY reaches the other instance's listener asynchronously. */
async function eventually(check: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describeEachEngine('per-process caches of plan details and sessions', (ctx) => {
  let app: FastifyInstance;
  /** A second instance over the same database, as in the blue-green rollout. */
  let other: FastifyInstance;
  let planner: Client;
  let plannerOnOther: Client;
  let planId: string;
  const db = (): Kysely<DB> => ctx.database.db;

  beforeAll(async () => {
    await seed(db(), 'default');
    app = await ctx.app();
    other = await buildApp({ database: ctx.database, config: testConfig(), logger: false });
    await other.ready();
    planner = await signIn(app, 'planner');
    plannerOnOther = clientWithToken(other, planner.token);
    const created = await planner.post('/api/mes/production-plans', samplePlan({ name: 'Cache plan' }));
    expect(created.statusCode, created.body).toBe(201);
    planId = created.json().id;
  });

  afterAll(async () => {
    await other?.close();
  });

  const detail = async (client: Client = planner) => {
    const res = await client.get(`/api/mes/production-plans/${planId}`);
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };

  it('serves a kept detail while nothing changed: same body and ETag, equal to a fresh read', async () => {
    const first = await detail();
    const hitsBefore = app.mes.planDetails.hits;
    const second = await detail();
    expect(app.mes.planDetails.hits).toBe(hitsBefore + 1);
    expect(second.body).toBe(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['content-type']).toMatch(/^application\/json/);
    expect(second.json()).toEqual(JSON.parse(JSON.stringify(await getPlanDetail(db(), planId))));
  });

  it('answers 404 for an unknown plan, kept details or not', async () => {
    await detail();
    expectProblem(await planner.get('/api/mes/production-plans/PPL-0199-999'), 404);
  });

  // every source the detail is built from, changed behind the API's back, as another writer would
  const changes: { what: string; change: () => Promise<unknown>; seen: (plan: PlanDetail) => unknown }[] = [
    {
      what: 'the plan row',
      change: () => sql`update mes.production_plans set note = 'changed note' where id = ${planId}`.execute(db()),
      seen: (p) => p.note === 'changed note',
    },
    {
      what: 'a node',
      change: () => sql`update mes.production_plan_nodes set name = 'Renamed node' where plan_id = ${planId} and sequence = 0`.execute(db()),
      seen: (p) => p.nodes[0]!.name === 'Renamed node',
    },
    {
      what: 'a candidate station',
      change: () => sql`update mes.node_stations set priority = priority + 10 where plan_id = ${planId}`.execute(db()),
      seen: (p) => p.nodes[0]!.assignedStations.every((s: { priority: number }) => s.priority > 10),
    },
    {
      what: 'an edge (deleted)',
      change: () => sql`delete from mes.node_predecessors where plan_id = ${planId}`.execute(db()),
      seen: (p) => p.nodes.every((n: { predecessors: string[] }) => n.predecessors.length === 0),
    },
    {
      what: 'a material input',
      change: () => sql`update mes.node_material_inputs set required_quantity = 777 where plan_id = ${planId}`.execute(db()),
      seen: (p) => p.nodes.some((n: { materialInputs: { requiredQuantity: number }[] }) => n.materialInputs.some((i) => i.requiredQuantity === 777)),
    },
    {
      what: "an operation's name",
      change: () =>
        sql`update mes.operations set name = 'Renamed operation' where id = (select operation_id from mes.production_plan_nodes where plan_id = ${planId} and sequence = 0)`.execute(
          db(),
        ),
      seen: (p) => p.nodes[0]!.operationName === 'Renamed operation',
    },
    {
      what: "a station's name",
      change: () =>
        sql`update mes.stations set name = 'Renamed station' where id = (select min(station_id) from mes.node_stations where plan_id = ${planId})`.execute(
          db(),
        ),
      seen: (p) => p.nodes.some((n: { assignedStations: { stationName: string }[] }) => n.assignedStations.some((s) => s.stationName === 'Renamed station')),
    },
    {
      what: "a material's unit",
      change: () =>
        sql`update mes.materials set unit = 'box' where code = (select min(material_code) from mes.node_material_inputs where plan_id = ${planId})`.execute(
          db(),
        ),
      seen: (p) => p.nodes.some((n: { materialInputs: { unit: string }[] }) => n.materialInputs.some((i) => i.unit === 'box')),
    },
  ];

  for (const { what, change, seen } of changes) {
    it(`shows a change of ${what} at once, on this instance and the other`, async () => {
      await detail();
      await detail(plannerOnOther);
      expect(seen((await detail()).json())).toBe(false);
      await change();
      expect(seen((await detail()).json())).toBe(true);
      expect(seen((await detail(plannerOnOther)).json())).toBe(true);
    });
  }

  it('answers reads that arrive together each with its own plan, as committed before they were sent', async () => {
    const ids: string[] = [];
    for (const name of ['Together A', 'Together B', 'Together C']) ids.push((await planner.post('/api/mes/production-plans', samplePlan({ name }))).json().id);
    for (const id of ids) expect((await planner.get(`/api/mes/production-plans/${id}`)).statusCode).toBe(200);
    await sql`update mes.production_plans set note = 'changed while kept' where id = ${ids[1]!}`.execute(db());
    // their revisions are read in one query; each answer must still be its own and current
    const asked = [ids[0]!, ids[1]!, ids[2]!, ids[1]!, 'PPL-0199-998', ids[0]!];
    const answers = await Promise.all(asked.map((id) => planner.get(`/api/mes/production-plans/${id}`)));
    answers.forEach((res, i) => {
      if (asked[i] === 'PPL-0199-998') return expectProblem(res, 404);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ id: asked[i], note: asked[i] === ids[1] ? 'changed while kept' : '' });
    });
  });

  it('shows release, a started task and a worker rename at once on the other instance', async () => {
    // the edits above broke nothing the release needs except the edges: put the plan back in a fresh copy
    const created = await planner.post('/api/mes/production-plans', samplePlan({ name: 'Cache release plan' }));
    const id = created.json().id as string;
    const read = async (client: Client) => (await client.get(`/api/mes/production-plans/${id}`)).json<PlanDetail>();
    expect((await read(plannerOnOther)).status).toBe('draft');
    expect((await planner.post(`/api/mes/production-plans/${id}/release`, { allowShortage: true })).statusCode).toBe(200);
    const released = await read(plannerOnOther);
    expect(released.status).toBe('released');
    const first = released.nodes.find((n) => n.assignment?.status === 'ready');
    expect(first).toBeDefined();
    const assignment = first!.assignment!;

    const operator = await signInWorker(other, assignment.workerId);
    expect((await operator.post(`/api/mes/worker-assignments/${assignment.id}/start`)).statusCode).toBe(200);
    const started = await read(planner);
    expect(started.status).toBe('in_production');
    expect(started.nodes.find((n) => n.nodeId === first!.nodeId)!.assignment!.status).toBe('in_progress');

    await sql`update mes.workers set name = 'Renamed worker' where id = ${assignment.workerId}`.execute(db());
    expect((await read(plannerOnOther)).nodes.find((n) => n.nodeId === first!.nodeId)!.assignment!.workerName).toBe('Renamed worker');
  });

  it('validates new plans against a kept catalog, and a catalog changed in plain SQL is seen at once', async () => {
    const post = (doc = samplePlan()) => planner.post('/api/mes/production-plans', doc);
    // the first may find a copy kept before the renames above, drop it and read the catalog again
    expect((await post()).statusCode).toBe(201);
    expect((await post()).statusCode).toBe(201);
    const hits = app.mes.planCatalogs.hits;
    expect((await post()).statusCode).toBe(201);
    expect(app.mes.planCatalogs.hits).toBe(hits + 1);

    // archived behind the API's back: the kept copy would accept it, the insert refuses to use that copy
    await sql`update mes.stations set archived_at = now() where id = 'ST-003'`.execute(db());
    try {
      expectProblem(await post(), 422, /station ST-003 does not exist/);
    } finally {
      await sql`update mes.stations set archived_at = null where id = 'ST-003'`.execute(db());
    }
    expect((await post()).statusCode).toBe(201);

    // a new capable station: the kept copy refuses it, the database decides
    await sql`insert into mes.stations (id, name) values ('ST-950', 'New welding cell')`.execute(db());
    await sql`insert into mes.station_operations (station_id, operation_id) values ('ST-950', 'OP-004')`.execute(db());
    const onNewStation = samplePlan();
    onNewStation.nodes[2]!.assignedStations = [{ stationId: 'ST-950', priority: 1 }];
    const created = await post(onNewStation);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().nodes[2].assignedStations[0].stationName).toBe('New welding cell');

    // a rename: the answer shows the name as it is now
    expect((await post()).statusCode).toBe(201);
    await sql`update mes.operations set name = 'Laser cutting (renamed)' where id = 'OP-001'`.execute(db());
    expect((await post()).json().nodes[0].operationName).toBe('Laser cutting (renamed)');
  });

  it('the catalog stamps move with what validation reads, not with the shop floor', async () => {
    const stamps = async () =>
      (await sql<{ names: string; rules: string }>`select revision as names, rules_revision as rules from mes.catalog_revision`.execute(db())).rows[0]!;
    const before = await stamps();
    await sql`update mes.workers set status = status, name = name`.execute(db());
    await sql`update mes.substations set status = status, name = name`.execute(db());
    await sql`update mes.materials set updated_at = updated_at`.execute(db());
    expect(await stamps()).toEqual(before);
    // an update of a master row counts only when it touches what validation reads
    await sql`update mes.workers set archived_at = archived_at where false`.execute(db());
    expect(await stamps()).toEqual(before);
    // any statement on a link table counts
    await sql`update mes.station_operations set operation_id = operation_id where false`.execute(db());
    expect((await stamps()).rules).not.toBe(before.rules);
    const at = (await stamps()).rules;
    await sql`update mes.workers set archived_at = now() where id = 'W-002'`.execute(db());
    expect((await stamps()).rules).not.toBe(at);
    await sql`update mes.workers set archived_at = null where id = 'W-002'`.execute(db());
  });

  it('a worker status change alone leaves the catalog revision as it was (no needless misses)', async () => {
    const before = await sql<{ revision: string }>`select revision from mes.catalog_revision`.execute(db());
    await sql`update mes.workers set status = status, name = name`.execute(db());
    const after = await sql<{ revision: string }>`select revision from mes.catalog_revision`.execute(db());
    expect(after.rows[0]!.revision).toBe(before.rows[0]!.revision);
  });

  it('keeps signed-in users, and a sign-out on one instance is refused on the other', async () => {
    const admin = await signIn(app, 'admin');
    const adminOnOther = clientWithToken(other, admin.token);
    expect((await adminOnOther.get('/api/mes/auth/me')).statusCode).toBe(200);
    const hits = other.mes.sessions.hits;
    expect((await adminOnOther.get('/api/mes/auth/me')).statusCode).toBe(200);
    expect(other.mes.sessions.hits).toBe(hits + 1);

    expect((await admin.post('/api/mes/auth/logout')).statusCode).toBe(204);
    expectProblem(await admin.get('/api/mes/auth/me'), 401);
    await eventually(async () => expectProblem(await adminOnOther.get('/api/mes/auth/me'), 401));
  });

  it('drops the kept sessions of a user who is disabled, wherever the change comes from', async () => {
    const admin = await signIn(app, 'admin');
    const adminOnOther = clientWithToken(other, admin.token);
    expect((await admin.get('/api/mes/auth/me')).statusCode).toBe(200);
    expect((await adminOnOther.get('/api/mes/auth/me')).statusCode).toBe(200);
    expect(await setUserDisabled(db(), 'admin', true)).toBe(true);
    try {
      await eventually(async () => expectProblem(await admin.get('/api/mes/auth/me'), 401));
      await eventually(async () => expectProblem(await adminOnOther.get('/api/mes/auth/me'), 401));
    } finally {
      await setUserDisabled(db(), 'admin', false);
    }
  });

  it('drops a session deleted in SQL (expiry clean-up, an operator of the service)', async () => {
    const admin = await signIn(app, 'admin');
    expect((await admin.get('/api/mes/auth/me')).statusCode).toBe(200);
    await sql`delete from mes.sessions where user_id = (select id from mes.users where username = 'admin')`.execute(db());
    await eventually(async () => expectProblem(await admin.get('/api/mes/auth/me'), 401));
  });

  it('counts both caches in /metrics', async () => {
    const metrics = await app.metrics.render();
    expect(metrics).toMatch(/mes_cache_lookups_total\{cache="plan_detail",result="hit"\} [1-9]/);
    expect(metrics).toMatch(/mes_cache_lookups_total\{cache="session",result="hit"\} [1-9]/);
    expect(metrics).toMatch(/mes_cache_entries\{cache="plan_detail"\} \d+/);
    expect(metrics).toMatch(/mes_cache_lookups_total\{cache="plan_catalog",result="hit"\} [1-9]/);
  });
});
