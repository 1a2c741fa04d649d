import { beforeAll, expect, it } from 'vitest';
import { type Client, expectNoWrite, expectProblem, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';

describeEachEngine('/api/mes/operations', (ctx) => {
  let planner: Client;
  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    planner = await signIn(await ctx.app(), 'planner');
  });

  it('lists in a stable order with search and pagination', async () => {
    const all = (await planner.get('/api/mes/operations')).json();
    expect(all.total).toBe(8);
    expect(all.items.map((o: { id: string }) => o.id)).toEqual(['OP-001', 'OP-002', 'OP-003', 'OP-004', 'OP-005', 'OP-006', 'OP-007', 'OP-008']);
    expect(all.items[0]).toMatchObject({ name: 'Laser cutting', stationIds: ['ST-001'] });
    const page = (await planner.get('/api/mes/operations?limit=3&offset=3')).json();
    expect(page).toMatchObject({ total: 8, limit: 3, offset: 3 });
    expect(page.items.map((o: { id: string }) => o.id)).toEqual(['OP-004', 'OP-005', 'OP-006']);
    const found = (await planner.get('/api/mes/operations?q=weld')).json();
    expect(found.items.map((o: { id: string }) => o.id)).toEqual(['OP-004']);
    expect((await planner.get('/api/mes/operations?offset=100')).json()).toMatchObject({ items: [], total: 8 });
  });

  it('gets one, or 404 with a problem document', async () => {
    expect((await planner.get('/api/mes/operations/OP-003')).json()).toMatchObject({ id: 'OP-003', name: 'Bending', defaultNominalTime: 1.5 });
    expectProblem(await planner.get('/api/mes/operations/OP-999'), 404, 'operation OP-999 does not exist');
  });

  it('creates (201) with a generated code, updates, and archives an unused operation (204)', async () => {
    const created = await planner.post('/api/mes/operations', { name: 'Deburring', description: 'Edge deburring machine' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: 'OP-009', name: 'Deburring', defaultEfficiency: 1, archivedAt: null });
    const updated = await planner.patch('/api/mes/operations/OP-009', { defaultEfficiency: 1.2 });
    expect(updated.json()).toMatchObject({ id: 'OP-009', defaultEfficiency: 1.2, defaultNominalTime: null });
    expect((await planner.delete('/api/mes/operations/OP-009')).statusCode).toBe(204);
    expect((await planner.get('/api/mes/operations')).json().total).toBe(8);
    expect((await planner.get('/api/mes/operations?includeArchived=true')).json().total).toBe(9);
  });

  it('refuses bad input with the field named, and writes nothing', async () => {
    const db = ctx.database.db;
    await expectNoWrite(db, async () => {
      const missing = expectProblem(await planner.post('/api/mes/operations', { description: 'no name' }), 400);
      expect(missing.field).toBe('body/name');
      const unknown = expectProblem(await planner.post('/api/mes/operations', { name: 'x', colour: 'red' }), 400, /unknown property "colour"/);
      expect(unknown.field).toBe('body/colour');
      expectProblem(await planner.post('/api/mes/operations', { name: 'x', defaultEfficiency: -1 }), 400);
      for (const bad of [0, -2, '3', 1e9]) {
        expect(expectProblem(await planner.post('/api/mes/operations', { name: 'x', defaultNominalTime: bad }), 400).field).toBe('body/defaultNominalTime');
        expect(expectProblem(await planner.patch('/api/mes/operations/OP-001', { defaultNominalTime: bad }), 400).field).toBe('body/defaultNominalTime');
      }
      expectProblem(await planner.post('/api/mes/operations', { id: 'BAD-1', name: 'x' }), 400);
      expectProblem(await planner.post('/api/mes/operations', { id: 'OP-001', name: 'dup' }), 409, 'already exists');
      expectProblem(await planner.patch('/api/mes/operations/OP-001', {}), 400);
      expectProblem(await planner.patch('/api/mes/operations/OP-404', { name: 'x' }), 404);
    });
  });

  it('refuses to archive an operation that unfinished plans use (409)', async () => {
    await expectNoWrite(ctx.database.db, async () => {
      const res = expectProblem(await planner.delete('/api/mes/operations/OP-004'), 409, /used by plans that are not finished: PPL-/);
      expect(res.dependents.length).toBeGreaterThan(0);
    });
  });

  it('records an event for each change', async () => {
    const events = await ctx.database.db.selectFrom('mes.events').selectAll().where('entity_type', '=', 'operation').orderBy('id').execute();
    expect(events.map((e) => [e.entity_id, e.change])).toEqual([
      ['OP-009', 'created'],
      ['OP-009', 'updated'],
      ['OP-009', 'archived'],
    ]);
    expect(events[0]).toMatchObject({ topic: 'master', actor: 'planner' });
  });

  it('keeps the time per unit a new step of the operation starts with in the designer: set, changed, cleared', async () => {
    const created = await planner.post('/api/mes/operations', { name: 'Sawing', defaultNominalTime: 0.75 });
    expect(created.json()).toMatchObject({ defaultNominalTime: 0.75 });
    const id = created.json().id as string;
    expect((await planner.patch(`/api/mes/operations/${id}`, { defaultNominalTime: 2.5 })).json()).toMatchObject({ defaultNominalTime: 2.5 });
    expect((await planner.get(`/api/mes/operations/${id}`)).json()).toMatchObject({ defaultNominalTime: 2.5 });
    expect((await planner.patch(`/api/mes/operations/${id}`, { defaultNominalTime: null })).json()).toMatchObject({ defaultNominalTime: null });
    expect((await planner.post('/api/mes/operations', { name: 'Drilling' })).json()).toMatchObject({ defaultNominalTime: null });
  });
});
