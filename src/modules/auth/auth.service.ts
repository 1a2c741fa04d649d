/** Sign-in, sessions and accounts. */
import type { Db } from '../../db/database.js';
import crypto from 'node:crypto';
import { DomainError } from '../../shared/errors.js';
import * as repo from './auth.repository.js';
import type { Role, SessionUser } from './auth.schema.js';
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

const invalidCredentials = () => new DomainError('unauthenticated', 'user name or password is wrong');

async function issueSession(db: Db, user: SessionUser, ttlHours: number): Promise<IssuedSession> {
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  await repo.insertSession(db, hashToken(token), user.id, expiresAt);
  return { user, token, expiresAt };
}

export async function loginWithPassword(db: Db, username: string, password: string, ttlHours: number): Promise<IssuedSession> {
  const found = await repo.findUserForLogin(db, username);
  const ok = await verifySecret(found?.passwordHash ?? (await dummyHash), password);
  if (!found || !found.passwordHash || !ok) throw invalidCredentials();
  const { passwordHash: _hash, ...user } = found;
  return issueSession(db, user, ttlHours);
}

export async function loginWithPin(db: Db, workerId: string, pin: string, ttlHours: number): Promise<IssuedSession> {
  const found = await repo.findOperatorForPinLogin(db, workerId);
  const ok = await verifySecret(found?.pinHash ?? (await dummyHash), pin);
  if (!found || !found.pinHash || !ok) throw new DomainError('unauthenticated', 'worker id or PIN is wrong');
  const { pinHash: _hash, ...user } = found;
  return issueSession(db, user, ttlHours);
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

export async function logout(db: Db, token: string, sessions?: SessionCache): Promise<void> {
  const tokenHash = hashToken(token);
  await repo.deleteSession(db, tokenHash);
  // at once here; other processes drop it when the trigger's NOTIFY reaches them
  sessions?.drop(tokenHash);
}

export interface CreateUserInput {
  username: string;
  role: Role;
  displayName?: string;
  password?: string;
  workerId?: string;
  pin?: string;
}

export async function createUser(db: Db, input: CreateUserInput) {
  if (input.role === 'operator' && !input.workerId) throw new DomainError('rule_violated', 'an operator account needs --worker', { field: 'workerId' });
  if (!input.password && !input.pin) throw new DomainError('rule_violated', 'give a password or a PIN', { field: 'password' });
  if (input.password && input.password.length < 8) throw new DomainError('rule_violated', 'a password has at least 8 characters', { field: 'password' });
  if (input.pin && !/^[0-9]{4,8}$/.test(input.pin)) throw new DomainError('rule_violated', 'a PIN has 4 to 8 digits', { field: 'pin' });
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
    if (constraint === 'users_username_key') throw new DomainError('conflict', `user ${input.username} already exists`, { field: 'username' });
    if (constraint === 'users_worker_id_key') throw new DomainError('conflict', `worker ${input.workerId} already has an account`, { field: 'workerId' });
    if (constraint === 'users_worker_id_fkey') throw new DomainError('rule_violated', `worker ${input.workerId} does not exist`, { field: 'workerId' });
    throw error;
  }
}
