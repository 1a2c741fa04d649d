import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { type Client, expectNoWrite, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';

const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id);

describeEachEngine('/api/mes/stations and /api/mes/substations', (ctx) => {
  let planner: Client;
  let operator: Client;
  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    const app = await ctx.app();
    planner = await signIn(app, 'planner');
    operator = await signInWorker(app, 'W-001');
  });

  /** Books an open assignment directly (the assignments API is another module). */
  async function book(id: string, stationId: string, substationId: string, status: 'ready' | 'in_progress', hour: number) {
    const db = ctx.database.db;
    const node = await sql<{ id: number; plan_id: string }>`
      select n.id, n.plan_id from mes.production_plan_nodes n
       where not exists (select 1 from mes.worker_assignments a where a.node_id = n.id) order by n.id limit 1`.execute(db);
    const { id: nodeId, plan_id: planId } = node.rows[0]!;
    await db
      .insertInto('mes.worker_assignments')
      .values({
        id,
        plan_id: planId,
        node_id: nodeId,
        worker_id: 'W-001',
        station_id: stationId,
        substation_id: substationId,
        status,
        planned_start: `2030-01-01T${String(hour).padStart(2, '0')}:00:00Z`,
        planned_end: `2030-01-01T${String(hour).padStart(2, '0')}:30:00Z`,
        work_minutes: 30,
        ...(status === 'in_progress' ? { actual_start: new Date() } : {}),
      })
      .execute();
  }

  it('lists stations in id order with operations and substations, filters and pages', async () => {
    const all = (await operator.get('/api/mes/stations')).json();
    expect(all.total).toBe(5);
    expect(ids(all)).toEqual(['ST-001', 'ST-002', 'ST-003', 'ST-004', 'ST-005']);
    expect(all.items[0]).toMatchObject({
      id: 'ST-001',
      name: 'Laser cell',
      location: 'Hall A',
      operations: [
        { id: 'OP-001', name: 'Laser cutting' },
        { id: 'OP-002', name: 'Punching' },
      ],
      substations: [
        { id: 'ST-001-01', name: 'Laser cell unit 1', status: 'available', currentAssignmentId: null },
        { id: 'ST-001-02', name: 'Laser cell unit 2', status: 'available', currentAssignmentId: null },
      ],
      archivedAt: null,
    });
    const page = (await planner.get('/api/mes/stations?limit=2&offset=2')).json();
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 2 });
    expect(ids(page)).toEqual(['ST-003', 'ST-004']);
    expect(ids((await planner.get('/api/mes/stations?operationId=OP-004')).json())).toEqual(['ST-003']);
    expect(ids((await planner.get('/api/mes/stations?q=hall%20c')).json())).toEqual(['ST-004', 'ST-005']);
    expect((await planner.get('/api/mes/stations?offset=50')).json()).toMatchObject({ items: [], total: 5 });
    expect((await planner.get('/api/mes/stations?q=nothing-like-this')).json()).toMatchObject({ items: [], total: 0 });
  });

  it('gets one station, or 404', async () => {
    expect((await operator.get('/api/mes/stations/ST-003')).json()).toMatchObject({ id: 'ST-003', name: 'Welding bay' });
    expectProblem(await planner.get('/api/mes/stations/ST-999'), 404, 'station ST-999 does not exist');
  });

  it('creates a station (201) with a generated code and numbered substations', async () => {
    const res = await planner.post('/api/mes/stations', {
      name: 'Deburring cell',
      location: 'Hall B',
      operationIds: ['OP-005'],
      substations: [{ name: 'Deburr A' }, { id: 'ST-006-05', name: 'Deburr B' }, { name: 'Deburr C' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      id: 'ST-006',
      name: 'Deburring cell',
      description: '',
      operations: [{ id: 'OP-005', name: 'Grinding' }],
      substations: [
        { id: 'ST-006-05', name: 'Deburr B', status: 'available' },
        { id: 'ST-006-06', name: 'Deburr A' },
        { id: 'ST-006-07', name: 'Deburr C' },
      ],
    });
    const bare = await planner.post('/api/mes/stations', { id: 'ST-100', name: 'Empty' });
    expect(bare.statusCode).toBe(201);
    expect(bare.json()).toMatchObject({ id: 'ST-100', operations: [], substations: [] });
  });

  it('updates a station: fields, and operationIds replace the list', async () => {
    const res = await planner.patch('/api/mes/stations/ST-006', { description: 'Deburring and grinding', operationIds: ['OP-004', 'OP-005'] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ description: 'Deburring and grinding', operations: [{ id: 'OP-004' }, { id: 'OP-005' }] });
    const narrowed = (await planner.patch('/api/mes/stations/ST-006', { operationIds: ['OP-005'] })).json();
    expect(narrowed.operations).toEqual([{ id: 'OP-005', name: 'Grinding' }]);
    expect(ids((await planner.get('/api/mes/stations?operationId=OP-005')).json())).toEqual(['ST-003', 'ST-006']);
  });

  it('refuses bad station bodies with the field named, and writes nothing', async () => {
    await expectNoWrite(ctx.database.db, async () => {
      expect(expectProblem(await planner.post('/api/mes/stations', { location: 'x' }), 400).field).toBe('body/name');
      expect(expectProblem(await planner.post('/api/mes/stations', { name: 'x', colour: 'red' }), 400, /unknown property "colour"/).field).toBe('body/colour');
      expect(expectProblem(await planner.post('/api/mes/stations', { id: 'STATION-1', name: 'x' }), 400).field).toBe('body/id');
      expect(expectProblem(await planner.post('/api/mes/stations', { name: 'x', operationIds: ['OP-001', 'OP-001'] }), 400).field).toBe('body/operationIds');
      expect(expectProblem(await planner.post('/api/mes/stations', { name: 'x', substations: [{ name: 'a', kind: 'b' }] }), 400).field).toBe(
        'body/substations/0/kind',
      );
      expectProblem(await planner.patch('/api/mes/stations/ST-001', {}), 400);
      expect(expectProblem(await planner.patch('/api/mes/stations/ST-001', { name: '' }), 400).field).toBe('body/name');
    });
  });

  it('refuses station rules (422), duplicates (409) and unknown stations (404), writing nothing', async () => {
    await planner.post('/api/mes/operations', { id: 'OP-050', name: 'Retired' });
    expect((await planner.delete('/api/mes/operations/OP-050')).statusCode).toBe(204);
    await expectNoWrite(ctx.database.db, async () => {
      const unknownOp = expectProblem(
        await planner.post('/api/mes/stations', { name: 'x', operationIds: ['OP-001', 'OP-099'] }),
        422,
        'operation OP-099 does not exist or is archived',
      );
      expect(unknownOp.field).toBe('body/operationIds/1');
      expect(expectProblem(await planner.patch('/api/mes/stations/ST-006', { operationIds: ['OP-050'] }), 422).field).toBe('body/operationIds/0');
      expect(
        expectProblem(await planner.post('/api/mes/stations', { name: 'x', substations: [{ id: 'ST-001-09', name: 'a' }] }), 422, /numbered under its station/)
          .field,
      ).toBe('body/substations/0/id');
      expectProblem(
        await planner.post('/api/mes/stations', {
          id: 'ST-200',
          name: 'x',
          substations: [
            { id: 'ST-200-01', name: 'a' },
            { id: 'ST-200-01', name: 'b' },
          ],
        }),
        422,
        /listed twice/,
      );
      expect(expectProblem(await planner.post('/api/mes/stations', { id: 'ST-001', name: 'dup' }), 409, 'station ST-001 already exists').field).toBe('body/id');
      expectProblem(await planner.patch('/api/mes/stations/ST-404', { name: 'x' }), 404);
      expectProblem(await planner.delete('/api/mes/stations/ST-404'), 404);
    });
  });

  it('refuses to drop an operation that unfinished plans run on the station (409)', async () => {
    await expectNoWrite(ctx.database.db, async () => {
      const res = expectProblem(await planner.patch('/api/mes/stations/ST-001', { operationIds: ['OP-002'] }), 409, /use station ST-001 for OP-001: PPL-/);
      expect(res.dependents.length).toBeGreaterThan(0);
      expect(res.field).toBe('body/operationIds');
    });
  });

  it('refuses to archive a station used by unfinished plans or booked by open assignments (409)', async () => {
    await expectNoWrite(ctx.database.db, async () => {
      expectProblem(await planner.delete('/api/mes/stations/ST-003'), 409, /plans that are not finished use it: PPL-/);
    });
    await book('WA-0101-001', 'ST-006', 'ST-006-05', 'ready', 6);
    await expectNoWrite(ctx.database.db, async () => {
      const res = expectProblem(await planner.delete('/api/mes/stations/ST-006'), 409, 'open assignments book it: WA-0101-001');
      expect(res.dependents).toEqual(['WA-0101-001']);
    });
  });

  it('forbids operators to write (403) and strangers to read (401)', async () => {
    const app = await ctx.app();
    await expectNoWrite(ctx.database.db, async () => {
      expectProblem(await operator.post('/api/mes/stations', { name: 'Sneaky' }), 403, /planner/);
      expectProblem(await operator.patch('/api/mes/stations/ST-001', { name: 'Sneaky' }), 403);
      expectProblem(await operator.delete('/api/mes/stations/ST-100'), 403);
      expectProblem(await operator.post('/api/mes/substations', { stationId: 'ST-001', name: 'Sneaky' }), 403);
      expectProblem(await operator.patch('/api/mes/substations/ST-001-01', { status: 'maintenance' }), 403);
      expectProblem(await operator.delete('/api/mes/substations/ST-001-01'), 403);
      expectProblem(await app.inject({ method: 'GET', url: '/api/mes/stations' }), 401);
      expectProblem(await app.inject({ method: 'GET', url: '/api/mes/substations/ST-001-01' }), 401);
      expectProblem(await app.inject({ method: 'POST', url: '/api/mes/stations', payload: { name: 'x' } }), 401);
    });
  });

  it('lists and gets substations', async () => {
    const all = (await operator.get('/api/mes/substations')).json();
    expect(all.items[0]).toMatchObject({ id: 'ST-001-01', stationId: 'ST-001', status: 'available', archivedAt: null });
    expect(ids((await planner.get('/api/mes/substations?stationId=ST-002')).json())).toEqual(['ST-002-01', 'ST-002-02', 'ST-002-03']);
    const page = (await planner.get('/api/mes/substations?limit=2&offset=1')).json();
    expect(page).toMatchObject({ total: all.total, limit: 2, offset: 1 });
    expect(ids(page)).toEqual(['ST-001-02', 'ST-002-01']);
    expect((await planner.get('/api/mes/substations/ST-003-02')).json()).toMatchObject({ id: 'ST-003-02', name: 'Welding bay unit 2' });
    expectProblem(await planner.get('/api/mes/substations/ST-003-99'), 404, 'substation ST-003-99 does not exist');
  });

  it('creates, renames, maintains and archives a substation', async () => {
    const created = await planner.post('/api/mes/substations', { stationId: 'ST-002', name: 'Press brake unit 4' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ id: 'ST-002-04', stationId: 'ST-002', status: 'available' });
    const chosen = await planner.post('/api/mes/substations', { stationId: 'ST-002', id: 'ST-002-10', name: 'Press brake unit 10' });
    expect(chosen.json()).toMatchObject({ id: 'ST-002-10' });
    const maintained = await planner.patch('/api/mes/substations/ST-002-04', { name: 'Press brake 4', status: 'maintenance' });
    expect(maintained.json()).toMatchObject({ name: 'Press brake 4', status: 'maintenance' });
    expect((await planner.patch('/api/mes/substations/ST-002-04', { status: 'available' })).json().status).toBe('available');
    expect((await planner.delete('/api/mes/substations/ST-002-10')).statusCode).toBe(204);
    expect((await planner.delete('/api/mes/substations/ST-002-10')).statusCode).toBe(204); // already archived: nothing changes
    expect(ids((await planner.get('/api/mes/substations?stationId=ST-002')).json())).toEqual(['ST-002-01', 'ST-002-02', 'ST-002-03', 'ST-002-04']);
    expect((await planner.get('/api/mes/substations?stationId=ST-002&includeArchived=true')).json().total).toBe(5);
    expect((await planner.get('/api/mes/stations/ST-002')).json().substations.map((s: { id: string }) => s.id)).not.toContain('ST-002-10');
  });

  it('refuses bad substation requests, writing nothing', async () => {
    await planner.post('/api/mes/stations', { id: 'ST-300', name: 'Gone' });
    await planner.delete('/api/mes/stations/ST-300');
    await expectNoWrite(ctx.database.db, async () => {
      expect(expectProblem(await planner.post('/api/mes/substations', { name: 'x' }), 400).field).toBe('body/stationId');
      expect(expectProblem(await planner.post('/api/mes/substations', { stationId: 'ST-001', name: 'x', extra: 1 }), 400).field).toBe('body/extra');
      expect(expectProblem(await planner.patch('/api/mes/substations/ST-001-01', { status: 'in_use' }), 400).field).toBe('body/status');
      expect(expectProblem(await planner.post('/api/mes/substations', { stationId: 'ST-999', name: 'x' }), 422, 'station ST-999 does not exist').field).toBe(
        'body/stationId',
      );
      expectProblem(await planner.post('/api/mes/substations', { stationId: 'ST-300', name: 'x' }), 422, 'station ST-300 is archived');
      expect(expectProblem(await planner.post('/api/mes/substations', { stationId: 'ST-001', id: 'ST-002-09', name: 'x' }), 422).field).toBe('body/id');
      expect(expectProblem(await planner.post('/api/mes/substations', { stationId: 'ST-001', id: 'ST-001-01', name: 'x' }), 409, 'already exists').field).toBe(
        'body/id',
      );
      expectProblem(await planner.patch('/api/mes/substations/ST-001-99', { name: 'x' }), 404);
      expectProblem(await planner.delete('/api/mes/substations/ST-001-99'), 404);
    });
  });

  it('refuses to change the status of an in-use substation or archive a booked one (409)', async () => {
    const db = ctx.database.db;
    await book('WA-0101-002', 'ST-001', 'ST-001-02', 'in_progress', 8);
    await db.updateTable('mes.substations').set({ status: 'in_use', current_assignment_id: 'WA-0101-002' }).where('id', '=', 'ST-001-02').execute();
    expect((await planner.get('/api/mes/substations/ST-001-02')).json()).toMatchObject({ status: 'in_use', currentAssignmentId: 'WA-0101-002' });
    expect((await planner.get('/api/mes/stations/ST-001')).json().substations[1]).toMatchObject({ status: 'in_use', currentAssignmentId: 'WA-0101-002' });
    await expectNoWrite(db, async () => {
      expect(expectProblem(await planner.patch('/api/mes/substations/ST-001-02', { status: 'maintenance' }), 409, /in use/).field).toBe('body/status');
      expectProblem(await planner.delete('/api/mes/substations/ST-001-02'), 409, 'open assignments book it: WA-0101-002');
    });
    expect((await planner.patch('/api/mes/substations/ST-001-02', { name: 'Laser 2' })).json()).toMatchObject({ name: 'Laser 2', status: 'in_use' });
  });

  it('archives a station with its substations once nothing books it (204)', async () => {
    const db = ctx.database.db;
    await db.updateTable('mes.worker_assignments').set({ status: 'cancelled' }).where('id', '=', 'WA-0101-001').execute();
    expect((await planner.delete('/api/mes/stations/ST-006')).statusCode).toBe(204);
    expect(ids((await planner.get('/api/mes/stations')).json())).not.toContain('ST-006');
    const archived = (await planner.get('/api/mes/stations/ST-006')).json();
    expect(archived.archivedAt).not.toBeNull();
    expect(archived.substations).toEqual([]);
    expect((await planner.get('/api/mes/substations/ST-006-05')).json().archivedAt).not.toBeNull();
    expect(ids((await planner.get('/api/mes/stations?includeArchived=true&q=ST-')).json())).toContain('ST-006');
  });

  it('records an event on the stations topic for each change', async () => {
    const events = await ctx.database.db
      .selectFrom('mes.events')
      .select(['topic', 'entity_type', 'entity_id', 'change', 'station_id', 'actor'])
      .where('entity_id', 'in', ['ST-006', 'ST-006-05', 'ST-002-04'])
      .orderBy('id')
      .execute();
    expect(events.map((e) => [e.entity_type, e.entity_id, e.change])).toEqual([
      ['station', 'ST-006', 'created'],
      ['substation', 'ST-006-05', 'created'],
      ['station', 'ST-006', 'updated'],
      ['station', 'ST-006', 'updated'],
      ['substation', 'ST-002-04', 'created'],
      ['substation', 'ST-002-04', 'updated'],
      ['substation', 'ST-002-04', 'updated'],
      ['station', 'ST-006', 'archived'],
    ]);
    expect(events.every((e) => e.topic === 'stations' && e.actor === 'planner')).toBe(true);
    expect(events.find((e) => e.entity_id === 'ST-002-04')!.station_id).toBe('ST-002');
  });
});
