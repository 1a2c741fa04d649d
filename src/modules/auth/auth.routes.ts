/** Sign-in with password or worker PIN, sign-out, and who am I. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Problem } from '../../shared/problem.schema.js';
import { anyRole, currentUser, sessionCookie, sessionToken } from './auth.request.js';
import { LoginBody, LoginResponse, PinLoginBody, SessionUser } from './auth.schema.js';
import { AccountLockedError, type IssuedSession, type SignInOptions, authenticate, loginWithPassword, loginWithPin, logout } from './auth.service.js';

const lockoutDescription = `After MES_LOGIN_LOCKOUT_ATTEMPTS failed sign-ins of one account (password or PIN alike) within
MES_LOGIN_LOCKOUT_WINDOW_MINUTES, from any client addresses, the account is locked: every sign-in answers 429 with a
\`Retry-After\` header (seconds), whether the secret given is right or not. Each further lock before a good sign-in lasts
twice as long (MES_LOGIN_LOCKOUT_SECONDS, up to MES_LOGIN_LOCKOUT_MAX_SECONDS); an admin lifts it with \`user unlock\`.
Apart from that, MES_LOGIN_RATE_LIMIT attempts per client address per minute (429 too).`;

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app.mes;
  const rateLimit = {
    max: config.loginRateLimit,
    timeWindow: '1 minute',
    onExceeded: (request: FastifyRequest) =>
      request.log.warn({ ip: request.ip, url: request.url }, 'sign-in refused: too many attempts from this client address'),
  };
  const lockout = {
    attempts: config.loginLockoutAttempts,
    windowSeconds: config.loginLockoutWindowMinutes * 60,
    lockSeconds: config.loginLockoutSeconds,
    maxLockSeconds: Math.max(config.loginLockoutSeconds, config.loginLockoutMaxSeconds),
  };
  /** Runs a sign-in; a locked account answers 429 with Retry-After. */
  const signIn = async (request: FastifyRequest, res: FastifyReply, run: (options: SignInOptions) => Promise<IssuedSession>) => {
    try {
      return reply(res, await run({ lockout, client: { ip: request.ip, log: request.log } }));
    } catch (error) {
      if (error instanceof AccountLockedError) res.header('retry-after', String(error.retryAfterSeconds));
      throw error;
    }
  };

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
      schema: {
        tags: ['auth'],
        summary: 'Sign in with user name and password',
        description: lockoutDescription,
        body: LoginBody,
        response: { 200: LoginResponse, 401: Problem, 429: Problem },
      },
      config: { public: true, rateLimit },
    },
    async (request, res) =>
      signIn(request, res, (options) => loginWithPassword(app.mes.db, request.body.username, request.body.password, config.sessionTtlHours, options)),
  );

  app.post(
    '/auth/pin-login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Operators sign in with worker id and PIN',
        description: lockoutDescription,
        body: PinLoginBody,
        response: { 200: LoginResponse, 401: Problem, 429: Problem },
      },
      config: { public: true, rateLimit },
    },
    async (request, res) =>
      signIn(request, res, (options) => loginWithPin(app.mes.db, request.body.workerId, request.body.pin, config.sessionTtlHours, options)),
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

  // the web app asks this on every load: nobody signed in is an answer here, not an error (no 401 in the browser's console)
  app.get(
    '/auth/session',
    {
      schema: { tags: ['auth'], summary: 'Who is signed in, if anyone', response: { 200: Type.Object({ user: Type.Union([SessionUser, Type.Null()]) }) } },
      config: { public: true },
    },
    async (request) => {
      const token = sessionToken(request);
      const user = token ? await authenticate(app.mes.db, token, app.mes.sessions) : undefined;
      return { user: user ?? null };
    },
  );

  app.get(
    '/auth/me',
    { schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: SessionUser, 401: Problem } }, config: { roles: anyRole } },
    async (request) => currentUser(request),
  );
};
