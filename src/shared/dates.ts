/** Dates leave the API as ISO 8601 strings. */
import { sql } from 'kysely';
export const iso = (d: Date): string => d.toISOString();
export const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** SQL that renders a timestamptz column as the same ISO 8601 text as Date.toISOString (UTC, milliseconds, Z). */
export const isoText = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
export const isoSql = (column: string) => sql.raw(isoText(column));
