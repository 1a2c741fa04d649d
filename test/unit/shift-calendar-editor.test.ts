import { describe, expect, it } from 'vitest';
import { shiftCalendarProblems } from '../../src/modules/workers/workers.rules.js';
import {
  type CalendarDraft,
  draftProblems,
  draftWindows,
  parseTime,
  serverRowErrors,
  summarizeWeek,
  toBody,
  toDraft,
} from '../../web/src/pages/master/shiftCalendar.js';

const w = (weekday: number, start: string, end: string) => ({ key: `k${weekday}${start}`, weekday, start, end });
const draft = (windows: CalendarDraft['windows'], exceptions: CalendarDraft['exceptions'] = []): CalendarDraft => ({
  id: 'NIGHT',
  name: 'Night',
  windows,
  exceptions,
});
const x = (date: string, closed: boolean, start = '', end = '', note = '') => ({ key: `x${date}${start}`, date, closed, start, end, note });

describe('shift calendar editor model', () => {
  it('reads times people type', () => {
    expect(['6', '06:00', '6.30', '0630', '24:00', '23:59', '0'].map(parseTime)).toEqual([360, 360, 390, 390, 1440, 1439, 0]);
    expect(['', '24:30', '7:75', 'six', '25', '6:3'].map(parseTime)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('sends a night shift as two windows the server accepts, and reads them back as one row', () => {
    const body = toBody(draft([w(5, '22:00', '06:00'), w(6, '22:00', '00:00'), w(1, '06:00', '14:00')]));
    expect(body.windows).toEqual([
      { weekday: 5, startMinute: 1320, endMinute: 1440 },
      { weekday: 6, startMinute: 0, endMinute: 360 },
      { weekday: 6, startMinute: 1320, endMinute: 1440 },
      { weekday: 1, startMinute: 360, endMinute: 840 },
    ]);
    expect(body.windowKeys).toEqual(['k522:00', 'k522:00', 'k622:00', 'k106:00']);
    expect(shiftCalendarProblems({ windows: body.windows, exceptions: body.exceptions })).toEqual([]);
    // Saturday night runs into Sunday (weekday 0)
    expect(toBody(draft([w(6, '22:00', '06:00')])).windows).toContainEqual({ weekday: 0, startMinute: 0, endMinute: 360 });
    const back = draftWindows(body.windows);
    expect(back.map(({ weekday, start, end }) => [weekday, start, end])).toEqual([
      [5, '22:00', '06:00'],
      [6, '22:00', '24:00'],
      [1, '06:00', '14:00'],
    ]);
    // a whole day stays a whole day
    expect(
      draftWindows([
        { weekday: 1, startMinute: 0, endMinute: 1440 },
        { weekday: 2, startMinute: 0, endMinute: 1440 },
      ]),
    ).toHaveLength(2);
  });

  it('sends exceptions closed all day or with special hours (00:00 as an end is midnight)', () => {
    const body = toBody(
      draft([], [x('2026-12-24', false, '06:00', '12:00', ' Christmas Eve '), x('2026-12-25', true), x('2026-12-31', false, '18:00', '00:00')]),
    );
    expect(body.exceptions).toEqual([
      { date: '2026-12-24', startMinute: 360, endMinute: 720, note: 'Christmas Eve' },
      { date: '2026-12-25', startMinute: null, endMinute: null, note: '' },
      { date: '2026-12-31', startMinute: 1080, endMinute: 1440, note: '' },
    ]);
    expect(shiftCalendarProblems({ windows: [], exceptions: body.exceptions })).toEqual([]);
    expect(
      toDraft({ id: 'A', name: 'A', windows: [], exceptions: [{ date: '2026-12-25', startMinute: null, endMinute: null, note: 'closed' }] }).exceptions[0],
    ).toMatchObject({ closed: true, start: '', end: '' });
  });

  it('finds what the server would refuse, on the row it is about', () => {
    const problems = draftProblems(
      draft(
        [w(1, '06:00', '14:00'), w(1, '13:00', '15:00'), w(2, '8', '8'), w(3, 'x', '10:00'), w(0, '22:00', '06:00'), w(1, '05:00', '06:00')],
        [x('2026-12-24', false, '12:00', '10:00'), x('2026-12-25', true), x('2026-12-25', false, '08:00', '10:00'), x('', true)],
      ),
      true,
    );
    expect(Object.fromEntries(problems)).toEqual({
      'k113:00': 'overlaps Mon 06:00–14:00',
      k28: 'starts and ends at the same time',
      k3x: 'start: use hh:mm, e.g. 06:00',
      'k105:00': 'overlaps Sun 22:00–06:00',
      'x2026-12-2412:00': 'special hours end on the same date, after they start',
      'x2026-12-25': '2026-12-25 is closed here and has special hours in another row',
      x: 'pick a date',
    });
    expect(draftProblems({ id: 'bad id', name: ' ', windows: [], exceptions: [] }, true)).toEqual(
      new Map([
        ['id', 'letters, digits, dot, dash or underscore; up to 50'],
        ['name', 'give the calendar a name'],
      ]),
    );
    expect(draftProblems({ id: '', name: 'Kept', windows: [w(1, '22:00', '06:00'), w(2, '06:00', '14:00')], exceptions: [] }, false).size).toBe(0);
  });

  it('places the server field errors on the rows they came from', () => {
    const keys = { windowKeys: ['a', 'a', 'b'], exceptionKeys: ['c'] };
    const errors = serverRowErrors(
      [
        { field: 'body/windows/2', message: 'overlaps window 0 on weekday 1' },
        { field: 'body/exceptions/0/endMinute', message: 'endMinute must be after startMinute' },
        { field: 'body/id', message: 'shift calendar NIGHT already exists' },
      ],
      keys,
    );
    expect(Object.fromEntries(errors)).toEqual({
      b: 'overlaps window 0 on weekday 1',
      c: 'endMinute must be after startMinute',
      id: 'shift calendar NIGHT already exists',
    });
  });

  it('summarizes a week: equal days together, Monday first', () => {
    const weekdays = [1, 2, 3, 4, 5].map((d) => ({ weekday: d, startMinute: 360, endMinute: 840 }));
    expect(summarizeWeek(weekdays)).toBe('Mon–Fri 06:00–14:00');
    expect(summarizeWeek([...weekdays, { weekday: 6, startMinute: 420, endMinute: 720 }, { weekday: 0, startMinute: 420, endMinute: 720 }])).toBe(
      'Mon–Fri 06:00–14:00; Sat, Sun 07:00–12:00',
    );
    expect(
      summarizeWeek([
        { weekday: 5, startMinute: 1320, endMinute: 1440 },
        { weekday: 6, startMinute: 0, endMinute: 360 },
      ]),
    ).toBe('Fri 22:00–06:00 (next day)');
    expect(summarizeWeek([])).toBe('');
  });
});
