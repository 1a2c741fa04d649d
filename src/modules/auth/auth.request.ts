/**
 * Sessions as requests carry them: the `mes_session` cookie (browsers) or a
 * bearer token, the signed-in user the auth plugin (src/plugins/auth.ts) put
 * on the request, and what a route's config may say: `public: true` (no
 * session needed) or the roles it admits (`roles: ['admin', 'planner']`).
 */
import type { FastifyRequest } from 'fastify';
import { DomainError, m } from '../../shared/errors.js';
import type { Role, SessionUser } from './auth.schema.js';

export const sessionCookie = 'mes_session';

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser | null;
  }
  interface FastifyContextConfig {
    /** Route needs no session. */
    public?: boolean;
    /** Roles the route admits (any signed-in user when absent). */
    roles?: readonly Role[];
  }
}

export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || undefined;
  return request.cookies?.[sessionCookie];
}

/** The signed-in user of a route that is not public. */
export function currentUser(request: FastifyRequest): SessionUser {
  if (!request.user) throw new DomainError('unauthenticated', m('auth.sign_in_first'));
  return request.user;
}

/** Routes for planners and admins. */
export const plannerRoles = ['admin', 'planner'] as const;
/** Routes any signed-in user may call; what an operator then sees is narrowed by the service (their own work). */
export const anyRole = ['admin', 'planner', 'operator'] as const;
