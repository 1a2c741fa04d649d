/** SQL of users and sessions. Tokens are stored as SHA-256 hashes only. */
import { type InferResult, sql } from 'kysely';
import { PREPARED, type Db } from '../../db/database.js';
import type { Role } from '../../db/schema.js';

const userColumns = ['u.id', 'u.username', 'u.display_name as displayName', 'u.role', 'u.worker_id as workerId'] as const;

export function findUserForLogin(db: Db, username: string) {
  return db
    .selectFrom('mes.users as u')
    .select([...userColumns, 'u.password_hash as passwordHash'])
    .where('u.username', '=', username)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
}

export function findOperatorForPinLogin(db: Db, workerId: string) {
  return db
    .selectFrom('mes.users as u')
    .innerJoin('mes.workers as w', 'w.id', 'u.worker_id')
    .select([...userColumns, 'u.pin_hash as pinHash'])
    .where('u.worker_id', '=', workerId)
    .where('u.disabled_at', 'is', null)
    .where('w.archived_at', 'is', null)
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

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('mes.sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteExpiredSessions(db: Db): Promise<number> {
  const result = await db.deleteFrom('mes.sessions').where('expires_at', '<=', new Date()).executeTakeFirst();
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
    .select([...userColumns, 'u.disabled_at as disabledAt'])
    .orderBy('u.id')
    .execute();
}

export async function updateUserSecrets(db: Db, username: string, secrets: { passwordHash?: string; pinHash?: string }): Promise<boolean> {
  const result = await db
    .updateTable('mes.users')
    .set({ ...(secrets.passwordHash ? { password_hash: secrets.passwordHash } : {}), ...(secrets.pinHash ? { pin_hash: secrets.pinHash } : {}) })
    .where('username', '=', username)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setUserDisabled(db: Db, username: string, disabled: boolean): Promise<boolean> {
  const result = await db
    .updateTable('mes.users')
    .set({ disabled_at: disabled ? new Date() : null })
    .where('username', '=', username)
    .executeTakeFirst();
  if (disabled) {
    await db
      .deleteFrom('mes.sessions')
      .where('user_id', 'in', db.selectFrom('mes.users').select('id').where('username', '=', username))
      .execute();
  }
  return Number(result.numUpdatedRows) === 1;
}
