/**
 * The bad-input corpus (test/ops/bad-input-corpus.ts): every request is
 * answered with a 4xx problem document that names the expected field, and no
 * table of schema mes changes — neither its row count nor a checksum of its
 * contents.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { type Client, mesContents, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { type BadInputCase, badInputCorpus } from './bad-input-corpus.js';

describeEachEngine('the bad-input corpus', (ctx) => {
  let app: FastifyInstance;
  let admin: Client;
  let corpus: BadInputCase[];

  beforeAll(async () => {
    const db = ctx.database.db;
    await seed(db, 'minimal');
    app = await ctx.app();
    admin = await signIn(app, 'admin');
    const plans = await db.selectFrom('mes.production_plans').select('id').orderBy('id').execute();
    const released = await admin.post(`/api/mes/production-plans/${plans[0]!.id}/release`, { allowShortage: true });
    expect(released.statusCode, released.body).toBe(200);
    const draft = await admin.post('/api/mes/production-plans', { workOrderCode: 'WO-DRAFT', name: 'Draft', quantity: 1, nodes: [] });
    const assignment = await db.selectFrom('mes.worker_assignments').select(['id', 'plan_id']).where('status', '=', 'ready').executeTakeFirstOrThrow();
    const problem = await sql<{ id: number }>`
      insert into mes.assignment_problems (assignment_id, plan_id, category, text, reported_by)
      values (${assignment.id}, ${assignment.plan_id}, 'machine', 'spindle noise', 'W-001') returning id`.execute(db);
    corpus = badInputCorpus({
      draftPlanId: draft.statusCode === 201 ? draft.json().id : plans[0]!.id,
      assignmentId: assignment.id,
      problemId: problem.rows[0]!.id,
      calendarId: (await db.selectFrom('mes.shift_calendars').select('id').orderBy('id').executeTakeFirstOrThrow()).id,
    });
  });

  it('holds at least 200 requests, the findings of issue #19 among them', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(corpus.filter((c) => c.label.startsWith('finding ')).length).toBe(15);
  });

  it('answers every request with a 4xx problem document naming the field, and changes no table', async () => {
    const before = await mesContents(ctx.database.db);
    const failures: string[] = [];
    for (const c of corpus) {
      const res = await admin.request(c.method, c.url, c.body);
      let body: { status?: number; field?: string; detail?: string } = {};
      try {
        body = res.json();
      } catch {
        /* reported below */
      }
      const problem =
        res.statusCode >= 400 &&
        res.statusCode < 500 &&
        String(res.headers['content-type']).startsWith('application/problem+json') &&
        body.status === res.statusCode;
      if (!problem || body.field !== c.field) {
        failures.push(`${c.label}: ${res.statusCode} field=${String(body.field)} (expected ${c.field}) ${res.body.slice(0, 200)}`);
      } else if (!body.detail?.startsWith(`${c.field}: `)) {
        failures.push(`${c.label}: detail does not start with the field: ${body.detail}`);
      }
    }
    expect(failures, `${failures.length} of ${corpus.length}:\n${failures.join('\n')}`).toEqual([]);
    expect(await mesContents(ctx.database.db)).toEqual(before);
  });
});
