/** Sign-in, sessions and accounts. */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/database.js';
import crypto from 'node:crypto';
import { DomainError, m, notFound } from '../../shared/errors.js';
import * as repo from './auth.repository.js';
import type { LockoutPolicy } from './auth.repository.js';
import type { Locale, Role, SessionUser } from './auth.schema.js';
import { hashSecret, verifySecret } from './passwords.js';
import type { SessionCache } from './session-cache.js';

export interface IssuedSession {
  user: SessionUser;
  token: string;
  expiresAt: Date;
}

export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

// A real hash to verify against when the user does not exist, so that
// "unknown user" and "wrong password" take the same time.
const dummyHash = hashSecret('burkol-mes-dummy-secret');

const invalidCredentials = () => new DomainError('unauthenticated', m('auth.wrong_password'));

async function issueSession(db: Db, user: SessionUser, ttlHours: number): Promise<IssuedSession> {
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  await repo.insertSession(db, hashToken(token), user.id, expiresAt);
  return { user, token, expiresAt };
}

/** Where a sign-in attempt came from and where to log it (never the secret). */
export interface SignInClient {
  ip: string;
  log: Pick<FastifyBaseLogger, 'info' | 'warn'>;
}

export interface SignInOptions {
  lockout?: LockoutPolicy;
  client?: SignInClient;
}

/** 5 failures in 15 minutes lock an account for 1 minute, then 2, 4, … up to an hour (MES_LOGIN_LOCKOUT_*). */
export const defaultLockoutPolicy: LockoutPolicy = { attempts: 5, windowSeconds: 15 * 60, lockSeconds: 60, maxLockSeconds: 3600 };

/** The account is locked: 429 with Retry-After, the same whether the secret given was right or wrong. */
export class AccountLockedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', m('auth.account_locked', { seconds: retryAfterSeconds }), { retryAfter: retryAfterSeconds });
  }
}

type Found = SessionUser & { lockedForSeconds: number };

/**
 * One attempt at an account: refused at once while it is locked (the secret
 * is not even checked), counted when the secret is wrong, forgotten when it
 * is right. An unknown account is not counted (there is no row to count on)
 * and answers like a wrong secret.
 */
async function attempt(
  db: Db,
  account: string,
  found: Found | undefined,
  secretOk: () => Promise<boolean>,
  fail: () => DomainError,
  ttlHours: number,
  options: SignInOptions,
): Promise<IssuedSession> {
  const policy = options.lockout ?? defaultLockoutPolicy;
  const where = { account, ip: options.client?.ip };
  if (found && found.lockedForSeconds > 0) {
    options.client?.log.warn({ ...where, retryAfter: found.lockedForSeconds }, 'sign-in refused: the account is locked');
    throw new AccountLockedError(found.lockedForSeconds);
  }
  const ok = await secretOk();
  if (!found || !ok) {
    if (!found) {
      options.client?.log.warn(where, 'failed sign-in: no such enabled account');
      throw fail();
    }
    const counted = await db.transaction().execute((trx) => repo.recordSignInFailure(trx, found.id, policy));
    if (counted.lockedForSeconds > 0) {
      options.client?.log.warn(
        { ...where, failures: counted.failures, lockedForSeconds: counted.lockedForSeconds },
        'failed sign-in; the account is now locked',
      );
      throw new AccountLockedError(counted.lockedForSeconds);
    }
    options.client?.log.warn({ ...where, failures: counted.failures }, 'failed sign-in');
    throw fail();
  }
  const { lockedForSeconds: _locked, ...user } = found;
  await repo.clearSignInFailures(db, user.id);
  return issueSession(db, user, ttlHours);
}

export async function loginWithPassword(db: Db, username: string, password: string, ttlHours: number, options: SignInOptions = {}): Promise<IssuedSession> {
  const row = await repo.findUserForLogin(db, username);
  const { passwordHash, ...found } = row ?? { passwordHash: null };
  return attempt(
    db,
    `user ${username}`,
    row && passwordHash ? (found as Found) : undefined,
    async () => verifySecret(passwordHash ?? (await dummyHash), password),
    invalidCredentials,
    ttlHours,
    options,
  );
}

export async function loginWithPin(db: Db, workerId: string, pin: string, ttlHours: number, options: SignInOptions = {}): Promise<IssuedSession> {
  const row = await repo.findOperatorForPinLogin(db, workerId);
  const { pinHash, ...found } = row ?? { pinHash: null };
  return attempt(
    db,
    `worker ${workerId}`,
    row && pinHash ? (found as Found) : undefined,
    async () => verifySecret(pinHash ?? (await dummyHash), pin),
    () => new DomainError('unauthenticated', m('auth.wrong_pin')),
    ttlHours,
    options,
  );
}

export async function authenticate(db: Db, token: string, sessions?: SessionCache): Promise<SessionUser | undefined> {
  const tokenHash = hashToken(token);
  const kept = sessions?.get(tokenHash);
  if (kept) return kept;
  const ticket = sessions?.ticket ?? 0;
  const found = await repo.findSessionUser(db, tokenHash);
  if (!found) return undefined;
  const { expiresAt, ...user } = found;
  sessions?.set(tokenHash, user, expiresAt, ticket);
  return user;
}

/** The session behind a token, for a stream that must end with it: its hash, user and expiry. */
export async function sessionOf(db: Db, token: string): Promise<{ tokenHash: string; userId: number; expiresAt: Date } | undefined> {
  const tokenHash = hashToken(token);
  const found = await repo.findSession(db, tokenHash);
  return found ? { tokenHash, userId: Number(found.userId), expiresAt: found.expiresAt } : undefined;
}

/** Those of the given sessions (token hashes) that still exist and have not expired. */
export function openSessions(db: Db, tokenHashes: readonly string[]): Promise<Set<string>> {
  return repo.findOpenSessions(db, tokenHashes);
}

/** Removes expired sessions (the session-sweep job); how many went. */
export function deleteExpiredSessions(db: Db): Promise<number> {
  return repo.deleteExpiredSessions(db);
}

export async function logout(db: Db, token: string, sessions?: SessionCache): Promise<void> {
  const tokenHash = hashToken(token);
  await repo.deleteSession(db, tokenHash);
  // at once here; other processes drop it when the trigger's NOTIFY reaches them
  sessions?.drop(tokenHash);
}

/** A signed-in user chooses the UI's language; their cached sessions here drop at once (elsewhere on the trigger's NOTIFY). */
export async function setOwnLocale(db: Db, userId: number, locale: Locale, sessions?: SessionCache): Promise<SessionUser> {
  const user = await repo.updateUserLocale(db, userId, locale);
  sessions?.dropUser(String(userId));
  if (!user) throw new DomainError('unauthenticated', m('auth.sign_in_first'));
  return user;
}

export interface CreateUserInput {
  username: string;
  role: Role;
  displayName?: string;
  password?: string;
  workerId?: string;
  pin?: string;
}

/**
 * Rules for a password or PIN being set now. PINs set before these rules may
 * have 4 digits; they still sign in (PinLoginBody takes 4 to 8) until changed.
 */
export function checkNewSecrets(secrets: { password?: string | undefined; pin?: string | undefined }): void {
  if (secrets.password !== undefined && secrets.password.length < 8) {
    throw new DomainError('rule_violated', m('auth.password_too_short'), { field: 'password' });
  }
  if (secrets.pin !== undefined && !/^[0-9]{6,8}$/.test(secrets.pin)) throw new DomainError('rule_violated', m('auth.pin_format'), { field: 'pin' });
}

/** Sets a new password and/or PIN. Every session of the user ends in the same transaction (trigger, migration 0008). */
export async function changeUserSecrets(db: Db, username: string, secrets: { password?: string; pin?: string }): Promise<void> {
  if (secrets.password === undefined && secrets.pin === undefined) throw new DomainError('rule_violated', m('auth.password_or_pin'), { field: 'password' });
  checkNewSecrets(secrets);
  const ok = await repo.updateUserSecrets(db, username, {
    ...(secrets.password !== undefined ? { passwordHash: await hashSecret(secrets.password) } : {}),
    ...(secrets.pin !== undefined ? { pinHash: await hashSecret(secrets.pin) } : {}),
  });
  if (!ok) throw notFound('user', username);
}

/** Lifts an account's sign-in lock and forgets its failed attempts (admin: CLI `user unlock`, later the admin API). */
export async function unlockUser(db: Db, username: string): Promise<{ wasLocked: boolean }> {
  const result = await repo.deleteSignInFailures(db, username);
  if (!result.found) throw notFound('user', username);
  return { wasLocked: result.wasLocked };
}

/** Every account with its lock, if any (admin). */
export function listUsers(db: Db) {
  return repo.listUsers(db);
}

export async function createUser(db: Db, input: CreateUserInput) {
  if (input.role === 'operator' && !input.workerId) throw new DomainError('rule_violated', m('auth.operator_needs_worker_flag'), { field: 'workerId' });
  if (!input.password && !input.pin) throw new DomainError('rule_violated', m('auth.password_or_pin'), { field: 'password' });
  checkNewSecrets(input);
  try {
    return await repo.insertUser(db, {
      username: input.username,
      displayName: input.displayName ?? input.username,
      role: input.role,
      passwordHash: input.password ? await hashSecret(input.password) : null,
      workerId: input.workerId ?? null,
      pinHash: input.pin ? await hashSecret(input.pin) : null,
    });
  } catch (error) {
    const constraint = (error as { constraint?: string }).constraint;
    if (constraint === 'users_username_key') throw new DomainError('conflict', m('user.exists', { username: input.username }), { field: 'username' });
    if (constraint === 'users_worker_id_key')
      throw new DomainError('conflict', m('user.worker_has_account', { workerId: input.workerId ?? '' }), { field: 'workerId' });
    if (constraint === 'users_worker_id_fkey')
      throw new DomainError('rule_violated', m('not_found.worker', { id: input.workerId ?? '' }), { field: 'workerId' });
    throw error;
  }
}
