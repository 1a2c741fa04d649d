import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { type Client, expectProblem, mesContents, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { act, oneStepPlan, receive, release, trackedMaterial } from '../helpers/lots.js';

describeEachEngine('lots: receipt, FIFO and chosen consumption, quarantine', (ctx) => {
  let planner: Client;
  let operator: Client;
  const db = () => ctx.database.db;
  const lotsOf = async (material: string) =>
    (await planner.get(`/api/mes/materials/${material}/lots?includeEmpty=true`)).json().items as { code: string; onHand: number; status: string }[];
  const onHand = async (material: string) => Object.fromEntries((await lotsOf(material)).map((l) => [l.code, l.onHand]));
  const unchanged = async (refuse: () => Promise<unknown>) => {
    const before = await mesContents(db());
    await refuse();
    expect(await mesContents(db())).toEqual(before);
  };
  /** A released, started one-step plan consuming `qty` of the material. */
  const started = async (material: string, qty: number, output?: { materialCode: string; quantity: number }) => {
    const p = await release(
      planner,
      oneStepPlan(`Lots ${Math.random().toString(36).slice(2, 8)}`, [{ materialCode: material, requiredQuantity: qty }], output),
    );
    const s = await act(planner, p.nodes.N1!, 'start');
    expect(s.statusCode, s.body).toBe(200);
    return p;
  };

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    const app = await ctx.app();
    planner = await signIn(app, 'planner');
    operator = await signInWorker(app, 'W-001');
    await trackedMaterial(planner, 'BAR-S355');
    await trackedMaterial(planner, 'PLATE-S355');
  });

  it('receives lots (201): code generated in SQL unless given, heat and certificate kept, the receipt a ledger row carrying the lot', async () => {
    const generated = await receive(planner, 'BAR-S355', {
      quantity: 30,
      heatNumber: 'H-1001',
      supplier: 'Kardemir',
      certificate: 'EN 10204 3.1 #77',
      receivedAt: '2026-01-10T08:00:00Z',
    });
    expect(generated.code).toMatch(/^LOT-\d{4}-\d{3,}$/);
    expect(generated).toMatchObject({
      onHand: 30,
      heatNumber: 'H-1001',
      supplier: 'Kardemir',
      certificate: 'EN 10204 3.1 #77',
      status: 'active',
      origin: 'receipt',
      materialCode: 'BAR-S355',
    });
    await receive(planner, 'BAR-S355', { lotCode: 'BAR-B', quantity: 50, heatNumber: 'H-1002', receivedAt: '2026-01-11T08:00:00Z' });
    await receive(planner, 'BAR-S355', { lotCode: 'BAR-C', quantity: 40, heatNumber: 'H-1002', receivedAt: '2026-01-12T08:00:00Z' });
    expect((await operator.get('/api/mes/materials/BAR-S355')).json()).toMatchObject({ stock: 120, lotTracked: true });
    expect((await operator.get(`/api/mes/lots/${generated.code}`)).json()).toMatchObject({ code: generated.code, onHand: 30, unit: 'kg' });
    const ledger = (await planner.get('/api/mes/materials/BAR-S355/ledger')).json();
    expect(ledger.items.map((e: { lotCode: string }) => e.lotCode)).toEqual(['BAR-C', 'BAR-B', generated.code]);
    expect((await lotsOf('BAR-S355')).map((l) => l.code)).toEqual([generated.code, 'BAR-B', 'BAR-C']);
  });

  it('refuses receipts that break a rule, naming it, and writes nothing', async () => {
    await unchanged(async () => {
      expectProblem(await planner.post('/api/mes/materials/SHEET-S235-2/lots', { quantity: 5 }), 422, /SHEET-S235-2 is not lot-tracked/);
      expect((await planner.post('/api/mes/materials/BAR-S355/lots', { lotCode: 'BAR-B', quantity: 5 })).json()).toMatchObject({
        status: 409,
        field: 'body/lotCode',
      });
      expectProblem(await planner.post('/api/mes/materials/NOPE-1/lots', { quantity: 5 }), 404);
      expect((await planner.post('/api/mes/materials/BAR-S355/lots', { quantity: 0 })).statusCode).toBe(400);
      expect((await planner.post('/api/mes/materials/BAR-S355/lots', { quantity: 1.0001 })).json()).toMatchObject({ status: 422, field: 'body/quantity' });
      expect((await operator.post('/api/mes/materials/BAR-S355/lots', { quantity: 5 })).statusCode).toBe(403);
      // a lot-tracked material moves stock only through lots
      expect((await planner.post('/api/mes/materials/BAR-S355/adjustments', { quantity: 5, reason: 'found' })).json()).toMatchObject({
        status: 422,
        field: 'body/lotCode',
      });
      expect((await planner.post('/api/mes/materials/BAR-S355/adjustments', { quantity: -500, reason: 'scrap', lotCode: 'BAR-B' })).json()).toMatchObject({
        status: 409,
        field: 'body/quantity',
      });
      expect((await planner.post('/api/mes/materials', { code: 'BAR-X', name: 'x', unit: 'kg', lotTracked: true, openingStock: 5 })).json()).toMatchObject({
        status: 422,
        field: 'body/openingStock',
      });
      expect((await planner.patch('/api/mes/materials/SHEET-S235-2', { lotTracked: true })).json()).toMatchObject({ status: 409, field: 'body/lotTracked' });
      expect((await planner.patch('/api/mes/materials/BAR-S355', { lotTracked: false })).json()).toMatchObject({ status: 409, field: 'body/lotTracked' });
    });
    // and the database refuses a stock move of a lot-tracked material without a lot, whatever the application does
    await expect(
      sql`insert into mes.material_ledger (material_code, entry_type, stock_delta) values ('BAR-S355', 'adjustment', 1)`.execute(db()),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(
      sql`insert into mes.material_ledger (material_code, entry_type, stock_delta, lot_code) values ('BAR-S355', 'adjustment', -999, 'BAR-B')`.execute(db()),
    ).rejects.toMatchObject({
      code: '23514',
    });
    await expect(
      sql`insert into mes.material_ledger (material_code, entry_type, stock_delta, lot_code) values ('PLATE-S355', 'adjustment', 1, 'BAR-B')`.execute(db()),
    ).rejects.toMatchObject({
      code: '23503',
    });
  });

  it('a lot adjustment names the lot and moves its on-hand', async () => {
    const res = await planner.post('/api/mes/materials/BAR-S355/adjustments', { quantity: -2, reason: 'cut sample', lotCode: 'BAR-C' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().entry).toMatchObject({ lotCode: 'BAR-C', stockDelta: -2 });
    expect((await onHand('BAR-S355'))['BAR-C']).toBe(38);
  });

  it('consumes first-in-first-out across lots at completion (oldest received first)', async () => {
    const [first] = await lotsOf('BAR-S355');
    const p = await started('BAR-S355', 45);
    const done = await act(planner, p.nodes.N1!, 'complete', { goodQuantity: 10 });
    expect(done.statusCode, done.body).toBe(200);
    expect(await onHand('BAR-S355')).toEqual({ [first!.code]: 0, 'BAR-B': 35, 'BAR-C': 38 });
    const rows = await sql<{ lot_code: string; stock_delta: number }>`
      select lot_code, stock_delta from mes.material_ledger where assignment_id = ${p.nodes.N1!} and entry_type = 'consumption' order by id`.execute(db());
    expect(rows.rows).toEqual([
      { lot_code: first!.code, stock_delta: -30 },
      { lot_code: 'BAR-B', stock_delta: -15 },
    ]);
    expect((await operator.get('/api/mes/materials/BAR-S355')).json()).toMatchObject({ stock: 73, reserved: 0 });
  });

  it('consumes the lots the operator names, FIFO for the rest', async () => {
    const p = await started('BAR-S355', 20);
    const done = await act(planner, p.nodes.N1!, 'complete', { goodQuantity: 10, lots: [{ materialCode: 'BAR-S355', lotCode: 'BAR-C', quantity: 8 }] });
    expect(done.statusCode, done.body).toBe(200);
    expect(await onHand('BAR-S355')).toMatchObject({ 'BAR-B': 23, 'BAR-C': 30 });
  });

  it('a blocked lot is skipped by FIFO and refused when named (409), nothing written', async () => {
    const blocked = await planner.post('/api/mes/lots/BAR-B/block', { reason: 'certificate mismatch' });
    expect(blocked.statusCode, blocked.body).toBe(200);
    expect(blocked.json()).toMatchObject({ status: 'blocked', blockedReason: 'certificate mismatch' });
    expectProblem(await planner.post('/api/mes/lots/BAR-B/block', { reason: 'again' }), 409, /already blocked/);
    const p = await started('BAR-S355', 5);
    await unchanged(async () => {
      const named = await act(planner, p.nodes.N1!, 'complete', { goodQuantity: 10, lots: [{ materialCode: 'BAR-S355', lotCode: 'BAR-B', quantity: 5 }] });
      expect(expectProblem(named, 409, /BAR-B is blocked/)).toMatchObject({ field: 'body/lots/0/lotCode' });
    });
    const done = await act(planner, p.nodes.N1!, 'complete', { goodQuantity: 10 });
    expect(done.statusCode, done.body).toBe(200);
    expect(await onHand('BAR-S355')).toMatchObject({ 'BAR-B': 23, 'BAR-C': 25 });
    // more than the unblocked lots hold: refused, though the material's stock (blocked lot included) would cover it
    const q = await started('BAR-S355', 30);
    await unchanged(async () => {
      expectProblem(await act(planner, q.nodes.N1!, 'complete', { goodQuantity: 10 }), 409, /not enough BAR-S355 in unblocked lots: 30 needed, 25 available/);
    });
    expect((await planner.post('/api/mes/lots/BAR-B/unblock', {})).json()).toMatchObject({ status: 'active', blockedReason: null });
    const done2 = await act(planner, q.nodes.N1!, 'complete', { goodQuantity: 10 });
    expect(done2.statusCode, done2.body).toBe(200);
    expect(await onHand('BAR-S355')).toMatchObject({ 'BAR-B': 0, 'BAR-C': 18 });
  });

  it('refuses unknown lots, lots of another material and more than a lot holds, naming body/lots/i, writing nothing', async () => {
    await receive(planner, 'PLATE-S355', { lotCode: 'PLATE-A', quantity: 10, heatNumber: 'H-2001' });
    await receive(planner, 'BAR-S355', { lotCode: 'BAR-D', quantity: 10, heatNumber: 'H-1003', receivedAt: '2026-01-13T08:00:00Z' });
    const p = await started('BAR-S355', 6);
    const complete = (lots: unknown) => act(planner, p.nodes.N1!, 'complete', { goodQuantity: 10, lots });
    await unchanged(async () => {
      expect(
        expectProblem(await complete([{ materialCode: 'BAR-S355', lotCode: 'NO-SUCH-LOT', quantity: 1 }]), 422, /lot NO-SUCH-LOT does not exist/),
      ).toMatchObject({
        field: 'body/lots/0/lotCode',
      });
      expect(
        expectProblem(await complete([{ materialCode: 'BAR-S355', lotCode: 'PLATE-A', quantity: 1 }]), 422, /PLATE-A is of material PLATE-S355, not BAR-S355/),
      ).toMatchObject({
        field: 'body/lots/0/lotCode',
      });
      expect(
        expectProblem(await complete([{ materialCode: 'PLATE-S355', lotCode: 'PLATE-A', quantity: 1 }]), 422, /PLATE-S355 is not a lot-tracked input/),
      ).toMatchObject({
        field: 'body/lots/0/materialCode',
      });
      // BAR-C holds 18, the step consumes 6: 7 from a lot that holds 18 is more than consumed; 18.5 more than it holds
      expect(
        expectProblem(await complete([{ materialCode: 'BAR-S355', lotCode: 'BAR-C', quantity: 7 }]), 422, /add up to 7, more than the 6 consumed/),
      ).toMatchObject({
        field: 'body/lots/0/quantity',
      });
      const over = await act(planner, p.nodes.N1!, 'complete', {
        goodQuantity: 10,
        materials: [{ materialCode: 'BAR-S355', quantity: 19 }],
        lots: [{ materialCode: 'BAR-S355', lotCode: 'BAR-C', quantity: 18.5 }],
      });
      expect(expectProblem(over, 409, /BAR-C holds 18; 18.5 cannot be taken/)).toMatchObject({ field: 'body/lots/0/quantity' });
      expect(
        expectProblem(
          await complete([
            { materialCode: 'BAR-S355', lotCode: 'BAR-C', quantity: 1 },
            { materialCode: 'BAR-S355', lotCode: 'BAR-C', quantity: 1 },
          ]),
          422,
          /listed twice/,
        ),
      ).toMatchObject({ field: 'body/lots/1/lotCode' });
    });
    expect((await act(planner, p.nodes.N1!, 'complete', { goodQuantity: 10 })).statusCode).toBe(200);
  });

  it('keeps stock per lot equal to its ledger, and the material stock equal to its lots', async () => {
    const rows = await sql<{ code: string; on_hand: number; ledger: number }>`
      select l.code, l.on_hand, coalesce(sum(g.stock_delta), 0) as ledger from mes.lots l left join mes.material_ledger g on g.lot_code = l.code group by l.code, l.on_hand`.execute(
      db(),
    );
    for (const r of rows.rows) expect(r.on_hand, r.code).toBe(r.ledger);
    expect(await runIntegrityChecks(db())).toEqual([]);
  });
});
