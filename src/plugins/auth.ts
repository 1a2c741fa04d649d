/**
 * Sessions on every request: every route needs a signed-in user unless its
 * config says `public: true` (the API documentation is public too), and
 * every API route names the roles it admits (`roles: plannerRoles`, or
 * `anyRole` where the service narrows what an operator sees); a route that
 * says neither is refused when the app is built. The
 * user is found from the `mes_session` cookie or a bearer token, through the
 * process's session cache, and put on `request.user`.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { authenticate, sessionToken } from '../modules/auth/index.js';
import { DomainError, m } from '../shared/errors.js';

const auth: FastifyPluginAsync = async (app) => {
  await app.register(fastifyCookie);
  // off by default: the sign-in routes set their own limits
  await app.register(fastifyRateLimit, { global: false });
  app.decorateRequest('user', null);
  // least privilege by construction: every API route states who may call it (public, or the roles it admits)
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/mes/') || route.config?.public || route.config?.roles) return;
    throw new Error(`route ${String(route.method)} ${route.url} declares neither config.public nor config.roles`);
  });
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    const url = request.routeOptions.url;
    // unknown routes fall through to 404; the API documentation is public
    if (config?.public || !url || url.startsWith('/api/docs')) return;
    const token = sessionToken(request);
    const user = token ? await authenticate(app.mes.db, token, app.mes.sessions) : undefined;
    if (!user) throw new DomainError('unauthenticated', m(token ? 'auth.session_expired' : 'auth.sign_in_first'));
    request.user = user;
    if (config?.roles && !config.roles.includes(user.role)) {
      throw new DomainError('forbidden', m('auth.role_needed', { roles: config.roles.join(', '), role: user.role }));
    }
  });
};

export const authPlugin = fp(auth, { name: 'mes-auth', dependencies: ['mes-errors'] });
