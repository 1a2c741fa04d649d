/** Dates leave the API as ISO 8601 strings. */
import { sql } from 'kysely';
export const iso = (d: Date): string => d.toISOString();
export const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);

const DAY_MS = 86_400_000;
/** Years 0000–9999, the range in which toISOString writes a four-digit year. */
const FOUR_DIGIT_YEARS = [-62_167_219_200_000, 253_402_300_800_000] as const;
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
let prefixDay = Number.NaN;
let prefix = '';

/**
 * Epoch milliseconds as Date.toISOString writes them (whole milliseconds, UTC,
 * Z), about six times faster: the date part is kept from the last call (a
 * repair writes thousands of times, mostly on a few days), the time part is
 * arithmetic. Used where thousands are made at once (the repair's events).
 */
export function isoOfMs(ms: number): string {
  const t = Math.trunc(ms);
  if (!(t >= FOUR_DIGIT_YEARS[0] && t < FOUR_DIGIT_YEARS[1])) return new Date(t).toISOString();
  const day = Math.floor(t / DAY_MS);
  if (day !== prefixDay) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    prefixDay = day;
  }
  let rest = t - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  return `${prefix}${pad2(h)}:${pad2(m)}:${pad2(s)}.${pad3(rest - s * 1000)}Z`;
}

/** SQL that renders a timestamptz column as the same ISO 8601 text as Date.toISOString (UTC, milliseconds, Z). */
export const isoText = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
export const isoSql = (column: string) => sql.raw(isoText(column));
