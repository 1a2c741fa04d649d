/**
 * Inspection plans and results (issue #17, item 3): the API enforces the
 * checks at start and completion, refuses values that do not fit their item
 * with nothing written, keeps re-entries as history, and reports a plan's
 * results as CSV.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { archiveFinishedPlans } from '../../src/modules/plans/archive.service.js';
import { csvField, csvOf } from '../../src/modules/quality/inspection-report.rules.js';
import { type Client, expectNoWrite, expectProblem, releasePinnedSamplePlan, seed, signInPlannerAndOperators } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';

describe('inspection report CSV fields', () => {
  it('quotes commas, quotes and line breaks and defuses formulas in text (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=SUM(A1)', true)).toBe("'=SUM(A1)");
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField(null)).toBe('');
    expect(csvOf(['A', 'B'], [['1', '2']])).toBe('A,B\r\n1,2\r\n');
  });
});

describeEachEngine('inspection plans and results', (ctx) => {
  let planner: Client;
  let w1: Client;
  let w6: Client;
  const db = () => ctx.database.db;

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    ({ planner, w1, w6 } = await signInPlannerAndOperators(await ctx.app()));
  });

  const releasedPlan = () => releasePinnedSamplePlan(planner, 'Inspected');
  const results = (client: Client, assignmentId: string, body: unknown, headers?: Record<string, string>) =>
    client.post(`/api/mes/worker-assignments/${assignmentId}/inspection-results`, body, headers);
  const resultRows = async () => (await sql<{ n: number }>`select count(*)::int as n from mes.inspection_results`.execute(db())).rows[0]!.n;

  let cert: number;
  let width: number;
  let remark: number;

  it('stores an ordered inspection plan on an operation; malformed items are refused naming body/items/i/field', async () => {
    await expectNoWrite(db(), async () => {
      const bad = await planner.put('/api/mes/operations/OP-001/inspection-plan', {
        items: [
          { kind: 'pass_fail', label: 'Cert', requiredAt: 'start' },
          { kind: 'measurement', label: 'Width', requiredAt: 'completion', nominal: 100, lowerTolerance: 0.5, upperTolerance: -0.5 },
        ],
      });
      const problem = expectProblem(bad, 422);
      expect(problem.errors.map((e: { field: string }) => e.field)).toEqual(['body/items/1/unit', 'body/items/1/upperTolerance']);
      expectProblem(
        await planner.put('/api/mes/operations/OP-001/inspection-plan', { items: [{ kind: 'text', label: 'Note', requiredAt: 'start', unit: 'mm' }] }),
        422,
      );
      expectProblem(await planner.put('/api/mes/operations/OP-001/inspection-plan', { items: [{ kind: 'photo', label: 'x', requiredAt: 'later' }] }), 400);
      expectProblem(await w1.put('/api/mes/operations/OP-001/inspection-plan', { items: [] }), 403);
      expectProblem(await planner.put('/api/mes/operations/OP-999/inspection-plan', { items: [] }), 404);
    });

    const put = await planner.put('/api/mes/operations/OP-001/inspection-plan', {
      items: [
        { kind: 'pass_fail', label: 'Material certificate matches the order', requiredAt: 'start' },
        { kind: 'measurement', label: 'Width', requiredAt: 'completion', nominal: 100, lowerTolerance: -0.5, upperTolerance: 0.5, unit: 'mm', samples: 2 },
        { kind: 'text', label: 'Remarks', requiredAt: 'completion' },
        { kind: 'photo', label: 'Photo of the first part', requiredAt: 'start' },
      ],
    });
    expect(put.statusCode, put.body).toBe(200);
    const items = put.json().items;
    expect(items.map((i: { position: number; kind: string }) => [i.position, i.kind])).toEqual([
      [1, 'pass_fail'],
      [2, 'measurement'],
      [3, 'text'],
      [4, 'photo'],
    ]);
    expect(items[1]).toMatchObject({ nominal: 100, lowerTolerance: -0.5, upperTolerance: 0.5, unit: 'mm', samples: 2 });
    // the photo check leaves again: deleted (nothing refers to it), the others keep their ids
    const again = await planner.put('/api/mes/operations/OP-001/inspection-plan', { items: items.slice(0, 3) });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().items.map((i: { id: number }) => i.id)).toEqual(items.slice(0, 3).map((i: { id: number }) => i.id));
    [cert, width, remark] = items.map((i: { id: number }) => i.id);
    const read = await w1.get('/api/mes/operations/OP-001/inspection-plan');
    expect(read.statusCode).toBe(200);
    expect(read.json().items).toHaveLength(3);
  });

  it('start is refused while a required-at-start check is missing or failed; recorded and passing, it starts', async () => {
    const p = await releasedPlan();
    await expectNoWrite(db(), async () => {
      const refused = expectProblem(await w1.post(`/api/mes/worker-assignments/${p.N1}/start`), 409, /Material certificate matches the order/);
      expect(refused.missingChecks).toEqual([{ itemId: cert, label: 'Material certificate matches the order', missingSamples: [1], failedSamples: [] }]);
    });
    // a planner on the worker's behalf is held to the same rule
    expectProblem(await planner.post(`/api/mes/worker-assignments/${p.N1}/start`), 409);

    const failed = await results(w1, p.N1, { results: [{ itemId: cert, value: false }] });
    expect(failed.statusCode, failed.body).toBe(200);
    expect(failed.json()).toMatchObject({ startReady: false, completionReady: false });
    expectProblem(await w1.post(`/api/mes/worker-assignments/${p.N1}/start`), 409, /each passing/);

    const passed = await results(w1, p.N1, { results: [{ itemId: cert, value: true }] });
    expect(passed.json()).toMatchObject({ startReady: true });
    const started = await w1.post(`/api/mes/worker-assignments/${p.N1}/start`);
    expect(started.statusCode, started.body).toBe(200);

    // the re-entry superseded the failed value and kept it as history
    const history = (await w1.get(`/api/mes/worker-assignments/${p.N1}/inspection-results?history=true`)).json().history;
    expect(history.map((r: { value: boolean; supersededAt: string | null }) => [r.value, r.supersededAt === null])).toEqual([
      [false, false],
      [true, true],
    ]);
    // another worker's assignment: neither read nor written
    expectProblem(await w6.get(`/api/mes/worker-assignments/${p.N1}/inspection-results`), 403);
    expectProblem(await results(w6, p.N1, { results: [{ itemId: cert, value: true }] }), 403);
  });

  it('a measurement that is not a number (and other malformed results) is refused naming the field; nothing is written', async () => {
    const p = await releasedPlan();
    const before = await resultRows();
    await expectNoWrite(db(), async () => {
      const notNumber = expectProblem(
        await results(w6, p.N2, {
          results: [
            { itemId: cert, value: true },
            { itemId: width, value: 'abc' },
          ],
        }),
        422,
        /must be a number/,
      );
      expect(notNumber.field).toBe('body/results/1/value');
      expect(expectProblem(await results(w6, p.N2, { results: [{ itemId: width, value: '100.1' }] }), 422).field).toBe('body/results/0/value');
      expect(expectProblem(await results(w6, p.N2, { results: [{ itemId: cert, value: 1 }] }), 422).field).toBe('body/results/0/value');
      expect(expectProblem(await results(w6, p.N2, { results: [{ itemId: width, sample: 3, value: 100 }] }), 422).field).toBe('body/results/0/sample');
      expect(expectProblem(await results(w6, p.N2, { results: [{ itemId: remark, value: '   ' }] }), 422).field).toBe('body/results/0/value');
      expect(expectProblem(await results(w6, p.N2, { results: [{ itemId: 999999, value: true }] }), 422).field).toBe('body/results/0/itemId');
      expectProblem(await results(w6, p.N2, { results: [{ itemId: width, value: null }] }), 400);
      expectProblem(await results(w6, p.N2, { results: [{ itemId: width, value: 1, extra: 1 }] }), 400);
      expectProblem(await results(w6, p.N2, { results: [] }), 400);
    });
    expect(await resultRows()).toBe(before);
  });

  it('completion is refused while required-at-completion checks are missing, and an out-of-tolerance sample keeps its part out of the good quantity', async () => {
    const p = await releasedPlan();
    expect((await results(w6, p.N2, { results: [{ itemId: cert, value: true }] })).statusCode).toBe(200);
    const started = await w6.post(`/api/mes/worker-assignments/${p.N2}/start`);
    expect(started.statusCode, started.body).toBe(200);

    await expectNoWrite(db(), async () => {
      const missing = expectProblem(await w6.post(`/api/mes/worker-assignments/${p.N2}/complete`, { goodQuantity: 10 }), 409, /Width, Remarks/);
      expect(missing.missingChecks.map((c: { label: string; missingSamples: number[] }) => [c.label, c.missingSamples])).toEqual([
        ['Width', [1, 2]],
        ['Remarks', [1]],
      ]);
      expect(missing.current.assignment.status).toBe('in_progress');
    });

    const recorded = await results(
      w6,
      p.N2,
      {
        results: [
          { itemId: width, sample: 1, value: 100.5 },
          { itemId: width, sample: 2, value: 100.6 },
          { itemId: remark, value: 'burr on one edge, deburred' },
        ],
      },
      { 'idempotency-key': `inspect-${p.N2}` },
    );
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(recorded.json()).toMatchObject({ completionReady: true, affectedQuantity: 1, acceptedAsIs: 0, maxGoodQuantity: 9 });
    const width2 = recorded.json().items.find((i: { item: { id: number } }) => i.item.id === width);
    expect(width2.failedSamples).toEqual([2]);
    // the same request under the same key answers as before and writes nothing
    const rows = await resultRows();
    const replay = await results(
      w6,
      p.N2,
      {
        results: [
          { itemId: width, sample: 1, value: 100.5 },
          { itemId: width, sample: 2, value: 100.6 },
          { itemId: remark, value: 'burr on one edge, deburred' },
        ],
      },
      { 'idempotency-key': `inspect-${p.N2}` },
    );
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await resultRows()).toBe(rows);

    await expectNoWrite(db(), async () => {
      const blocked = expectProblem(await w6.post(`/api/mes/worker-assignments/${p.N2}/complete`, { goodQuantity: 10 }), 409, /at most 9/);
      expect(blocked).toMatchObject({ field: 'body/goodQuantity', maxGoodQuantity: 9, affectedQuantity: 1 });
    });
    const done = await w6.post(`/api/mes/worker-assignments/${p.N2}/complete`, { goodQuantity: 9, scrapQuantity: 1, scrapReason: 'width out of tolerance' });
    expect(done.statusCode, done.body).toBe(200);

    // the plan page's read: results per step
    const planView = await planner.get(`/api/mes/production-plans/${p.id}/inspection-results`);
    expect(planView.statusCode, planView.body).toBe(200);
    const n2 = planView.json().steps.find((s: { nodeId: string }) => s.nodeId === 'N2');
    expect(n2.items.map((i: { results: unknown[] }) => i.results.length)).toEqual([1, 2, 1]);
    expectProblem(await w6.get(`/api/mes/production-plans/${p.id}/inspection-results`), 403);

    // the CSV report: one row per sample of every check of every step
    const csv = await planner.get(`/api/mes/production-plans/${p.id}/inspection-report.csv`);
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="inspection-report-${p.id}.csv"`);
    const lines = csv.body.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(
      'Plan,Plan name,Work order,Step,Step name,Assignment,Step status,Operation,Operation name,Item,Check,Kind,Required at,Nominal,Lower tolerance,Upper tolerance,Lower limit,Upper limit,Unit,Sample,Value,Result,Recorded by,Recorded at',
    );
    const n2Rows = lines.filter((l) => l.includes(`,${p.N2},`));
    expect(n2Rows).toHaveLength(4);
    expect(n2Rows[1]).toContain(',Width,measurement,completion,100,-0.5,0.5,99.5,100.5,mm,1,100.5,OK,W-006,');
    expect(n2Rows[2]).toContain(',Width,measurement,completion,100,-0.5,0.5,99.5,100.5,mm,2,100.6,NOT OK,W-006,');
    expect(n2Rows[3]).toContain(',Remarks,text,completion,,,,,,,1,"burr on one edge, deburred",OK,W-006,');
    // N1 recorded nothing: its samples are reported missing
    const n1Rows = lines.filter((l) => l.includes(`,${p.N1},`));
    expect(n1Rows.every((l) => l.includes(',MISSING,'))).toBe(true);
    expectProblem(await w6.get(`/api/mes/production-plans/${p.id}/inspection-report.csv`), 403);
    expectProblem(await planner.get('/api/mes/production-plans/PPL-0101-999/inspection-report.csv'), 404);
  });

  it('an item with results is retired, not changed, when the plan is edited: recorded values keep their spec', async () => {
    const current = (await planner.get('/api/mes/operations/OP-001/inspection-plan')).json().items;
    const edited = current.map((i: { id: number }) => (i.id === width ? { ...i, upperTolerance: 0.8 } : i));
    const put = await planner.put('/api/mes/operations/OP-001/inspection-plan', {
      items: edited,
    });
    expect(put.statusCode, put.body).toBe(200);
    const after = put.json().items;
    expect(after).toHaveLength(3);
    expect(after[1].id).not.toBe(width);
    expect(after[1]).toMatchObject({ label: 'Width', upperTolerance: 0.8, position: 2 });
    const old = (
      await sql<{
        retired: boolean;
        upper: string;
      }>`select retired_at is not null as retired, upper_tolerance as upper from mes.inspection_items where id = ${width}`.execute(db())
    ).rows[0]!;
    expect(old.retired).toBe(true);
    expect(Number(old.upper)).toBe(0.5);
  });

  it('a finished plan holding inspection results is not archived (its quality records would go with its assignments); others still are', async () => {
    const p = await releasedPlan();
    expect((await results(w6, p.N2, { results: [{ itemId: cert, value: true }] })).statusCode).toBe(200);
    expect((await planner.post(`/api/mes/production-plans/${p.id}/cancel`, {})).statusCode).toBe(200);
    const plain = await releasedPlan();
    expect((await planner.post(`/api/mes/production-plans/${plain.id}/cancel`, {})).statusCode).toBe(200);
    const before = await resultRows();

    await expectNoWrite(db(), async () => {
      expectProblem(await planner.post(`/api/mes/production-plans/${p.id}/archive`, {}), 409, /inspection results or non-conformances/);
    });
    const run = await archiveFinishedPlans(db(), { olderThanDays: 0, limit: 100, now: new Date(Date.now() + 60_000), actor: 'test' });
    expect(run.archived).toContain(plain.id);
    expect(run.archived).not.toContain(p.id);
    const archived = await sql<{ id: string; archived: boolean }>`
      select id, archived_at is not null as archived from mes.production_plans where id in (${p.id}, ${plain.id}) order by id`.execute(db());
    expect(Object.fromEntries(archived.rows.map((r) => [r.id, r.archived]))).toEqual({ [p.id]: false, [plain.id]: true });
    expect(await resultRows()).toBe(before);
    const report = await planner.get(`/api/mes/production-plans/${p.id}/inspection-report.csv`);
    expect(report.statusCode).toBe(200);
  });
});
