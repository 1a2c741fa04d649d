/**
 * The Gantt API tells the truth (issue #15 item 5): a step crossing the end of its worker's shift comes back as
 * two worked segments with the off-shift gap between them; a maintenance block on a substation splits the
 * bookings on it and is listed with the plan's due date and the server's now.
 */
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { type Client, seed, signIn } from '../helpers/api.js';
import { describeEachEngine } from '../helpers/engines.js';
import { dailyGapWindows, ganttFloor } from '../helpers/gantt.js';

const MIN = 60_000;

interface Bar {
  nodeId: string;
  assignmentId: string;
  substationId: string;
  plannedStart: string;
  plannedEnd: string;
  baselineStart: string | null;
  segments: { start: string; end: string }[];
}

describeEachEngine('Gantt segments, blocks and due date', (ctx) => {
  let planner: Client;
  let planId: string;
  let gapStart: number;
  const dueDate = new Date(Date.now() + 48 * 3_600_000).toISOString();

  const schedule = async () => {
    const res = await planner.get(`/api/mes/production-plans/${planId}/schedule`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const bars = new Map<string, Bar>((body.workers as { bars: Bar[] }[]).flatMap((w) => w.bars).map((b) => [b.nodeId, b]));
    return { body, bars };
  };

  beforeAll(async () => {
    await seed(ctx.database.db, 'default');
    const app = await ctx.app();
    planner = await signIn(app, 'planner');
    // W-951 goes off shift 30 minutes from now for two hours, every day
    gapStart = Math.floor((Date.now() + 30 * MIN) / MIN) * MIN;
    const ok = async (res: { statusCode: number; body: string }) => expect(res.statusCode, res.body).toBeLessThan(300);
    await ok(await planner.post('/api/mes/shift-calendars', { id: 'GAP', name: 'Daily gap', windows: dailyGapWindows(gapStart, 120) }));
    for (const op of ganttFloor.operations) await ok(await planner.post('/api/mes/operations', op));
    await ok(await planner.post('/api/mes/stations', ganttFloor.station));
    for (const w of ganttFloor.workers('GAP')) await ok(await planner.post('/api/mes/workers', w));
    planId = (await planner.post('/api/mes/production-plans', ganttFloor.plan(dueDate))).json().id;
    await ok(await planner.post(`/api/mes/production-plans/${planId}/release`, {}));
  });

  it('splits a step over the end of a shift into two worked segments, the gap left out', async () => {
    const { body, bars } = await schedule();
    expect(body.dueDate).toBe(dueDate);
    expect(Math.abs(Date.parse(body.now) - Date.now())).toBeLessThan(3_600_000);
    expect(body.blocks).toEqual([]);
    const n1 = bars.get('N1')!;
    expect(n1.segments).toHaveLength(2);
    expect(n1.segments[0]).toEqual({ start: n1.plannedStart, end: new Date(gapStart).toISOString() });
    expect(n1.segments[1]).toEqual({ start: new Date(gapStart + 120 * MIN).toISOString(), end: n1.plannedEnd });
    const worked = n1.segments.reduce((sum, s) => sum + Date.parse(s.end) - Date.parse(s.start), 0);
    expect(worked).toBe(60 * MIN);
    // after the gap: one piece each, and no baseline while the live booking is the planner's
    for (const id of ['N2', 'N3', 'N4']) expect(bars.get(id)!.segments).toEqual([{ start: bars.get(id)!.plannedStart, end: bars.get(id)!.plannedEnd }]);
    expect(n1.baselineStart).toBeNull();
  });

  it('draws maintenance blocks of the plan substations and cuts the bookings on them', async () => {
    const n4 = (await schedule()).bars.get('N4')!;
    const from = Date.parse(n4.plannedStart) + 60 * MIN;
    const to = from + 30 * MIN;
    await sql`insert into mes.substation_blocks (substation_id, starts_at, ends_at, reason, created_by)
              values (${n4.substationId}, ${new Date(from)}, ${new Date(to)}, 'Spindle check', 'planner')`.execute(ctx.database.db);
    const { body, bars } = await schedule();
    expect(body.blocks).toMatchObject([
      { substationId: n4.substationId, start: new Date(from).toISOString(), end: new Date(to).toISOString(), reason: 'Spindle check' },
    ]);
    expect(bars.get('N4')!.segments).toEqual([
      { start: n4.plannedStart, end: new Date(from).toISOString() },
      { start: new Date(to).toISOString(), end: n4.plannedEnd },
    ]);
  });

  it("splits by the substation's availability calendar too, and a worker's own view carries the segments", async () => {
    const n2 = (await schedule()).bars.get('N2')!;
    // the substation of N2 is unavailable from 10 minutes into N2 for an hour, every day
    const off = Math.floor((Date.parse(n2.plannedStart) + 10 * MIN) / MIN) * MIN;
    expect((await planner.post('/api/mes/shift-calendars', { id: 'SUBGAP', name: 'Cell gap', windows: dailyGapWindows(off, 60) })).statusCode).toBe(201);
    await sql`update mes.substations set availability_calendar_id = 'SUBGAP' where id = ${n2.substationId}`.execute(ctx.database.db);
    const after = (await schedule()).bars.get('N2')!;
    expect(after.segments[0]).toEqual({ start: n2.plannedStart, end: new Date(off).toISOString() });
    expect(after.segments.every((s) => Date.parse(s.end) <= off || Date.parse(s.start) >= off + 60 * MIN)).toBe(true);
    const own = (await planner.get(`/api/mes/workers/W-951/schedule?to=2100-01-01T00:00:00Z`)).json();
    const n1 = (own.bars as Bar[]).find((b) => b.nodeId === 'N1')!;
    expect(n1.segments).toHaveLength(2);
  });
});
