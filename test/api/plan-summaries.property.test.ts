/**
 * Property (issue #18 item 4): after random sequences of writes — drafts
 * created, replaced and deleted, plans released, steps started, paused,
 * resumed and completed, plans cancelled, the floor
 * rescheduled, due dates changed in plain SQL, and, in a transaction rolled
 * back afterwards, bookings moved in plain SQL and finished plans archived —
 * every plan's kept list figures (migration 0038) equal their computation
 * from scratch (the doctor's plan_summaries_match), inside the writing
 * transaction too; and the list shows them as the plans' own rows say.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { integrityChecks } from '../../src/integrity/checks.js';
import { moveToArchive } from '../../src/modules/plans/archive.repository.js';
import { findPlanDetail } from '../../src/modules/plans/index.js';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { type Client, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';

const workers = ['W-940', 'W-941'];
const substations = ['ST-940-01', 'ST-940-02'];

const planShape = fc.array(
  fc.record({ worker: fc.integer({ min: 0, max: 1 }), substation: fc.integer({ min: 0, max: 1 }), minutes: fc.integer({ min: 5, max: 60 }) }),
  { minLength: 1, maxLength: 3 },
);
const action = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('start' as const), step: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pause' as const), step: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('resume' as const), step: fc.nat(20) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('complete' as const), step: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), plan: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reschedule' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('due' as const), plan: fc.nat(5), hours: fc.option(fc.integer({ min: -48, max: 48 })) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('draft' as const), nodes: fc.integer({ min: 1, max: 4 }), then: fc.constantFrom('keep', 'replace', 'delete') }),
  },
);

const check = integrityChecks.find((c) => c.name === 'plan_summaries_match')!;

describeEachEngine('kept plan list figures equal their computation (property)', (ctx) => {
  let planner: Client;
  const db = () => ctx.database.db;

  beforeAll(async () => {
    await seed(db(), 'minimal');
    planner = await signIn(await ctx.app(), 'planner');
    const station = await planner.post('/api/mes/stations', {
      id: 'ST-940',
      name: 'Summary cell',
      operationIds: ['OP-008'],
      substations: substations.map((id, i) => ({ id, name: `Summary ${i + 1}` })),
    });
    expect(station.statusCode, station.body).toBe(201);
    for (const id of workers) {
      const res = await planner.post('/api/mes/workers', { id, name: `Summary ${id}`, stationIds: ['ST-940'], operationIds: ['OP-008'] });
      expect(res.statusCode, res.body).toBe(201);
    }
  });

  const documentOf = (name: string, shape: { worker: number; substation: number; minutes: number }[]): PlanDocument => ({
    workOrderCode: `WO-${name}`,
    name,
    quantity: 2,
    dueDate: new Date(Date.now() + 2 * 3_600_000).toISOString(),
    nodes: shape.map((s, i) => ({
      nodeId: `N${i + 1}`,
      name: `${name} ${i + 1}`,
      operationId: 'OP-008',
      nominalTime: s.minutes,
      predecessors: i === 0 ? [] : [`N${i}`],
      assignedStations: [{ stationId: 'ST-940', priority: 1 }],
      materialInputs: [],
      pin: { stationId: 'ST-940', substationId: substations[s.substation]!, workerId: workers[s.worker]! },
    })),
  });

  const release = async (name: string, shape: { worker: number; substation: number; minutes: number }[]) => {
    const created = await planner.post('/api/mes/production-plans', documentOf(name, shape));
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const res = await planner.post(`/api/mes/production-plans/${id}/release`, {});
    expect(res.statusCode, res.body).toBe(200);
    return id;
  };

  const summariesHold = async (label: string, on: Db = db()) => {
    const { rows } = await check.query.execute(on);
    expect(rows, `${label}: kept figures differ from their computation`).toEqual([]);
  };

  /** The list's figures of these plans against their own rows, nodes and assignments (the list's reads before 0038). */
  const listShowsThem = async (planIds: string[]) => {
    const res = await planner.get(`/api/mes/production-plans?limit=200&sort=code`);
    const items = (res.json().items as Record<string, unknown>[]).filter((i) => planIds.includes(i.id as string));
    const { rows } = await sql<Record<string, unknown>>`
      select p.id, (select count(*)::int from mes.production_plan_nodes n where n.plan_id = p.id) as "nodeCount",
             (select count(*)::int from mes.worker_assignments a where a.plan_id = p.id and a.status = 'completed') as "completedNodes",
             (select count(*)::int from mes.worker_assignments a where a.plan_id = p.id and a.status not in ('completed', 'cancelled')
                 and a.planned_end < now()) as "lateNodes"
        from mes.production_plans p where p.id = any(${planIds}::text[]) order by p.id`.execute(db());
    expect(items.map((i) => ({ id: i.id, nodeCount: i.nodeCount, completedNodes: i.completedNodes, lateNodes: i.lateNodes }))).toEqual(rows);
  };

  it('after random drafts, releases, shop-floor actions, cancellations, reschedules, due dates, moves and archiving', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(planShape, { minLength: 1, maxLength: 3 }),
        fc.array(action, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: -120, max: 120 }),
        async (plans, actions, shiftMinutes) => {
          run++;
          const planIds: string[] = [];
          for (const [i, shape] of plans.entries()) planIds.push(await release(`S${run}-${i}`, shape));
          const steps = (
            await db()
              .selectFrom('mes.worker_assignments')
              .select('id')
              .where('plan_id', 'in', planIds)
              .where('status', '<>', 'cancelled')
              .orderBy('id')
              .execute()
          ).map((r) => r.id);
          for (const [n, a] of actions.entries()) {
            if (a.kind === 'cancel') {
              const res = await planner.post(`/api/mes/production-plans/${planIds[a.plan % planIds.length]}/cancel`, {});
              expect([200, 409, 422], res.body).toContain(res.statusCode);
              continue;
            }
            if (a.kind === 'reschedule') {
              const res = await planner.post('/api/mes/schedule/reschedule', {});
              expect([200, 409, 422], res.body).toContain(res.statusCode);
              continue;
            }
            if (a.kind === 'due') {
              const due = a.hours === null ? null : new Date(Date.now() + a.hours * 3_600_000);
              await sql`update mes.production_plans set due_date = ${due} where id = ${planIds[a.plan % planIds.length]}`.execute(db());
              continue;
            }
            if (a.kind === 'draft') {
              const shape = Array.from({ length: a.nodes }, (_, i) => ({ worker: i % 2, substation: 0, minutes: 10 }));
              const created = await planner.post('/api/mes/production-plans', documentOf(`D${run}-${n}`, shape));
              expect(created.statusCode, created.body).toBe(201);
              const id = created.json().id as string;
              if (a.then === 'replace') {
                // another node count: one fewer, or one more for a single node
                const replaced = shape.length > 1 ? shape.slice(1) : [...shape, { worker: 1, substation: 0, minutes: 10 }];
                const res = await planner.put(`/api/mes/production-plans/${id}`, { ...documentOf(`D${run}-${n}`, replaced), version: 1 });
                expect(res.statusCode, res.body).toBe(200);
              }
              if (a.then === 'delete') expect((await planner.delete(`/api/mes/production-plans/${id}`)).statusCode).toBe(204);
              continue;
            }
            const fits = ({ start: ['ready'], pause: ['in_progress'], resume: ['paused'], complete: ['in_progress', 'paused'] } as const)[a.kind];
            const fitting = (
              await db().selectFrom('mes.worker_assignments').select('id').where('plan_id', 'in', planIds).where('status', 'in', fits).orderBy('id').execute()
            ).map((r) => r.id);
            const pool = fitting.length > 0 ? fitting : steps;
            const id = pool[a.step % pool.length]!;
            if (a.kind === 'complete' && fitting.length === 0) await planner.post(`/api/mes/worker-assignments/${id}/start`, {});
            const body = a.kind === 'pause' ? { reason: 'break' } : a.kind === 'complete' ? { goodQuantity: 2, scrapQuantity: 0, overrun: true } : {};
            const res = await planner.post(`/api/mes/worker-assignments/${id}/${a.kind}`, body);
            expect([200, 409, 422], res.body).toContain(res.statusCode);
          }
          await summariesHold('after the sequence');
          await listShowsThem(planIds);

          // plain SQL in one transaction, rolled back: bookings moved (their exclusion constraints deferred, never checked),
          // a step deleted, a node added, then the finished plans archived; the figures hold inside the transaction
          const rolledBack = new Error('rolled back');
          await db()
            .transaction()
            .execute(async (trx) => {
              await sql`set constraints all deferred`.execute(trx);
              await sql`update mes.worker_assignments set planned_start = planned_start + make_interval(mins => ${shiftMinutes}),
                          planned_end = planned_end + make_interval(mins => ${shiftMinutes})
                         where plan_id = any(${planIds}::text[]) and status in ('pending', 'ready')`.execute(trx);
              await summariesHold('after moving bookings', trx);
              await sql`delete from mes.worker_assignments where id = (select min(id) from mes.worker_assignments where plan_id = any(${planIds}::text[]) and status = 'cancelled')`.execute(
                trx,
              );
              await summariesHold('after deleting a step', trx);
              for (const id of planIds) {
                const document = (await findPlanDetail(trx, id))!;
                if (document.status === 'completed' || document.status === 'cancelled') await moveToArchive(trx, new Map([[id, document]]), 'test');
              }
              await summariesHold('after archiving', trx);
              throw rolledBack;
            })
            .catch((error: unknown) => {
              if (error !== rolledBack) throw error;
            });
          await summariesHold('after the rollback');
          // what is still open is cancelled, so the next sequence finds its workers and substations free
          for (const id of planIds) {
            const status = (await planner.get(`/api/mes/production-plans/${id}`)).json().status;
            if (status === 'in_production') await planner.post(`/api/mes/production-plans/${id}/pause`, {});
            if (status !== 'completed' && status !== 'cancelled') await planner.post(`/api/mes/production-plans/${id}/cancel`, {});
          }
          await summariesHold('after cancelling');
        },
      ),
      { numRuns: 6 },
    );
    // the sequences completed steps (else the figures compared little)
    const done = (await sql<{ n: number }>`select count(*)::int as n from mes.plan_summaries where completed_count > 0`.execute(db())).rows[0]!.n;
    expect(done).toBeGreaterThan(0);
  }, 300_000);
});
