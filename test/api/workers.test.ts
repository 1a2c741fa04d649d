import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { buildDataset } from '../../src/seed/dataset.js';
import { type Client, expectNoWrite, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';

const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id);
const allWeek = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440 }));

describeEachEngine('/api/mes/workers and /api/mes/shift-calendars', (ctx) => {
  const data = buildDataset('default', 1);
  let planner: Client;
  let operator: Client;
  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    const app = await ctx.app();
    planner = await signIn(app, 'planner');
    operator = await signInWorker(app, 'W-001');
  });

  /** Books an open assignment for a node of the operation (the assignments API is another module). */
  async function book(id: string, workerId: string, stationId: string, operationId: string, status: 'ready' | 'in_progress') {
    const db = ctx.database.db;
    const node = await sql<{ id: number; plan_id: string; node_id: string }>`
      select n.id, n.plan_id, n.node_id from mes.production_plan_nodes n
       where n.operation_id = ${operationId} and not exists (select 1 from mes.worker_assignments a where a.node_id = n.id)
       order by n.id limit 1`.execute(db);
    const n = node.rows[0]!;
    await db
      .insertInto('mes.worker_assignments')
      .values({
        id,
        plan_id: n.plan_id,
        node_id: n.id,
        worker_id: workerId,
        station_id: stationId,
        substation_id: `${stationId}-01`,
        status,
        planned_start: '2030-01-01T06:00:00Z',
        planned_end: '2030-01-01T07:00:00Z',
        work_minutes: 60,
        ...(status === 'in_progress' ? { actual_start: new Date() } : {}),
      })
      .execute();
    return n;
  }

  it('lists workers in id order with calendars, stations and operations, and pages; not to operators', async () => {
    expectProblem(await operator.get('/api/mes/workers'), 403);
    const all = (await planner.get('/api/mes/workers')).json();
    expect(all.total).toBe(10);
    expect(ids(all)).toEqual(data.workers.map((w) => w.id));
    const w1 = data.workers[0]!;
    expect(all.items[0]).toMatchObject({
      id: 'W-001',
      name: w1.name,
      email: w1.email,
      stationIds: data.workerStations.filter((s) => s.worker_id === 'W-001').map((s) => s.station_id),
      operationIds: data.workerOperations.filter((s) => s.worker_id === 'W-001').map((s) => s.operation_id),
      shiftCalendar: {
        id: 'DAY',
        name: expect.stringContaining('Day shift'),
        windows: expect.arrayContaining([{ weekday: 1, startMinute: 360, endMinute: 840 }]),
      },
      currentTask: null,
      archivedAt: null,
    });
    expect(all.items[0].shiftCalendar.exceptions).toContainEqual({ date: '2026-12-25', startMinute: null, endMinute: null, note: 'Christmas Day' });
    expect(['available', 'off_shift']).toContain(all.items[0].status);
    const page = (await planner.get('/api/mes/workers?limit=3&offset=3')).json();
    expect(page).toMatchObject({ total: 10, limit: 3, offset: 3 });
    expect(ids(page)).toEqual(['W-004', 'W-005', 'W-006']);
    expect(ids((await planner.get(`/api/mes/workers?q=${encodeURIComponent(data.workers[4]!.name)}`)).json())).toEqual(['W-005']);
    expect((await planner.get('/api/mes/workers?offset=40')).json()).toMatchObject({ items: [], total: 10 });
  });

  it('filters by station and operation', async () => {
    const atSt1 = data.workerStations.filter((s) => s.station_id === 'ST-001').map((s) => s.worker_id);
    expect(ids((await planner.get('/api/mes/workers?stationId=ST-001')).json())).toEqual(atSt1);
    const welders = data.workerOperations.filter((o) => o.operation_id === 'OP-004').map((o) => o.worker_id);
    const both = welders.filter((w) => data.workerStations.some((s) => s.worker_id === w && s.station_id === 'ST-003'));
    expect(ids((await planner.get('/api/mes/workers?operationId=OP-004&stationId=ST-003&limit=500')).json())).toEqual(both);
  });

  it('gets one worker, or 404; an operator only their own', async () => {
    expect((await planner.get('/api/mes/workers/W-003')).json()).toMatchObject({ id: 'W-003', name: data.workers[2]!.name, email: data.workers[2]!.email });
    expect((await operator.get('/api/mes/workers/W-001')).json()).toMatchObject({ id: 'W-001', email: data.workers[0]!.email });
    expectProblem(await operator.get('/api/mes/workers/W-003'), 403);
    expectProblem(await planner.get('/api/mes/workers/W-999'), 404, 'worker W-999 does not exist');
  });

  it('manages shift calendars: list, get, create (201), replace (PUT)', async () => {
    const list = (await operator.get('/api/mes/shift-calendars')).json();
    expect(list).toMatchObject({ total: 3 });
    expect(ids(list)).toEqual(['DAY', 'DAY-SAT', 'LATE']);
    expect(ids((await operator.get('/api/mes/shift-calendars?q=day')).json())).toEqual(['DAY', 'DAY-SAT']);
    expect((await planner.get('/api/mes/shift-calendars?q=14:00')).json()).toMatchObject({ total: 2, items: [{ id: 'DAY' }, { id: 'LATE' }] });
    expect((await planner.get('/api/mes/shift-calendars?q=100%25')).json()).toMatchObject({ items: [], total: 0 });
    const dayCal = (await planner.get('/api/mes/shift-calendars/DAY')).json();
    expect(dayCal.windows).toHaveLength(5);
    expect(dayCal.exceptions.map((e: { date: string }) => e.date)).toEqual(['2026-12-25', '2027-01-01']);
    expectProblem(await planner.get('/api/mes/shift-calendars/NOPE'), 404, 'shift calendar NOPE does not exist');

    const always = await planner.post('/api/mes/shift-calendars', { id: 'ALWAYS', name: 'Around the clock', windows: allWeek });
    expect(always.statusCode, always.body).toBe(201);
    expect(always.json()).toMatchObject({ id: 'ALWAYS', windows: allWeek, exceptions: [] });
    const never = await planner.post('/api/mes/shift-calendars', {
      id: 'NEVER',
      name: 'Draft calendar',
      windows: [{ weekday: 1, startMinute: 0, endMinute: 60 }],
    });
    expect(never.statusCode).toBe(201);
    const replaced = await planner.put('/api/mes/shift-calendars/NEVER', {
      name: 'Never on shift',
      windows: [],
      exceptions: [
        { date: '2026-06-01', note: 'closed' },
        { date: '2026-06-02', startMinute: 480, endMinute: 600 },
        { date: '2026-06-03', startMinute: null, endMinute: null, note: 'inventory' },
        { date: '2026-06-04', startMinute: 0, endMinute: 60 },
      ],
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toMatchObject({
      id: 'NEVER',
      name: 'Never on shift',
      windows: [],
      exceptions: [
        { date: '2026-06-01', startMinute: null, endMinute: null, note: 'closed' },
        { date: '2026-06-02', startMinute: 480, endMinute: 600, note: '' },
        { date: '2026-06-03', startMinute: null, endMinute: null, note: 'inventory' },
        { date: '2026-06-04', startMinute: 0, endMinute: 60, note: '' },
      ],
    });
    const cleared = await planner.put('/api/mes/shift-calendars/NEVER', { name: 'Never on shift', windows: [] });
    expect(cleared.json().exceptions).toEqual([]);
  });

  it('refuses bad shift calendars: 400 for the shape, 422 for the rules, 409, 404, writing nothing', async () => {
    await expectNoWrite(ctx.database.db, async () => {
      const cal = (windows: unknown, exceptions?: unknown) =>
        planner.post('/api/mes/shift-calendars', { id: 'BAD', name: 'Bad', windows, ...(exceptions ? { exceptions } : {}) });
      expect(expectProblem(await cal([{ weekday: 7, startMinute: 0, endMinute: 60 }]), 400).field).toBe('body/windows/0/weekday');
      expect(expectProblem(await cal([{ weekday: 1, startMinute: 0, endMinute: 1441 }]), 400).field).toBe('body/windows/0/endMinute');
      expect(expectProblem(await cal([{ weekday: 1, startMinute: 0, endMinute: 60, shift: 'A' }]), 400).field).toBe('body/windows/0/shift');
      expect(expectProblem(await cal([], [{ date: '2026-13-45' }]), 400).field).toBe('body/exceptions/0/date');
      const backwards = expectProblem(await cal([{ weekday: 1, startMinute: 600, endMinute: 300 }]), 422, 'endMinute must be after startMinute');
      expect(backwards.field).toBe('body/windows/0/endMinute');
      const overlap = expectProblem(
        await cal([
          { weekday: 3, startMinute: 360, endMinute: 840 },
          { weekday: 3, startMinute: 800, endMinute: 900 },
        ]),
        422,
        /overlaps window 0 on weekday 3/,
      );
      expect(overlap.field).toBe('body/windows/1');
      expect(overlap.errors).toHaveLength(1);
      expect(expectProblem(await cal([], [{ date: '2026-06-01', startMinute: 60 }]), 422).field).toBe('body/exceptions/0/endMinute');
      expect(expectProblem(await planner.post('/api/mes/shift-calendars', { id: 'DAY', name: 'dup', windows: [] }), 409, 'already exists').field).toBe(
        'body/id',
      );
      expectProblem(await planner.put('/api/mes/shift-calendars/NOPE', { name: 'x', windows: [] }), 404);
      expectProblem(await planner.put('/api/mes/shift-calendars/DAY', { name: 'x', windows: [{ weekday: 1, startMinute: 9, endMinute: 5 }] }), 422);
      expectProblem(await planner.delete('/api/mes/shift-calendars/NOPE'), 404);
      const used = expectProblem(await planner.delete('/api/mes/shift-calendars/DAY'), 409, /used by workers: W-001/);
      expect(used.dependents).toContain('W-001');
    });
  });

  it('creates workers (201) with a generated code', async () => {
    const on = await planner.post('/api/mes/workers', {
      name: 'Ada Always',
      email: 'ada@burkol.example',
      shiftCalendarId: 'ALWAYS',
      stationIds: ['ST-001'],
      operationIds: ['OP-001'],
    });
    expect(on.statusCode, on.body).toBe(201);
    expect(on.json()).toMatchObject({
      id: 'W-011',
      email: 'ada@burkol.example',
      shiftCalendar: { id: 'ALWAYS', windows: allWeek },
      stationIds: ['ST-001'],
      operationIds: ['OP-001'],
      status: 'available',
      currentTask: null,
    });
    const off = await planner.post('/api/mes/workers', { name: 'Otto Offshift', shiftCalendarId: 'NEVER', stationIds: ['ST-001'], operationIds: ['OP-001'] });
    expect(off.json()).toMatchObject({ id: 'W-012', status: 'off_shift', email: null });
    const free = await planner.post('/api/mes/workers', { id: 'W-100', name: 'Fay Free', stationIds: ['ST-001', 'ST-002'] });
    expect(free.json()).toMatchObject({ id: 'W-100', shiftCalendar: null, status: 'available', operationIds: [], stationIds: ['ST-001', 'ST-002'] });
  });

  it('answers "available workers for a station" with status and station filters', async () => {
    const db = ctx.database.db;
    const node = await book('WA-0101-001', 'W-100', 'ST-001', 'OP-001', 'in_progress');
    await db
      .updateTable('mes.workers')
      .set({ status: 'busy', current_plan_id: node.plan_id, current_node_id: node.id, current_assignment_id: 'WA-0101-001' })
      .where('id', '=', 'W-100')
      .execute();
    expect((await planner.get('/api/mes/workers/W-100')).json()).toMatchObject({
      status: 'busy',
      currentTask: { planId: node.plan_id, nodeId: node.node_id, assignmentId: 'WA-0101-001' },
    });

    const available = ids((await planner.get('/api/mes/workers?status=available&stationId=ST-001&limit=500')).json());
    const offShift = ids((await planner.get('/api/mes/workers?status=off_shift&stationId=ST-001&limit=500')).json());
    const busy = ids((await planner.get('/api/mes/workers?status=busy&stationId=ST-001')).json());
    expect(available).toContain('W-011');
    expect(available).not.toContain('W-012');
    expect(offShift).toContain('W-012');
    expect(offShift).not.toContain('W-011');
    expect(busy).toEqual(['W-100']);
    expect((await planner.get('/api/mes/workers?status=on_break')).json().total).toBe(0);
    // every worker at the station is in exactly one of the states
    const atStation = ids((await planner.get('/api/mes/workers?stationId=ST-001&limit=500')).json());
    expect([...available, ...offShift, ...busy].sort()).toEqual(atStation);
    // and the reported status agrees with the filter
    for (const w of (await planner.get('/api/mes/workers?stationId=ST-001&limit=500')).json().items) {
      expect([available.includes(w.id) && 'available', offShift.includes(w.id) && 'off_shift', busy.includes(w.id) && 'busy']).toContain(w.status);
    }
  });

  it('updates a worker: fields, nulls and replaced lists', async () => {
    const res = await planner.patch('/api/mes/workers/W-011', { name: 'Ada A.', email: null, stationIds: ['ST-002', 'ST-003'], operationIds: ['OP-003'] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Ada A.', email: null, stationIds: ['ST-002', 'ST-003'], operationIds: ['OP-003'] });
    const moved = (await planner.patch('/api/mes/workers/W-012', { shiftCalendarId: null })).json();
    expect(moved).toMatchObject({ shiftCalendar: null, status: 'available' });
    expect(ids((await planner.get('/api/mes/workers?stationId=ST-001&q=Ada')).json())).toEqual([]);
  });

  it('refuses bad worker requests with the field named, writing nothing', async () => {
    await planner.post('/api/mes/stations', { id: 'ST-050', name: 'Closed' });
    await planner.delete('/api/mes/stations/ST-050');
    await expectNoWrite(ctx.database.db, async () => {
      expect(expectProblem(await planner.post('/api/mes/workers', { email: 'x@y.z' }), 400).field).toBe('body/name');
      expect(expectProblem(await planner.post('/api/mes/workers', { name: 'x', pin: '1234' }), 400, /unknown property "pin"/).field).toBe('body/pin');
      expect(expectProblem(await planner.post('/api/mes/workers', { name: 'x', email: 'not-an-email' }), 400).field).toMatch(/^body\/email/);
      expect(expectProblem(await planner.post('/api/mes/workers', { id: 'WORKER-1', name: 'x' }), 400).field).toBe('body/id');
      expect(expectProblem(await planner.post('/api/mes/workers', { name: 'x', stationIds: ['ST-001', 'ST-001'] }), 400).field).toBe('body/stationIds');
      expectProblem(await planner.patch('/api/mes/workers/W-001', {}), 400);
      expect(expectProblem(await planner.get('/api/mes/workers?status=sleeping'), 400).field).toBe('querystring/status');
      expect(
        expectProblem(
          await planner.post('/api/mes/workers', { name: 'x', stationIds: ['ST-001', 'ST-099'] }),
          422,
          'station ST-099 does not exist or is archived',
        ).field,
      ).toBe('body/stationIds/1');
      expect(expectProblem(await planner.post('/api/mes/workers', { name: 'x', stationIds: ['ST-050'] }), 422).field).toBe('body/stationIds/0');
      expect(expectProblem(await planner.patch('/api/mes/workers/W-001', { operationIds: ['OP-077'] }), 422).field).toBe('body/operationIds/0');
      expect(
        expectProblem(await planner.post('/api/mes/workers', { name: 'x', shiftCalendarId: 'NIGHT' }), 422, 'shift calendar NIGHT does not exist').field,
      ).toBe('body/shiftCalendarId');
      expect(expectProblem(await planner.post('/api/mes/workers', { id: 'W-001', name: 'dup' }), 409, 'worker W-001 already exists').field).toBe('body/id');
      expectProblem(await planner.patch('/api/mes/workers/W-404', { name: 'x' }), 404);
      expectProblem(await planner.delete('/api/mes/workers/W-404'), 404);
    });
  });

  it('refuses to take away what open assignments need, or to archive a worker with open assignments (409)', async () => {
    await book('WA-0101-002', 'W-002', 'ST-002', 'OP-003', 'ready');
    await expectNoWrite(ctx.database.db, async () => {
      const station = expectProblem(
        await planner.patch('/api/mes/workers/W-002', { stationIds: [] }),
        409,
        /open assignments that need the removed stations: WA-0101-002/,
      );
      expect(station.field).toBe('body/stationIds');
      const op = expectProblem(await planner.patch('/api/mes/workers/W-002', { operationIds: ['OP-001'] }), 409, /removed operations: WA-0101-002/);
      expect(op.field).toBe('body/operationIds');
      const archive = expectProblem(await planner.delete('/api/mes/workers/W-002'), 409, 'worker W-002 cannot be archived; open assignments: WA-0101-002');
      expect(archive.dependents).toEqual(['WA-0101-002']);
    });
  });

  it('forbids operators to write (403) and strangers to read (401)', async () => {
    const app = await ctx.app();
    await expectNoWrite(ctx.database.db, async () => {
      expectProblem(await operator.post('/api/mes/workers', { name: 'Sneaky' }), 403, /planner/);
      expectProblem(await operator.patch('/api/mes/workers/W-001', { name: 'Sneaky' }), 403);
      expectProblem(await operator.delete('/api/mes/workers/W-003'), 403);
      expectProblem(await operator.post('/api/mes/shift-calendars', { id: 'X', name: 'x', windows: [] }), 403);
      expectProblem(await operator.put('/api/mes/shift-calendars/DAY', { name: 'x', windows: [] }), 403);
      expectProblem(await operator.delete('/api/mes/shift-calendars/NEVER'), 403);
      expectProblem(await app.inject({ method: 'GET', url: '/api/mes/workers' }), 401);
      expectProblem(await app.inject({ method: 'GET', url: '/api/mes/shift-calendars' }), 401);
      expectProblem(await app.inject({ method: 'DELETE', url: '/api/mes/workers/W-003' }), 401);
    });
  });

  it('archives a worker without open work (204), and deletes an unused calendar (204)', async () => {
    expect((await planner.delete('/api/mes/workers/W-011')).statusCode).toBe(204);
    expect((await planner.delete('/api/mes/workers/W-011')).statusCode).toBe(204); // already archived: nothing changes
    expect(ids((await planner.get('/api/mes/workers?q=Ada')).json())).toEqual([]);
    expect((await planner.get('/api/mes/workers/W-011')).json().archivedAt).not.toBeNull();
    expect(ids((await planner.get('/api/mes/workers?q=Ada&includeArchived=true')).json())).toEqual(['W-011']);
    // only the archived W-011 still names ALWAYS: it loses it, and the calendar goes
    expect((await planner.delete('/api/mes/shift-calendars/ALWAYS')).statusCode).toBe(204);
    expect((await planner.get('/api/mes/workers/W-011')).json().shiftCalendar).toBeNull();
    expect(ids((await planner.get('/api/mes/shift-calendars')).json())).toEqual(['DAY', 'DAY-SAT', 'LATE', 'NEVER']);
  });

  it('records an event on the workers topic for each change', async () => {
    const events = await ctx.database.db
      .selectFrom('mes.events')
      .select(['topic', 'entity_type', 'entity_id', 'change', 'worker_id', 'actor'])
      .where('topic', '=', 'workers')
      .orderBy('id')
      .execute();
    expect(events.map((e) => [e.entity_type, e.entity_id, e.change])).toEqual([
      ['shift_calendar', 'ALWAYS', 'created'],
      ['shift_calendar', 'NEVER', 'created'],
      ['shift_calendar', 'NEVER', 'updated'],
      ['shift_calendar', 'NEVER', 'updated'],
      ['worker', 'W-011', 'created'],
      ['worker', 'W-012', 'created'],
      ['worker', 'W-100', 'created'],
      ['worker', 'W-011', 'updated'],
      ['worker', 'W-012', 'updated'],
      ['worker', 'W-011', 'archived'],
      ['shift_calendar', 'ALWAYS', 'deleted'],
    ]);
    expect(events.every((e) => e.actor === 'planner')).toBe(true);
    expect(events.find((e) => e.entity_id === 'W-012')!.worker_id).toBe('W-012');
  });
});
