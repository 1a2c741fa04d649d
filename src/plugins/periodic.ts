/**
 * A background job of one instance (archive, overrun sweep, session sweep):
 * `work` runs every `everyMs` once the app is ready (and at once, with
 * `atReady`), never twice at the same time in this process (a tick while it
 * runs is skipped), its failure logged and not thrown, and a run in progress
 * awaited on close. The timer does not keep the process alive.
 */
import type { FastifyInstance } from 'fastify';

export function periodicJob(app: FastifyInstance, opts: { everyMs: number; atReady?: boolean; failure: string; work: () => Promise<void> }): void {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= opts
      .work()
      .catch((error: unknown) => app.log.warn({ err: error }, opts.failure))
      .finally(() => (running = undefined));
  };
  app.addHook('onReady', async () => {
    if (opts.atReady) run();
    timer = setInterval(run, opts.everyMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
