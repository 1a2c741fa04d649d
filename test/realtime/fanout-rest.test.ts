/**
 * The listener rests after a fan-out in proportion to how long it took, so
 * that under a stream of commits the fan-out keeps only part of the event
 * loop and the commits of the rest go out together, one write per client.
 * A subscriber that takes 50 ms per batch stands in for 1,000 sockets.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Batch } from '../../src/modules/realtime/hub.js';
import { describeEachEngine } from '../helpers/engines.js';
import { type RunningApp, commitEvents, planEvent, startApp } from './helpers.js';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* a slow fan-out */
  }
};

describeEachEngine('the listener rests after a slow fan-out', (ctx) => {
  let running: RunningApp;
  const batches: string[][] = [];

  beforeAll(async () => {
    // 50 ms fan-outs × 20: the next read waits about a second
    running = await startApp(ctx.database, { fanoutRest: 20 });
    running.realtime.hub.subscribe({
      deliver(batch: Batch) {
        batches.push(batch.items.map((d) => d.event.entityId));
        busy(50);
      },
    });
  });
  afterAll(async () => {
    await running.close();
  });

  const until = async (check: () => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out; batches so far: ${JSON.stringify(batches)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('delivers the commits made during the rest together, in commit order, and nothing twice', async () => {
    const [a, b, c] = [planEvent(), planEvent(), planEvent()];
    await commitEvents(ctx.database.db, [a]);
    await until(() => batches.some((x) => x.includes(a.entityId)));
    // within the rest that first fan-out earned: two commits 50 ms apart
    await commitEvents(ctx.database.db, [b]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await commitEvents(ctx.database.db, [c]);
    await until(() => batches.some((x) => x.includes(c.entityId)));
    const ours = batches.map((x) => x.filter((id) => [a, b, c].some((e) => e.entityId === id))).filter((x) => x.length > 0);
    expect(ours).toEqual([[a.entityId], [b.entityId, c.entityId]]);
  });
});
