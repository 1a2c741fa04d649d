/** SQL of users and sessions. Tokens are stored as SHA-256 hashes only. */
import { type InferResult, sql } from 'kysely';
import { PREPARED, type Db } from '../../db/database.js';
import type { Role } from '../../db/schema.js';

const userColumns = ['u.id', 'u.username', 'u.display_name as displayName', 'u.role', 'u.worker_id as workerId', 'u.locale'] as const;

/** Seconds until the account's lock ends (by the database's clock), or 0 when it is not locked. */
const lockedForSeconds = sql<number>`coalesce(greatest(0, ceil(extract(epoch from f.locked_until - now())))::int, 0)`;

/**
 * An enabled user with a password by name. An operator whose worker is
 * archived cannot sign in (the archive ended the operator's sessions).
 */
export function findUserForLogin(db: Db, username: string) {
  return db
    .selectFrom('mes.users as u')
    .leftJoin('mes.sign_in_failures as f', 'f.user_id', 'u.id')
    .select([...userColumns, 'u.password_hash as passwordHash', lockedForSeconds.as('lockedForSeconds')])
    .where('u.username', '=', username)
    .where('u.disabled_at', 'is', null)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('mes.workers as w').select('w.id').whereRef('w.id', '=', 'u.worker_id').where('w.archived_at', 'is not', null))),
    )
    .executeTakeFirst();
}

export function findOperatorForPinLogin(db: Db, workerId: string) {
  return db
    .selectFrom('mes.users as u')
    .innerJoin('mes.workers as w', 'w.id', 'u.worker_id')
    .leftJoin('mes.sign_in_failures as f', 'f.user_id', 'u.id')
    .select([...userColumns, 'u.pin_hash as pinHash', lockedForSeconds.as('lockedForSeconds')])
    .where('u.worker_id', '=', workerId)
    .where('u.disabled_at', 'is', null)
    .where('w.archived_at', 'is', null)
    .executeTakeFirst();
}

export interface LockoutPolicy {
  /** Failed sign-ins within the window that lock the account. */
  attempts: number;
  windowSeconds: number;
  /** The first lock; each further lock before a good sign-in lasts twice as long as the one before. */
  lockSeconds: number;
  maxLockSeconds: number;
}

/**
 * Counts a failed sign-in of the account and locks it when this one reaches
 * `attempts` within the window. Returns the count and, when it locked, the
 * lock's length in seconds. Takes the account's row lock until commit, so
 * attempts on several instances at once are counted one by one.
 */
export async function recordSignInFailure(trx: Db, userId: number, policy: LockoutPolicy): Promise<{ failures: number; lockedForSeconds: number }> {
  const { rows } = await sql<{ failures: number }>`
    insert into mes.sign_in_failures as f (user_id, failures) values (${userId}, 1)
    on conflict (user_id) do update set
      failures = case when f.window_started_at > now() - make_interval(secs => ${policy.windowSeconds}) then f.failures + 1 else 1 end,
      window_started_at = case when f.window_started_at > now() - make_interval(secs => ${policy.windowSeconds}) then f.window_started_at else now() end,
      last_failed_at = now()
    returning f.failures`.execute(trx);
  const counted = rows[0]!;
  if (counted.failures < policy.attempts) return { failures: counted.failures, lockedForSeconds: 0 };
  const lockSeconds = sql<number>`least(${policy.maxLockSeconds}::float8, ${policy.lockSeconds}::float8 * power(2, least(f.lockouts, 30)))`;
  const locked = await trx
    .updateTable('mes.sign_in_failures as f')
    .set({
      locked_until: sql<Date>`now() + make_interval(secs => ${lockSeconds})`,
      lockouts: sql<number>`f.lockouts + 1`,
      failures: 0,
      window_started_at: sql<Date>`now()`,
    })
    .where('f.user_id', '=', userId)
    .returning(sql<number>`ceil(extract(epoch from f.locked_until - now()))::int`.as('seconds'))
    .executeTakeFirstOrThrow();
  return { failures: counted.failures, lockedForSeconds: locked.seconds };
}

/** A good sign-in: the account's failures and lock history are forgotten. */
export async function clearSignInFailures(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('mes.sign_in_failures').where('user_id', '=', userId).execute();
}

/** Lifts the lock of an account and forgets its failures; false when there is no such user. */
export async function deleteSignInFailures(db: Db, username: string): Promise<{ found: boolean; wasLocked: boolean }> {
  const user = await db.selectFrom('mes.users').select('id').where('username', '=', username).executeTakeFirst();
  if (!user) return { found: false, wasLocked: false };
  const removed = await db
    .deleteFrom('mes.sign_in_failures')
    .where('user_id', '=', user.id)
    .returning(sql<boolean>`coalesce(locked_until > now(), false)`.as('locked'))
    .executeTakeFirst();
  return { found: true, wasLocked: removed?.locked ?? false };
}

/** Sets a user's UI language; the user as a session sees it, or undefined when the user is gone. */
export function updateUserLocale(db: Db, userId: number, locale: 'en' | 'tr') {
  return db
    .updateTable('mes.users as u')
    .set({ locale })
    .where('u.id', '=', userId)
    .returning([...userColumns])
    .executeTakeFirst();
}

export async function insertSession(db: Db, tokenHash: string, userId: number, expiresAt: Date): Promise<void> {
  await db.insertInto('mes.sessions').values({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt }).execute();
}

/** Runs on every signed-in request: a named prepared statement, planned once per connection. */
export async function findSessionUser(db: Db, tokenHash: string) {
  const query = db
    .selectFrom('mes.sessions as s')
    .innerJoin('mes.users as u', 'u.id', 's.user_id')
    .select([...userColumns, 's.expires_at as expiresAt'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('u.disabled_at', 'is', null);
  const compiled = query.compile();
  const result = await db.executeQuery<InferResult<typeof query>[number]>({ ...compiled, sql: PREPARED + compiled.sql });
  return result.rows[0];
}

/** The user and expiry of an unexpired session. */
export function findSession(db: Db, tokenHash: string) {
  return db
    .selectFrom('mes.sessions')
    .select(['user_id as userId', 'expires_at as expiresAt'])
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Those of `tokenHashes` whose sessions still exist and have not expired. */
export async function findOpenSessions(db: Db, tokenHashes: readonly string[]): Promise<Set<string>> {
  if (tokenHashes.length === 0) return new Set();
  const rows = await db
    .selectFrom('mes.sessions')
    .select('token_hash')
    .where('token_hash', 'in', [...tokenHashes])
    .where('expires_at', '>', sql<Date>`now()`)
    .execute();
  return new Set(rows.map((r) => r.token_hash));
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('mes.sessions').where('token_hash', '=', tokenHash).execute();
}

/**
 * Deletes the sessions that have expired, by the database's clock (as
 * findSession and the 0008 trigger that words the end 'expired' judge them).
 * The triggers of 0004/0008/0009 NOTIFY their users' processes and keep each
 * user's last sign-in.
 */
export async function deleteExpiredSessions(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('mes.sessions')
    .where('expires_at', '<=', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string | null;
  workerId: string | null;
  pinHash: string | null;
}

export function insertUser(db: Db, user: NewUser) {
  return db
    .insertInto('mes.users')
    .values({
      username: user.username,
      display_name: user.displayName,
      role: user.role,
      password_hash: user.passwordHash,
      worker_id: user.workerId,
      pin_hash: user.pinHash,
    })
    .returning(['id', 'username', 'role'])
    .executeTakeFirstOrThrow();
}

export function listUsers(db: Db) {
  return db
    .selectFrom('mes.users as u')
    .leftJoin('mes.sign_in_failures as f', 'f.user_id', 'u.id')
    .select([...userColumns, 'u.disabled_at as disabledAt', sql<Date | null>`case when f.locked_until > now() then f.locked_until end`.as('lockedUntil')])
    .orderBy('u.id')
    .execute();
}

/** Sets a new password and/or PIN; every session of the user ends with it (trigger users_end_sessions, migration 0008). */
export async function updateUserSecrets(db: Db, username: string, secrets: { passwordHash?: string; pinHash?: string }): Promise<boolean> {
  const result = await db
    .updateTable('mes.users')
    .set({ ...(secrets.passwordHash ? { password_hash: secrets.passwordHash } : {}), ...(secrets.pinHash ? { pin_hash: secrets.pinHash } : {}) })
    .where('username', '=', username)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Disables or enables a user; disabling ends every session of the user (trigger users_end_sessions, migration 0008). */
export async function setUserDisabled(db: Db, username: string, disabled: boolean): Promise<boolean> {
  const result = await db
    .updateTable('mes.users')
    .set({ disabled_at: disabled ? new Date() : null })
    .where('username', '=', username)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
