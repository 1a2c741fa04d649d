/**
 * User administration, one transaction per use case. The rules:
 * - planners and admins sign in with a password, operators with their worker
 *   id and a PIN; new secrets are generated (a PIN may be chosen) and returned
 *   once, only their argon2 hashes are stored;
 * - an admin cannot disable or demote their own account (so an admin always remains);
 * - a new secret, a role change and disabling end the account's sessions (an
 *   operator's tablet session must not become a planner's), in the database
 *   (migration 0008); the acting admin's own session survives a change to
 *   their own account;
 * - every change is an event on the `master` topic, without secrets.
 */
import type { Db, Trx } from '../../db/database.js';
import { DomainError, m, notFound } from '../../shared/errors.js';
import type { PageOf } from '../../shared/pagination.js';
import { recordEvents } from '../realtime/index.js';
import type { Role, SessionUser } from './auth.schema.js';
import { hashToken, unlockUser } from './auth.service.js';
import { generatePassword, generatePin, hashSecret } from './passwords.js';
import * as repo from './users.repository.js';
import type {
  PinReset,
  PortalAccess,
  PortalAccessResult,
  SessionView,
  UserCreate,
  UserListQuery,
  UserUpdate,
  UserView,
  UserWithSecret,
} from './users.schema.js';

/** Who acts, and with which session (kept when they change their own account). */
export interface Actor {
  user: SessionUser;
  token: string | undefined;
}

function toView(row: repo.UserRow): UserView {
  return {
    ...row,
    disabledAt: row.disabledAt ? row.disabledAt.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: row.lastLoginAt ? row.lastLoginAt.toISOString() : null,
    lockedUntil: row.lockedUntil ? row.lockedUntil.toISOString() : null,
  };
}

async function load(db: Db, username: string): Promise<UserView> {
  const row = await repo.findUser(db, username);
  if (!row) throw notFound('user', username);
  return toView(row);
}

async function record(trx: Trx, user: UserView, change: string, actor: Actor, payload: Record<string, unknown> = {}): Promise<void> {
  await recordEvents(
    trx,
    [{ topic: 'master', entityType: 'user', entityId: user.username, workerId: user.workerId, change, payload: { username: user.username, ...payload } }],
    actor.user.username,
  );
}

/**
 * A change of credentials, role or worker, or disabling, ends the account's
 * sessions in the database (migration 0008's trigger, whatever path makes
 * the change); when admins change their own account, the session they act
 * from is kept. Call before the change.
 */
async function keepOwnSession(trx: Trx, user: { id: number }, actor: Actor): Promise<void> {
  if (user.id === actor.user.id && actor.token) await repo.keepSession(trx, hashToken(actor.token));
}

/** The worker an operator account is bound to must exist and be active (422 naming the field otherwise). */
async function assertWorker(db: Db, workerId: string, field = 'body/workerId') {
  const worker = await repo.findWorker(db, workerId);
  if (!worker) throw new DomainError('rule_violated', m('not_found.worker', { id: workerId }), { field });
  if (worker.archivedAt) throw new DomainError('rule_violated', m('worker.archived', { workerId }), { field });
  return worker;
}

/** Unique constraints of mes.users as the conflicts they mean. */
function conflictOf(error: unknown, input: { username?: string; workerId?: string | null }): unknown {
  const constraint = (error as { constraint?: string }).constraint;
  if (constraint === 'users_username_key') return new DomainError('conflict', m('user.exists', { username: input.username ?? '' }), { field: 'body/username' });
  if (constraint === 'users_worker_id_key')
    return new DomainError('conflict', m('user.worker_has_account', { workerId: input.workerId ?? '' }), { field: 'body/workerId' });
  return error;
}

export async function listUsers(db: Db, query: UserListQuery & { limit: number; offset: number }): Promise<PageOf<UserView>> {
  const { rows, total } = await repo.listUsers(db, query);
  return { items: rows.map(toView), total, limit: query.limit, offset: query.offset };
}

export const getUser = load;

export async function createUser(db: Db, input: UserCreate, actor: Actor): Promise<UserWithSecret> {
  const operator = input.role === 'operator';
  if (operator && !input.workerId) throw new DomainError('rule_violated', m('user.operator_needs_worker'), { field: 'body/workerId' });
  if (!operator && input.workerId) throw new DomainError('rule_violated', m('user.only_operators_have_worker'), { field: 'body/workerId' });
  if (!operator && input.pin) throw new DomainError('rule_violated', m('user.only_operators_have_pin'), { field: 'body/pin' });
  const secret = operator ? { pin: input.pin ?? generatePin() } : { password: generatePassword() };
  const hash = await hashSecret(secret.pin ?? secret.password!);
  return db.transaction().execute(async (trx) => {
    const worker = input.workerId ? await assertWorker(trx, input.workerId) : undefined;
    try {
      await repo.insertUser(trx, {
        username: input.username,
        displayName: input.displayName ?? worker?.name ?? input.username,
        role: input.role,
        workerId: input.workerId ?? null,
        passwordHash: operator ? null : hash,
        pinHash: operator ? hash : null,
      });
    } catch (error) {
      throw conflictOf(error, input);
    }
    const user = await load(trx, input.username);
    await record(trx, user, 'created', actor, { role: user.role, workerId: user.workerId });
    return { user, ...secret };
  });
}

export async function updateUser(db: Db, username: string, input: UserUpdate, actor: Actor): Promise<UserWithSecret> {
  const current = await load(db, username);
  const role: Role = input.role ?? current.role;
  if (current.id === actor.user.id && role !== 'admin') throw new DomainError('conflict', m('user.cannot_demote_self'), { field: 'body/role' });
  if (input.workerId && role !== 'operator') throw new DomainError('rule_violated', m('user.only_operators_have_worker'), { field: 'body/workerId' });
  const change: repo.AccountChange = { displayName: input.displayName, role: input.role };
  const secret: { password?: string; pin?: string } = {};
  if (role === 'operator') {
    const workerId = input.workerId ?? current.workerId;
    if (!workerId) throw new DomainError('rule_violated', m('user.operator_needs_worker'), { field: 'body/workerId' });
    if (workerId !== current.workerId) change.workerId = workerId;
    if (current.role !== 'operator') change.passwordHash = null; // operators sign in with their PIN only
    if (!current.hasPin) secret.pin = generatePin();
  } else if (current.role === 'operator') {
    // a PIN must not open a planner's or an admin's session
    change.workerId = null;
    change.pinHash = null;
    if (!current.hasPassword) secret.password = generatePassword();
  }
  if (secret.pin) change.pinHash = await hashSecret(secret.pin);
  if (secret.password) change.passwordHash = await hashSecret(secret.password);
  return db.transaction().execute(async (trx) => {
    if (input.workerId && input.workerId !== current.workerId) await assertWorker(trx, input.workerId);
    await keepOwnSession(trx, current, actor);
    try {
      if (!(await repo.updateUser(trx, username, change))) throw notFound('user', username);
    } catch (error) {
      throw conflictOf(error, { workerId: change.workerId });
    }
    const user = await load(trx, username);
    await record(trx, user, 'updated', actor, { ...input });
    return { user, ...secret };
  });
}

export async function resetPassword(db: Db, username: string, actor: Actor): Promise<UserWithSecret> {
  const current = await load(db, username);
  if (current.role === 'operator') throw new DomainError('rule_violated', m('user.reset_pin_instead', { username }), { field: 'role' });
  const password = generatePassword();
  const passwordHash = await hashSecret(password);
  return db.transaction().execute(async (trx) => {
    await keepOwnSession(trx, current, actor);
    if (!(await repo.updateUser(trx, username, { passwordHash }))) throw notFound('user', username);
    const user = await load(trx, username);
    await record(trx, user, 'password_reset', actor);
    return { user, password };
  });
}

export async function resetPin(db: Db, username: string, input: PinReset, actor: Actor): Promise<UserWithSecret> {
  const current = await load(db, username);
  if (current.role !== 'operator')
    throw new DomainError('rule_violated', m('user.reset_password_instead', { username, role: current.role }), { field: 'role' });
  const pin = input.pin ?? generatePin();
  const pinHash = await hashSecret(pin);
  return db.transaction().execute(async (trx) => {
    await keepOwnSession(trx, current, actor);
    if (!(await repo.updateUser(trx, username, { pinHash }))) throw notFound('user', username);
    const user = await load(trx, username);
    await record(trx, user, 'pin_reset', actor);
    return { user, pin };
  });
}

/** Disables (and signs out) or enables an account; doing it twice changes nothing more. */
export async function setDisabled(db: Db, username: string, disabled: boolean, actor: Actor): Promise<UserView> {
  return db.transaction().execute(async (trx) => {
    const current = await load(trx, username);
    if (disabled && current.id === actor.user.id) throw new DomainError('conflict', m('user.cannot_disable_self'));
    if (!!current.disabledAt === disabled) return current;
    await repo.updateUser(trx, username, { disabled });
    const user = await load(trx, username);
    await record(trx, user, disabled ? 'disabled' : 'enabled', actor);
    return user;
  });
}

/** Lifts the account's sign-in lock and forgets its failed attempts; an account that is not locked stays as it is. */
export async function unlock(db: Db, username: string, actor: Actor): Promise<UserView> {
  return db.transaction().execute(async (trx) => {
    const { wasLocked } = await unlockUser(trx, username);
    const user = await load(trx, username);
    if (wasLocked) await record(trx, user, 'unlocked', actor);
    return user;
  });
}

export async function listSessions(db: Db, username: string, actor: Actor): Promise<{ items: SessionView[] }> {
  const user = await load(db, username);
  const own = actor.token ? hashToken(actor.token) : undefined;
  const sessions = await repo.listSessions(db, user.id);
  return {
    items: sessions.map((s) => ({
      id: s.tokenHash.slice(0, repo.sessionIdLength),
      createdAt: s.createdAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      current: s.tokenHash === own,
    })),
  };
}

/** Ends all sessions of the account (the acting admin's own included, if they ask), or one. */
export async function endUserSessions(db: Db, username: string, sessionId: string | undefined, actor: Actor): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const user = await load(trx, username);
    const ended = await repo.deleteSessions(trx, user.id, sessionId);
    if (sessionId !== undefined && ended === 0) throw new DomainError('not_found', m('user.session_not_found', { username, id: sessionId }));
    if (ended > 0) await record(trx, user, 'sessions_ended', actor, { count: ended });
    return ended;
  });
}

/**
 * A worker's way into the portal in one step: creates the operator account
 * (user name = worker id) or gives the existing one a new PIN and enables it.
 */
export async function grantPortalAccess(db: Db, input: PortalAccess, actor: Actor): Promise<PortalAccessResult> {
  const pin = input.pin ?? generatePin();
  const pinHash = await hashSecret(pin);
  return db.transaction().execute(async (trx) => {
    const worker = await assertWorker(trx, input.workerId);
    const existing = await repo.findUserOfWorker(trx, input.workerId);
    if (existing && existing.role !== 'operator') {
      throw new DomainError('conflict', m('user.worker_bound_elsewhere', { workerId: input.workerId, role: existing.role, username: existing.username }), {
        field: 'body/workerId',
      });
    }
    if (existing) {
      await keepOwnSession(trx, existing, actor);
      await repo.updateUser(trx, existing.username, { pinHash, disabled: false });
      const user = await load(trx, existing.username);
      await record(trx, user, 'pin_reset', actor, existing.disabledAt ? { enabled: true } : {});
      return { user, pin, created: false };
    }
    try {
      await repo.insertUser(trx, { username: worker.id, displayName: worker.name, role: 'operator', workerId: worker.id, passwordHash: null, pinHash });
    } catch (error) {
      const constraint = (error as { constraint?: string }).constraint;
      if (constraint === 'users_username_key') {
        throw new DomainError('conflict', m('user.username_taken', { username: worker.id }), {
          field: 'body/workerId',
        });
      }
      throw conflictOf(error, input);
    }
    const user = await load(trx, worker.id);
    await record(trx, user, 'created', actor, { role: 'operator', workerId: worker.id });
    return { user, pin, created: true };
  });
}
