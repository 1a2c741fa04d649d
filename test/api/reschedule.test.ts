/**
 * POST /api/mes/schedule/reschedule: the floor's reschedule. A small floor of
 * its own (one station with one substation, one worker always on shift, one
 * operation) where plans compete for the same window; the urgent plan (earlier
 * due date or higher priority) gets it after the reschedule, whatever the
 * release order was. Started steps and pins stay, the total tardiness never
 * grows, a dry run writes nothing, bad input is refused naming the field.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import type { PlanDocument } from '../../src/modules/plans/plans.schema.js';
import { type Client, expectNoWrite, expectProblem, mesContents, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { chainPlan } from '../helpers/plans.js';

const HOUR = 3_600_000;

interface Step {
  nodeId: string;
  assignment: {
    id: string;
    workerId: string;
    stationId: string;
    substationId: string;
    plannedStart: string;
    plannedEnd: string;
    status: string;
    pinned: boolean;
  };
}

/** A plan of `steps` 60-minute steps in a chain on the solo station. */
const soloPlan = (name: string, extra: Partial<PlanDocument>, steps = 2): PlanDocument => ({ ...chainPlan(name, 'ST-900', steps), ...extra });

describeEachEngine('POST /api/mes/schedule/reschedule', (ctx) => {
  let planner: Client;
  const live: string[] = [];

  beforeAll(async () => {
    await seed(ctx.database.db, 'minimal');
    planner = await signIn(await ctx.app(), 'planner');
    // the solo floor: nobody else may work at ST-900
    expect(
      (
        await planner.post('/api/mes/stations', {
          id: 'ST-900',
          name: 'Solo cell',
          operationIds: ['OP-008'],
          substations: [{ id: 'ST-900-01', name: 'Solo 1' }],
        })
      ).statusCode,
    ).toBe(201);
    expect((await planner.post('/api/mes/workers', { id: 'W-900', name: 'Solo Worker', stationIds: ['ST-900'], operationIds: ['OP-008'] })).statusCode).toBe(
      201,
    );
  });

  const create = async (doc: PlanDocument): Promise<string> => {
    const res = await planner.post('/api/mes/production-plans', doc);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  };
  const release = async (id: string) => {
    const res = await planner.post(`/api/mes/production-plans/${id}/release`, {});
    expect(res.statusCode, res.body).toBe(200);
    live.push(id);
  };
  const steps = async (id: string): Promise<Step[]> => (await planner.get(`/api/mes/production-plans/${id}`)).json().nodes;
  const window = async (id: string) => {
    const s = await steps(id);
    return { start: Math.min(...s.map((n) => Date.parse(n.assignment.plannedStart))), end: Math.max(...s.map((n) => Date.parse(n.assignment.plannedEnd))) };
  };
  const reschedule = (planIds: string[] | undefined, dryRun = false) =>
    planner.post(`/api/mes/schedule/reschedule${dryRun ? '?dryRun=true' : ''}`, planIds ? { planIds } : {});
  /** Cancels the plans of a test, so the next one finds the solo floor free. */
  const clearFloor = async () => {
    for (const id of live.splice(0)) {
      // a plan in production is paused before it can be cancelled
      if ((await planner.get(`/api/mes/production-plans/${id}`)).json().status === 'in_production')
        await planner.post(`/api/mes/production-plans/${id}/pause`, {});
      const res = await planner.post(`/api/mes/production-plans/${id}/cancel`, {});
      expect(res.statusCode, res.body).toBe(200);
    }
  };

  afterEach(clearFloor);

  const competitors = [
    { why: 'an earlier due date', lax: { priority: 3, dueOffset: 240 * HOUR }, urgent: { priority: 3, dueOffset: 2.5 * HOUR } },
    { why: 'a higher priority', lax: { priority: 3, dueOffset: 2.5 * HOUR }, urgent: { priority: 1, dueOffset: 2.5 * HOUR } },
  ];
  for (const c of competitors) {
    for (const order of ['lax released first', 'urgent released first'] as const) {
      it(`gives the window to the plan with ${c.why}, whichever was released first (${order})`, async () => {
        const now = Date.now();
        const lax = await create(soloPlan(`Lax ${order}`, { priority: c.lax.priority, dueDate: new Date(now + c.lax.dueOffset).toISOString() }));
        const urgent = await create(soloPlan(`Urgent ${order}`, { priority: c.urgent.priority, dueDate: new Date(now + c.urgent.dueOffset).toISOString() }));
        for (const id of order === 'lax released first' ? [lax, urgent] : [urgent, lax]) await release(id);

        const dry = await reschedule([lax, urgent], true);
        expect(dry.statusCode, dry.body).toBe(200);
        const res = await reschedule([lax, urgent]);
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json();
        // a new schedule starts from now, a little later than the current one was planned: it is applied only when at least as good
        if (body.accepted) expect(body.after.weightedTardiness).toBeLessThanOrEqual(body.before.weightedTardiness);
        else expect(body).toMatchObject({ applied: false, moved: expect.any(Number) });
        expect(body.plans.map((p: { id: string }) => p.id)).toEqual([lax, urgent]);
        const urgentNow = body.plans.find((p: { id: string }) => p.id === urgent)[body.applied ? 'after' : 'before'];
        expect(urgentNow.latenessMinutes).toBe(0);
        if (order === 'lax released first') {
          // the release gave the lax plan the first window; the reschedule gives it to the urgent one
          expect(body.after.weightedTardiness).toBeLessThan(body.before.weightedTardiness);
          expect(body).toMatchObject({ dryRun: false, accepted: true, applied: true, moved: 4 });
          expect(dry.json()).toMatchObject({ dryRun: true, applied: false, accepted: true, moved: 4, before: body.before });
        }
        const [u, l] = [await window(urgent), await window(lax)];
        expect(u.end).toBeLessThanOrEqual(l.start);
        expect(u.end).toBeLessThanOrEqual(now + c.urgent.dueOffset);
        expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
      });
    }
  }

  it('keeps started steps and future pins (same ids, times, resources) and moves the rest', async () => {
    const now = Date.now();
    const started = await create(soloPlan('Started', { priority: 3, dueDate: new Date(now + 240 * HOUR).toISOString() }));
    const urgent = await create(soloPlan('Urgent', { priority: 1, dueDate: new Date(now + 3.5 * HOUR).toISOString() }));
    const pinned = await create(soloPlan('Pinned', { priority: 5, dueDate: new Date(now + 240 * HOUR).toISOString() }, 1));
    for (const id of [started, pinned, urgent]) await release(id);
    // the first step of `started` is on the floor; the pinned plan's step moves to tomorrow and is pinned there
    const first = (await steps(started))[0]!.assignment;
    expect((await planner.post(`/api/mes/worker-assignments/${first.id}/start`, {})).statusCode).toBe(200);
    const pin = (await steps(pinned))[0]!.assignment;
    const tomorrow = new Date(Math.ceil((now + 24 * HOUR) / HOUR) * HOUR).toISOString();
    expect((await planner.put(`/api/mes/worker-assignments/${pin.id}`, { plannedStart: tomorrow })).statusCode).toBe(200);
    const keptBefore = [(await steps(started))[0]!.assignment, (await steps(pinned))[0]!.assignment];
    const openIds = async () =>
      (
        await sql<{
          id: string;
        }>`select id from mes.worker_assignments where plan_id = any(${[started, urgent, pinned]}::text[]) and status <> 'cancelled' order by id`.execute(
          ctx.database.db,
        )
      ).rows.map((r) => r.id);
    const idsBefore = await openIds();
    const lastEvent = (await sql<{ id: string }>`select coalesce(max(id), 0) as id from mes.events`.execute(ctx.database.db)).rows[0]!.id;

    const res = await reschedule([started, urgent, pinned]);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.after.weightedTardiness).toBeLessThanOrEqual(body.before.weightedTardiness);
    expect(body).toMatchObject({ applied: true, after: { latePlans: 0 } });
    const keptAfter = [(await steps(started))[0]!.assignment, (await steps(pinned))[0]!.assignment];
    expect(keptAfter).toEqual(keptBefore);
    expect(keptAfter[0]).toMatchObject({ status: 'in_progress' });
    expect(keptAfter[1]).toMatchObject({ pinned: true, plannedStart: tomorrow });
    // the urgent plan follows the started step, before the rest of its plan
    const [u, rest] = [await window(urgent), (await steps(started))[1]!.assignment];
    expect(u.start).toBe(Date.parse(keptAfter[0]!.plannedEnd));
    expect(u.end).toBeLessThanOrEqual(Date.parse(rest.plannedStart));
    // the moved steps keep their bookings (moved in place, each with a rescheduled event saying where from), none is cancelled
    expect(await openIds()).toEqual(idsBefore);
    const moves = await sql<{ id: string; from: unknown }>`
      select entity_id as id, payload->'from' as "from" from mes.events where topic = 'assignments' and change = 'rescheduled' and plan_id = ${urgent}`.execute(
      ctx.database.db,
    );
    expect(moves.rows.length).toBeGreaterThan(0);
    expect(moves.rows[0]!.from).toMatchObject({ plannedStart: expect.any(String), workerId: expect.any(String) });
    // every worker who lost or got a step hears it once for the whole floor, with the plans concerned
    const told = await sql<{ workerId: string; planIds: string[] }>`
      select worker_id as "workerId", payload->'planIds' as "planIds" from mes.events
       where topic = 'workers' and change = 'schedule_changed' and id > ${lastEvent}`.execute(ctx.database.db);
    const moved = await sql<{ workerId: string; planId: string }>`
      select e.worker_id as "workerId", e.plan_id as "planId" from mes.events e where e.id > ${lastEvent} and e.topic = 'assignments' and e.change = 'rescheduled'
      union select e.payload->'from'->>'workerId', e.plan_id from mes.events e where e.id > ${lastEvent} and e.topic = 'assignments' and e.change = 'rescheduled'`.execute(
      ctx.database.db,
    );
    const expected = new Map<string, Set<string>>();
    for (const r of moved.rows) expected.set(r.workerId, (expected.get(r.workerId) ?? new Set()).add(r.planId));
    expect(told.rows.map((r) => r.workerId).sort()).toEqual([...expected.keys()].sort());
    for (const r of told.rows) expect(r.planIds).toEqual([...expected.get(r.workerId)!].sort());
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
  });

  it('writes nothing on a dry run: assignments, ledger, events and plans stay exactly as they were', async () => {
    const now = Date.now();
    const lax = await create(soloPlan('Dry lax', { priority: 4, dueDate: new Date(now + 240 * HOUR).toISOString() }));
    const urgent = await create(soloPlan('Dry urgent', { priority: 2, dueDate: new Date(now + 2 * HOUR).toISOString() }));
    await release(lax);
    await release(urgent);
    const before = await mesContents(ctx.database.db);
    const events = await sql<{ n: number }>`select count(*)::int as n from mes.events`.execute(ctx.database.db);
    for (const planIds of [[lax, urgent], undefined]) {
      const res = await reschedule(planIds, true);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ dryRun: true, applied: false, accepted: true });
      expect(res.json().moved).toBeGreaterThan(0);
    }
    expect(await mesContents(ctx.database.db)).toEqual(before);
    expect((await sql<{ n: number }>`select count(*)::int as n from mes.events`.execute(ctx.database.db)).rows[0]!.n).toBe(events.rows[0]!.n);
  });

  it('by default reschedules every released or in-production plan, and leaves a floor it cannot improve as it is', async () => {
    const now = Date.now();
    const urgent = await create(soloPlan('Default urgent', { priority: 1, dueDate: new Date(now + 2.5 * HOUR).toISOString() }));
    const lax = await create(soloPlan('Default lax', { priority: 5 }));
    await release(urgent);
    await release(lax);
    const res = await reschedule(undefined, true);
    expect(res.statusCode, res.body).toBe(200);
    const ids = res.json().plans.map((p: { id: string }) => p.id);
    expect(ids).toEqual(expect.arrayContaining([urgent, lax]));
    const statuses = await sql<{ id: string }>`select id from mes.production_plans where status in ('released', 'in_production') order by id`.execute(
      ctx.database.db,
    );
    expect([...ids].sort()).toEqual(statuses.rows.map((r) => r.id));
    // already in due-date order: the new schedule starts later than the current one, so the current one stays
    const applied = await expectNoWriteOr(async () => (await reschedule([urgent, lax])).json());
    expect(applied.after.weightedTardiness).toBeGreaterThanOrEqual(0);
  });

  /** Weighted tardiness of plans as the database has them now: completion = last planned end of an active step, weight 2^(3 - priority). */
  async function floorTardiness(planIds: string[]): Promise<number> {
    const rows = await sql<{ end: Date; due: Date | null; priority: number }>`
      select max(a.planned_end) as "end", p.due_date as due, p.priority from mes.production_plans p
        join mes.worker_assignments a on a.plan_id = p.id and a.status <> 'cancelled'
       where p.id = any(${planIds}::text[]) group by p.id`.execute(ctx.database.db);
    return rows.rows.reduce((t, r) => {
      const late = r.due ? (new Date(r.end).getTime() - new Date(r.due).getTime()) / 60_000 : 0;
      return t + (late > 0 ? 2 ** (3 - r.priority) * late : 0);
    }, 0);
  }

  it('never makes the floor later: random small floors, any release order (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            steps: fc.integer({ min: 1, max: 3 }),
            dueHours: fc.option(fc.integer({ min: 1, max: 12 }), { freq: 4 }),
            priority: fc.integer({ min: 1, max: 5 }),
          }),
          {
            minLength: 2,
            maxLength: 3,
          },
        ),
        async (raw) => {
          const now = Date.now();
          const ids: string[] = [];
          for (const [i, r] of raw.entries()) {
            const extra = { priority: r.priority, ...(r.dueHours !== null ? { dueDate: new Date(now + r.dueHours * HOUR).toISOString() } : {}) };
            ids.push(await create(soloPlan(`Random ${i}`, extra, r.steps)));
          }
          for (const id of ids) await release(id);
          const before = await floorTardiness(ids);
          const res = await reschedule(ids);
          expect(res.statusCode, res.body).toBe(200);
          const body = res.json();
          expect(body.before.weightedTardiness).toBeCloseTo(before, 1);
          const after = await floorTardiness(ids);
          expect(after).toBeLessThanOrEqual(before + 1e-6);
          if (body.applied) expect(after).toBeCloseTo(body.after.weightedTardiness, 1);
          else expect(after).toBe(before);
          expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
          await clearFloor();
        },
      ),
      { numRuns: 6 },
    );
  });

  /** Runs a reschedule; if it was not applied, nothing may have changed. */
  async function expectNoWriteOr(run: () => Promise<{ applied: boolean; after: { weightedTardiness: number } }>) {
    const before = await mesContents(ctx.database.db);
    const body = await run();
    if (!body.applied) expect(await mesContents(ctx.database.db)).toEqual(before);
    return body;
  }

  it('refuses unknown, draft and cancelled plans naming planIds/i, and bad bodies, writing nothing', async () => {
    const draft = await create(soloPlan('Draft', {}));
    const cancelled = await create(soloPlan('Cancelled', {}));
    await release(cancelled);
    await clearFloor();
    const ok = await create(soloPlan('Ok', {}));
    await release(ok);
    await expectNoWrite(ctx.database.db, async () => {
      const unknown = expectProblem(await reschedule([ok, 'PPL-0101-999']), 422, /plan PPL-0101-999 does not exist/);
      expect(unknown.field).toBe('body/planIds/1');
      const d = expectProblem(await reschedule([draft]), 422, new RegExp(`plan ${draft} is draft`));
      expect(d.field).toBe('body/planIds/0');
      const c = expectProblem(await reschedule([ok, ok, cancelled]), 422, new RegExp(`plan ${cancelled} is cancelled`));
      expect(c.field).toBe('body/planIds/2');
      expectProblem(await reschedule([]), 400);
      expectProblem(await planner.post('/api/mes/schedule/reschedule', { planIds: [ok], extra: 1 }), 400);
      expectProblem(await planner.post('/api/mes/schedule/reschedule?dryRun=maybe', { planIds: [ok] }), 400);
    });
  });
});
