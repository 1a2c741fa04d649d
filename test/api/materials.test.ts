import { beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { buildDataset } from '../../src/seed/dataset.js';
import { type Client, expectNoWrite, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';

const codes = (page: { items: { code: string }[] }) => page.items.map((i) => i.code);

describeEachEngine('/api/mes/materials', (ctx) => {
  const data = buildDataset('default', 1);
  let planner: Client;
  let operator: Client;
  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    const app = await ctx.app();
    planner = await signIn(app, 'planner');
    operator = await signInWorker(app, 'W-001');
  });

  const adjust = (code: string, body: unknown) => planner.post(`/api/mes/materials/${code}/adjustments`, body);

  it('lists materials in code order with stock, reserved and available, and pages', async () => {
    const all = (await operator.get('/api/mes/materials?limit=500')).json();
    const expected = data.materials.map((m) => m.code).sort();
    expect(all.total).toBe(expected.length);
    expect(codes(all)).toEqual(expected);
    // (the dataset's first code is a history blank; the fastener is the one with known figures)
    expect(all.items.find((i: { code: string }) => i.code === 'FASTENER-M8')).toMatchObject({
      code: 'FASTENER-M8',
      unit: 'pcs',
      stock: 40000,
      reserved: 0,
      available: 40000,
      reorderPoint: 4000,
      belowReorderPoint: false,
      archivedAt: null,
    });
    const page = (await planner.get('/api/mes/materials?limit=4&offset=2')).json();
    expect(page).toMatchObject({ total: expected.length, limit: 4, offset: 2 });
    expect(codes(page)).toEqual(expected.slice(2, 6));
    expect(codes((await planner.get('/api/mes/materials?q=powder')).json())).toEqual(['POWDER-RAL7035', 'POWDER-RAL9005']);
    expect((await planner.get('/api/mes/materials?belowReorderPoint=true')).json()).toMatchObject({ items: [], total: 0 });
    expect((await planner.get('/api/mes/materials?offset=1000')).json()).toMatchObject({ items: [], total: expected.length });
  });

  it('gets one material by code, or 404', async () => {
    expect((await operator.get('/api/mes/materials/SHEET-S235-2')).json()).toMatchObject({
      code: 'SHEET-S235-2',
      unit: 'sheet',
      stock: 400,
      available: 400,
      reorderPoint: 40,
    });
    expectProblem(await planner.get('/api/mes/materials/NOPE-1'), 404, 'material NOPE-1 does not exist');
  });

  it('creates a material (201); opening stock is booked as a ledger row', async () => {
    const res = await planner.post('/api/mes/materials', { code: 'BOLT-M10', name: 'Hex bolt M10', unit: 'pcs', reorderPoint: 50, openingStock: 100 });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ code: 'BOLT-M10', stock: 100, reserved: 0, available: 100, reorderPoint: 50 });
    const ledger = (await planner.get('/api/mes/materials/BOLT-M10/ledger')).json();
    expect(ledger).toMatchObject({
      total: 1,
      items: [{ kind: 'opening', stockDelta: 100, reservedDelta: 0, reason: 'opening stock', actor: 'planner', planId: null, nodeId: null }],
    });
    const empty = await planner.post('/api/mes/materials', { code: 'NUT-M10', name: 'Hex nut M10', unit: 'pcs' });
    expect(empty.json()).toMatchObject({ stock: 0, reorderPoint: 0 });
    expect((await planner.get('/api/mes/materials/NUT-M10/ledger')).json()).toMatchObject({ items: [], total: 0 });
  });

  it('updates name, unit and reorder point', async () => {
    const res = await planner.patch('/api/mes/materials/NUT-M10', { name: 'Hex nut M10, zinc', unit: 'box', reorderPoint: 5 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Hex nut M10, zinc', unit: 'box', reorderPoint: 5, stock: 0, belowReorderPoint: true });
    expect(codes((await planner.get('/api/mes/materials?belowReorderPoint=true')).json())).toEqual(['NUT-M10']);
  });

  it('books receipts and adjustments (201) and moves stock through the ledger', async () => {
    const receipt = await adjust('BOLT-M10', { quantity: 50, reason: 'PO 4711', kind: 'receipt' });
    expect(receipt.statusCode, receipt.body).toBe(201);
    expect(receipt.json()).toMatchObject({
      entry: { materialCode: 'BOLT-M10', kind: 'receipt', stockDelta: 50, reason: 'PO 4711', actor: 'planner' },
      material: { code: 'BOLT-M10', stock: 150, available: 150 },
    });
    const writeOff = (await adjust('BOLT-M10', { quantity: -30.5, reason: 'damaged in storage' })).json();
    expect(writeOff).toMatchObject({ entry: { kind: 'adjustment', stockDelta: -30.5 }, material: { stock: 119.5 } });
    const toZero = (await adjust('BOLT-M10', { quantity: -119.5, reason: 'stock count' })).json();
    expect(toZero.material).toMatchObject({ stock: 0, belowReorderPoint: true });
    expect((await adjust('BOLT-M10', { quantity: 80, reason: 'stock count' })).json().material.stock).toBe(80);
  });

  it('pages the ledger newest first', async () => {
    const ledger = (await planner.get('/api/mes/materials/BOLT-M10/ledger')).json();
    expect(ledger.total).toBe(5);
    expect(ledger.items.map((e: { stockDelta: number }) => e.stockDelta)).toEqual([80, -119.5, -30.5, 50, 100]);
    const ids = ledger.items.map((e: { id: number }) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const page = (await planner.get('/api/mes/materials/BOLT-M10/ledger?limit=2&offset=2')).json();
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 2 });
    expect(page.items.map((e: { stockDelta: number }) => e.stockDelta)).toEqual([-30.5, 50]);
    expect((await planner.get('/api/mes/materials/BOLT-M10/ledger?offset=10')).json()).toMatchObject({ items: [], total: 5 });
    expectProblem(await planner.get('/api/mes/materials/NOPE-1/ledger'), 404);
  });

  it('refuses to take stock below zero, naming required and available (409), writing nothing', async () => {
    await expectNoWrite(ctx.database.db, async () => {
      const res = expectProblem(
        await adjust('BOLT-M10', { quantity: -80.001, reason: 'too much' }),
        409,
        'not enough BOLT-M10 in stock: the adjustment takes 80.001 pcs, 80 pcs on hand',
      );
      expect(res).toMatchObject({ field: 'body/quantity', materialCode: 'BOLT-M10', required: 80.001, available: 80 });
    });
    expect((await planner.get('/api/mes/materials/BOLT-M10')).json().stock).toBe(80);
  });

  it('refuses bad material and adjustment bodies with the field named, writing nothing', async () => {
    await expectNoWrite(ctx.database.db, async () => {
      expect(expectProblem(await planner.post('/api/mes/materials', { code: 'X1', name: 'x' }), 400).field).toBe('body/unit');
      expect(expectProblem(await planner.post('/api/mes/materials', { code: 'lower-case', name: 'x', unit: 'pcs' }), 400).field).toBe('body/code');
      expect(
        expectProblem(await planner.post('/api/mes/materials', { code: 'X1', name: 'x', unit: 'pcs', stock: 5 }), 400, /unknown property "stock"/).field,
      ).toBe('body/stock');
      expect(expectProblem(await planner.post('/api/mes/materials', { code: 'X1', name: 'x', unit: 'pcs', openingStock: -1 }), 400).field).toBe(
        'body/openingStock',
      );
      expect(expectProblem(await planner.patch('/api/mes/materials/BOLT-M10', { stock: 1 }), 400).field).toBe('body/stock');
      expectProblem(await planner.patch('/api/mes/materials/BOLT-M10', {}), 400);
      expect(expectProblem(await planner.patch('/api/mes/materials/BOLT-M10', { reorderPoint: -5 }), 400).field).toBe('body/reorderPoint');
      expect(expectProblem(await adjust('BOLT-M10', { quantity: 0, reason: 'nothing' }), 400).field).toBe('body/quantity');
      expect(expectProblem(await adjust('BOLT-M10', { quantity: 5 }), 400).field).toBe('body/reason');
      expect(expectProblem(await adjust('BOLT-M10', { quantity: 5, reason: '' }), 400).field).toBe('body/reason');
      expect(expectProblem(await adjust('BOLT-M10', { quantity: 5, reason: 'x'.repeat(501) }), 400).field).toBe('body/reason');
      expect(expectProblem(await adjust('BOLT-M10', { quantity: 5, reason: 'x', kind: 'consumption' }), 400).field).toBe('body/kind');
      expect(expectProblem(await adjust('BOLT-M10', { quantity: 5, reason: 'x', planId: 'PPL-0101-001' }), 400).field).toBe('body/planId');
      expect(expectProblem(await adjust('BOLT-M10', { quantity: -5, reason: 'return', kind: 'receipt' }), 422, /receipt adds stock/).field).toBe(
        'body/quantity',
      );
      expect(expectProblem(await planner.post('/api/mes/materials', { code: 'BOLT-M10', name: 'dup', unit: 'pcs' }), 409, 'already exists').field).toBe(
        'body/code',
      );
      expectProblem(await adjust('NOPE-1', { quantity: 5, reason: 'x' }), 404, 'material NOPE-1 does not exist');
      expectProblem(await planner.patch('/api/mes/materials/NOPE-1', { name: 'x' }), 404);
      expectProblem(await planner.delete('/api/mes/materials/NOPE-1'), 404);
    });
  });

  it('keeps the check constraint as the last guard against negative stock', async () => {
    const db = ctx.database.db;
    await expect(
      db.insertInto('mes.material_ledger').values({ material_code: 'BOLT-M10', entry_type: 'adjustment', stock_delta: -1000, reason: 'bypass' }).execute(),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('refuses to archive a material that unfinished plans use or that is reserved (409)', async () => {
    const db = ctx.database.db;
    await expectNoWrite(db, async () => {
      const res = expectProblem(await planner.delete('/api/mes/materials/SHEET-S235-2'), 409, /used by plans that are not finished: PPL-/);
      expect(res.dependents.length).toBeGreaterThan(0);
      expectProblem(await planner.delete('/api/mes/materials/FG-001'), 409, /used by plans/); // an output
    });
    await db.insertInto('mes.material_ledger').values({ material_code: 'NUT-M10', entry_type: 'receipt', stock_delta: 10, reason: 'test' }).execute();
    await db.insertInto('mes.material_ledger').values({ material_code: 'NUT-M10', entry_type: 'reservation', reserved_delta: 4, reason: 'test' }).execute();
    await expectNoWrite(db, async () => {
      expect(expectProblem(await planner.delete('/api/mes/materials/NUT-M10'), 409, 'material NUT-M10 has 4 box reserved').reserved).toBe(4);
    });
    expect((await planner.get('/api/mes/materials/NUT-M10')).json()).toMatchObject({ stock: 10, reserved: 4, available: 6 });
    await db
      .insertInto('mes.material_ledger')
      .values({ material_code: 'NUT-M10', entry_type: 'reservation_release', reserved_delta: -4, reason: 'test' })
      .execute();
  });

  it('archives an unused material (204); an archived one takes no adjustments', async () => {
    expect((await planner.delete('/api/mes/materials/NUT-M10')).statusCode).toBe(204);
    expect((await planner.delete('/api/mes/materials/NUT-M10')).statusCode).toBe(204); // nothing changes
    expect(codes((await planner.get('/api/mes/materials?q=NUT-M10')).json())).toEqual([]);
    expect(codes((await planner.get('/api/mes/materials?q=NUT-M10&includeArchived=true')).json())).toEqual(['NUT-M10']);
    expect((await planner.get('/api/mes/materials/NUT-M10')).json().archivedAt).not.toBeNull();
    await expectNoWrite(ctx.database.db, async () => {
      expectProblem(await adjust('NUT-M10', { quantity: -1, reason: 'x' }), 409, 'material NUT-M10 is archived');
    });
  });

  it('forbids operators to write (403) and strangers to read (401)', async () => {
    const app = await ctx.app();
    await expectNoWrite(ctx.database.db, async () => {
      expectProblem(await operator.post('/api/mes/materials', { code: 'X1', name: 'x', unit: 'pcs' }), 403, /planner/);
      expectProblem(await operator.patch('/api/mes/materials/BOLT-M10', { name: 'x' }), 403);
      expectProblem(await operator.delete('/api/mes/materials/BOLT-M10'), 403);
      expectProblem(await operator.post('/api/mes/materials/BOLT-M10/adjustments', { quantity: -1, reason: 'x' }), 403);
      expectProblem(await operator.get('/api/mes/materials/BOLT-M10/ledger'), 403);
      expectProblem(await app.inject({ method: 'GET', url: '/api/mes/materials' }), 401);
      expectProblem(await app.inject({ method: 'GET', url: '/api/mes/materials/BOLT-M10/ledger' }), 401);
      expectProblem(await app.inject({ method: 'POST', url: '/api/mes/materials/BOLT-M10/adjustments', payload: { quantity: 1, reason: 'x' } }), 401);
    });
  });

  it('records an event on the materials topic for each change', async () => {
    const events = await ctx.database.db
      .selectFrom('mes.events')
      .select(['topic', 'entity_id', 'change', 'payload', 'actor'])
      .where('topic', '=', 'materials')
      .orderBy('id')
      .execute();
    expect(events.map((e) => [e.entity_id, e.change])).toEqual([
      ['BOLT-M10', 'created'],
      ['NUT-M10', 'created'],
      ['NUT-M10', 'updated'],
      ['BOLT-M10', 'adjusted'],
      ['BOLT-M10', 'adjusted'],
      ['BOLT-M10', 'adjusted'],
      ['BOLT-M10', 'adjusted'],
      ['NUT-M10', 'archived'],
    ]);
    expect(events[3]!.payload).toMatchObject({ kind: 'receipt', quantity: 50, stock: 150 });
    expect(events.every((e) => e.actor === 'planner')).toBe(true);
  });

  it.runIf(ctx.engine === 'postgres')('never takes stock below zero under 20 concurrent adjustments', async () => {
    expect((await planner.post('/api/mes/materials', { code: 'RACE-1', name: 'Contended', unit: 'kg', openingStock: 100 })).statusCode).toBe(201);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => adjust('RACE-1', { quantity: -7, reason: `take ${i}` })));
    const ok = results.filter((r) => r.statusCode === 201);
    const refused = results.filter((r) => r.statusCode !== 201);
    expect(ok).toHaveLength(14); // 14 × 7 = 98 of 100
    for (const r of refused) expectProblem(r, 409, /not enough RACE-1 in stock/);
    const material = (await planner.get('/api/mes/materials/RACE-1')).json();
    expect(material.stock).toBe(2);
    const ledger = (await planner.get('/api/mes/materials/RACE-1/ledger?limit=500')).json();
    expect(ledger.total).toBe(15);
    expect(ledger.items.reduce((sum: number, e: { stockDelta: number }) => sum + e.stockDelta, 0)).toBeCloseTo(material.stock, 6);
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
  });
});
