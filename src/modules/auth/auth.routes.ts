/** Sign-in with password or worker PIN, sign-out, and who am I. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { Problem } from '../../shared/problem.schema.js';
import { anyRole, currentUser, sessionCookie, sessionToken } from './auth.request.js';
import { LoginBody, LoginResponse, PinLoginBody, SessionUser } from './auth.schema.js';
import { type IssuedSession, loginWithPassword, loginWithPin, logout } from './auth.service.js';

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app.mes;
  const rateLimit = { max: config.loginRateLimit, timeWindow: '1 minute' };

  const reply = (res: FastifyReply, session: IssuedSession) => {
    res.setCookie(sessionCookie, session.token, {
      httpOnly: true,
      sameSite: 'lax',
      // Secure over HTTPS (request.protocol honours X-Forwarded-Proto only with MES_TRUST_PROXY), always with MES_SECURE_COOKIES
      secure: config.secureCookies || res.request.protocol === 'https',
      path: '/',
      expires: session.expiresAt,
    });
    return { user: session.user, token: session.token, expiresAt: session.expiresAt.toISOString() };
  };

  app.post(
    '/auth/login',
    {
      schema: { tags: ['auth'], summary: 'Sign in with user name and password', body: LoginBody, response: { 200: LoginResponse, 401: Problem, 429: Problem } },
      config: { public: true, rateLimit },
    },
    async (request, res) => reply(res, await loginWithPassword(app.mes.db, request.body.username, request.body.password, config.sessionTtlHours)),
  );

  app.post(
    '/auth/pin-login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Operators sign in with worker id and PIN',
        body: PinLoginBody,
        response: { 200: LoginResponse, 401: Problem, 429: Problem },
      },
      config: { public: true, rateLimit },
    },
    async (request, res) => reply(res, await loginWithPin(app.mes.db, request.body.workerId, request.body.pin, config.sessionTtlHours)),
  );

  app.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: 'End the session', response: { 204: Type.Null() } }, config: { public: true } },
    async (request, res) => {
      const token = sessionToken(request);
      if (token) await logout(app.mes.db, token, app.mes.sessions);
      res.clearCookie(sessionCookie, { path: '/' });
      return res.code(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    { schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: SessionUser, 401: Problem } }, config: { roles: anyRole } },
    async (request) => currentUser(request),
  );
};
