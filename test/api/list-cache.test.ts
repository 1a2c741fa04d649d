/**
 * Kept pages of the plans list (plans/list-cache.ts, migration 0033) must
 * never show what the database no longer says: a change committed anywhere
 * (this instance, a second instance on the same database, plain SQL) before a
 * request was sent is in its answer; so is a step passing its planned end,
 * which writes nothing; and a transaction that took its stamp before another
 * one but committed after it (sequences are not transactional) is not missed.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { DB } from '../../src/db/schema.js';
import { releasePlan } from '../../src/modules/plans/lifecycle.service.js';
import type { PlanListQuery } from '../../src/modules/plans/plans.schema.js';
import { listPlansBody } from '../../src/modules/plans/plans.service.js';
import { type Client, clientWithToken, seed, signIn } from '../helpers/api.js';
import { describeEachEngine, testConfig } from '../helpers/engines.js';
import { samplePlan } from '../helpers/plans.js';

interface Summary {
  id: string;
  name: string;
  status: string;
  nodeCount: number;
  completedNodes: number;
  lateNodes: number;
}
interface Page {
  items: Summary[];
  nextCursor: string | null;
  total?: number;
}

describeEachEngine('kept pages of the plans list', (ctx) => {
  let app: FastifyInstance;
  /** A second instance over the same database, as in the blue-green rollout. */
  let other: FastifyInstance;
  let planner: Client;
  let plannerOnOther: Client;
  const ids: string[] = [];
  const db = (): Kysely<DB> => ctx.database.db;
  const path = '/api/mes/production-plans?limit=20';

  beforeAll(async () => {
    await seed(db(), 'default');
    app = await ctx.app();
    other = await buildApp({ database: ctx.database, config: testConfig(), logger: false });
    await other.ready();
    planner = await signIn(app, 'planner');
    plannerOnOther = clientWithToken(other, planner.token);
    for (const name of ['Kept A', 'Kept B', 'Kept C']) {
      const created = await planner.post('/api/mes/production-plans', samplePlan({ name }));
      expect(created.statusCode, created.body).toBe(201);
      ids.push(created.json().id);
    }
  });

  afterAll(async () => {
    await other?.close();
  });

  const list = async (client: Client = planner, url = path) => {
    const res = await client.get(url);
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };
  const item = (page: Page, id: string) => page.items.find((i) => i.id === id);
  /** What the list says read afresh, without any kept page. */
  const fresh = async (url = path) => {
    const params = new URL(url, 'http://x').searchParams;
    const query: Record<string, unknown> = Object.fromEntries(params);
    if (params.has('status')) query.status = params.getAll('status');
    for (const k of ['count', 'late', 'archived']) if (params.has(k)) query[k] = params.get(k) === 'true';
    for (const k of ['limit', 'offset']) if (params.has(k)) query[k] = Number(params.get(k));
    return JSON.parse(await listPlansBody(db(), query as PlanListQuery)) as Page;
  };

  it('serves a kept page while nothing changed: the same body, equal to a fresh read, one check query', async () => {
    const first = await list();
    const hits = app.mes.planLists.hits;
    const second = await list();
    expect(app.mes.planLists.hits).toBe(hits + 1);
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toMatch(/^application\/json/);
    expect(second.json()).toEqual(await fresh());
    // another request is kept apart
    const searched = await list(planner, '/api/mes/production-plans?q=Kept%20B');
    expect(searched.json<Page>().items.map((i) => i.id)).toEqual([ids[1]]);
    expect((await list()).body).toBe(first.body);
  });

  // what a page shows of a plan, changed behind the API's back as another writer would
  const changes: { what: string; change: () => Promise<unknown>; seen: (page: Page) => boolean }[] = [
    {
      what: 'the plan row',
      change: () => sql`update mes.production_plans set name = 'Renamed kept plan' where id = ${ids[0]!}`.execute(db()),
      seen: (p) => item(p, ids[0]!)?.name === 'Renamed kept plan',
    },
    {
      what: "a plan's nodes (its node count)",
      change: () =>
        sql`delete from mes.production_plan_nodes where plan_id = ${ids[2]!}
              and id = (select max(id) from mes.production_plan_nodes where plan_id = ${ids[2]!})`.execute(db()),
      seen: (p) => item(p, ids[2]!)?.nodeCount === samplePlan().nodes.length - 1,
    },
    {
      what: 'a new plan',
      change: () => planner.post('/api/mes/production-plans', samplePlan({ name: 'Kept D' })),
      seen: (p) => p.items.some((i) => i.name === 'Kept D'),
    },
    {
      what: 'a deleted plan (draft)',
      change: () => sql`delete from mes.production_plans where id = ${ids[1]!}`.execute(db()),
      seen: (p) => item(p, ids[1]!) === undefined,
    },
  ];

  for (const { what, change, seen } of changes) {
    it(`shows a change of ${what} at once, on this instance and the other`, async () => {
      const before = (await list()).json<Page>();
      await list(plannerOnOther);
      expect(seen(before)).toBe(false);
      await change();
      const here = (await list()).json<Page>();
      expect(seen(here)).toBe(true);
      expect(seen((await list(plannerOnOther)).json<Page>())).toBe(true);
      expect(here).toEqual(await fresh());
    });
  }

  it('keeps the count with its page, and a new plan moves it on both instances', async () => {
    const url = '/api/mes/production-plans?count=true&limit=5';
    const before = (await list(planner, url)).json<Page>().total!;
    expect((await list(plannerOnOther, url)).json<Page>().total).toBe(before);
    const hits = app.mes.planLists.hits;
    expect((await list(planner, url)).json<Page>().total).toBe(before);
    expect(app.mes.planLists.hits).toBe(hits + 1);
    await plannerOnOther.post('/api/mes/production-plans', samplePlan({ name: 'Counted' }));
    expect((await list(planner, url)).json<Page>().total).toBe(before + 1);
  });

  it('answers reads that arrive together after a change with the change (their checks are one query, their reads one per page)', async () => {
    await list();
    await list(planner, '/api/mes/production-plans?limit=3');
    await sql`update mes.production_plans set name = 'Changed while kept' where id = ${ids[2]!}`.execute(db());
    const reads = app.mes.planLists.reads;
    const answers = await Promise.all([list(), list(planner, '/api/mes/production-plans?limit=3'), list(), list(), list(plannerOnOther)]);
    for (const res of answers) expect(item(res.json<Page>(), ids[2]!)?.name).toBe('Changed while kept');
    // three requests for the default page and one for limit=3 on this instance: two reads
    expect(app.mes.planLists.reads - reads).toBe(2);
  });

  it("shows a step that passes its planned end, though nothing was written then, and a step's booking moved", async () => {
    const created = await planner.post('/api/mes/production-plans', samplePlan({ name: 'Kept released' }));
    const id = created.json().id as string;
    await releasePlan(db(), id, true, { actor: 'test', now: new Date(), utcOffsetMinutes: 0, schedulerBudgetMs: 20 });
    const url = `/api/mes/production-plans?q=${encodeURIComponent('Kept released')}`;
    const first = item((await list(planner, url)).json<Page>(), id)!;
    expect(first.lateNodes).toBe(0);
    // the plan's first booking (its worker and substation are free just now in this seed) ends a moment from now
    const booked = await sql<{ id: string; start: Date; end: Date }>`
      select id, planned_start as start, planned_end as end from mes.worker_assignments where plan_id = ${id} order by planned_start limit 1`.execute(db());
    const step = booked.rows[0]!;
    await sql`update mes.worker_assignments set planned_start = now() - interval '1 minute', planned_end = now() + interval '1 second'
               where id = ${step.id}`.execute(db());
    expect(item((await list(planner, url)).json<Page>(), id)!.lateNodes).toBe(0);
    expect(item((await list(plannerOnOther, url)).json<Page>(), id)!.lateNodes).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(item((await list(planner, url)).json<Page>(), id)!.lateNodes).toBe(1);
    expect(item((await list(plannerOnOther, url)).json<Page>(), id)!.lateNodes).toBe(1);
    // a write to the step alone (its booking moved on again) is seen on both too
    await sql`update mes.worker_assignments set planned_start = ${step.start}, planned_end = ${step.end} where id = ${step.id}`.execute(db());
    expect(item((await list(planner, url)).json<Page>(), id)!.lateNodes).toBe(0);
    expect(item((await list(plannerOnOther, url)).json<Page>(), id)!.lateNodes).toBe(0);
  });

  it('sees a change whose transaction stamped before another one but committed after it, on both instances', async (test) => {
    if (ctx.engine !== 'postgres') return test.skip();
    await list();
    await list(plannerOnOther);
    const early = new pg.Client({ connectionString: ctx.url });
    const late = new pg.Client({ connectionString: ctx.url });
    await early.connect();
    await late.connect();
    try {
      // the early transaction takes its stamp (the sequence moves) and stays open
      await early.query('begin');
      await early.query(`update mes.production_plans set name = 'Early writer' where id = $1`, [ids[0]]);
      // a later one takes a larger stamp and commits first
      await late.query(`update mes.production_plans set name = 'Late writer' where id = $1`, [ids[2]]);
      // both instances read and keep the page now: the late change is in it, the early one is not committed yet
      for (const client of [planner, plannerOnOther]) {
        const page = (await list(client)).json<Page>();
        expect(item(page, ids[2]!)?.name).toBe('Late writer');
        expect(item(page, ids[0]!)?.name).not.toBe('Early writer');
      }
      await early.query('commit');
      for (const client of [planner, plannerOnOther]) {
        const page = (await list(client)).json<Page>();
        expect(item(page, ids[0]!)?.name).toBe('Early writer');
        expect(item(page, ids[2]!)?.name).toBe('Late writer');
      }
    } finally {
      await early.end();
      await late.end();
    }
  });

  it('after any sequence of changes, from either instance or plain SQL, every kept page equals a fresh read (property)', async () => {
    const queries = [
      path,
      '/api/mes/production-plans?limit=3',
      '/api/mes/production-plans?status=draft&sort=dueDate',
      '/api/mes/production-plans?late=true',
      '/api/mes/production-plans?q=Prop',
      '/api/mes/production-plans?count=true&limit=2&sort=priority',
      '/api/mes/production-plans?status=released&status=in_production',
    ];
    const pool = async () => (await sql<{ id: string }>`select id from mes.production_plans order by id`.execute(db())).rows.map((r) => r.id);
    type Action = { kind: 'create' | 'rename' | 'due' | 'delete' | 'release' | 'read'; pick: number; on: 0 | 1 };
    const action = fc.record({
      kind: fc.constantFrom<Action['kind']>('create', 'rename', 'due', 'delete', 'release', 'read', 'read'),
      pick: fc.nat(1000),
      on: fc.constantFrom<0 | 1>(0, 1),
    });
    let step = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 3, maxLength: 10 }), async (actions) => {
        for (const a of actions) {
          const client = a.on === 0 ? planner : plannerOnOther;
          const ids = await pool();
          const id = ids[a.pick % ids.length]!;
          step++;
          if (a.kind === 'create') await client.post('/api/mes/production-plans', samplePlan({ name: `Prop ${step}` }));
          if (a.kind === 'rename') await sql`update mes.production_plans set name = ${`Prop renamed ${step}`} where id = ${id}`.execute(db());
          if (a.kind === 'due') await sql`update mes.production_plans set due_date = now() - ${`${a.pick} minutes`}::interval where id = ${id}`.execute(db());
          if (a.kind === 'delete') await client.delete(`/api/mes/production-plans/${id}`);
          if (a.kind === 'release') await client.post(`/api/mes/production-plans/${id}/release`, { allowShortage: true });
          // every query read on both instances (kept where read before), each equal to the database now
          for (const url of queries) {
            const expected = await fresh(url);
            for (const c of [planner, plannerOnOther]) expect((await list(c, url)).json(), `${url} after ${a.kind}`).toEqual(expected);
          }
        }
      }),
      { numRuns: 8 },
    );
    expect(app.mes.planLists.hits).toBeGreaterThan(0);
  });

  it('keeps nothing with MES_PLAN_LIST_CACHE_MB=0', async () => {
    const off = await buildApp({ database: ctx.database, config: testConfig({ planListCacheMb: 0 }), logger: false });
    try {
      await off.ready();
      const client = clientWithToken(off, planner.token);
      expect((await list(client)).json()).toEqual((await list(client)).json());
      expect(off.mes.planLists.enabled).toBe(false);
      expect(off.mes.planLists.hits + off.mes.planLists.misses).toBe(0);
    } finally {
      await off.close();
    }
  });

  it('counts the kept pages in /metrics', async () => {
    await list();
    await list();
    const metrics = await app.metrics.render();
    expect(metrics).toMatch(/mes_cache_lookups_total\{cache="plan_list",result="hit"\} [1-9]/);
    expect(metrics).toMatch(/mes_cache_entries\{cache="plan_list"\} [1-9]/);
    expect(metrics).toMatch(/mes_plan_list_reads_total [1-9]/);
  });
});
