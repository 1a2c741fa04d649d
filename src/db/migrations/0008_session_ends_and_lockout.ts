/**
 * 0008 — sessions end when they should, and accounts lock after failed sign-ins.
 *
 * Why it looks like this:
 * - ending sessions is in SQL, not in the services: disabling a user, changing
 *   a password or PIN, changing the role or the worker of an account and
 *   archiving a worker delete every session of that user in the same
 *   transaction as the change, whichever path made it (the API, the CLI,
 *   plain SQL by an operator of the service). A repository that every path
 *   must remember to call is one path forgotten away from finding 3 of #19.
 * - `mes.end_user_sessions(ids, reason)` deletes the sessions and leaves the
 *   reason in a transaction-local setting for the statement trigger on
 *   mes.sessions, which NOTIFYs `mes_sessions` with `<user id>:<reason>`
 *   (one per user and statement): every process ends the SSE streams of
 *   those sessions with that reason. A delete that names no reason is a
 *   sign-out (`logout`), the clean-up of expired rows (`expired`) or the
 *   deletion of the user (`user_deleted`). The plain `<user id>` NOTIFY of
 *   0004, which the session caches act on, is unchanged, so a process of the
 *   previous release keeps working during a rollout.
 * - mes.sign_in_failures counts failed sign-ins per account (password and
 *   PIN alike) in the database, so a lock holds across instances and
 *   restarts and whatever the client address. `lockouts` counts the locks
 *   since the last good sign-in, so each lock is longer than the one before.
 *   A table of its own rather than columns of mes.users: a failed attempt
 *   does not rewrite the user row (whose update NOTIFYs every session cache).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mes.sign_in_failures (
      user_id bigint primary key references mes.users (id) on delete cascade,
      failures integer not null default 0 check (failures >= 0),
      window_started_at timestamptz not null default now(),
      last_failed_at timestamptz not null default now(),
      lockouts integer not null default 0 check (lockouts >= 0),
      locked_until timestamptz
    )`.execute(db);

  await sql`
    create function mes.end_user_sessions(p_user_ids bigint[], p_reason text) returns void language plpgsql as $$
    begin
      perform set_config('mes.session_end_reason', p_reason, true);
      -- the session that makes the change to its own account may be kept (users.repository keepSession)
      delete from mes.sessions where user_id = any (p_user_ids)
         and token_hash is distinct from nullif(current_setting('mes.keep_session', true), '');
      perform set_config('mes.session_end_reason', '', true);
    end $$`.execute(db);

  await sql`
    create function mes.end_sessions_on_user_change() returns trigger language plpgsql as $$
    declare
      v_reason text;
    begin
      if new.disabled_at is not null and old.disabled_at is null then
        v_reason := 'disabled';
      elsif new.password_hash is distinct from old.password_hash or new.pin_hash is distinct from old.pin_hash then
        v_reason := 'credentials_changed';
      elsif new.role is distinct from old.role or new.worker_id is distinct from old.worker_id then
        v_reason := 'role_changed';
      else
        return null;
      end if;
      perform mes.end_user_sessions(array[new.id], v_reason);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger users_end_sessions after update of disabled_at, password_hash, pin_hash, role, worker_id on mes.users
      for each row execute function mes.end_sessions_on_user_change()`.execute(db);

  await sql`
    create function mes.end_sessions_on_worker_archive() returns trigger language plpgsql as $$
    begin
      perform mes.end_user_sessions(array(select u.id from mes.users u where u.worker_id = new.id), 'worker_archived');
      return null;
    end $$`.execute(db);
  await sql`
    create trigger workers_end_sessions after update of archived_at on mes.workers
      for each row when (old.archived_at is null and new.archived_at is not null)
      execute function mes.end_sessions_on_worker_archive()`.execute(db);

  await sql`
    create function mes.notify_session_ends() returns trigger language plpgsql as $$
    begin
      perform pg_notify('mes_sessions', x.user_id::text || ':' || x.reason)
        from (
          select o.user_id,
                 coalesce(
                   nullif(current_setting('mes.session_end_reason', true), ''),
                   case
                     when not exists (select from mes.users u where u.id = o.user_id) then 'user_deleted'
                     when bool_and(o.expires_at <= now()) then 'expired'
                     else 'logout'
                   end) as reason
            from old_rows o
           group by o.user_id) x;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger sessions_notify_end after delete on mes.sessions
      referencing old table as old_rows for each statement execute function mes.notify_session_ends()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger sessions_notify_end on mes.sessions`.execute(db);
  await sql`drop function mes.notify_session_ends()`.execute(db);
  await sql`drop trigger workers_end_sessions on mes.workers`.execute(db);
  await sql`drop function mes.end_sessions_on_worker_archive()`.execute(db);
  await sql`drop trigger users_end_sessions on mes.users`.execute(db);
  await sql`drop function mes.end_sessions_on_user_change()`.execute(db);
  await sql`drop function mes.end_user_sessions(bigint[], text)`.execute(db);
  await sql`drop table mes.sign_in_failures`.execute(db);
}
