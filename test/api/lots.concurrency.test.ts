import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { runIntegrityChecks } from '../../src/integrity/checks.js';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/database.js';
import { type Client, seed, signIn } from '../helpers/api.js';
import { describeEachEngine, testConfig } from '../helpers/engines.js';
import { oneStepPlan, receive, release, trackedMaterial } from '../helpers/lots.js';

describeEachEngine('lots under concurrent completions', (ctx) => {
  let planner: Client;
  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    planner = await signIn(await ctx.app(), 'planner');
  });

  it.runIf(ctx.engine === 'postgres')(
    '50 concurrent completions drawing from the same lots: no lot negative, stock per lot = ledger',
    async () => {
      const db = ctx.database.db;
      // an app whose pool holds all 50 at once: the race is at the row locks, not in the pool's queue (whose 10 s wait a loaded machine exceeds)
      const wide = await openDatabase({ databaseUrl: ctx.url!, poolSize: 50 });
      const app = await buildApp({ database: wide, config: testConfig(), logger: false });
      await app.ready();
      const racer = await signIn(app, 'planner');
      await trackedMaterial(planner, 'RACE-BAR');
      // 5 lots of 25 (125); one blocked: 100 usable, 50 completions of 3 want 150
      for (let i = 1; i <= 5; i++)
        await receive(planner, 'RACE-BAR', { lotCode: `RACE-${i}`, quantity: 25, heatNumber: `HR-${i % 2}`, receivedAt: `2026-03-0${i}T08:00:00Z` });
      expect((await planner.post('/api/mes/lots/RACE-5/block', { reason: 'hold' })).statusCode).toBe(200);
      const ids: string[] = [];
      for (let i = 0; i < 50; i++) {
        const p = await release(planner, oneStepPlan(`Race ${i}`, [{ materialCode: 'RACE-BAR', requiredQuantity: 3 }]), true);
        ids.push(p.nodes.N1!);
      }
      // 50 steps running at once: more than the shop has workers, so they are put in progress directly (the race under test is the completion's)
      await sql`update mes.worker_assignments set status = 'in_progress', actual_start = now() - interval '10 minutes' where id = any(${ids}::text[])`.execute(
        db,
      );
      await sql`update mes.production_plans set status = 'in_production', started_at = now()
               where id in (select plan_id from mes.worker_assignments where id = any(${ids}::text[]))`.execute(db);
      const replies = await Promise.all(
        ids.map((id, i) =>
          racer.post(`/api/mes/worker-assignments/${id}/complete`, {
            goodQuantity: 10,
            // every third names a lot (the one FIFO would also start with, so named and FIFO draws collide), the rest FIFO
            ...(i % 3 === 0 ? { lots: [{ materialCode: 'RACE-BAR', lotCode: `RACE-${1 + (i % 4)}`, quantity: 1 }] } : {}),
          }),
        ),
      );
      const ok = replies.filter((r) => r.statusCode === 200).length;
      const refused = replies.filter((r) => r.statusCode === 409);
      expect(
        ok + refused.length,
        replies
          .filter((r) => r.statusCode !== 200 && r.statusCode !== 409)
          .map((r) => r.body)
          .join('\n')
          .slice(0, 1000),
      ).toBe(50);
      for (const r of refused) expect(r.json().detail).toMatch(/not enough RACE-BAR in unblocked lots|RACE-\d holds|not enough stock/);
      expect(ok).toBe(33); // floor(100 / 3): every unit of the unblocked lots is drawn at most once
      const lots = await sql<{ code: string; on_hand: number; ledger: number }>`
      select l.code, l.on_hand, coalesce(sum(g.stock_delta), 0) as ledger
        from mes.lots l left join mes.material_ledger g on g.lot_code = l.code where l.material_code = 'RACE-BAR' group by l.code, l.on_hand order by l.code`.execute(
        db,
      );
      for (const l of lots.rows) {
        expect(l.on_hand, l.code).toBeGreaterThanOrEqual(0);
        expect(l.on_hand, l.code).toBe(l.ledger);
      }
      expect(lots.rows.find((l) => l.code === 'RACE-5')!.on_hand).toBe(25);
      expect(lots.rows.reduce((s, l) => s + l.on_hand, 0)).toBe(125 - ok * 3);
      // the stock checks (the steps refused stay in progress without a worker holding them, set up above, so the booking checks are not asked)
      await app.close();
      await wide.close();
      const stockChecks = new Set(['lots_match_ledger', 'lot_tracked_moves_carry_lots', 'ledger_matches_stock', 'ledger_references']);
      expect((await runIntegrityChecks(db)).filter((f) => stockChecks.has(f.check))).toEqual([]);
    },
    600_000,
  ); // 50 releases first: minutes on a loaded machine
});
