/**
 * The analytics API (issue #18 item 2) on a hand-built fixture whose every
 * figure is computed by hand below, on both engines.
 *
 * The fixture, on Wednesday 2026-06-10 (plant time = UTC here):
 * - station ST-900 with one substation ST-900-01 whose availability calendar
 *   CAL-OEE is on 08:00–16:00 on Wednesdays (480 min); a maintenance block
 *   12:00–13:00 (60 min) → planned production time 420 min;
 * - worker W-900 (same calendar: 480 shift minutes);
 * - plan PPL-2026-900 (due 18:00, completed 16:00: on time), step A:
 *   OP-900, 10 units × 2 min nominal, efficiency 1, planned work 20 min;
 *   ran 08:00–08:40 with a 15-min break → worked 25 min; good 10, scrap 0;
 * - plan PPL-2026-901 (due 10:00, completed 15:00: late), step B:
 *   OP-900, 10 units × 5 min nominal, efficiency 1, planned work 50 min;
 *   ran 09:00–10:30 with a 30-min machine_fault pause → worked 60 min;
 *   good 8, scrap 2 (reason "dimension").
 *
 * By hand:
 *   run time = 25 + 60 = 85 min; availability = 85 / 420 = 0.202380952…
 *   ideal time = 2 × (10 + 0) / 1 + 5 × (8 + 2) / 1 = 20 + 50 = 70 min;
 *   performance = 70 / 85 = 0.823529411…
 *   quality = (10 + 8) / (10 + 8 + 0 + 2) = 18 / 20 = 0.9
 *   OEE = 85/420 × 70/85 × 0.9 = 70/420 × 0.9 = 0.15
 *   downtime Pareto: machine_fault 30 (share 30/45 = 0.6667, cumulative 0.6667), break 15 (0.3333, cumulative 1)
 *   scrap Pareto: dimension 2 (share 1)
 *   planned vs actual for OP-900 at ST-900: 2 steps, 20 units; planned (20 + 50) / 20 = 3.5 min/unit;
 *     actual mean 85 / 20 = 4.25; per-unit actuals 2.5 and 6 → median 4.25; nominal median (2, 5) = 3.5;
 *     suggested nominal = median(25 × 1 / 10, 60 × 1 / 10) = 4.25
 *   delivery: 2 completed, 2 with a due date, 1 on time → 0.5; lead times (release 07:00) 9 h and 8 h:
 *     median 8.5 h, p90 8 + 0.9 × 1 = 8.9 h; units 10 + 10 = 20; good units of the last steps 10 + 8 = 18
 *   utilisation of W-900: 85 / 480 = 0.177083…
 */
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { type Client, expectNoWrite, expectProblem, seed, signIn, signInWorker } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';

const day = '2026-06-10';
const at = (hhmm: string) => `${day}T${hhmm}:00.000Z`;
const period = `from=${encodeURIComponent(at('00:00'))}&to=${encodeURIComponent('2026-06-11T00:00:00.000Z')}`;
const scope = `${period}&stationId=ST-900`;

describeEachEngine('analytics', (ctx) => {
  let planner: Client;

  beforeAll(async () => {
    const db = ctx.database.db;
    await seed(db, 'default');
    await sql`insert into mes.operations (id, name) values ('OP-900', 'Analytics op')`.execute(db);
    await sql`insert into mes.stations (id, name) values ('ST-900', 'Analytics station')`.execute(db);
    await sql`insert into mes.station_operations (station_id, operation_id) values ('ST-900', 'OP-900')`.execute(db);
    await sql`insert into mes.shift_calendars (id, name) values ('CAL-OEE', 'Wednesdays 8-16')`.execute(db);
    await sql`insert into mes.shift_calendar_windows (calendar_id, weekday, start_minute, end_minute) values ('CAL-OEE', 3, 480, 960)`.execute(db);
    await sql`insert into mes.substations (id, station_id, name, availability_calendar_id) values ('ST-900-01', 'ST-900', 'Analytics substation', 'CAL-OEE')`.execute(
      db,
    );
    await sql`insert into mes.substation_blocks (substation_id, starts_at, ends_at, reason) values ('ST-900-01', ${at('12:00')}, ${at('13:00')}, 'planned maintenance')`.execute(
      db,
    );
    await sql`insert into mes.workers (id, name, shift_calendar_id) values ('W-900', 'Analytics worker', 'CAL-OEE')`.execute(db);
    await sql`insert into mes.worker_stations (worker_id, station_id) values ('W-900', 'ST-900')`.execute(db);
    await sql`insert into mes.worker_operations (worker_id, operation_id) values ('W-900', 'OP-900')`.execute(db);
    const plans = [
      {
        id: 'PPL-2026-900',
        due: at('18:00'),
        done: at('16:00'),
        nominal: 2,
        work: 20,
        start: at('08:00'),
        end: at('08:40'),
        worked: 25,
        paused: 15,
        good: 10,
        scrap: 0,
        reason: null,
        pause: ['break', at('08:10'), at('08:25')],
      },
      {
        id: 'PPL-2026-901',
        due: at('10:00'),
        done: at('15:00'),
        nominal: 5,
        work: 50,
        start: at('09:00'),
        end: at('10:30'),
        worked: 60,
        paused: 30,
        good: 8,
        scrap: 2,
        reason: 'dimension',
        pause: ['machine_fault', at('09:20'), at('09:50')],
      },
    ] as const;
    for (const [i, p] of plans.entries()) {
      await sql`insert into mes.production_plans (id, work_order_code, name, quantity, status, released_at, started_at, completed_at, due_date)
                values (${p.id}, ${`WO-${p.id}`}, ${`Plan ${p.id}`}, 10, 'completed', ${at('07:00')}, ${p.start}, ${p.done}, ${p.due})`.execute(db);
      const node = await sql<{
        id: string;
      }>`insert into mes.production_plan_nodes (plan_id, node_id, sequence, name, operation_id, quantity, nominal_time, efficiency)
                values (${p.id}, 'N1', 1, ${`Step ${i}`}, 'OP-900', 10, ${p.nominal}, 1) returning id`.execute(db);
      const nodeId = node.rows[0]!.id;
      await sql`insert into mes.node_stations (plan_id, node_id, station_id, priority) values (${p.id}, ${nodeId}, 'ST-900', 1)`.execute(db);
      const wa = `WA-2026-90${i}`;
      await sql`insert into mes.worker_assignments (id, plan_id, node_id, worker_id, station_id, substation_id, status, planned_start, planned_end, work_minutes,
                  actual_start, actual_end, paused_minutes, worked_minutes, good_quantity, scrap_quantity, scrap_reason)
                values (${wa}, ${p.id}, ${nodeId}, 'W-900', 'ST-900', 'ST-900-01', 'completed', ${p.start}, ${p.end}, ${p.work},
                  ${p.start}, ${p.end}, ${p.paused}, ${p.worked}, ${p.good}, ${p.scrap}, ${p.reason})`.execute(db);
      await sql`insert into mes.assignment_pauses (assignment_id, reason, started_at, ended_at) values (${wa}, ${p.pause[0]}, ${p.pause[1]}, ${p.pause[2]})`.execute(
        db,
      );
    }
    planner = await signIn(await ctx.app(), 'planner');
  });

  it('OEE per substation and station: availability 85/420, performance 70/85, quality 18/20, OEE 0.15', async () => {
    const res = await planner.get(`/api/mes/analytics/oee?${scope}&groupBy=day`);
    expect(res.statusCode).toBe(200);
    const rows = res.json().rows as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    for (const level of ['substation', 'station']) {
      const r = rows.find((x) => x.level === level)!;
      expect(r).toMatchObject({ bucket: day, stationId: 'ST-900', plannedMinutes: 420, runMinutes: 85, good: 18, scrap: 2 });
      expect(r.substationId).toBe(level === 'substation' ? 'ST-900-01' : null);
      expect(r.idealMinutes as number).toBeCloseTo(70, 9);
      expect(r.availability as number).toBeCloseTo(85 / 420, 9);
      expect(r.performance as number).toBeCloseTo(70 / 85, 9);
      expect(r.quality as number).toBeCloseTo(0.9, 9);
      expect(r.oee as number).toBeCloseTo(0.15, 9);
    }
  });

  it('a week or a month bucket holds the same day; a bucket of a day without steps has planned time and no run (availability 0)', async () => {
    const week = (await planner.get(`/api/mes/analytics/oee?${scope}&groupBy=week`)).json().rows as Record<string, unknown>[];
    expect(week.find((r) => r.level === 'station')).toMatchObject({ bucket: '2026-06-08', plannedMinutes: 420, runMinutes: 85 });
    const month = (await planner.get(`/api/mes/analytics/oee?${scope}&groupBy=month`)).json().rows as Record<string, unknown>[];
    expect(month.find((r) => r.level === 'station')).toMatchObject({ bucket: '2026-06-01', plannedMinutes: 420 });
    const nextWeek = `from=2026-06-17T00:00:00.000Z&to=2026-06-18T00:00:00.000Z&stationId=ST-900`;
    const idle = (await planner.get(`/api/mes/analytics/oee?${nextWeek}`)).json().rows as Record<string, unknown>[];
    // Wednesday 17 June: 480 on shift, no block, nothing ran
    expect(idle.find((r) => r.level === 'substation')).toMatchObject({
      plannedMinutes: 480,
      runMinutes: 0,
      availability: 0,
      performance: null,
      quality: null,
      oee: null,
    });
  });

  it('downtime: a Pareto of pause minutes by reason with cumulative shares, and the rows per station', async () => {
    const body = (await planner.get(`/api/mes/analytics/downtime?${scope}`)).json();
    expect(body.pareto.map((p: { reason: string; value: number; count: number }) => [p.reason, p.value, p.count])).toEqual([
      ['machine_fault', 30, 1],
      ['break', 15, 1],
    ]);
    expect(body.pareto[0].share).toBeCloseTo(2 / 3, 9);
    expect(body.pareto[0].cumulativeShare).toBeCloseTo(2 / 3, 9);
    expect(body.pareto[1].share).toBeCloseTo(1 / 3, 9);
    expect(body.pareto[1].cumulativeShare).toBeCloseTo(1, 9);
    expect(body.rows).toEqual([
      { bucket: day, stationId: 'ST-900', reason: 'break', minutes: 15, pauses: 1 },
      { bucket: day, stationId: 'ST-900', reason: 'machine_fault', minutes: 30, pauses: 1 },
    ]);
  });

  it('scrap by reason and by operation', async () => {
    const body = (await planner.get(`/api/mes/analytics/scrap?${scope}`)).json();
    expect(body.pareto).toEqual([{ reason: 'dimension', value: 2, count: 1, share: 1, cumulativeShare: 1 }]);
    expect(body.rows).toEqual([{ bucket: day, operationId: 'OP-900', reason: 'dimension', scrap: 2, steps: 1 }]);
  });

  it('planned vs actual per unit, and the nominal time the actuals’ median suggests', async () => {
    const rows = (await planner.get(`/api/mes/analytics/planned-vs-actual?${scope}`)).json().rows;
    expect(rows).toHaveLength(1);
    const r = rows[0];
    expect(r).toMatchObject({ operationId: 'OP-900', stationId: 'ST-900', steps: 2, units: 20 });
    expect(r.nominalPerUnit).toBeCloseTo(3.5, 9);
    expect(r.plannedPerUnit).toBeCloseTo(3.5, 9);
    expect(r.actualMeanPerUnit).toBeCloseTo(4.25, 9);
    expect(r.actualMedianPerUnit).toBeCloseTo(4.25, 9);
    expect(r.suggestedNominal).toBeCloseTo(4.25, 9);
  });

  it('on-time delivery with one late and one on-time plan; lead time median and p90; throughput', async () => {
    const rows = (await planner.get(`/api/mes/analytics/delivery?${scope}`)).json().rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ bucket: day, completedPlans: 2, withDueDate: 2, onTime: 1, onTimeRate: 0.5, units: 20, goodUnits: 18 });
    expect(rows[0].leadTimeMedianHours).toBeCloseTo(8.5, 9);
    expect(rows[0].leadTimeP90Hours).toBeCloseTo(8.9, 9);
  });

  it('worker utilisation: worked minutes over shift minutes', async () => {
    const rows = (await planner.get(`/api/mes/analytics/utilisation?${scope}`)).json().rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ bucket: day, workerId: 'W-900', workedMinutes: 85, shiftMinutes: 480 });
    expect(rows[0].utilisation).toBeCloseTo(85 / 480, 9);
  });

  it('drill-down: the steps behind the machine_fault bar, keyset-paginated', async () => {
    const one = (await planner.get(`/api/mes/analytics/steps?${scope}&reason=machine_fault`)).json();
    expect(one.rows.map((r: { assignmentId: string }) => r.assignmentId)).toEqual(['WA-2026-901']);
    expect(one.rows[0]).toMatchObject({ planId: 'PPL-2026-901', workedMinutes: 60, pausedMinutes: 30, good: 8, scrap: 2, scrapReason: 'dimension' });
    expect(one.next).toBeNull();
    const first = (await planner.get(`/api/mes/analytics/steps?${scope}&limit=1`)).json();
    expect(first.rows.map((r: { assignmentId: string }) => r.assignmentId)).toEqual(['WA-2026-900']);
    expect(first.next).toBe('WA-2026-900');
    const second = (await planner.get(`/api/mes/analytics/steps?${scope}&limit=1&after=${first.next}`)).json();
    expect(second.rows.map((r: { assignmentId: string }) => r.assignmentId)).toEqual(['WA-2026-901']);
    expect(second.next).toBeNull();
    expectProblem(await planner.get(`/api/mes/analytics/steps?${scope}&limit=501`), 400);
  });

  it('drill-down of the unspecified scrap bar: the scrapped steps whose reason is missing or empty', async () => {
    // station ST-901 (away from the hand-computed ST-900 figures): scrap 1 with no reason, scrap 3 with an empty reason,
    // scrap 0 with no reason (behind no scrap bar), scrap 2 of 'dimension'
    const db = ctx.database.db;
    await sql`insert into mes.stations (id, name) values ('ST-901', 'Scrap station')`.execute(db);
    await sql`insert into mes.station_operations (station_id, operation_id) values ('ST-901', 'OP-900')`.execute(db);
    await sql`insert into mes.substations (id, station_id, name) values ('ST-901-01', 'ST-901', 'Scrap substation')`.execute(db);
    await sql`insert into mes.workers (id, name) values ('W-901', 'Scrap worker')`.execute(db);
    const steps = [
      { scrap: 1, reason: null },
      { scrap: 3, reason: '' },
      { scrap: 0, reason: null },
      { scrap: 2, reason: 'dimension' },
    ];
    for (const [i, step] of steps.entries()) {
      const plan = `PPL-2026-91${i}`;
      const [start, end] = [at(`1${i}:00`), at(`1${i}:30`)];
      await sql`insert into mes.production_plans (id, work_order_code, name, quantity, status, released_at, started_at, completed_at)
                values (${plan}, ${`WO-${plan}`}, ${`Plan ${plan}`}, 10, 'completed', ${at('07:00')}, ${start}, ${end})`.execute(db);
      const node = await sql<{
        id: string;
      }>`insert into mes.production_plan_nodes (plan_id, node_id, sequence, name, operation_id, quantity, nominal_time, efficiency)
                values (${plan}, 'N1', 1, 'Scrap step', 'OP-900', 10, 3, 1) returning id`.execute(db);
      await sql`insert into mes.node_stations (plan_id, node_id, station_id, priority) values (${plan}, ${node.rows[0]!.id}, 'ST-901', 1)`.execute(db);
      await sql`insert into mes.worker_assignments (id, plan_id, node_id, worker_id, station_id, substation_id, status, planned_start, planned_end, work_minutes,
                  actual_start, actual_end, paused_minutes, worked_minutes, good_quantity, scrap_quantity, scrap_reason)
                values (${`WA-2026-91${i}`}, ${plan}, ${node.rows[0]!.id}, 'W-901', 'ST-901', 'ST-901-01', 'completed', ${start}, ${end}, 30,
                  ${start}, ${end}, 0, 30, ${10 - step.scrap}, ${step.scrap}, ${step.reason})`.execute(db);
    }
    const here = `${period}&stationId=ST-901`;
    const scrap = (await planner.get(`/api/mes/analytics/scrap?${here}`)).json();
    expect(scrap.pareto.map((p: { reason: string; value: number; count: number }) => [p.reason, p.value, p.count])).toEqual([
      ['unspecified', 4, 2],
      ['dimension', 2, 1],
    ]);
    const ids = async (reason: string) => {
      const res = await planner.get(`/api/mes/analytics/steps?${here}&reason=${reason}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().rows.map((r: { assignmentId: string }) => r.assignmentId);
    };
    // each bar's drill-down holds the steps its count says
    expect(await ids('unspecified')).toEqual(['WA-2026-910', 'WA-2026-911']);
    expect(await ids('dimension')).toEqual(['WA-2026-913']);
  });

  it('CSV: the same table as RFC 4180 text, by ?format=csv or Accept: text/csv', async () => {
    const res = await planner.get(`/api/mes/analytics/downtime?${scope}&format=csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.body).toBe('bucket,stationId,reason,minutes,pauses\r\n2026-06-10,ST-900,break,15,1\r\n2026-06-10,ST-900,machine_fault,30,1\r\n');
    const viaAccept = await planner.request('GET', `/api/mes/analytics/oee?${scope}`, undefined, { accept: 'text/csv' });
    expect(viaAccept.statusCode).toBe(200);
    const lines = viaAccept.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('bucket,level,stationId,substationId,plannedMinutes,runMinutes,idealMinutes,good,scrap,availability,performance,quality,oee');
    expect(lines).toHaveLength(3);
  });

  it('refuses a bad period, an unknown grouping or filter id, naming the field, and writes nothing', async () => {
    const db = ctx.database.db;
    await expectNoWrite(db, async () => {
      const reversed = await planner.get(`/api/mes/analytics/oee?from=2026-06-11T00:00:00Z&to=2026-06-10T00:00:00Z`);
      expectProblem(reversed, 400);
      expect(reversed.json().field).toBe('to');
      const long = await planner.get(`/api/mes/analytics/downtime?from=2025-01-01T00:00:00Z&to=2026-06-10T00:00:00Z`);
      expectProblem(long, 400, /400 days/);
      expect(long.json().field).toBe('to');
      const grouping = await planner.get(`/api/mes/analytics/oee?${period}&groupBy=year`);
      expectProblem(grouping, 400);
      expect(JSON.stringify(grouping.json())).toContain('groupBy');
      const station = await planner.get(`/api/mes/analytics/scrap?${period}&stationId=ST-999`);
      expectProblem(station, 422, /ST-999/);
      expect(station.json().field).toBe('stationId');
      const worker = await planner.get(`/api/mes/analytics/utilisation?${period}&workerId=W-999`);
      expect(worker.json().field).toBe('workerId');
      const missing = await planner.get(`/api/mes/analytics/delivery?from=2026-06-10T00:00:00Z`);
      expectProblem(missing, 400);
    });
  });

  it('operators may not read analytics', async () => {
    const app = await ctx.app();
    const op = await signInWorker(app, 'W-001');
    expectProblem(await op.get(`/api/mes/analytics/oee?${scope}`), 403);
  });
});
