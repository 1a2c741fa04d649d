/**
 * Draining (what server.ts does on SIGTERM: `draining`, then close): readiness
 * fails, and a keep-alive connection whose request is in flight when the
 * server closes is closed after its response instead of keeping the process
 * up until keepAliveTimeout. The whole process under load: rollout.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { describeEachEngine, testConfig } from '../helpers/engines.js';

describeEachEngine('draining', (ctx) => {
  it('answers 503 on /readyz, and closes a keep-alive connection after the request in flight at close', async () => {
    const app = await buildApp({ database: ctx.database, config: testConfig(), logger: false });
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    app.get('/test/slow', { config: { public: true } }, async () => {
      entered();
      await gate;
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true });
    const get = (path: string) =>
      new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path, agent }, (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
          })
          .on('error', reject);
      });
    try {
      expect((await get('/readyz')).connection).toBe('keep-alive');
      const slow = get('/test/slow');
      await inHandler;
      app.mes.draining = true;
      expect(await app.inject({ method: 'GET', url: '/readyz' })).toMatchObject({ statusCode: 503, headers: { connection: 'close' } });
      const closed = app.close();
      release();
      expect(await slow).toEqual({ status: 200, connection: 'close', body: '{"ok":true}' });
      // without `connection: close` the socket would stay open, and close() would wait for keepAliveTimeout (72 s)
      await closed;
    } finally {
      release();
      agent.destroy();
      await app.close();
    }
  });
});
