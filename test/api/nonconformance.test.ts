/**
 * Non-conformance records (issue #17, item 3): an operator opens one, a
 * planner approves it; an approved rework adds a rework step to the plan and
 * books it now; an approved use-as-is lets the accepted parts be completed as
 * good.
 */
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { type Client, expectNoWrite, expectProblem, releasePinnedSamplePlan, seed, signInPlannerAndOperators } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';

describeEachEngine('non-conformances', (ctx) => {
  let planner: Client;
  let w1: Client;
  let w6: Client;
  let width: number;
  const db = () => ctx.database.db;

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    ({ planner, w1, w6 } = await signInPlannerAndOperators(await ctx.app()));
    const put = await planner.put('/api/mes/operations/OP-001/inspection-plan', {
      items: [{ kind: 'measurement', label: 'Length', requiredAt: 'completion', nominal: 500, lowerTolerance: -1, upperTolerance: 1, unit: 'mm' }],
    });
    expect(put.statusCode, put.body).toBe(200);
    width = put.json().items[0].id;
  });

  const releasedPlan = () => releasePinnedSamplePlan(planner, 'NCR');
  const failLength = async (client: Client, assignmentId: string) => {
    const res = await client.post(`/api/mes/worker-assignments/${assignmentId}/inspection-results`, { results: [{ itemId: width, value: 503.2 }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ affectedQuantity: 1, maxGoodQuantity: 9 });
  };

  it('an approved rework adds a rework step, booked after now, and the step completes with the rest as good', async () => {
    const p = await releasedPlan();
    expect((await w1.post(`/api/mes/worker-assignments/${p.N1}/start`)).statusCode).toBe(200);
    await failLength(w1, p.N1);

    // bad input: nothing written
    await expectNoWrite(db(), async () => {
      expect(
        expectProblem(await w1.post(`/api/mes/worker-assignments/${p.N1}/nonconformances`, { quantity: 11, itemIds: [width], disposition: 'rework' }), 422)
          .field,
      ).toBe('body/quantity');
      expect(
        expectProblem(await w1.post(`/api/mes/worker-assignments/${p.N1}/nonconformances`, { quantity: 1, itemIds: [999999], disposition: 'rework' }), 422)
          .field,
      ).toBe('body/itemIds/0');
      expectProblem(await w1.post(`/api/mes/worker-assignments/${p.N1}/nonconformances`, { quantity: 1, itemIds: [width], disposition: 'melt' }), 400);
      expectProblem(await w6.post(`/api/mes/worker-assignments/${p.N1}/nonconformances`, { quantity: 1, itemIds: [width], disposition: 'rework' }), 403);
    });

    const opened = await w1.post(`/api/mes/worker-assignments/${p.N1}/nonconformances`, {
      quantity: 1,
      itemIds: [width],
      disposition: 'rework',
      note: 'too long by 2.2 mm, can be recut',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const ncr = opened.json();
    expect(ncr).toMatchObject({
      code: expect.stringMatching(/^NCR-\d{4}-\d{3}$/),
      assignmentId: p.N1,
      planId: p.id,
      nodeId: 'N1',
      quantity: 1,
      disposition: 'rework',
      items: [{ id: width, label: 'Length' }],
      approvedBy: null,
      createdBy: 'W-001',
      reworkNodeId: null,
    });
    // opened by an operator: no rework step until a planner approves
    expect((await planner.get(`/api/mes/production-plans/${p.id}`)).json().nodes).toHaveLength(4);
    expectProblem(await w1.post(`/api/mes/nonconformances/${ncr.code}/approve`), 403);

    const before = Date.now();
    const approved = await planner.post(`/api/mes/nonconformances/${ncr.code}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ approvedBy: 'planner', reworkNodeId: 'N1-RW1', reworkAssignmentId: expect.stringMatching(/^WA-/) });
    expectProblem(await planner.post(`/api/mes/nonconformances/${ncr.code}/approve`), 409, /already approved/);
    expectProblem(await planner.post('/api/mes/nonconformances/NCR-0101-999/approve'), 404);

    const plan = (await planner.get(`/api/mes/production-plans/${p.id}`)).json();
    const rework = plan.nodes.find((n: { nodeId: string }) => n.nodeId === 'N1-RW1');
    expect(rework).toMatchObject({ operationId: 'OP-001', quantity: 1, predecessors: ['N1'] });
    expect(rework.assignment).toMatchObject({ id: approved.json().reworkAssignmentId, status: 'pending' });
    // booked now, after now, and after the step it reworks
    const booking = (
      await sql<{ start: Date; status: string }>`select planned_start as start, status from mes.worker_assignments where id = ${rework.assignment.id}`.execute(
        db(),
      )
    ).rows[0]!;
    expect(booking.start.getTime()).toBeGreaterThanOrEqual(before - 60_000);
    const n1End = (await sql<{ end: Date }>`select planned_end as end from mes.worker_assignments where id = ${p.N1}`.execute(db())).rows[0]!.end;
    expect(booking.start.getTime()).toBeGreaterThanOrEqual(n1End.getTime());

    // the failed part is not good here: it goes to the rework step
    expectProblem(await w1.post(`/api/mes/worker-assignments/${p.N1}/complete`, { goodQuantity: 10 }), 409, /at most 9/);
    const done = await w1.post(`/api/mes/worker-assignments/${p.N1}/complete`, { goodQuantity: 9 });
    expect(done.statusCode, done.body).toBe(200);
    // completing N1 readies its rework
    expect((await sql<{ status: string }>`select status from mes.worker_assignments where id = ${rework.assignment.id}`.execute(db())).rows[0]!.status).toBe(
      'ready',
    );

    const list = await planner.get(`/api/mes/production-plans/${p.id}/nonconformances`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((n: { code: string }) => n.code)).toEqual([ncr.code]);
    expectProblem(await w1.get(`/api/mes/production-plans/${p.id}/nonconformances`), 403);
    expect(await runIntegrityChecks(db())).toEqual([]);
  });

  it('use as is unblocks good completion only once a planner approved it', async () => {
    const p = await releasedPlan();
    expect((await w6.post(`/api/mes/worker-assignments/${p.N2}/start`)).statusCode).toBe(200);
    await failLength(w6, p.N2);
    expectProblem(await w6.post(`/api/mes/worker-assignments/${p.N2}/complete`, { goodQuantity: 10 }), 409);

    const opened = await w6.post(`/api/mes/worker-assignments/${p.N2}/nonconformances`, {
      quantity: 1,
      itemIds: [width],
      disposition: 'use_as_is',
      note: 'customer agreed',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    // not approved yet: still blocked
    expectProblem(await w6.post(`/api/mes/worker-assignments/${p.N2}/complete`, { goodQuantity: 10 }), 409);
    expect((await planner.post(`/api/mes/nonconformances/${opened.json().code}/approve`)).statusCode).toBe(200);
    const state = (await w6.get(`/api/mes/worker-assignments/${p.N2}/inspection-results`)).json();
    expect(state).toMatchObject({ affectedQuantity: 1, acceptedAsIs: 1, maxGoodQuantity: 10 });
    const done = await w6.post(`/api/mes/worker-assignments/${p.N2}/complete`, { goodQuantity: 10 });
    expect(done.statusCode, done.body).toBe(200);
    // no rework step for use as is
    expect((await planner.get(`/api/mes/production-plans/${p.id}`)).json().nodes).toHaveLength(4);
  });

  it('a rework opened by a planner is approved and booked at once', async () => {
    const p = await releasedPlan();
    await failLength(planner, p.N2);
    const opened = await planner.post(`/api/mes/worker-assignments/${p.N2}/nonconformances`, { quantity: 2, itemIds: [width], disposition: 'rework' });
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json()).toMatchObject({ approvedBy: 'planner', reworkNodeId: 'N2-RW1', reworkAssignmentId: expect.stringMatching(/^WA-/) });
    const events = await db()
      .selectFrom('mes.events')
      .select(['change', 'entity_id'])
      .where('plan_id', '=', p.id)
      .where('change', 'in', ['nonconformance_opened', 'created'])
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.change)).toContain('nonconformance_opened');
    expect(events.some((e) => e.entity_id === opened.json().reworkAssignmentId)).toBe(true);
  });
});
