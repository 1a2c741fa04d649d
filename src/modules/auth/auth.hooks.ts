/**
 * Every route needs a session unless its config says `public: true`; a route
 * may also name the roles it admits (`roles: ['admin', 'planner']`).
 * Sessions come from the `mes_session` cookie (browsers) or a bearer token.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../shared/errors.js';
import type { Role, SessionUser } from './auth.schema.js';
import { authenticate } from './auth.service.js';

export const sessionCookie = 'mes_session';

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser | null;
  }
  interface FastifyContextConfig {
    roles?: readonly Role[];
  }
}

export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || undefined;
  return request.cookies?.[sessionCookie];
}

export function installAuth(app: FastifyInstance): void {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    const url = request.routeOptions.url;
    // unknown routes fall through to 404; the API documentation is public
    if (config?.public || !url || url.startsWith('/api/docs')) return;
    const token = sessionToken(request);
    const user = token ? await authenticate(app.mes.db, token, app.mes.sessions) : undefined;
    if (!user) throw new DomainError('unauthenticated', token ? 'the session has expired; sign in again' : 'sign in first');
    request.user = user;
    if (config?.roles && !config.roles.includes(user.role)) {
      throw new DomainError('forbidden', `this needs the role ${config.roles.join(' or ')}; you are ${user.role}`);
    }
  });
}

/** The signed-in user of a route that is not public. */
export function currentUser(request: FastifyRequest): SessionUser {
  if (!request.user) throw new DomainError('unauthenticated', 'sign in first');
  return request.user;
}

export const plannerRoles = ['admin', 'planner'] as const;
