/**
 * Documents at the step (issue #17, item 4): types read from the content,
 * served with the right headers, versions kept, refusals (type, size, archive
 * disguised as an image, decompression bomb) storing nothing, and who may
 * read what.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { readBounded } from '../../src/modules/documents/documents.routes.js';
import { type Client, expectNoWrite, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine, testConfig } from '../helpers/engines.js';
import { dxf, gzip, jpeg, pdf, png, step, webp, zip } from '../helpers/files.js';
import { pinSamplePlan, samplePlan } from '../helpers/plans.js';

const octet = { 'content-type': 'application/octet-stream' };

describeEachEngine('documents', (ctx) => {
  let app: FastifyInstance;
  let planner: Client;
  let admin: Client;
  let w1: Client;
  let w3: Client;
  let planId: string;
  let assignments: Record<string, string>;
  const operationOf: Record<string, string> = {};

  const upload = (client: Client, url: string, name: string, body: Buffer) => client.request('POST', `${url}?name=${encodeURIComponent(name)}`, body, octet);

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    app = await ctx.app();
    planner = await signIn(app, 'planner');
    admin = await signIn(app, 'admin');
    w1 = await signInWorker(app, 'W-001');
    w3 = await signInWorker(app, 'W-003');
    const created = await planner.post('/api/mes/production-plans', pinSamplePlan(samplePlan({ name: 'Documents plan' })));
    expect(created.statusCode, created.body).toBe(201);
    planId = created.json().id;
    expect((await planner.post(`/api/mes/production-plans/${planId}/release`, {})).statusCode).toBe(200);
    const plan = (await planner.get(`/api/mes/production-plans/${planId}`)).json();
    assignments = Object.fromEntries(plan.nodes.map((n: { nodeId: string; assignment: { id: string } }) => [n.nodeId, n.assignment.id]));
    for (const n of plan.nodes as { nodeId: string; operationId: string }[]) operationOf[n.nodeId] = n.operationId;
  });

  it('accepts PDF, PNG, JPEG, WebP, DXF and STEP by their content and serves each with its type, disposition, nosniff and a closed CSP', async () => {
    const cases = [
      ['drawing.pdf', pdf(), 'application/pdf', 'inline'],
      ['photo.png', png(8, 8), 'image/png', 'inline'],
      ['photo.jpg', jpeg(), 'image/jpeg', 'inline'],
      ['photo.webp', webp(), 'image/webp', 'inline'],
      ['part.dxf', dxf(), 'image/vnd.dxf', 'attachment'],
      ['part.step', step(), 'model/step', 'attachment'],
      // the name says nothing: a PDF named .bin is a PDF
      ['scan.bin', pdf('named wrongly'), 'application/pdf', 'inline'],
    ] as const;
    for (const [name, body, type, disposition] of cases) {
      const res = await upload(planner, `/api/mes/production-plans/${planId}/nodes/N1/documents`, name, body);
      expect(res.statusCode, res.body).toBe(201);
      const doc = res.json();
      expect(doc).toMatchObject({ name, version: 1, contentType: type, size: body.length, ownerKind: 'plan_node', planId, nodeId: 'N1' });
      const got = await planner.get(doc.url);
      expect(got.statusCode).toBe(200);
      expect(got.headers['content-type']).toBe(type);
      expect(got.headers['content-disposition']).toMatch(new RegExp(`^${disposition}; filename="${name.replace('.', '\\.')}"`));
      expect(got.headers['x-content-type-options']).toBe('nosniff');
      expect(got.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(got.headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
      expect(got.rawPayload.equals(body)).toBe(true);
      expect(got.headers.etag).toBe(`"${doc.sha256}"`);
      const again = await app.inject({
        method: 'GET',
        url: doc.url,
        headers: { authorization: `Bearer ${planner.token}`, 'if-none-match': got.headers.etag as string },
      });
      expect(again.statusCode).toBe(304);
    }
  });

  it('keeps the old version when a name is uploaded again, and lists the latest with the older ones', async () => {
    const url = `/api/mes/production-plans/${planId}/documents`;
    const first = (await upload(planner, url, 'instructions.pdf', pdf('rev A'))).json();
    const second = (await upload(admin, url, 'instructions.pdf', pdf('rev B'))).json();
    expect([first.version, second.version]).toEqual([1, 2]);
    expect((await upload(planner, url, 'other.pdf', pdf('other'))).json().version).toBe(1);
    const list = (await planner.get(url)).json();
    const entry = list.items.find((d: { name: string }) => d.name === 'instructions.pdf');
    expect(entry).toMatchObject({ id: second.id, version: 2, uploadedBy: 'admin', olderVersions: [{ id: first.id, version: 1, uploadedBy: 'planner' }] });
    expect((await planner.get(first.url)).rawPayload.toString('latin1')).toContain('rev A');
    expect((await planner.get(second.url)).rawPayload.toString('latin1')).toContain('rev B');
    // deleting the latest version leaves the old one readable; allVersions takes the name away
    expect((await planner.delete(second.url)).statusCode).toBe(204);
    expect((await planner.get(url)).json().items.find((d: { name: string }) => d.name === 'instructions.pdf')).toMatchObject({ id: first.id, version: 1 });
    expect((await planner.request('DELETE', `${first.url}?allVersions=true`)).statusCode).toBe(204);
    expect((await planner.get(url)).json().items.map((d: { name: string }) => d.name)).toEqual(['other.pdf']);
  });

  it('numbers concurrent uploads of one name without a gap or a conflict', async () => {
    const url = `/api/mes/operations/${operationOf.N3}/documents`;
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => upload(planner, url, 'weld-spec.pdf', pdf(`copy ${i}`))));
    expect(results.map((r) => r.statusCode)).toEqual(Array(6).fill(201));
    expect(results.map((r) => r.json().version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses a text file named .png, an archive named .png (zip and gzip) and an absurd-dimension PNG, storing nothing', async () => {
    const url = `/api/mes/production-plans/${planId}/nodes/N2/documents`;
    await expectNoWrite(ctx.database.db, async () => {
      expectProblem(
        await upload(planner, url, 'notes.png', Buffer.from('just some text, not a picture\n')),
        415,
        /none of the allowed types.*content, not the name/,
      );
      expectProblem(await upload(planner, url, 'bomb.png', zip()), 415, /zip archive.*refused whatever their name/);
      expectProblem(await upload(planner, url, 'bomb2.png', gzip()), 415, /gz archive/);
      expectProblem(
        await upload(
          planner,
          url,
          'huge.png',
          png(4, 4, () => 0, { width: 200_000, height: 200_000 }),
        ),
        422,
        /200000 × 200000 pixels.*100 megapixels/,
      );
      expectProblem(await upload(planner, url, 'app.exe', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)])), 415);
      expectProblem(await upload(planner, url, 'empty.pdf', Buffer.alloc(0)), 422, /is empty/);
      expectProblem(await planner.post(`${url}?name=a.pdf`, { json: true }), 415, /application\/octet-stream/);
      expectProblem(await upload(planner, url, '../etc/passwd', pdf()), 400);
      expectProblem(await upload(planner, `/api/mes/production-plans/${planId}/nodes/NOPE/documents`, 'a.pdf', pdf()), 404, /plan step/);
      expectProblem(await upload(planner, '/api/mes/operations/OP-999/documents', 'a.pdf', pdf()), 404);
    });
    expect((await planner.get(url)).json().items).toEqual([]);
  });

  it('refuses an upload over MES_DOCUMENT_MAX_MB with 413 naming the limit, storing nothing', async () => {
    const small = await buildApp({ database: ctx.database, config: testConfig({ documentMaxMb: 1 }), logger: false });
    try {
      await small.ready();
      const login = await small.inject({ method: 'POST', url: '/api/mes/auth/login', payload: { username: 'planner', password: 'admin-pass-123' } });
      const token = login.json().token as string;
      const big = Buffer.concat([pdf(), Buffer.alloc(1024 * 1024, 0x20)]);
      await expectNoWrite(ctx.database.db, async () => {
        const res = await small.inject({
          method: 'POST',
          url: `/api/mes/production-plans/${planId}/documents?name=big.pdf`,
          headers: { authorization: `Bearer ${token}`, ...octet },
          payload: big,
        });
        expectProblem(res, 413, /limit of 1 MB \(MES_DOCUMENT_MAX_MB\)/);
      });
      const fits = await small.inject({
        method: 'POST',
        url: `/api/mes/production-plans/${planId}/documents?name=fits.pdf`,
        headers: { authorization: `Bearer ${token}`, ...octet },
        payload: Buffer.concat([pdf(), Buffer.alloc(1024 * 1024 - pdf().length, 0x20)]),
      });
      expect(fits.statusCode, fits.body).toBe(201);
    } finally {
      await small.close();
    }
  });

  it('shows an operator the documents of their own step (its own, its plan’s, its operation’s) and nothing of other steps', async () => {
    const drawing = (await upload(planner, `/api/mes/production-plans/${planId}/nodes/N1/documents`, 'cut-drawing.png', png(16, 16))).json();
    const weld = (await upload(planner, `/api/mes/production-plans/${planId}/nodes/N3/documents`, 'weld-drawing.pdf', pdf('weld'))).json();
    const mine = (await w1.get(`/api/mes/worker-assignments/${assignments.N1}/documents`)).json();
    expect(mine.step.map((d: { name: string }) => d.name)).toContain('cut-drawing.png');
    expect(mine.step.map((d: { name: string }) => d.name)).not.toContain('weld-drawing.pdf');
    expect((await w1.get(drawing.url)).statusCode).toBe(200);
    // another worker's step and its documents: refused / as if absent
    expectProblem(await w1.get(`/api/mes/worker-assignments/${assignments.N3}/documents`), 403);
    expectProblem(await w1.get(weld.url), 404);
    expect((await w3.get(weld.url)).statusCode).toBe(200);
    expect((await w3.get(`/api/mes/worker-assignments/${assignments.N3}/documents`)).json().operation.map((d: { name: string }) => d.name)).toContain(
      'weld-spec.pdf',
    );
    // operators neither upload, list owners' documents nor delete
    expectProblem(await upload(w1, `/api/mes/production-plans/${planId}/nodes/N1/documents`, 'x.pdf', pdf()), 403);
    expectProblem(await w1.get(`/api/mes/production-plans/${planId}/documents`), 403);
    expectProblem(await w1.delete(drawing.url), 403);
  });
});

describe('readBounded', () => {
  it('refuses a body that grows past the limit without a declared length, and returns one that fits', async () => {
    const chunks = () => Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
    await expect(readBounded(chunks(), undefined, 1000, 1)).rejects.toMatchObject({ kind: 'too_large' });
    expect((await readBounded(chunks(), undefined, 1200, 1)).length).toBe(1200);
    await expect(readBounded(chunks(), '5000', 1200, 1)).rejects.toMatchObject({ kind: 'too_large' });
  });
});
