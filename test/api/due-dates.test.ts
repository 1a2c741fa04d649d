/**
 * Due dates, priorities, projected end and lateness (issue #16, item 1): the
 * fields round-trip through create, update, import and export; bad values are
 * refused naming the field with nothing written; lateness is the projected end
 * against the due date and follows moves and completions; the plans list
 * sorts by them and filters late plans.
 */
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { type Client, expectNoWrite, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { samplePlan } from '../helpers/plans.js';

interface Assignment {
  id: string;
  workerId: string;
  plannedStart: string;
  plannedEnd: string;
  actualEnd: string | null;
}
interface Detail {
  id: string;
  status: string;
  version: number;
  dueDate: string | null;
  priority: number;
  projectedEnd: string | null;
  latenessMinutes: number | null;
  late: boolean;
  completedAt: string | null;
  nodes: { nodeId: string; quantity: number; predecessors: string[]; assignment: Assignment | null }[];
}
interface Row {
  id: string;
  dueDate: string | null;
  priority: number;
  projectedEnd: string | null;
  latenessMinutes: number | null;
  late: boolean;
}

const minutesBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 60_000);
const latestEnd = (plan: Detail) => new Date(Math.max(...plan.nodes.map((n) => Date.parse(n.assignment!.actualEnd ?? n.assignment!.plannedEnd)))).toISOString();

describeEachEngine('plan due dates, priorities and lateness', (ctx) => {
  let planner: Client;
  const db = () => ctx.database.db;
  const detail = async (id: string) => {
    const res = await planner.get(`/api/mes/production-plans/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Detail;
  };
  const create = async (doc: object) => {
    const res = await planner.post('/api/mes/production-plans', doc);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Detail;
  };
  const release = async (id: string) => {
    const res = await planner.post(`/api/mes/production-plans/${id}/release`, { allowShortage: true });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().plan as Detail;
  };
  const list = async (query: string) => {
    const res = await planner.get(`/api/mes/production-plans?q=WO-DUE&limit=500&${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Row[]; total: number };
  };

  beforeAll(async () => {
    await seed(db(), 'default');
    planner = await signIn(await ctx.app(), 'planner');
  });

  it('round-trips dueDate and priority through create, detail, list, export, import and update; priority defaults to 3', async () => {
    const created = await create(samplePlan({ workOrderCode: 'WO-RT-1', dueDate: '2027-03-01T10:30:00+02:00', priority: 1 }));
    expect(created).toMatchObject({ dueDate: '2027-03-01T08:30:00.000Z', priority: 1, projectedEnd: null, latenessMinutes: null, late: false });
    expect(await detail(created.id)).toMatchObject({ dueDate: '2027-03-01T08:30:00.000Z', priority: 1 });
    const row = (await planner.get('/api/mes/production-plans?q=WO-RT-1')).json().items[0] as Row;
    expect(row).toMatchObject({ id: created.id, dueDate: '2027-03-01T08:30:00.000Z', priority: 1, projectedEnd: null, latenessMinutes: null, late: false });

    const exported = (await planner.get(`/api/mes/production-plans/${created.id}/export`)).json();
    expect(exported).toMatchObject({ dueDate: '2027-03-01T08:30:00.000Z', priority: 1 });
    const imported = await planner.post('/api/mes/production-plans/import', exported);
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json()).toMatchObject({ dueDate: '2027-03-01T08:30:00.000Z', priority: 1 });
    expect((await planner.get(`/api/mes/production-plans/${imported.json().id}/export`)).json()).toEqual(exported);

    const put = async (doc: object, version: number) => {
      const res = await planner.put(`/api/mes/production-plans/${created.id}`, { ...doc, version });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Detail;
    };
    const updated = await put(samplePlan({ workOrderCode: 'WO-RT-1', dueDate: '2027-04-02T00:00:00Z', priority: 5 }), 1);
    expect(updated).toMatchObject({ version: 2, dueDate: '2027-04-02T00:00:00.000Z', priority: 5 });
    expect(await detail(created.id)).toMatchObject({ dueDate: '2027-04-02T00:00:00.000Z', priority: 5 });
    // a replaced draft without them has no due date and the default priority; null clears the due date too
    expect(await put(samplePlan({ workOrderCode: 'WO-RT-1' }), 2)).toMatchObject({ dueDate: null, priority: 3 });
    expect(await put(samplePlan({ workOrderCode: 'WO-RT-1', dueDate: null, priority: 2 }), 3)).toMatchObject({ dueDate: null, priority: 2 });
    const noDue = (await planner.get(`/api/mes/production-plans/${created.id}/export`)).json();
    expect(noDue).not.toHaveProperty('dueDate');
    expect(noDue.priority).toBe(2);

    const plain = await create(samplePlan({ workOrderCode: 'WO-RT-2' }));
    expect(plain).toMatchObject({ dueDate: null, priority: 3 });
    const stored = await db().selectFrom('mes.production_plans').select(['due_date', 'priority']).where('id', '=', plain.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ due_date: null, priority: 3 });
  });

  it('refuses a due date that is not a date-time and a priority outside 1–5, naming the field, and writes nothing', async () => {
    const draft = await create(samplePlan({ workOrderCode: 'WO-BAD-1' }));
    const countsBefore = await sql<{ plans: number; events: number }>`
      select (select count(*)::int from mes.production_plans) as plans, (select count(*)::int from mes.events) as events`.execute(db());
    await expectNoWrite(db(), async () => {
      for (const dueDate of ['tomorrow', '2026-13-01', '2026-12-01', '2026-12-01T25:00:00Z', 20261201, true]) {
        for (const [method, url, extra] of [
          ['post', '/api/mes/production-plans', {}],
          ['post', '/api/mes/production-plans/import', {}],
          ['put', `/api/mes/production-plans/${draft.id}`, { version: 1 }],
        ] as const) {
          const problem = expectProblem(await planner[method](url, { ...samplePlan({ workOrderCode: 'WO-BAD-1' }), dueDate, ...extra }), 400);
          expect(problem.field, `${method} ${url} dueDate ${String(dueDate)}`).toBe('body/dueDate');
        }
      }
      for (const priority of [0, 6, 2.5, '3', -1, null]) {
        for (const [method, url, extra] of [
          ['post', '/api/mes/production-plans', {}],
          ['post', '/api/mes/production-plans/import', {}],
          ['put', `/api/mes/production-plans/${draft.id}`, { version: 1 }],
        ] as const) {
          const problem = expectProblem(await planner[method](url, { ...samplePlan({ workOrderCode: 'WO-BAD-1' }), priority, ...extra }), 400);
          expect(problem.field, `${method} ${url} priority ${String(priority)}`).toBe('body/priority');
        }
      }
    });
    const countsAfter = await sql<{ plans: number; events: number }>`
      select (select count(*)::int from mes.production_plans) as plans, (select count(*)::int from mes.events) as events`.execute(db());
    expect(countsAfter.rows).toEqual(countsBefore.rows);
    expect(await detail(draft.id)).toMatchObject({ version: 1, dueDate: null, priority: 3 });
    // the database keeps the range whoever writes
    await expect(sql`update mes.production_plans set priority = 6 where id = ${draft.id}`.execute(db())).rejects.toMatchObject({ code: '23514' });
    await expect(sql`update mes.production_plans set priority = 0 where id = ${draft.id}`.execute(db())).rejects.toMatchObject({ code: '23514' });
  });

  // the plans of the lateness tests: due before their schedule can end, due far ahead, no due date, a draft
  const ids: Record<'due' | 'ahead' | 'none' | 'draft', string> = { due: '', ahead: '', none: '', draft: '' };
  let dueAt = '';

  it('computes the projected end and the lateness of released plans (late, on time, no due date) and of none for drafts', async () => {
    // due now: any schedule made from now on ends after it
    dueAt = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    ids.due = (await create(samplePlan({ workOrderCode: 'WO-DUE-A', dueDate: dueAt, priority: 2 }))).id;
    ids.ahead = (await create(samplePlan({ workOrderCode: 'WO-DUE-B', dueDate: '2100-01-01T00:00:00Z', priority: 1 }))).id;
    ids.none = (await create(samplePlan({ workOrderCode: 'WO-DUE-C', priority: 5 }))).id;
    ids.draft = (await create(samplePlan({ workOrderCode: 'WO-DUE-D', dueDate: '2020-01-01T00:00:00Z', priority: 4 }))).id;

    const late = await release(ids.due);
    const end = latestEnd(late);
    expect(late).toMatchObject({ projectedEnd: end, latenessMinutes: minutesBetween(dueAt, end), late: true });
    expect(late.latenessMinutes).toBeGreaterThan(0);
    expect(await detail(ids.due)).toMatchObject({ projectedEnd: end, latenessMinutes: minutesBetween(dueAt, end), late: true });

    const ahead = await release(ids.ahead);
    expect(ahead).toMatchObject({ projectedEnd: latestEnd(ahead), latenessMinutes: minutesBetween('2100-01-01T00:00:00Z', latestEnd(ahead)), late: false });
    expect(ahead.latenessMinutes).toBeLessThan(0);

    const none = await release(ids.none);
    expect(none).toMatchObject({ projectedEnd: latestEnd(none), latenessMinutes: null, late: false });
    // a draft has no schedule: no projection even with a due date long past
    expect(await detail(ids.draft)).toMatchObject({ projectedEnd: null, latenessMinutes: null, late: false });

    // the list shows the same
    const rows = new Map((await list('')).items.map((r) => [r.id, r]));
    expect(rows.get(ids.due)).toMatchObject({ projectedEnd: end, latenessMinutes: minutesBetween(dueAt, end), late: true });
    expect(rows.get(ids.ahead)).toMatchObject({ late: false, latenessMinutes: ahead.latenessMinutes });
    expect(rows.get(ids.none)).toMatchObject({ projectedEnd: none.projectedEnd, latenessMinutes: null, late: false });
    expect(rows.get(ids.draft)).toMatchObject({ projectedEnd: null, latenessMinutes: null, late: false });
  });

  it('sorts the list by due date, priority, projected end, lateness and code, values missing last, and filters late plans', async () => {
    const order = async (query: string) => (await list(query)).items.map((r) => r.id);
    expect(await order('sort=dueDate')).toEqual([ids.draft, ids.due, ids.ahead, ids.none]);
    expect(await order('sort=dueDate&direction=desc')).toEqual([ids.ahead, ids.due, ids.draft, ids.none]);
    expect(await order('sort=priority')).toEqual([ids.ahead, ids.due, ids.draft, ids.none]);
    expect(await order('sort=priority&direction=desc')).toEqual([ids.none, ids.draft, ids.due, ids.ahead]);
    // by projected end: the released plans by their ends (ties by code), the draft (none) last
    const rows = (await list('')).items;
    const byEnd = (direction: 1 | -1) =>
      rows
        .filter((r) => r.projectedEnd !== null)
        .sort((a, b) => direction * (Date.parse(a.projectedEnd!) - Date.parse(b.projectedEnd!)) || direction * (a.id < b.id ? -1 : 1))
        .map((r) => r.id);
    expect(await order('sort=projectedEnd')).toEqual([...byEnd(1), ids.draft]);
    expect(await order('sort=projectedEnd&direction=desc')).toEqual([...byEnd(-1), ids.draft]);
    // by lateness: late, then on time; without a lateness last (ties by code, here descending)
    expect(await order('sort=lateness&direction=desc')).toEqual([ids.due, ids.ahead, ids.draft, ids.none]);
    expect(await order('sort=lateness')).toEqual([ids.ahead, ids.due, ids.none, ids.draft]);
    expect(await order('sort=code')).toEqual([...Object.values(ids)].sort());
    expect(await order('sort=code&direction=desc')).toEqual([...Object.values(ids)].sort().reverse());
    expect(await order('')).toEqual([ids.draft, ids.none, ids.ahead, ids.due]); // newest first, as before

    const onlyLate = await list('late=true&count=true');
    expect(onlyLate.items.map((r) => r.id)).toEqual([ids.due]);
    expect(onlyLate.total).toBe(1);
    expect(await list('late=true')).not.toHaveProperty('total'); // counted only when asked
    expect((await order('late=false&sort=code')).sort()).toEqual([ids.ahead, ids.none, ids.draft].sort());

    // pages of a sorted list neither repeat nor skip a plan, ties (priority 3 of the seed's plans) included
    const all = (await planner.get('/api/mes/production-plans?sort=priority&limit=500&count=true')).json();
    const paged: string[] = [];
    for (let offset = 0; offset < all.total; offset += 3) {
      const page = (await planner.get(`/api/mes/production-plans?sort=priority&limit=3&offset=${offset}&count=true`)).json();
      expect(page.total).toBe(all.total);
      paged.push(...page.items.map((r: Row) => r.id));
    }
    expect(paged).toEqual(all.items.map((r: Row) => r.id));
    expect(new Set(paged).size).toBe(all.total);
  });

  it('pages by cursor in every order and direction: the pages, joined, are the whole list, missing values and ties included', async () => {
    // the seed's plans and this file's: ties (priority 3, plans created in one statement) and missing due dates, projections and lateness
    const get = async (query: string) => {
      const res = await planner.get(`/api/mes/production-plans?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { items: Row[]; nextCursor: string | null; total?: number };
    };
    for (const sort of ['createdAt', 'code', 'dueDate', 'priority', 'projectedEnd', 'lateness']) {
      for (const direction of ['asc', 'desc']) {
        for (const filter of ['', '&late=false', '&q=WO-DUE']) {
          const order = `sort=${sort}&direction=${direction}${filter}`;
          const whole = await get(`${order}&limit=500&count=true`);
          expect(whole.nextCursor).toBeNull();
          expect(whole.items.length).toBe(whole.total);
          const paged: string[] = [];
          let page = await get(`${order}&limit=2`);
          for (let n = 0; ; n++) {
            expect(n).toBeLessThan(whole.items.length); // every page moves on
            paged.push(...page.items.map((r) => r.id));
            if (page.nextCursor === null) break;
            expect(page.items).toHaveLength(2);
            page = await get(`${order}&limit=2&cursor=${encodeURIComponent(page.nextCursor)}`);
          }
          expect(paged, order).toEqual(whole.items.map((r) => r.id));
        }
      }
    }
    // the last page says so; an empty list has no cursor
    expect((await get('q=WO-DUE-A&limit=1')).nextCursor).toBeNull();
    expect(await get('q=no-such-plan-anywhere')).toMatchObject({ items: [], nextCursor: null });
  });

  it('refuses a cursor that is not one the list gave, one of another order, and a cursor with an offset, naming the field', async () => {
    const first = (await planner.get('/api/mes/production-plans?sort=dueDate&limit=1')).json() as { nextCursor: string };
    expect(first.nextCursor).toEqual(expect.any(String));
    const problem = async (query: string, field: string) => {
      const res = await planner.get(`/api/mes/production-plans?${query}`);
      expectProblem(res, 400);
      expect(res.json().field).toBe(field);
    };
    await problem('cursor=not-a-cursor', 'querystring/cursor');
    await problem(`cursor=${Buffer.from('["dueDate","asc","yesterday","PPL-0101-001"]').toString('base64url')}&sort=dueDate`, 'querystring/cursor');
    await problem(`cursor=${encodeURIComponent(first.nextCursor)}`, 'querystring/cursor'); // made for sort=dueDate, used for the default order
    await problem(`cursor=${encodeURIComponent(first.nextCursor)}&sort=dueDate&direction=desc`, 'querystring/cursor');
    await problem(`cursor=${encodeURIComponent(first.nextCursor)}&sort=dueDate&offset=5`, 'querystring/offset');
    expect((await planner.get(`/api/mes/production-plans?cursor=${encodeURIComponent(first.nextCursor)}&sort=dueDate`)).statusCode).toBe(200);
  });

  it('follows a planner moving the last step: the detail (kept or not) and the list show the new projected end and lateness', async () => {
    const before = await detail(ids.ahead); // read twice: the second read is served from the process's kept copy
    expect(await detail(ids.ahead)).toEqual(before);
    const last = before.nodes.find((n) => n.nodeId === 'N4')!.assignment!;
    const later = new Date(Date.parse(last.plannedStart) + 7 * 86_400_000).toISOString(); // same weekday and time: inside a shift
    const eventsBefore = await db()
      .selectFrom('mes.events')
      .select(sql<string>`coalesce(max(id), 0)::text`.as('id'))
      .executeTakeFirstOrThrow();

    const moved = await planner.put(`/api/mes/worker-assignments/${last.id}`, { plannedStart: later });
    expect(moved.statusCode, moved.body).toBe(200);
    const newEnd = moved.json().plannedEnd as string;
    expect(Date.parse(newEnd)).toBeGreaterThan(Date.parse(before.projectedEnd!));

    const after = await detail(ids.ahead);
    expect(after).toMatchObject({ projectedEnd: newEnd, latenessMinutes: minutesBetween('2100-01-01T00:00:00Z', newEnd), late: false });
    expect(after.latenessMinutes! - before.latenessMinutes!).toBe(minutesBetween(before.projectedEnd!, newEnd));
    const row = (await list('')).items.find((r) => r.id === ids.ahead)!;
    expect(row).toMatchObject({ projectedEnd: newEnd, latenessMinutes: after.latenessMinutes });
    // the move told the clients about the plan (what makes the list and the plan page refetch)
    const events = await db()
      .selectFrom('mes.events')
      .select(['topic', 'plan_id'])
      .where(sql<boolean>`id > ${eventsBefore.id}::bigint`)
      .where('plan_id', '=', ids.ahead)
      .execute();
    expect(events.some((e) => e.topic === 'assignments')).toBe(true);
  });

  it('a completed plan is projected to its completion time, and its lateness is measured against it', async () => {
    // the earlier tests' plans hold the workers now: a step starts only when its worker and substation are free (issue #15)
    for (const other of (await list('status=released&status=in_production&status=paused')).items) {
      expect((await planner.post(`/api/mes/production-plans/${other.id}/cancel`, {})).statusCode).toBe(200);
    }
    const id = (await create(samplePlan({ workOrderCode: 'WO-DUE-E', dueDate: '2021-06-01T00:00:00Z' }))).id;
    await release(id);
    const done = new Set<string>();
    for (;;) {
      const plan = await detail(id);
      const next = plan.nodes.find((n) => !done.has(n.nodeId) && n.predecessors.every((p) => done.has(p)));
      if (!next) break;
      const worker = await signInWorker(await ctx.app(), next.assignment!.workerId);
      const started = await worker.post(`/api/mes/worker-assignments/${next.assignment!.id}/start`, {});
      expect(started.statusCode, started.body).toBe(200);
      const completed = await worker.post(`/api/mes/worker-assignments/${next.assignment!.id}/complete`, { goodQuantity: next.quantity });
      expect(completed.statusCode, completed.body).toBe(200);
      done.add(next.nodeId);
      if (done.size < plan.nodes.length) {
        // a completed step counts with its actual end, the others with their planned end
        expect((await detail(id)).projectedEnd).toBe(latestEnd(await detail(id)));
      }
    }
    const finished = await detail(id);
    expect(finished.status).toBe('completed');
    expect(finished).toMatchObject({
      projectedEnd: finished.completedAt,
      latenessMinutes: minutesBetween('2021-06-01T00:00:00Z', finished.completedAt!),
      late: true,
    });
    expect((await list('late=true')).items.map((r) => r.id)).toContain(id);

    // archived, it keeps its due date, priority and lateness (they live on the plan row)
    const archived = await planner.post(`/api/mes/production-plans/${id}/archive`);
    expect(archived.statusCode, archived.body).toBe(200);
    const after = await detail(id);
    expect(after).toMatchObject({
      dueDate: '2021-06-01T00:00:00.000Z',
      priority: 3,
      projectedEnd: finished.completedAt,
      latenessMinutes: finished.latenessMinutes,
      late: true,
    });
    expect((await list('archived=true&late=true')).items.map((r) => r.id)).toEqual([id]);
  });
});
