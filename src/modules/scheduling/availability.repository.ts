/**
 * What the scheduler needs about the candidate substations' availability (issue
 * #15 item 4), read apart from the bookings (scheduling.repository.ts) so each
 * stays one windowed, indexed query: the availability calendar of each
 * substation that has one, and its maintenance blocks that overlap [now, until)
 * (substation_blocks_substation_idx: a range scan on (substation_id, starts_at)
 * that carries ends_at). Blocks become busy intervals of the substation labelled
 * `block:<id>`; a planner's move asks about one substation with findBlocksOverlapping.
 */
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.js';
import type { BookedInterval, SchedulerStation, ShiftCalendar, SubstationBlock } from '../../scheduler/index.js';
import { toShiftCalendar } from './scheduling.repository.js';

interface AvailabilityRow {
  calendars: Record<string, Parameters<typeof toShiftCalendar>[0]> | null;
  blocks: [string, string, number | string, number | string][] | null;
}

export interface SubstationAvailability {
  /** substation id → its availability calendar (substations without one are always available) */
  calendars: Record<string, ShiftCalendar>;
  /** its blocks as busy intervals */
  blocks: BookedInterval[];
}

export async function loadSubstationAvailability(trx: Db | Trx, opts: { substationIds: string[]; now: Date; until?: Date }): Promise<SubstationAvailability> {
  if (opts.substationIds.length === 0) return { calendars: {}, blocks: [] };
  const until = opts.until ?? 'infinity';
  const result = await sql<{ r: AvailabilityRow }>`
    select json_build_object(
      'calendars', (select json_object_agg(ss.id, json_build_object(
                      'windows', (select json_agg(json_build_object('weekday', weekday, 'start', start_minute, 'end', end_minute))
                                    from mes.shift_calendar_windows where calendar_id = ss.availability_calendar_id),
                      'exceptions', (select json_agg(json_build_object('date', to_char(date, 'YYYY-MM-DD'), 'start', start_minute, 'end', end_minute))
                                    from mes.shift_calendar_exceptions where calendar_id = ss.availability_calendar_id
                                     and date >= (${opts.now}::timestamptz - interval '2 days')::date)))
                      from mes.substations ss where ss.id = any(${opts.substationIds}::text[]) and ss.availability_calendar_id is not null),
      'blocks', (select json_agg(json_build_array(b.id::text, b.substation_id, extract(epoch from b.starts_at) * 1000, extract(epoch from b.ends_at) * 1000))
                   from mes.substation_blocks b
                  where b.substation_id = any(${opts.substationIds}::text[]) and b.starts_at < ${until}::timestamptz and b.ends_at > ${opts.now}::timestamptz)
    ) as r`.execute(trx);
  const r = result.rows[0]!.r;
  const calendars: Record<string, ShiftCalendar> = {};
  for (const [id, row] of Object.entries(r.calendars ?? {})) calendars[id] = toShiftCalendar(row);
  return {
    calendars,
    blocks: (r.blocks ?? []).map(([id, substationId, start, end]) => ({
      kind: 'substation' as const,
      id: substationId,
      start: Number(start),
      end: Number(end),
      label: `block:${id}`,
    })),
  };
}

/** The stations with their substations' availability calendars attached. */
export function withAvailability(stations: SchedulerStation[], calendars: Record<string, ShiftCalendar>): SchedulerStation[] {
  return stations.map((s) => {
    const availability = Object.fromEntries(s.substations.filter((id) => calendars[id]).map((id) => [id, calendars[id]!]));
    return Object.keys(availability).length > 0 ? { ...s, availability } : s;
  });
}

/** One substation's availability calendar (null = always available) and its blocks that end after `from`: what a move onto it is checked against. */
export async function substationAvailabilityFor(
  db: Db | Trx,
  substationId: string,
  from: Date,
): Promise<{ calendar: ShiftCalendar | null; blocks: SubstationBlock[] }> {
  const loaded = await loadSubstationAvailability(db, { substationIds: [substationId], now: from });
  return {
    calendar: loaded.calendars[substationId] ?? null,
    blocks: loaded.blocks.map((b) => ({ id: b.label!.slice('block:'.length), start: b.start, end: b.end })),
  };
}
