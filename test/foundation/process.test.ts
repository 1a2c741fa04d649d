import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationNames } from '../../src/db/migrator.js';
import { root, runCommand, startServer } from '../helpers/processes.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-process-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the server process', () => {
  it(
    'on an empty data folder: migrates, seeds the default dataset, serves /readyz, prints the demo accounts, stops on SIGTERM',
    { timeout: 180_000 },
    async () => {
      const dataDir = path.join(tmp, 'fresh');
      const server = await startServer({ MES_DATA_DIR: dataDir, MES_ADMIN_PASSWORD: '', MES_DEMO_PIN: '' });
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready', engine: 'pglite' });
      expect(server.output()).toMatch(/users "admin" and "planner", password: [A-Za-z0-9]{16}/);
      expect(server.output()).toContain(dataDir);
      // the demo floor: two plans released through the API, the first ready step started by its own worker
      const password = /password: ([A-Za-z0-9]{16})/.exec(server.output())![1]!;
      const login = await fetch(`${server.url}/api/mes/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'planner', password }),
      });
      const headers = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
      const count = async (query: string) => ((await (await fetch(`${server.url}/api/mes/${query}`, { headers })).json()) as { total: number }).total;
      expect(await count('production-plans?count=true&status=in_production')).toBe(1);
      expect(await count('production-plans?count=true&status=released')).toBe(1);
      expect(await count('production-plans?count=true&status=draft')).toBe(8);
      const running = (await (await fetch(`${server.url}/api/mes/worker-assignments?status=in_progress`, { headers })).json()) as {
        items: { workerId: string; startedBy: string }[];
      };
      expect(running.items).toHaveLength(1);
      expect(running.items[0]!.startedBy).toBe(running.items[0]!.workerId);
      expect(server.output()).toMatch(/demo floor: released PPL-\d{4}-\d{3}, PPL-\d{4}-\d{3}; W-\d{3} started WA-/);
      expect(await server.stop('SIGTERM')).toBe(0);
      expect(server.output()).toContain('stopped');

      // second start: existing data is kept, nothing is printed again
      const again = await startServer({ MES_DATA_DIR: dataDir });
      expect(again.output()).not.toContain('password:');
      expect(await again.stop('SIGINT')).toBe(0);
    },
  );

  it(
    'the build output runs on plain node: it serves, releases a plan with the scheduler thread loaded from .js, and stops on SIGTERM',
    { timeout: 240_000 },
    async () => {
      // what `npm run build` compiles (tsconfig.build.json), into a folder of its own inside the project (node_modules resolve from there)
      const out = path.join(root, '.build-test');
      fs.rmSync(out, { recursive: true, force: true });
      const tsc = await runCommand('node_modules/typescript/bin/tsc', ['-p', 'tsconfig.build.json', '--outDir', out], {}, 180_000);
      try {
        expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);
        expect(fs.existsSync(path.join(out, 'src/modules/scheduling/scheduler.worker.js'))).toBe(true);
        const server = await startServer(
          { MES_DATA_DIR: path.join(tmp, 'built'), MES_ADMIN_PASSWORD: 'admin-pass-123' },
          60_000,
          path.join(out, 'src/server.js'),
        );
        const login = await fetch(`${server.url}/api/mes/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'planner', password: 'admin-pass-123' }),
        });
        const headers = { authorization: `Bearer ${((await login.json()) as { token: string }).token}`, 'content-type': 'application/json' };
        const drafts = (await (await fetch(`${server.url}/api/mes/production-plans?status=draft&limit=1`, { headers })).json()) as { items: { id: string }[] };
        const released = await fetch(`${server.url}/api/mes/production-plans/${drafts.items[0]!.id}/release`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ allowShortage: true }),
        });
        expect(released.status, await released.clone().text()).toBe(200);
        expect(((await released.json()) as { plan: { status: string } }).plan.status).toBe('released');
        expect(await server.stop('SIGTERM')).toBe(0);
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    },
  );

  it('refuses a corrupt data folder with one clear line and a non-zero exit', async () => {
    const dataDir = path.join(tmp, 'corrupt');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'PG_VERSION'), 'garbage\n');
    const result = await runCommand('src/server.ts', ['--port', '0'], { MES_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^burkol-mes: cannot open the embedded database/);
  });

  it('refuses an unreachable DATABASE_URL with one clear line', async () => {
    const result = await runCommand('src/server.ts', ['--port', '0'], { DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/nowhere' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^burkol-mes: cannot connect to PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nowhere/);
    expect(result.stderr).not.toContain('secret');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a bad port', async () => {
    const result = await runCommand('src/server.ts', ['--port', 'abc'], { MES_DATA_DIR: path.join(tmp, 'unused') });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/port must be an integer/);
  });
});

describe('the CLI', () => {
  it('seed refuses unknown flags and conflicting sizes with a usage line, writing nothing', async () => {
    const dataDir = path.join(tmp, 'cli');
    const unknown = await runCommand('cli/seed.ts', ['--bogus'], { MES_DATA_DIR: dataDir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^seed: Unknown option '--bogus'/);
    const both = await runCommand('cli/seed.ts', ['--minimal', '--full'], { MES_DATA_DIR: dataDir });
    expect(both.code).toBe(2);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('migrate, seed --minimal, status and rollback work on the embedded engine', { timeout: 240_000 }, async () => {
    const env = { MES_DATA_DIR: path.join(tmp, 'cli2') };
    const up = await runCommand('cli/migrate.ts', ['up'], env);
    for (const name of migrationNames) expect(up.stdout).toContain(`applied ${name}`);
    const seed = await runCommand('cli/seed.ts', ['--minimal', '--seed', '3'], env);
    expect(seed.code).toBe(0);
    expect(seed.stdout).toMatch(/3 workers, 2 stations, \d+ substations, 1 plans/);
    const again = await runCommand('cli/seed.ts', ['--minimal'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds MES data; add --clear/);
    const status = await runCommand('cli/migrate.ts', ['status'], env);
    for (const name of migrationNames) expect(status.stdout).toContain(`[x] ${name}`);
    const down = await runCommand('cli/migrate.ts', ['down'], env);
    expect(down.stdout).toContain(`reverted ${migrationNames[migrationNames.length - 1]}`);
  });
});
