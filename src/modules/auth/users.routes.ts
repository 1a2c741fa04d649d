/** /api/mes/users: user administration, for admins only. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Page, pageArgs } from '../../shared/pagination.js';
import { Problem } from '../../shared/problem.schema.js';
import { currentUser, sessionToken } from './auth.request.js';
import {
  PinReset,
  PortalAccess,
  PortalAccessResult,
  SessionList,
  SessionParams,
  SessionsEnded,
  UserCreate,
  UserListQuery,
  UsernameParams,
  UserUpdate,
  UserView,
  UserWithSecret,
} from './users.schema.js';
import * as service from './users.service.js';

const tags = ['users'];
const refused = { 400: Problem, 401: Problem, 403: Problem };

export const usersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.mes;
  const config = { roles: ['admin'] as const };
  const actor = (request: FastifyRequest): service.Actor => ({ user: currentUser(request), token: sessionToken(request) });
  // a change here may end sessions or change who a signed-in user is: this process forgets its kept users before the
  // answer leaves (the trigger's NOTIFY tells every process, this one too, but only after the answer may have been read
  // and the next request served from the cache); changes to accounts are rare, so all of them go
  app.addHook('onSend', async (request, reply) => {
    if (request.method !== 'GET' && reply.statusCode < 400) app.mes.sessions.clear();
  });

  app.get(
    '/users',
    {
      schema: {
        tags,
        summary: 'List accounts with role, worker, last sign-in and active sessions (filters: q, role, disabled, workerId)',
        querystring: UserListQuery,
        response: { 200: Page(UserView), ...refused },
      },
      config,
    },
    async (request) => service.listUsers(db, { ...request.query, ...pageArgs(request.query) }),
  );

  app.get(
    '/users/:username',
    {
      schema: {
        tags,
        summary: 'One account, with its last sign-in and active sessions',
        params: UsernameParams,
        response: { 200: UserView, ...refused, 404: Problem },
      },
      config,
    },
    async (request) => service.getUser(db, request.params.username),
  );

  app.post(
    '/users',
    {
      schema: {
        tags,
        summary: 'Create an account: planners and admins get a generated password, operators (bound to a worker) a PIN; the secret is in this response only',
        body: UserCreate,
        response: { 201: UserWithSecret, ...refused, 409: Problem, 422: Problem },
      },
      config,
    },
    async (request, reply) => reply.code(201).send(await service.createUser(db, request.body, actor(request))),
  );

  app.post(
    '/users/portal-access',
    {
      schema: {
        tags,
        summary: "Give a worker portal access: create the worker's operator account or give it a new PIN (and enable it); the PIN is in this response only",
        body: PortalAccess,
        response: { 200: PortalAccessResult, ...refused, 409: Problem, 422: Problem },
      },
      config,
    },
    async (request) => service.grantPortalAccess(db, request.body, actor(request)),
  );

  app.patch(
    '/users/:username',
    {
      schema: {
        tags,
        summary: 'Change display name, role or worker; a role change ends the sessions and may issue a password or PIN (in this response only)',
        params: UsernameParams,
        body: UserUpdate,
        response: { 200: UserWithSecret, ...refused, 404: Problem, 409: Problem, 422: Problem },
      },
      config,
    },
    async (request) => service.updateUser(db, request.params.username, request.body, actor(request)),
  );

  app.post(
    '/users/:username/password',
    {
      schema: {
        tags,
        summary: 'Reset the password of a planner or admin: a new one is generated (in this response only) and the sessions end',
        params: UsernameParams,
        response: { 200: UserWithSecret, ...refused, 404: Problem, 422: Problem },
      },
      config,
    },
    async (request) => service.resetPassword(db, request.params.username, actor(request)),
  );

  app.post(
    '/users/:username/pin',
    {
      schema: {
        tags,
        summary: "Reset an operator's PIN: the one given or a generated one (in this response only); the sessions end",
        params: UsernameParams,
        body: PinReset,
        response: { 200: UserWithSecret, ...refused, 404: Problem, 422: Problem },
      },
      config,
    },
    async (request) => service.resetPin(db, request.params.username, request.body, actor(request)),
  );

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(
      `/users/:username/${action}`,
      {
        schema: {
          tags,
          summary: disabled ? 'Disable an account and end its sessions (not your own)' : 'Enable a disabled account',
          params: UsernameParams,
          response: { 200: UserView, ...refused, 404: Problem, 409: Problem },
        },
        config,
      },
      async (request) => service.setDisabled(db, request.params.username, disabled, actor(request)),
    );
  }

  app.post(
    '/users/:username/unlock',
    {
      schema: {
        tags,
        summary: 'Lift the sign-in lock that failed attempts put on the account',
        params: UsernameParams,
        response: { 200: UserView, ...refused, 404: Problem },
      },
      config,
    },
    async (request) => service.unlock(db, request.params.username, actor(request)),
  );

  app.get(
    '/users/:username/sessions',
    {
      schema: {
        tags,
        summary: "The account's sessions that have not expired",
        params: UsernameParams,
        response: { 200: SessionList, ...refused, 404: Problem },
      },
      config,
    },
    async (request) => service.listSessions(db, request.params.username, actor(request)),
  );

  app.delete(
    '/users/:username/sessions',
    {
      schema: { tags, summary: "End all of the account's sessions", params: UsernameParams, response: { 200: SessionsEnded, ...refused, 404: Problem } },
      config,
    },
    async (request) => ({ ended: await service.endUserSessions(db, request.params.username, undefined, actor(request)) }),
  );

  app.delete(
    '/users/:username/sessions/:sessionId',
    {
      schema: { tags, summary: 'End one session of the account', params: SessionParams, response: { 204: Type.Null(), ...refused, 404: Problem } },
      config,
    },
    async (request, reply) => {
      await service.endUserSessions(db, request.params.username, request.params.sessionId, actor(request));
      return reply.code(204).send(null);
    },
  );
};
