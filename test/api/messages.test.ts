/**
 * Server messages in the reader's language and structured wait reasons (issue #20, item 1):
 * problem documents are worded in the signed-in user's stored locale, else Accept-Language,
 * else English (an unknown locale is English, no error), with messageKey and params for a
 * client that words them itself; the scheduler's wait reasons are data that every endpoint
 * serves the same way.
 */
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { migrateTo, migrateToLatest } from '../../src/db/migrator.js';
import { localeOfAcceptLanguage, m, translate } from '../../src/i18n/index.js';
import { type Client, expectProblem, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { pinSamplePlan, samplePlan } from '../helpers/plans.js';

describeEachEngine('server messages and wait reasons', (ctx) => {
  let planner: Client;

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    planner = await signIn(await ctx.app(), 'planner');
  });

  it('words a problem in the signed-in user’s stored language, else Accept-Language, else English', async () => {
    const app = await ctx.app();
    const url = '/api/mes/production-plans/PPL-0101-999';
    // English by default, with the key and parameters a client can word itself
    const english = expectProblem(await planner.get(url), 404);
    expect(english).toMatchObject({
      title: 'Not found',
      detail: 'plan PPL-0101-999 does not exist',
      messageKey: 'not_found.plan',
      params: { id: 'PPL-0101-999' },
    });

    // Accept-Language, by q-value; an unknown language is English without an error
    const ask = (language: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${planner.token}`, 'accept-language': language } });
    const turkish = expectProblem(await ask('tr-TR,tr;q=0.9'), 404);
    expect(turkish).toMatchObject({ title: 'Bulunamadı', detail: 'PPL-0101-999 planı yok', messageKey: 'not_found.plan', params: { id: 'PPL-0101-999' } });
    expect(expectProblem(await ask('de'), 404)).toMatchObject({ title: 'Not found', detail: 'plan PPL-0101-999 does not exist' });
    expect(expectProblem(await ask('de-DE,tr;q=0.5,en;q=0.8'), 404)).toMatchObject({ title: 'Not found' });
    expect(expectProblem(await ask('en;q=0.2, tr'), 404)).toMatchObject({ title: 'Bulunamadı' });
    expect(expectProblem(await ask(';;q=x,,'), 404)).toMatchObject({ title: 'Not found' });

    // the stored choice wins over the header, both ways
    expect((await planner.request('PUT', '/api/mes/auth/me/locale', { locale: 'tr' })).statusCode).toBe(200);
    expect(expectProblem(await planner.get(url), 404)).toMatchObject({ title: 'Bulunamadı', detail: 'PPL-0101-999 planı yok' });
    expect(expectProblem(await ask('en-US'), 404)).toMatchObject({ title: 'Bulunamadı' });
    expect((await planner.request('PUT', '/api/mes/auth/me/locale', { locale: 'en' })).statusCode).toBe(200);
    expect(expectProblem(await ask('tr'), 404)).toMatchObject({ title: 'Not found', detail: 'plan PPL-0101-999 does not exist' });

    // before sign-in (no user yet): the header decides
    const unauthenticated = await app.inject({ method: 'GET', url: '/api/mes/production-plans', headers: { 'accept-language': 'tr' } });
    expect(expectProblem(unauthenticated, 401)).toMatchObject({ title: 'Giriş yapılmamış', detail: 'önce giriş yapın', messageKey: 'auth.sign_in_first' });
    const noRoute = await app.inject({ method: 'GET', url: '/api/mes/nowhere', headers: { 'accept-language': 'tr' } });
    expect(expectProblem(noRoute, 404)).toMatchObject({ title: 'Bulunamadı', detail: 'GET /api/mes/nowhere yolu yok' });
  });

  it('words schema-validation errors in Turkish, naming the same field paths', async () => {
    const app = await ctx.app();
    // an account that has not chosen a language: the header decides
    const admin = await signIn(app, 'admin');
    const send = (body: unknown, language?: string) =>
      app.inject({
        method: 'POST',
        url: '/api/mes/production-plans',
        headers: { authorization: `Bearer ${admin.token}`, ...(language ? { 'accept-language': language } : {}) },
        payload: body as object,
      });
    const { name: _name, ...nameless } = samplePlan();
    const nodeless = samplePlan();
    nodeless.nodes[1]!.nominalTime = -1;
    for (const [body, field, key, english, turkish] of [
      [{ ...samplePlan(), extra: 1 }, 'body/extra', 'validation.additional_properties', 'unknown property "extra"', 'bilinmeyen özellik "extra"'],
      [{ ...samplePlan(), quantity: 'ten' }, 'body/quantity', 'validation.type', 'must be number', 'number türünde olmalı'],
      [nameless, 'body/name', 'validation.required', "must have required property 'name'", "gerekli 'name' özelliği eksik"],
      [nodeless, 'body/nodes/1/nominalTime', 'validation.minimum', 'must be >= 0.001', 'en az 0.001 olmalı'],
    ] as const) {
      const en = expectProblem(await send(body), 400);
      const tr = expectProblem(await send(body, 'tr-TR,tr;q=0.9'), 400);
      expect([en.title, tr.title]).toEqual(['Bad request', 'Geçersiz istek']);
      expect([en.field, tr.field]).toEqual([field, field]);
      expect(en.errors[0]).toEqual({ field, message: english, messageKey: key, ...(en.errors[0].params ? { params: en.errors[0].params } : {}) });
      expect(tr.errors[0]).toMatchObject({ field, message: turkish, messageKey: key });
      expect([en.detail, tr.detail]).toEqual([`${field}: ${english}`, `${field}: ${turkish}`]);
    }

    // a rule problem of the document (422) is worded too, field by field
    const bad = samplePlan();
    bad.nodes[0]!.operationId = 'OP-404';
    const ruled = (language: string) =>
      app.inject({
        method: 'POST',
        url: '/api/mes/production-plans',
        headers: { authorization: `Bearer ${admin.token}`, 'accept-language': language },
        payload: bad,
      });
    const ruleEn = expectProblem(await ruled('en'), 422);
    const ruleTr = expectProblem(await ruled('tr'), 422);
    expect(ruleEn.detail).toBe('node N1: operation OP-404 does not exist or is archived');
    expect(ruleTr.detail).toBe('N1 düğümü: OP-404 operasyonu yok ya da arşivlenmiş');
    expect(ruleTr.field).toBe(ruleEn.field);
    expect(ruleTr.errors[0]).toMatchObject({ field: 'body/nodes/0/operationId', message: ruleTr.detail, messageKey: 'plan.doc.node' });
  });

  it('falls back to English for an unknown locale or key, without an error', () => {
    expect(localeOfAcceptLanguage('de-CH, fr;q=0.9')).toBe('en');
    expect(localeOfAcceptLanguage('TR')).toBe('tr');
    expect(localeOfAcceptLanguage(undefined)).toBe('en');
    expect(translate(m('not_found.plan', { id: 'P' }), 'xx')).toBe('plan P does not exist');
    expect(translate(m('problems.and_more', { first: m('not_found.plan', { id: 'P' }), more: 2 }), 'tr')).toBe('P planı yok (ve 2 tane daha)');
  });

  it('serves the scheduler’s wait reasons as data, the same on every endpoint', async () => {
    // both cuts pinned to the same worker: one of them waits for the other (and perhaps for a shift)
    const doc = pinSamplePlan(samplePlan({ workOrderCode: 'WO-WAIT-1' }), { N2: { workerId: 'W-001' } });
    const created = await planner.post('/api/mes/production-plans', doc);
    expect(created.statusCode, created.body).toBe(201);
    const planId = created.json().id as string;
    const released = await planner.post(`/api/mes/production-plans/${planId}/release`, {});
    expect(released.statusCode, released.body).toBe(200);
    const nodes = released.json().plan.nodes as { nodeId: string; assignment: { id: string; plannedStart: string; plannedEnd: string; waitReason: unknown } }[];
    const [first, second] = nodes
      .filter((n) => n.nodeId === 'N1' || n.nodeId === 'N2')
      .sort((a, b) => a.assignment.plannedStart.localeCompare(b.assignment.plannedStart));

    const reasons = second!.assignment.waitReason as { kind: string; workerId?: string; until: string; by?: { nodeId?: string } }[];
    expect(Array.isArray(reasons)).toBe(true);
    const busy = reasons.find((r) => r.kind === 'worker_busy');
    expect(busy, JSON.stringify(reasons)).toMatchObject({ kind: 'worker_busy', workerId: 'W-001', by: { nodeId: first!.nodeId } });
    expect(Date.parse(busy!.until)).toBeGreaterThanOrEqual(Date.parse(first!.assignment.plannedEnd) - 1);
    expect(new Date(busy!.until).toISOString()).toBe(busy!.until);
    for (const r of reasons) expect(['not_before', 'shift', 'worker_busy', 'substation_busy']).toContain(r.kind);

    // the assignment, the plan page, the plan's schedule, the worker's schedule and the portal's task list agree
    const assignment = await planner.get(`/api/mes/worker-assignments/${second!.assignment.id}`);
    expect(assignment.statusCode, assignment.body).toBe(200);
    expect(assignment.json().waitReason).toEqual(reasons);
    const detail = (await planner.get(`/api/mes/production-plans/${planId}`)).json();
    expect(detail.nodes.find((n: { nodeId: string }) => n.nodeId === second!.nodeId).assignment.waitReason).toEqual(reasons);
    const gantt = (await planner.get(`/api/mes/production-plans/${planId}/schedule`)).json();
    const bar = [...gantt.stations, ...gantt.workers]
      .flatMap((row: { bars?: unknown[]; substations?: { bars: unknown[] }[] }) => [...(row.bars ?? []), ...(row.substations ?? []).flatMap((s) => s.bars)])
      .find((b) => (b as { assignmentId: string }).assignmentId === second!.assignment.id) as { waitReason: unknown } | undefined;
    expect(bar?.waitReason).toEqual(reasons);
    const week = 14 * 86_400_000;
    const schedule = await planner.get(
      `/api/mes/workers/W-001/schedule?from=${new Date(Date.parse(first!.assignment.plannedStart) - 60_000).toISOString()}&to=${new Date(Date.parse(second!.assignment.plannedEnd) + week).toISOString()}`,
    );
    expect(schedule.statusCode, schedule.body).toBe(200);
    expect(schedule.json().bars.find((b: { assignmentId: string }) => b.assignmentId === second!.assignment.id).waitReason).toEqual(reasons);
    const tasks = await planner.get('/api/mes/workers/W-001/tasks');
    expect(tasks.statusCode, tasks.body).toBe(200);
    expect(tasks.json().tasks.find((t: { id: string }) => t.id === second!.assignment.id).waitReason).toEqual(reasons);

    // why a step cannot start yet is said in the reader's language too (the portal shows it)
    const waiting = nodes.find((n) => n.assignment.waitReason !== null && n.nodeId !== 'N1' && n.nodeId !== 'N2') ?? nodes[nodes.length - 1]!;
    const workerOf = (await planner.get(`/api/mes/worker-assignments/${waiting.assignment.id}`)).json().workerId as string;
    const blockedBy = async (language: string) => {
      const res = await (
        await ctx.app()
      ).inject({
        method: 'GET',
        url: `/api/mes/workers/${workerOf}/tasks`,
        headers: { authorization: `Bearer ${planner.token}`, 'accept-language': language },
      });
      return (res.json().tasks as { id: string; canStart: boolean; startBlockedBy: string | null }[]).find((t) => t.id === waiting.assignment.id)!;
    };
    const inEnglish = await blockedBy('en');
    // (the planner chose English earlier in this file: the stored choice wins over the header)
    expect((await planner.request('PUT', '/api/mes/auth/me/locale', { locale: 'tr' })).statusCode).toBe(200);
    const inTurkish = await blockedBy('en');
    expect((await planner.request('PUT', '/api/mes/auth/me/locale', { locale: 'en' })).statusCode).toBe(200);
    expect(inEnglish.canStart).toBe(false);
    expect(inEnglish.startBlockedBy).toMatch(/^[\x20-\x7e]+$/);
    expect(inTurkish.startBlockedBy).toBeTruthy();
    expect(inTurkish.startBlockedBy).not.toBe(inEnglish.startBlockedBy);

    // a cancelled plan's assignments say so as data too
    expect((await planner.post(`/api/mes/production-plans/${planId}/cancel`, {})).statusCode).toBe(200);
    const cancelled = (await planner.get(`/api/mes/worker-assignments/${second!.assignment.id}`)).json();
    expect(cancelled).toMatchObject({ status: 'cancelled', waitReason: [{ kind: 'cancelled', cause: 'plan_cancelled' }] });
  });

  it('migration 0013 turns stored text into reasons and back', async () => {
    const db = ctx.database.db;
    const doc = pinSamplePlan(samplePlan({ workOrderCode: 'WO-WAIT-2' }), { N2: { workerId: 'W-001' } });
    const planId = (await planner.post('/api/mes/production-plans', doc)).json().id as string;
    expect((await planner.post(`/api/mes/production-plans/${planId}/release`, {})).statusCode).toBe(200);
    const rows = async () =>
      (await sql<{ id: string; wait_reason: unknown }>`select id, wait_reason from mes.worker_assignments where plan_id = ${planId} order by id`.execute(db))
        .rows;
    const before = await rows();
    const waiting = before.find((r) => Array.isArray(r.wait_reason) && (r.wait_reason as { kind: string }[]).some((x) => x.kind === 'worker_busy'))!;
    expect(waiting).toBeDefined();

    await migrateTo(db, '0011_user_locale');
    const text = await rows();
    expect(text.find((r) => r.id === waiting.id)!.wait_reason).toMatch(/^(not before .*; )?waiting for W-001 \(busy with N[12] until \d{4}-/);
    const [a, b] = text.filter((r) => r.id !== waiting.id);
    await sql`update mes.worker_assignments set wait_reason = 'plan cancelled' where id = ${a!.id}`.execute(db);
    await sql`update mes.worker_assignments set wait_reason = 'waiting for shift of W-009 (starts Mon 08:00)' where id = ${b!.id}`.execute(db);

    await migrateToLatest(db);
    const after = new Map((await rows()).map((r) => [r.id, r.wait_reason]));
    expect(after.get(a!.id)).toEqual([{ kind: 'cancelled', cause: 'plan_cancelled' }]);
    expect(after.get(b!.id)).toEqual([{ kind: 'text', text: 'waiting for shift of W-009 (starts Mon 08:00)' }]);
    expect(after.get(waiting.id)).toEqual([{ kind: 'text', text: text.find((r) => r.id === waiting.id)!.wait_reason }]);
    // the API serves the converted rows as reasons
    expect((await planner.get(`/api/mes/worker-assignments/${b!.id}`)).json().waitReason).toEqual([
      { kind: 'text', text: 'waiting for shift of W-009 (starts Mon 08:00)' },
    ]);
    // and only arrays are stored
    await expect(sql`update mes.worker_assignments set wait_reason = '{"kind":"shift"}' where id = ${a!.id}`.execute(db)).rejects.toMatchObject({
      constraint: 'worker_assignments_wait_reason_check',
    });
  });
});
