/**
 * The integrity checks catch each invariant broken on purpose (every break
 * runs in a transaction that is rolled back, so the next one starts clean),
 * and `npm run doctor` exits 0 on a clean database, 1 on a broken one, 2 on
 * a usage error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../src/db/schema.js';
import { openDatabase, openPglite } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { integrityChecks, type IntegrityFailure, runIntegrityChecks } from '../../src/integrity/checks.js';
import { seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { runCommand } from '../helpers/processes.js';

class Rollback extends Error {}

/** Breaks the database inside a transaction, runs the checks there, rolls back. */
async function failuresAfter(db: Kysely<DB>, breakIt: (trx: Transaction<DB>) => Promise<void>): Promise<IntegrityFailure[]> {
  let failures: IntegrityFailure[] = [];
  await db
    .transaction()
    .execute(async (trx) => {
      await breakIt(trx);
      failures = await runIntegrityChecks(trx);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return failures;
}

interface Fixture {
  planId: string;
  /** A pending assignment (its node has predecessors) and a ready one. */
  pending: { id: string; worker_id: string; substation_id: string; node_id: number };
  ready: { id: string; worker_id: string; substation_id: string; node_id: number; planned_start: Date; planned_end: Date };
  edge: { node_id: number; predecessor_id: number };
  reservedMaterial: string;
}

const breakages: { check: string; how: string; run: (trx: Transaction<DB>, f: Fixture) => Promise<void> }[] = [
  {
    check: 'orphan_rows',
    how: 'a plan deleted with its foreign keys switched off (session_replication_role = replica)',
    run: async (trx, f) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`delete from mes.production_plans where id = ${f.planId}`.execute(trx);
    },
  },
  {
    check: 'acyclic_graphs',
    how: 'an edge that closes a cycle',
    run: async (trx, f) => {
      await sql`insert into mes.node_predecessors (plan_id, node_id, predecessor_id) values (${f.planId}, ${f.edge.predecessor_id}, ${f.edge.node_id})`.execute(
        trx,
      );
    },
  },
  {
    check: 'ledger_matches_stock',
    how: 'a ledger row written with the ledger trigger switched off',
    run: async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`insert into mes.material_ledger (material_code, entry_type, stock_delta, reason) values ('FASTENER-M8', 'receipt', 100, 'bypassing the trigger')`.execute(
        trx,
      );
    },
  },
  {
    check: 'lots_match_ledger',
    how: "a lot's on-hand bumped directly",
    run: async (trx) => {
      await sql`update mes.lots set on_hand = on_hand + 3 where code = 'LOT-DEMO-001'`.execute(trx);
    },
  },
  {
    check: 'lot_tracked_moves_carry_lots',
    how: 'a stock move of a lot-tracked material without a lot, written with the ledger triggers switched off',
    run: async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`insert into mes.material_ledger (material_code, entry_type, stock_delta, reason) values ('SHEET-304-1.5', 'adjustment', 1, 'no lot')`.execute(
        trx,
      );
    },
  },
  {
    check: 'ledger_matches_stock',
    how: 'stock bumped directly on the material',
    run: async (trx) => {
      await sql`update mes.materials set stock = stock + 7 where code = 'FASTENER-M8'`.execute(trx);
    },
  },
  {
    check: 'no_overlapping_bookings',
    how: 'two overlapping bookings of one worker and substation, with the exclusion constraints dropped',
    run: async (trx, f) => {
      await sql`alter table mes.worker_assignments drop constraint worker_assignments_worker_no_overlap`.execute(trx);
      await sql`alter table mes.worker_assignments drop constraint worker_assignments_substation_no_overlap`.execute(trx);
      await sql`update mes.worker_assignments set worker_id = ${f.ready.worker_id}, substation_id = ${f.ready.substation_id},
                  station_id = (select station_id from mes.substations where id = ${f.ready.substation_id}),
                  planned_start = ${f.ready.planned_start}, planned_end = ${f.ready.planned_end}
                where id = ${f.pending.id}`.execute(trx);
    },
  },
  {
    check: 'successors_start_after_predecessors',
    how: 'a pending assignment moved a year earlier, before its predecessors',
    run: async (trx, f) => {
      // a year back nothing else is booked: only precedence breaks
      await sql`update mes.worker_assignments set planned_start = planned_start - interval '365 days', planned_end = planned_end - interval '365 days'
                where id = ${f.pending.id}`.execute(trx);
    },
  },
  {
    check: 'busy_workers_have_a_task',
    how: 'a worker marked busy with a task that has not started',
    run: async (trx, f) => {
      await sql`update mes.workers set status = 'busy', current_assignment_id = ${f.pending.id}, current_plan_id = ${f.planId}, current_node_id = ${f.pending.node_id}
                where id = ${f.pending.worker_id}`.execute(trx);
    },
  },
  {
    check: 'busy_workers_have_a_task',
    how: 'a worker marked busy with no task at all, with its check constraint dropped',
    run: async (trx, f) => {
      const { rows } = await sql<{ conname: string }>`
        select conname from pg_constraint where conrelid = 'mes.workers'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%available%current_assignment_id%'`.execute(
        trx,
      );
      expect(rows).toHaveLength(1);
      await sql`alter table mes.workers drop constraint ${sql.id(rows[0]!.conname)}`.execute(trx);
      await sql`update mes.workers set status = 'busy' where id = ${f.ready.worker_id}`.execute(trx);
    },
  },
  {
    check: 'busy_workers_have_a_task',
    how: 'an assignment in progress that no worker holds',
    run: async (trx, f) => {
      await sql`update mes.worker_assignments set status = 'in_progress', actual_start = now() where id = ${f.ready.id}`.execute(trx);
    },
  },
  {
    check: 'busy_substations_have_a_task',
    how: 'a substation in use by a task that has not started',
    run: async (trx, f) => {
      await sql`update mes.substations set status = 'in_use', current_assignment_id = ${f.pending.id} where id = ${f.pending.substation_id}`.execute(trx);
    },
  },
  {
    check: 'assignments_match_their_plan',
    how: 'a cancelled plan whose assignments are still open',
    run: async (trx, f) => {
      await sql`update mes.production_plans set status = 'cancelled', cancelled_at = now() where id = ${f.planId}`.execute(trx);
    },
  },
  {
    check: 'assignments_match_their_plan',
    how: 'a completed plan with open assignments',
    run: async (trx, f) => {
      await sql`update mes.production_plans set status = 'completed', completed_at = now() where id = ${f.planId}`.execute(trx);
    },
  },
  {
    check: 'reservations_held_by_open_plans',
    how: 'a completed plan that still holds its reservations',
    run: async (trx, f) => {
      await sql`update mes.worker_assignments set status = 'cancelled' where plan_id = ${f.planId}`.execute(trx);
      await sql`update mes.production_plans set status = 'completed', completed_at = now() where id = ${f.planId}`.execute(trx);
    },
  },
  {
    check: 'reservations_held_by_open_plans',
    how: 'a reservation that belongs to no plan',
    run: async (trx, f) => {
      await sql`insert into mes.material_ledger (material_code, entry_type, reserved_delta, reason) values (${f.reservedMaterial}, 'reservation', 1, 'no plan')`.execute(
        trx,
      );
    },
  },
  {
    check: 'reservations_follow_expected_quantities',
    how: "a not-started step's expected quantity lowered without giving back its surplus reservation",
    run: async (trx, f) => {
      await sql`update mes.production_plan_nodes n set expected_quantity = 0
                 where n.plan_id = ${f.planId}
                   and exists (select 1 from mes.node_material_inputs i where i.node_id = n.id and i.from_node_id is null)
                   and exists (select 1 from mes.worker_assignments a where a.node_id = n.id and a.status in ('pending', 'ready'))`.execute(trx);
    },
  },
  {
    check: 'archived_plans_moved_out',
    how: 'a released plan marked archived with its graph still in place (check constraint switched off)',
    run: async (trx, f) => {
      await sql`alter table mes.production_plans drop constraint production_plans_archive_finished`.execute(trx);
      await sql`update mes.production_plans set archived_at = now() where id = ${f.planId}`.execute(trx);
    },
  },
  {
    check: 'ledger_references',
    how: "a ledger row naming a node and an assignment that are not the plan's",
    run: async (trx, f) => {
      await sql`insert into mes.material_ledger (material_code, entry_type, stock_delta, plan_id, node_id, assignment_id)
                values (${f.reservedMaterial}, 'consumption', -1, ${f.planId}, -1, 'WA-0000-000')`.execute(trx);
    },
  },
  {
    check: 'outbox_covers_changes',
    how: 'the events of the created assignments lost',
    run: async (trx) => {
      await sql`delete from mes.events where entity_type = 'assignment'`.execute(trx);
    },
  },
  {
    check: 'outbox_covers_changes',
    how: 'the release event lost while the outbox goes back an hour',
    run: async (trx, f) => {
      await sql`insert into mes.events (topic, entity_type, entity_id, change, created_at) values ('master', 'operation', 'OP-001', 'updated', now() - interval '1 hour')`.execute(
        trx,
      );
      await sql`delete from mes.events where entity_type = 'plan' and entity_id = ${f.planId} and change = 'released'`.execute(trx);
    },
  },
  {
    check: 'outbox_transactions_consistent',
    how: 'two events of one transaction with different times',
    run: async (trx) => {
      await sql`insert into mes.events (topic, entity_type, entity_id, change) values ('master', 'operation', 'OP-001', 'updated')`.execute(trx);
      await sql`insert into mes.events (topic, entity_type, entity_id, change, created_at) values ('master', 'operation', 'OP-001', 'updated', now() - interval '1 second')`.execute(
        trx,
      );
    },
  },
  {
    check: 'outbox_transactions_consistent',
    how: 'an event stamped with a transaction id from the future',
    run: async (trx) => {
      await sql`insert into mes.events (topic, entity_type, entity_id, change, tx_id)
                values ('master', 'operation', 'OP-001', 'updated', (pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1000000)::text::xid8)`.execute(
        trx,
      );
    },
  },
  {
    check: 'inspection_results_of_their_step',
    how: "a non-conformance on its assignment's plan but another node",
    run: async (trx, f) => {
      await sql`insert into mes.nonconformances (assignment_id, plan_id, node_id, quantity, disposition, created_by)
                values (${f.ready.id}, ${f.planId}, ${f.pending.node_id}, 1, 'scrap', 'test')`.execute(trx);
    },
  },
  {
    check: 'approved_rework_has_its_step',
    how: 'an approved rework non-conformance on a released plan without its rework step',
    run: async (trx, f) => {
      await sql`insert into mes.nonconformances (assignment_id, plan_id, node_id, quantity, disposition, created_by, approved_by, approved_at)
                values (${f.ready.id}, ${f.planId}, ${f.ready.node_id}, 1, 'rework', 'test', 'planner', now())`.execute(trx);
    },
  },
  {
    check: 'no_booking_in_maintenance',
    how: 'a maintenance block written over a ready booking',
    run: async (trx, f) => {
      await sql`insert into mes.substation_blocks (substation_id, starts_at, ends_at, reason)
                values (${f.ready.substation_id}, ${f.ready.planned_start}, ${f.ready.planned_end}, 'test')`.execute(trx);
    },
  },
  {
    check: 'bookings_on_their_station',
    how: "a booking moved onto another station's substation with the foreign keys switched off (session_replication_role = replica)",
    run: async (trx, f) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update mes.worker_assignments a set substation_id = (select s.id from mes.substations s where s.station_id <> a.station_id order by s.id limit 1)
                 where a.id = ${f.ready.id}`.execute(trx);
      await sql`set local session_replication_role = origin`.execute(trx);
    },
  },
  {
    check: 'bookings_on_their_station',
    how: 'a ready booking whose worker is no longer allowed at its station',
    run: async (trx, f) => {
      await sql`delete from mes.worker_stations ws using mes.worker_assignments a
                 where a.id = ${f.ready.id} and ws.worker_id = a.worker_id and ws.station_id = a.station_id`.execute(trx);
    },
  },
  {
    check: 'bookings_on_their_station',
    how: "a ready booking whose worker is no longer qualified for the step's operation",
    run: async (trx, f) => {
      await sql`delete from mes.worker_operations wo using mes.worker_assignments a, mes.production_plan_nodes n
                 where a.id = ${f.ready.id} and n.id = a.node_id and wo.worker_id = a.worker_id and wo.operation_id = n.operation_id`.execute(trx);
    },
  },
  {
    check: 'analytics_rollups_match',
    how: 'a daily rollup row that no completed step is behind',
    run: async (trx, f) => {
      await sql`insert into mes.analytics_daily_workers (day, worker_id, worked_minutes, n) values (current_date, ${f.ready.worker_id}, 5, 1)`.execute(trx);
    },
  },
  {
    check: 'plan_summaries_match',
    how: "a step's planned end moved with the triggers switched off (session_replication_role = replica)",
    run: async (trx, f) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update mes.worker_assignments set planned_end = planned_end - interval '1 minute' where id = ${f.ready.id}`.execute(trx);
      await sql`set local session_replication_role = origin`.execute(trx);
    },
  },
];

describeEachEngine('integrity checks', (ctx) => {
  let fixture: Fixture;

  beforeAll(async () => {
    const db = ctx.database.db;
    await seed(db, 'minimal');
    const planner = await signIn(await ctx.app(), 'planner');
    const planId = (await db.selectFrom('mes.production_plans').select('id').executeTakeFirstOrThrow()).id;
    const res = await planner.post(`/api/mes/production-plans/${planId}/release`, { allowShortage: true });
    expect(res.statusCode, res.body).toBe(200);
    const assignments = await db
      .selectFrom('mes.worker_assignments')
      .select(['id', 'status', 'worker_id', 'substation_id', 'node_id', 'planned_start', 'planned_end'])
      .where('plan_id', '=', planId)
      .orderBy('planned_start')
      .execute();
    const ready = assignments.find((a) => a.status === 'ready')!;
    const pending = assignments.find((a) => a.status === 'pending')!;
    const edge = await db.selectFrom('mes.node_predecessors').select(['node_id', 'predecessor_id']).where('plan_id', '=', planId).executeTakeFirstOrThrow();
    const reserved = await db.selectFrom('mes.materials').select('code').where('reserved', '>', 0).executeTakeFirstOrThrow();
    fixture = { planId, ready, pending, edge, reservedMaterial: reserved.code };
  });

  it('a seeded database with a released plan passes every check', async () => {
    expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
  });

  it('every check is exercised below', () => {
    expect(new Set(breakages.map((b) => b.check))).toEqual(new Set(integrityChecks.map((c) => c.name)));
  });

  for (const breakage of breakages) {
    it(`${breakage.check} reports ${breakage.how}`, async () => {
      const failures = await failuresAfter(ctx.database.db, (trx) => breakage.run(trx, fixture));
      const failure = failures.find((f) => f.check === breakage.check);
      expect(failure, JSON.stringify(failures)).toBeDefined();
      expect(failure!.rows.length).toBeGreaterThan(0);
      // rolled back: clean again
      expect(await runIntegrityChecks(ctx.database.db)).toEqual([]);
    });
  }

  it.runIf(ctx.engine === 'postgres')('npm run doctor on this PostgreSQL database exits 0', async () => {
    const result = await runCommand('cli/doctor.ts', [], { DATABASE_URL: ctx.url });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`all ${integrityChecks.length} checks hold`);
  });
});

describe('npm run doctor on an embedded data folder', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-doctor-'));
  const dataDir = path.join(tmp, 'data');
  const env = { MES_DATA_DIR: dataDir, DATABASE_URL: '' };
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const withData = async (run: (db: Kysely<DB>) => Promise<void>) => {
    const pglite = await openPglite(dataDir);
    const database = await openDatabase({ pglite });
    try {
      await run(database.db);
    } finally {
      await database.close();
      await pglite.close();
    }
  };

  it('exits 0 when clean, 1 naming the check and rows when broken, 2 on a usage error', async () => {
    await withData(async (db) => {
      await migrateToLatest(db);
      await seed(db, 'minimal');
    });
    const clean = await runCommand('cli/doctor.ts', [], env);
    expect(clean.code, clean.stderr).toBe(0);
    for (const check of integrityChecks) expect(clean.stdout).toMatch(new RegExp(`^OK +${check.name} `, 'm'));

    await withData(async (db) => {
      await sql`update mes.materials set stock = stock + 7 where code in ('FASTENER-M8', 'SHEET-S235-3')`.execute(db);
    });
    const broken = await runCommand('cli/doctor.ts', [], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^FAILED +ledger_matches_stock .*\(2 offending\)$/m);
    expect(broken.stdout).toMatch(/^ +FASTENER-M8: stock 40007(\.0+)? vs ledger 40000/m);
    expect(broken.stdout).toMatch(/^OK +orphan_rows /m);
    expect(broken.stdout).toContain(`1 of ${integrityChecks.length} checks FAILED`);

    const usage = await runCommand('cli/doctor.ts', ['--bogus'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^doctor: Unknown option '--bogus'/);
    expect(usage.stderr).toContain('usage: doctor');
  });
});
