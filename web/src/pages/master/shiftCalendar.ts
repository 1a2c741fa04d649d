/**
 * The shift-calendar editor's model, without React: the API's calendar (weekly
 * windows in minutes, dated exceptions) as rows of text a person edits, back
 * to the API's body, and what is wrong with them before they are sent.
 *
 * The API keeps each window inside one day (start < end). A night shift is
 * edited as one row whose end is before its start (22:00–06:00); it is sent
 * as two windows, 22:00–24:00 on its day and 00:00–06:00 on the next, which
 * the scheduler reads as one continuous shift. Reading a calendar joins such
 * pairs back into one row.
 */
import { currentIntlTag, t } from '../../i18n/instance.js';

/** The parts of the API's ShiftCalendar read here (structural: the unit tests import this file without the web's types). */
export interface CalendarData {
  id: string;
  name: string;
  windows: { weekday: number; startMinute: number; endMinute: number }[];
  exceptions: { date: string; startMinute: number | null; endMinute: number | null; note: string }[];
}

/** 4 January 2026 was a Sunday: weekday n (0 = Sunday, as in the API) is that date plus n days. */
const weekdayDate = (weekday: number) => new Date(Date.UTC(2026, 0, 4 + weekday));

/** The weekday's name in the UI's language: 1 → "Monday" / "Pazartesi". */
export function weekdayName(weekday: number): string {
  return new Intl.DateTimeFormat(currentIntlTag(), { weekday: 'long', timeZone: 'UTC' }).format(weekdayDate(weekday));
}

/** The weekday's short name in the UI's language: 1 → "Mon" / "Pzt". */
export function weekdayShortName(weekday: number): string {
  return new Intl.DateTimeFormat(currentIntlTag(), { weekday: 'short', timeZone: 'UTC' }).format(weekdayDate(weekday));
}
/** The week as the plant reads it: Monday first (0 = Sunday in the API). */
export const weekOrder = [1, 2, 3, 4, 5, 6, 0];
const DAY = 1440;

export interface WindowDraft {
  key: string;
  weekday: number;
  start: string;
  end: string;
}

export interface ExceptionDraft {
  key: string;
  date: string;
  closed: boolean;
  start: string;
  end: string;
  note: string;
}

export interface CalendarDraft {
  id: string;
  name: string;
  windows: WindowDraft[];
  exceptions: ExceptionDraft[];
}

export interface CalendarBody {
  windows: { weekday: number; startMinute: number; endMinute: number }[];
  exceptions: { date: string; startMinute?: number | null; endMinute?: number | null; note?: string }[];
}

let counter = 0;
export const newKey = (prefix: string) => `${prefix}${++counter}`;

/** 360 → "06:00", 1440 → "24:00". */
export function formatMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** "6", "06:30", "6.30", "0630", "24:00" → minutes from midnight; undefined when it is no time of day. */
export function parseTime(text: string): number | undefined {
  const t = text.trim();
  const m = /^(\d{1,2})(?:[:.h]?(\d{2}))?$/.exec(t);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = m[2] === undefined ? 0 : Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min > 0)) return undefined;
  return h * 60 + min;
}

/** The API's windows as editor rows, one per window; a window to midnight and the next day's from midnight become one night-shift row. */
export function draftWindows(windows: CalendarData['windows']): WindowDraft[] {
  const used = new Set<number>();
  const rows: WindowDraft[] = [];
  windows.forEach((w, i) => {
    if (used.has(i)) return;
    let end = w.endMinute;
    if (w.endMinute === DAY && w.startMinute > 0) {
      const next = windows.findIndex((n, j) => !used.has(j) && j !== i && n.weekday === (w.weekday + 1) % 7 && n.startMinute === 0 && n.endMinute < DAY);
      if (next >= 0) {
        used.add(next);
        end = windows[next]!.endMinute;
      }
    }
    used.add(i);
    rows.push({ key: newKey('w'), weekday: w.weekday, start: formatMinute(w.startMinute), end: formatMinute(end) });
  });
  return rows;
}

export function toDraft(calendar: CalendarData | null): CalendarDraft {
  if (!calendar) return { id: '', name: '', windows: [], exceptions: [] };
  return {
    id: calendar.id,
    name: calendar.name,
    windows: draftWindows(calendar.windows),
    exceptions: calendar.exceptions.map((e) => ({
      key: newKey('x'),
      date: e.date,
      closed: e.startMinute === null || e.endMinute === null,
      start: e.startMinute === null ? '' : formatMinute(e.startMinute),
      end: e.endMinute === null ? '' : formatMinute(e.endMinute),
      note: e.note,
    })),
  };
}

/** Whether a row runs past midnight (end at or before start, not at 00:00 = midnight itself). */
export function crossesMidnight(w: Pick<WindowDraft, 'start' | 'end'>): boolean {
  const s = parseTime(w.start);
  const e = parseTime(w.end);
  return s !== undefined && e !== undefined && e !== 0 && e < s;
}

/** The API body of a draft, and which editor row each window and exception came from (to place the server's field errors). */
export function toBody(draft: CalendarDraft): CalendarBody & { windowKeys: string[]; exceptionKeys: string[] } {
  const windows: CalendarBody['windows'] = [];
  const windowKeys: string[] = [];
  for (const w of draft.windows) {
    const s = parseTime(w.start) ?? 0;
    const e = parseTime(w.end) ?? 0;
    if (e > s) {
      windows.push({ weekday: w.weekday, startMinute: s, endMinute: e });
      windowKeys.push(w.key);
    } else {
      // to midnight, and on into the next day unless it ends at 00:00
      windows.push({ weekday: w.weekday, startMinute: s, endMinute: DAY });
      windowKeys.push(w.key);
      if (e > 0) {
        windows.push({ weekday: (w.weekday + 1) % 7, startMinute: 0, endMinute: e });
        windowKeys.push(w.key);
      }
    }
  }
  const exceptions = draft.exceptions.map((x) => {
    const note = x.note.trim();
    if (x.closed) return { date: x.date, startMinute: null, endMinute: null, note };
    const e = parseTime(x.end);
    return { date: x.date, startMinute: parseTime(x.start) ?? 0, endMinute: e === 0 ? DAY : (e ?? 0), note };
  });
  return { windows, exceptions, windowKeys, exceptionKeys: draft.exceptions.map((x) => x.key) };
}

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;

/** What is wrong with the draft, by field (`id`, `name`) or row key; empty when it can be sent. Mirrors the server's rules. */
export function draftProblems(draft: CalendarDraft, creating: boolean): Map<string, string> {
  const problems = new Map<string, string>();
  const add = (key: string, message: string) => {
    if (!problems.has(key)) problems.set(key, message);
  };
  const timeHint = t('calendar.rules.timeHint');
  if (creating && !idPattern.test(draft.id.trim())) add('id', draft.id.trim() ? t('calendar.rules.idChars') : t('calendar.rules.giveCode'));
  if (!draft.name.trim()) add('name', t('calendar.rules.giveName'));

  const spans: { key: string; day: string; start: number; end: number; label: string }[] = [];
  for (const w of draft.windows) {
    const s = parseTime(w.start);
    const e = parseTime(w.end);
    if (s === undefined || s >= DAY) add(w.key, t('calendar.rules.start', { hint: timeHint }));
    else if (e === undefined) add(w.key, t('calendar.rules.end', { hint: timeHint }));
    else if (s === e) add(w.key, t('calendar.rules.sameTime'));
    else {
      const label = `${weekdayShortName(w.weekday)} ${w.start.trim()}–${w.end.trim()}`;
      if (e > s) spans.push({ key: w.key, day: `w${w.weekday}`, start: s, end: e, label });
      else {
        spans.push({ key: w.key, day: `w${w.weekday}`, start: s, end: DAY, label });
        if (e > 0) spans.push({ key: w.key, day: `w${(w.weekday + 1) % 7}`, start: 0, end: e, label });
      }
    }
  }

  const closedDates = new Map<string, string>();
  const openDates = new Map<string, string>();
  for (const x of draft.exceptions) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(x.date)) {
      add(x.key, t('calendar.rules.pickDate'));
      continue;
    }
    if (x.closed) {
      if (closedDates.has(x.date)) add(x.key, t('calendar.rules.alreadyClosed', { date: x.date }));
      closedDates.set(x.date, x.key);
      continue;
    }
    const s = parseTime(x.start);
    const e0 = parseTime(x.end);
    const e = e0 === 0 ? DAY : e0;
    if (s === undefined || s >= DAY) add(x.key, t('calendar.rules.start', { hint: timeHint }));
    else if (e === undefined) add(x.key, t('calendar.rules.end', { hint: timeHint }));
    else if (e <= s) add(x.key, t('calendar.rules.specialHours'));
    else {
      if (!openDates.has(x.date)) openDates.set(x.date, x.key);
      spans.push({ key: x.key, day: x.date, start: s, end: e, label: `${x.date} ${x.start.trim()}–${x.end.trim()}` });
    }
  }
  for (const [date, key] of closedDates) if (openDates.has(date)) add(key, t('calendar.rules.closedAndOpen', { date }));

  // overlaps on one weekday or one date; touching is fine
  const byDay = new Map<string, typeof spans>();
  for (const s of spans) byDay.set(s.day, [...(byDay.get(s.day) ?? []), s]);
  for (const list of byDay.values()) {
    const sorted = [...list].sort((a, b) => a.start - b.start || a.end - b.end);
    sorted.forEach((s, i) => {
      const earlier = sorted.slice(0, i).find((p) => p.end > s.start && p.key !== s.key);
      if (earlier) add(s.key, t('calendar.rules.overlaps', { label: earlier.label }));
    });
  }
  return problems;
}

/** Minutes on shift in a week (exceptions aside). */
export function weeklyMinutes(windows: CalendarData['windows']): number {
  return windows.reduce((sum, w) => sum + (w.endMinute - w.startMinute), 0);
}

/** "Mon–Fri 06:00–14:00; Sat 07:00–12:00": days with the same hours together, night shifts as one window. */
export function summarizeWeek(windows: CalendarData['windows']): string {
  const rows = draftWindows(windows);
  const perDay = weekOrder.map((d) =>
    rows
      .filter((r) => r.weekday === d)
      .sort((a, b) => (parseTime(a.start) ?? 0) - (parseTime(b.start) ?? 0))
      .map((r) => `${r.start}–${r.end}${crossesMidnight(r) ? ` ${t('calendar.nextDay')}` : ''}`)
      .join(', '),
  );
  const parts: string[] = [];
  for (let i = 0; i < 7;) {
    let j = i;
    while (j + 1 < 7 && perDay[j + 1] === perDay[i]) j++;
    if (perDay[i]) {
      const from = weekdayShortName(weekOrder[i]!);
      const to = weekdayShortName(weekOrder[j]!);
      parts.push(`${i === j ? from : j === i + 1 ? `${from}, ${to}` : `${from}–${to}`} ${perDay[i]}`);
    }
    i = j + 1;
  }
  return parts.join('; ');
}

/** The server's field errors (body/windows/3/endMinute) placed on the editor rows they came from. */
export function serverRowErrors(errors: { field?: string; message: string }[], keys: { windowKeys: string[]; exceptionKeys: string[] }): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of errors) {
    const m = /^body\/(windows|exceptions)\/(\d+)/.exec(e.field ?? '');
    const key = m && (m[1] === 'windows' ? keys.windowKeys : keys.exceptionKeys)[Number(m[2])];
    if (key && !out.has(key)) out.set(key, e.message);
    else if (!m && e.field === 'body/id') out.set('id', e.message);
  }
  return out;
}
