/**
 * Release as the floor fills up (issue #16, item 4): `npm run bench:release-scale`
 *
 * On PostgreSQL (a scratch database `bench_scale_<pid>` on the server of
 * BENCH_DATABASE_URL / DATABASE_URL / postgres://postgres@127.0.0.1:5432,
 * dropped at the end), seeded --full, with a fixed `now` (Monday 2027-01-04
 * 06:00 UTC, past the seed's holiday exceptions), this measures the release of
 * a 20-node plan (the same branching chain as bench/api.ts, on the --full
 * stations ST-001..ST-010) side by side in one run:
 *
 *   - on an empty floor;
 *   - with 1,000 other released 20-node plans booked (20,000 open bookings);
 *   - with 5,000 other released 20-node plans booked (100,000 open bookings).
 *
 * Each measured release is followed by a cancel of that plan (not timed), so
 * the floor stays at its size; the median and p90 of the release call
 * (`releasePlan`, the service function behind POST /production-plans/:id/release,
 * with the configured scheduler budget) are printed, and the release path's
 * parts (the SQL reads of resources and bookings, the scheduler, the inserts,
 * as scheduleNodes reports them; the most windows of bookings one release read),
 * each measured in a transaction that is rolled back.
 *
 * How the other plans are booked (honest, and faster than 5,000 releases one
 * by one): TILE plans are released one after another through the same service
 * (so their bookings are exactly what release makes: non-overlapping per
 * worker and substation, inside the workers' shifts, after their
 * predecessors). That tile is then repeated in time by SQL: copies of its plans
 * (plan, nodes, edges, candidate stations) with every booking shifted by k
 * whole weeks, k = 1, 2, ..., where a week count is chosen so that a copy
 * starts after the tile's last booking ends. Whole weeks keep every booking on
 * the same weekday and clock time, so inside the same shifts (the seed's
 * holiday exceptions lie before `now`); shifting by more than the tile's span
 * keeps copies from overlapping, which the exclusion constraints check anyway.
 *
 * Where a measured plan lands (its start, days after `now`) is printed too: a
 * floor booked for months still has gaps a short step fits in.
 *
 * Then, on the same floors in turn, the tablet's read of the queue of the
 * worker with the most open tasks (workerTasks, 50 tasks of it).
 *
 * Each floor is a database of its own (built in one and copied), and the
 * floors are measured in turn: round after round one release on each, the
 * order rotating, so that a slow spell of a shared machine weighs on all of
 * them alike (measured one floor after the other, the empty floor's median
 * moved by 10 ms between two runs on the same machine).
 *
 *   npm run bench:release-scale                 RELEASES=15 per floor by default
 *   RELEASES=30 npm run bench:release-scale
 */
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { type Db, openDatabase } from '../src/db/database.js';
import { lockScheduling } from '../src/db/locks.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { workerTasks } from '../src/modules/assignments/assignments.service.js';
import { insertAssignments } from '../src/modules/assignments/index.js';
import { type FloorProfile, rescheduleFloor } from '../src/modules/plans/floor.service.js';
import { cancelPlan, type LifecycleOptions, releasePlan } from '../src/modules/plans/lifecycle.service.js';
import { findPlanDetail, nodeDbIds } from '../src/modules/plans/plans.repository.js';
import { createPlan } from '../src/modules/plans/plans.service.js';
import { stopSchedulerThread } from '../src/modules/scheduling/scheduler-thread.js';
import { scheduleNodes } from '../src/modules/scheduling/scheduling.service.js';
import { seedDatabase } from '../src/seed/seed.js';
import { cpuMeter, localBackendPid, machine, percentile, scalePlan as benchPlan, scratchDatabase } from './lib.js';
import { watchdog } from './watchdog.js';

const NOW = new Date(Date.UTC(2027, 0, 4, 6, 0));
const WEEK_MS = 7 * 86_400_000;
const RELEASES = Number(process.env.RELEASES ?? 15);
const TILE = Number(process.env.TILE ?? 250);
const FLOORS = (process.env.FLOORS ?? '0,1000,5000').split(',').map(Number);

class Rollback extends Error {}

/**
 * The release path's parts on `planId`, in a transaction rolled back at the end: ms of the read, the scheduler (the rest
 * of scheduleNodes), the insert; and the CPU time of the three together, this process's (every thread: the scheduler's
 * too) and the transaction's PostgreSQL backend's, which a busy machine inflates much less than wall time.
 */
async function releaseParts(db: Db, planId: string, opts: LifecycleOptions, url: string): Promise<Record<Part, number>> {
  let parts: Record<Part, number> = { read: 0, scheduler: 0, insert: 0, windows: 0, cpuNode: 0, cpuMain: 0, cpuDb: 0 };
  try {
    await db.transaction().execute(async (trx) => {
      await lockScheduling(trx);
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid;
      const used = cpuMeter(localBackendPid(pid, url));
      const plan = (await findPlanDetail(trx, planId))!;
      const dbIds = await nodeDbIds(trx, planId);
      const { rows, profile } = await scheduleNodes(trx, {
        plan,
        nodes: new Set(plan.nodes.map((n) => n.nodeId)),
        fixed: new Map(),
        completed: new Set(),
        dbIds,
        now: opts.now,
        utcOffsetMinutes: opts.utcOffsetMinutes,
        budgetMs: opts.schedulerBudgetMs,
      });
      const t = performance.now();
      await insertAssignments(trx, planId, rows);
      const cpu = used();
      parts = {
        read: profile.readMs,
        scheduler: profile.schedulerMs,
        insert: performance.now() - t,
        windows: profile.windows,
        cpuNode: cpu.node,
        cpuMain: cpu.nodeMain,
        cpuDb: cpu.db,
      };
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return parts;
}

/** What releaseParts measures of one release. */
const partNames = ['read', 'scheduler', 'insert', 'windows', 'cpuNode', 'cpuMain', 'cpuDb'] as const;
type Part = (typeof partNames)[number];

/** A floor's figures: per release, its time, each of its parts, where the plan landed. */
type FloorFigures = { floor: number; openBookings: number; releases: number[]; landsAfterDays: number[] } & Record<Part, number[]>;

/** A floor's own database, kept open while the floors are measured in turn. */
interface Floor {
  figures: FloorFigures;
  db: Db;
  url: string;
  close: () => Promise<void>;
}

async function openFloor(floor: number, url: string): Promise<Floor> {
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  const db = database.db;
  const openBookings = Number(
    (await sql<{ n: string }>`select count(*) as n from mes.worker_assignments where status in ('pending', 'ready', 'in_progress', 'paused')`.execute(db))
      .rows[0]!.n,
  );
  const perPart = Object.fromEntries(partNames.map((k) => [k, [] as number[]])) as Record<Part, number[]>;
  const figures: FloorFigures = { floor, openBookings, releases: [], landsAfterDays: [], ...perPart };
  return { figures, db, url, close: () => database.close() };
}

/** One measured release on a floor (its parts in a rolled-back transaction, then the release itself), cancelled after, so the floor keeps its size. */
async function measureRelease(f: Floor, round: number, opts: LifecycleOptions, warmUp: boolean): Promise<void> {
  const { db, figures } = f;
  const plan = await createPlan(db, benchPlan(`Measured on ${figures.floor} #${round}`), 'bench');
  const parts = await releaseParts(db, plan.id, opts, f.url);
  const t = performance.now();
  const released = await releasePlan(db, plan.id, true, opts);
  const ms = performance.now() - t;
  await cancelPlan(db, plan.id, opts);
  if (warmUp) return; // JIT, plan caches, the scheduler thread
  figures.releases.push(ms);
  for (const k of partNames) figures[k].push(parts[k]);
  figures.landsAfterDays.push((Date.parse(released.plan.plannedStart!) - NOW.getTime()) / 86_400_000);
}

/** Releases TILE plans one after another through the service: the tile every further floor repeats. Returns its span in whole weeks. */
async function releaseTile(db: Db, opts: LifecycleOptions): Promise<{ ids: string[]; weeks: number }> {
  const ids: string[] = [];
  for (let i = 0; i < TILE; i++) {
    const plan = await createPlan(db, benchPlan(`Floor plan ${i}`), 'bench');
    await releasePlan(db, plan.id, true, opts);
    ids.push(plan.id);
  }
  const end = (await sql<{ end: Date }>`select max(planned_end) as "end" from mes.worker_assignments where plan_id = any(${ids}::text[])`.execute(db)).rows[0]!
    .end;
  return { ids, weeks: Math.max(1, Math.ceil((end.getTime() - NOW.getTime()) / WEEK_MS)) };
}

/** Copies of the tile's plans and bookings, shifted by k * weeks, for k in [from, to). */
async function repeatTile(db: Db, ids: string[], weeks: number, from: number, to: number): Promise<void> {
  for (let k = from; k < to; k++) {
    const shift = `${k * weeks * 7} days`;
    await db.transaction().execute(async (trx) => {
      await sql`create temp table clone_map on commit drop as
        select p.id as src, mes.generate_production_plan_code() as dst from mes.production_plans p where p.id = any(${ids}::text[]) order by p.id`.execute(trx);
      await sql`insert into mes.production_plans (id, work_order_code, name, quantity, status, allow_shortage, planned_start, planned_end, released_at, created_by)
        select m.dst, p.work_order_code, p.name || ' +' || ${k}::int, p.quantity, 'released', true,
               p.planned_start + ${shift}::interval, p.planned_end + ${shift}::interval, p.released_at, p.created_by
          from clone_map m join mes.production_plans p on p.id = m.src`.execute(trx);
      await sql`insert into mes.production_plan_nodes (plan_id, node_id, sequence, name, operation_id, quantity, nominal_time, efficiency, position_x, position_y)
        select m.dst, n.node_id, n.sequence, n.name, n.operation_id, n.quantity, n.nominal_time, n.efficiency, n.position_x, n.position_y
          from clone_map m join mes.production_plan_nodes n on n.plan_id = m.src`.execute(trx);
      await sql`create temp table node_map on commit drop as
        select s.id as src, d.id as dst, m.dst as plan_id from clone_map m
          join mes.production_plan_nodes s on s.plan_id = m.src join mes.production_plan_nodes d on d.plan_id = m.dst and d.node_id = s.node_id`.execute(trx);
      await sql`insert into mes.node_predecessors (plan_id, node_id, predecessor_id)
        select a.plan_id, a.dst, b.dst from mes.node_predecessors e join node_map a on a.src = e.node_id join node_map b on b.src = e.predecessor_id`.execute(
        trx,
      );
      await sql`insert into mes.node_stations (plan_id, node_id, station_id, priority, time_minutes)
        select a.plan_id, a.dst, s.station_id, s.priority, s.time_minutes from mes.node_stations s join node_map a on a.src = s.node_id`.execute(trx);
      await sql`insert into mes.worker_assignments (id, plan_id, node_id, worker_id, station_id, substation_id, planned_start, planned_end, work_minutes, status, wait_reason)
        select mes.generate_assignment_code(), a.plan_id, a.dst, w.worker_id, w.station_id, w.substation_id,
               w.planned_start + ${shift}::interval, w.planned_end + ${shift}::interval, w.work_minutes, w.status, w.wait_reason
          from mes.worker_assignments w join node_map a on a.src = w.node_id
         where w.status in ('pending', 'ready') order by a.plan_id, a.dst`.execute(trx);
    });
  }
}

const med = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const p90 = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    90,
  );
const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

async function main() {
  watchdog('bench/release-scale', 60 * 60_000);
  const name = `bench_scale_${process.pid}`;
  const url = await scratchDatabase(name);
  const config = loadConfig([], { ...process.env, LOG_LEVEL: 'silent' });
  let database = await openDatabase({ databaseUrl: url, poolSize: 4 });
  const floors: Floor[] = [];
  const copies: string[] = [];
  try {
    await migrateToLatest(database.db);
    await seedDatabase(database.db, { size: 'full', adminPassword: 'bench-password', demoPin: '1234' });
    const opts: LifecycleOptions = { actor: 'bench', now: NOW, utcOffsetMinutes: config.utcOffsetMinutes, schedulerBudgetMs: config.schedulerBudgetMs };
    console.log(`machine: ${machine()}`);
    console.log(
      `database: PostgreSQL, seeded --full; now = ${NOW.toISOString()}; scheduler budget ${opts.schedulerBudgetMs} ms; ${RELEASES} releases per floor (+2 warm-up), the floors in turn`,
    );

    // each floor is built in this database and copied (create database ... template) into one of its own, so that
    // the floors can be measured in turn: a release on each, round after round, the order rotating, and a slow
    // spell of a shared machine falls on every floor alike instead of on whichever was being measured then
    let tile: { ids: string[]; weeks: number } | undefined;
    let booked = 0;
    for (const floor of FLOORS) {
      if (floor > booked) {
        const t = performance.now();
        if (!tile) {
          tile = await releaseTile(database.db, opts);
          booked = TILE;
        }
        const tiles = Math.ceil(floor / TILE);
        await repeatTile(database.db, tile.ids, tile.weeks, Math.round(booked / TILE), tiles);
        booked = tiles * TILE;
        // statistics of every table the copies grew 20-fold (autovacuum would catch up later; stale ones make the
        // planner pick sequential scans and JIT-compile the reschedule's reads, seconds of it)
        await sql`vacuum analyze mes.worker_assignments, mes.production_plans, mes.production_plan_nodes, mes.node_predecessors, mes.node_stations`.execute(
          database.db,
        );
        console.log(
          `floor of ${booked} plans built in ${((performance.now() - t) / 1000).toFixed(1)} s (a tile of ${TILE} released plans spans ${tile.weeks} week(s), repeated ${tiles} times)`,
        );
      }
      const copy = `${name}_${booked}`;
      await database.close(); // a template must have no other session
      floors.push(await openFloor(booked, await copyDatabase(url, copy, name)));
      copies.push(copy);
      database = await openDatabase({ databaseUrl: url, poolSize: 4 });
    }
    for (let round = 0; round < RELEASES + 2; round++) {
      for (let k = 0; k < floors.length; k++) await measureRelease(floors[(round + k) % floors.length]!, round, opts, round < 2);
    }

    const results = floors.map((fl) => fl.figures);
    const empty = results[0]!;
    console.log('');
    console.log(
      '| other plans booked | open bookings | release median ms | p90 ms | vs empty | read ms | scheduler ms | insert ms | parts CPU ms: Node + PostgreSQL | of Node: main thread | CPU vs empty | windows read | lands after (days, median) |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    const cpuOf = (r: FloorFigures) => med(r.cpuNode.map((n, i) => n + r.cpuDb[i]!));
    for (const r of results) {
      console.log(
        `| ${r.floor} | ${r.openBookings} | ${f(med(r.releases))} | ${f(p90(r.releases))} | ${(med(r.releases) / med(empty.releases)).toFixed(2)}× | ${f(med(r.read))} | ${f(med(r.scheduler))} | ${f(med(r.insert))} | ${f(cpuOf(r))} = ${f(med(r.cpuNode))} + ${f(med(r.cpuDb))} | ${f(med(r.cpuMain))} | ${(cpuOf(r) / cpuOf(empty)).toFixed(2)}× | ${Math.max(...r.windows)} | ${med(r.landsAfterDays).toFixed(2)} |`,
      );
    }
    await queueRows(floors);
    if (tile) await rescheduleRow(database.db, tile.ids, opts, config.rescheduleBudgetMs);
  } finally {
    await stopSchedulerThread();
    for (const fl of floors) await fl.close();
    await database.close();
    if (process.env.KEEP_DATABASE) console.log(`kept databases ${[name, ...copies].join(', ')}`);
    else for (const db of [name, ...copies]) await dropDatabase(url, db);
  }
}

/** A copy of database `template` named `copy` on the same server; its URL. */
async function copyDatabase(url: string, copy: string, template: string): Promise<string> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`drop database if exists ${copy} with (force)`);
  await client.query(`create database ${copy} template ${template}`);
  await client.end();
  const target = new URL(url);
  target.pathname = `/${copy}`;
  return target.toString();
}

async function dropDatabase(url: string, name: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.end();
}

/**
 * A worker's queue as the tablet reads it (workerTasks, the service behind GET /api/mes/workers/:id/tasks, with
 * its default limit of 50), for the worker with the most open tasks on each floor, the floors in turn: on a full
 * order book a worker holds thousands of open steps, and the tablet reads its queue after every change of it.
 */
async function queueRows(floors: Floor[]): Promise<void> {
  const reader = { id: 0, username: 'bench', displayName: 'bench', role: 'admin', workerId: null, locale: 'en' } as const;
  const clock = { now: () => NOW, utcOffsetMinutes: 0 };
  const busiest = await Promise.all(
    floors.map(async (fl) => {
      const { rows } = await sql<{ id: string | null; n: number }>`select w.id, (select count(*)::int from mes.worker_assignments a
          where a.worker_id = w.id and a.status in ('pending', 'ready', 'in_progress', 'paused')) as n
        from mes.workers w order by n desc, w.id limit 1`.execute(fl.db);
      return rows[0]!;
    }),
  );
  const times: number[][] = floors.map(() => []);
  const bytes: number[] = floors.map(() => 0);
  for (let round = 0; round < RELEASES + 2; round++) {
    for (let j = 0; j < floors.length; j++) {
      const k = (round + j) % floors.length;
      const t = performance.now();
      const queue = await workerTasks(floors[k]!.db, busiest[k]!.id!, reader, clock);
      if (round >= 2) times[k]!.push(performance.now() - t);
      bytes[k] = JSON.stringify(queue).length;
    }
  }
  console.log('');
  console.log("a worker's queue (the tablet's read, 50 tasks of it), for the worker with the most open tasks, the floors in turn:");
  console.log('');
  // the reference: the first floor whose worker has a full page (an empty floor's worker has no task to build)
  const ref = Math.max(
    0,
    busiest.findIndex((b) => b.n >= 50),
  );
  console.log(`| other plans booked | the worker's open tasks | median ms | p90 ms | vs ${floors[ref]!.figures.floor} plans | JSON kB |`);
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  floors.forEach((fl, k) => {
    console.log(
      `| ${fl.figures.floor} | ${busiest[k]!.n} | ${f(med(times[k]!))} | ${f(p90(times[k]!))} | ${(med(times[k]!) / med(times[ref]!)).toFixed(2)}× | ${f(bytes[k]! / 1000)} |`,
    );
  });
}

const RESCHEDULED = Number(process.env.RESCHEDULED ?? 200);

/**
 * The floor's reschedule of RESCHEDULED (200) of the tile's plans (20 steps each) together, on the last floor
 * (issue #16: within 2 s, total weighted tardiness no worse than the plans' current schedule): rescheduleFloor,
 * the service behind POST /api/mes/schedule/reschedule, with the configured reschedule budget. The plans get
 * due dates in the reverse of their release order (the first released, which end first, are due last; the
 * last released are due soon after now) and priorities 1..5 in turn, so their current schedule is late and a
 * reschedule has something to win. Timed as a dry run, then applied; before/after are the service's figures.
 */
async function rescheduleRow(db: Db, ids: string[], opts: LifecycleOptions, budgetMs: number): Promise<void> {
  const planIds = ids.slice(0, RESCHEDULED);
  const ends = await sql<{ id: string; end: Date }>`select id, planned_end as "end" from mes.production_plans where id = any(${planIds}::text[])`.execute(db);
  const endOf = new Map(ends.rows.map((r) => [r.id, r.end.getTime()]));
  const span = Math.max(...endOf.values()) - NOW.getTime();
  for (const [i, id] of planIds.entries()) {
    const due = new Date(NOW.getTime() + span * (0.1 + (0.9 * (planIds.length - 1 - i)) / planIds.length));
    await sql`update mes.production_plans set due_date = ${due}, priority = ${1 + (i % 5)} where id = ${id}`.execute(db);
  }
  const floorOpts = { actor: 'bench', now: opts.now, utcOffsetMinutes: opts.utcOffsetMinutes, budgetMs };
  const row = async (dryRun: boolean) => {
    const t = performance.now();
    let p: FloorProfile | undefined;
    const r = await rescheduleFloor(db, planIds, { ...floorOpts, dryRun, onProfile: (x) => (p = x) });
    const ms = performance.now() - t;
    const moved = r.plans.reduce((n, p) => n + p.moved, 0);
    const parts = p ? `${f(p.plansMs)} | ${f(p.readMs)} (${p.windows}) | ${f(p.schedulerMs)} (${p.iterations}) | ${f(p.writeMs)}` : '| | |';
    return `| ${dryRun ? 'dry run' : 'applied'} | ${planIds.length} × 20 | ${f(ms)} | ${r.before.weightedTardiness.toFixed(0)} | ${r.after.weightedTardiness.toFixed(0)} | ${r.before.totalTardinessMinutes.toFixed(0)} | ${r.after.totalTardinessMinutes.toFixed(0)} | ${r.before.latePlans} → ${r.after.latePlans} | ${r.accepted ? 'yes' : 'no'} | ${moved} | ${parts} |`;
  };
  console.log('');
  console.log(`reschedule of ${planIds.length} plans x 20 steps together (scheduler budget ${budgetMs} ms), on the last floor:`);
  console.log('');
  console.log(
    '| run | plans × steps | ms | weighted tardiness before | after | tardiness min before | after | late plans | accepted | steps moved | plans read ms | bookings read ms (windows) | scheduler ms (iterations) | writes ms |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(await row(true));
  console.log(await row(false));
}

await main();
