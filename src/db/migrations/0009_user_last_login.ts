/**
 * 0009 — when a user last signed in (user administration, issue #19).
 *
 * - mes.users.last_login_at: the start of the user's newest session. Sessions
 *   are deleted on sign-out and expiry, so their created_at cannot tell it
 *   once they are gone; the user row keeps it.
 * - A statement trigger on mes.sessions stamps it, so every way a session is
 *   issued (password, PIN, whatever comes next) is covered without the
 *   sign-in code having to remember it. The update of mes.users fires
 *   users_notify_update (0004): other processes drop the user's cached
 *   sessions once per sign-in, which costs one query on their next request.
 *
 * Numbered 0009: 0008 is being written on another branch at the same time.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mes.users add column last_login_at timestamptz`.execute(db);
  await sql`
    create function mes.stamp_last_login() returns trigger language plpgsql as $$
    begin
      update mes.users u set last_login_at = x.at
        from (select user_id, max(created_at) as at from new_rows group by user_id) x
       where u.id = x.user_id and (u.last_login_at is null or u.last_login_at < x.at);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger sessions_stamp_last_login after insert on mes.sessions
      referencing new table as new_rows for each statement execute function mes.stamp_last_login()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger sessions_stamp_last_login on mes.sessions`.execute(db);
  await sql`drop function mes.stamp_last_login()`.execute(db);
  await sql`alter table mes.users drop column last_login_at`.execute(db);
}
