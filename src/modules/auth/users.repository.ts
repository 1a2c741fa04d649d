/** SQL of user administration: accounts and their sessions (the auth module owns both tables). */
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.js';
import type { Role } from '../../db/schema.js';
import type { UserListQuery } from './users.schema.js';

/** Sessions are listed and ended by this prefix of their token hash, never by the hash itself. */
export const sessionIdLength = 16;

function selectUsers(db: Db) {
  return db
    .selectFrom('mes.users as u')
    .leftJoin('mes.workers as w', 'w.id', 'u.worker_id')
    .select([
      'u.id',
      'u.username',
      'u.display_name as displayName',
      'u.role',
      'u.worker_id as workerId',
      'w.name as workerName',
      sql<boolean>`u.password_hash is not null`.as('hasPassword'),
      sql<boolean>`u.pin_hash is not null`.as('hasPin'),
      'u.disabled_at as disabledAt',
      'u.created_at as createdAt',
      // the newest live session, or the newest one that is gone (0009)
      sql<Date | null>`greatest(u.last_login_at, (select max(s.created_at) from mes.sessions s where s.user_id = u.id))`.as('lastLoginAt'),
      sql<number>`(select count(*)::int from mes.sessions s where s.user_id = u.id and s.expires_at > now())`.as('activeSessions'),
      // locked after failed sign-ins (0008), by the database's clock
      sql<Date | null>`(select f.locked_until from mes.sign_in_failures f where f.user_id = u.id and f.locked_until > now())`.as('lockedUntil'),
    ]);
}
export type UserRow = Awaited<ReturnType<ReturnType<typeof selectUsers>['executeTakeFirstOrThrow']>>;

export async function listUsers(db: Db, query: UserListQuery & { limit: number; offset: number }): Promise<{ rows: UserRow[]; total: number }> {
  let q = selectUsers(db).select(sql<number>`count(*) over ()::int`.as('total'));
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, '\\$&')}%`;
    q = q.where((eb) => eb.or([eb('u.username', 'ilike', like), eb('u.display_name', 'ilike', like), eb('u.worker_id', 'ilike', like)]));
  }
  if (query.role) q = q.where('u.role', '=', query.role);
  if (query.disabled !== undefined) q = q.where('u.disabled_at', query.disabled ? 'is not' : 'is', null);
  if (query.workerId) q = q.where('u.worker_id', '=', query.workerId);
  const rows = await q.orderBy('u.username').limit(query.limit).offset(query.offset).execute();
  return { rows: rows.map(({ total: _t, ...r }) => r), total: rows[0]?.total ?? 0 };
}

export function findUser(db: Db, username: string): Promise<UserRow | undefined> {
  return selectUsers(db).where('u.username', '=', username).executeTakeFirst();
}

export function findUserOfWorker(db: Db, workerId: string): Promise<UserRow | undefined> {
  return selectUsers(db).where('u.worker_id', '=', workerId).executeTakeFirst();
}

/** The worker an operator account would be bound to: whether it exists and is active. */
export function findWorker(db: Db, workerId: string): Promise<{ id: string; name: string; archivedAt: Date | null } | undefined> {
  return db.selectFrom('mes.workers').select(['id', 'name', 'archived_at as archivedAt']).where('id', '=', workerId).executeTakeFirst();
}

export interface NewAccount {
  username: string;
  displayName: string;
  role: Role;
  workerId: string | null;
  passwordHash: string | null;
  pinHash: string | null;
}

export async function insertUser(db: Db, account: NewAccount): Promise<void> {
  await db
    .insertInto('mes.users')
    .values({
      username: account.username,
      display_name: account.displayName,
      role: account.role,
      worker_id: account.workerId,
      password_hash: account.passwordHash,
      pin_hash: account.pinHash,
    })
    .execute();
}

export interface AccountChange {
  displayName?: string;
  role?: Role;
  workerId?: string | null;
  /** undefined: unchanged; null: removed. */
  passwordHash?: string | null;
  pinHash?: string | null;
  disabled?: boolean;
}

export async function updateUser(db: Db, username: string, change: AccountChange): Promise<boolean> {
  const result = await db
    .updateTable('mes.users')
    .set({
      ...(change.displayName !== undefined ? { display_name: change.displayName } : {}),
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(change.workerId !== undefined ? { worker_id: change.workerId } : {}),
      ...(change.passwordHash !== undefined ? { password_hash: change.passwordHash } : {}),
      ...(change.pinHash !== undefined ? { pin_hash: change.pinHash } : {}),
      ...(change.disabled !== undefined ? { disabled_at: change.disabled ? sql<Date>`coalesce(disabled_at, now())` : null } : {}),
    })
    .where('username', '=', username)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The user's sessions that have not expired, newest first. */
export async function listSessions(db: Db, userId: number): Promise<{ tokenHash: string; createdAt: Date; expiresAt: Date }[]> {
  return db
    .selectFrom('mes.sessions')
    .select(['token_hash as tokenHash', 'created_at as createdAt', 'expires_at as expiresAt'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('created_at', 'desc')
    .execute();
}

/**
 * Ends the user's sessions: all of them, or the one whose id (hash prefix) is
 * given. The delete trigger (0004) tells every process to drop them from its cache.
 */
/**
 * The session with this token hash survives the session ends that changes in
 * this transaction cause (migration 0008's triggers): an admin changing their
 * own account stays signed in where they made the change.
 */
export async function keepSession(trx: Trx, tokenHash: string): Promise<void> {
  await sql`select set_config('mes.keep_session', ${tokenHash}, true)`.execute(trx);
}

export async function deleteSessions(db: Db, userId: number, sessionId?: string): Promise<number> {
  let q = db.deleteFrom('mes.sessions').where('user_id', '=', userId);
  if (sessionId !== undefined) q = q.where(sql<string>`left(token_hash, ${sessionIdLength})`, '=', sessionId);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}
