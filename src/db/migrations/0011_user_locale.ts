/**
 * 0011 — each user's UI language (issue #20, internationalisation).
 *
 * - mes.users.locale: 'en' or 'tr', or null for "not chosen yet" (the UI then
 *   follows the browser). Any other value is refused by the check, so the UI
 *   never meets a language it cannot show.
 * - Changing it is an update of mes.users, so the 0004 trigger NOTIFYs
 *   `mes_sessions` and every process drops its cached sessions of that user:
 *   the next /auth/me carries the new language.
 *
 * Numbered 0011: 0010 is written on another branch at the same time.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mes.users add column locale text constraint users_locale_known check (locale in ('en', 'tr'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mes.users drop column locale`.execute(db);
}
