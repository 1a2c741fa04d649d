/**
 * 0009 — when a user last signed in (user administration, issue #19).
 *
 * - mes.users.last_login_at: the start of the user's newest session that is
 *   gone. A session row says when it began while it lives; sign-out and expiry
 *   delete it, and then the user row keeps its start. "Last sign-in" is the
 *   later of this column and the user's live sessions (users.repository).
 * - Stamped by a statement trigger when sessions are deleted, not when they
 *   are issued: an update of mes.users NOTIFYs `mes_sessions` (0004) and every
 *   process drops the user's cached sessions. On a delete they are dropped
 *   anyway; on each sign-in that would have cost a cache miss everywhere.
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
        from (select user_id, max(created_at) as at from old_rows group by user_id) x
       where u.id = x.user_id and (u.last_login_at is null or u.last_login_at < x.at);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger sessions_stamp_last_login after delete on mes.sessions
      referencing old table as old_rows for each statement execute function mes.stamp_last_login()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger sessions_stamp_last_login on mes.sessions`.execute(db);
  await sql`drop function mes.stamp_last_login()`.execute(db);
  await sql`alter table mes.users drop column last_login_at`.execute(db);
}
