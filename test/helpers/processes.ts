/**
 * Start the real server or a CLI command as a child process, for tests of the process itself.
 *
 * One process, as in production (`node dist/src/server.js`): node with tsx's
 * loader (`node --import tsx`), not the tsx CLI. The CLI runs the script in a
 * second node process and relays signals to it: a SIGKILL reaches only the
 * CLI and leaves the server running as an orphan, and a SIGTERM is turned
 * into a SIGKILL when the busy server does not acknowledge it within ~30 ms,
 * so a graceful shutdown could not be tested.
 */
import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');

function spawnScript(script: string, args: string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
  // compiled JavaScript (a build's output) runs on plain node, as in production
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return spawn(process.execPath, [...loader, script, ...args], { cwd: root, env });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCommand(script: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnScript(script, args, { ...process.env, ...env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServer(env: NodeJS.ProcessEnv, timeoutMs = 60_000, script = 'src/server.ts'): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawnScript(script, ['--port', String(port), '--host', '127.0.0.1'], { ...process.env, LOG_LEVEL: 'info', NODE_ENV: 'production', ...env });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${out}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within ${timeoutMs} ms: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    port,
    url,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
