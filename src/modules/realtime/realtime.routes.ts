/**
 * /api/mes/stream… — Server-Sent Events, served by the process's realtime
 * service (`app.realtime`, started and stopped by src/plugins/realtime.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { EventTopic } from '../../db/schema.js';
import { anyRole, currentUser, sessionToken } from '../auth/index.js';
import { DomainError, m } from '../../shared/errors.js';
import { Problem } from '../../shared/problem.schema.js';
import { filterFor, parseTopics } from './realtime.rules.js';
import { SessionEndedNotice, StreamEvent, StreamQuery, TopicStreamQuery, sessionEndReasons } from './realtime.schema.js';

const tags = ['events'];

const streamDescription = `Server-Sent Events (text/event-stream). Each message: \`id: <event id>\`, \`event: <topic>\`,
\`data: <JSON>\` (see the StreamEvent schema: ${Object.keys(StreamEvent.properties).join(', ')}).
Delivered in commit-safe order. Reconnect with the \`Last-Event-ID\` header (EventSource does it) or \`?lastEventId=\`
to get what was missed; if that event has been pruned, an \`event: reset\` message says to reload, then the stream goes on live.
Comment lines are heartbeats; \`retry:\` hints the reconnect delay. Operators see plan events, and worker, assignment and
alert events of their own worker only.

A stream lives as long as the session it was opened with, on every instance. When that session ends the last message is
\`event: session_ended\` with \`data: {"reason": …}\` (SessionEndedNotice: ${sessionEndReasons.join(', ')}), and the server
closes the stream; reconnecting with the same token answers 401 — sign in again.`;

const responses = {
  200: {
    description: 'an endless event stream',
    // OpenAPI 3.1 has no item schema for event streams: the schema given is that of one message's data line
    content: {
      'text/event-stream': {
        schema: Type.Union(
          [
            Type.Object(StreamEvent.properties, { description: "the JSON of a topic message's data line" }),
            Type.Object(SessionEndedNotice.properties, { description: 'the JSON of the last message, `event: session_ended`' }),
          ],
          { description: "the JSON of one message's data line" },
        ),
      },
    },
  },
  400: Problem,
  401: Problem,
  503: Problem,
};

export const realtimeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { realtime } = app;

  const stream = async (
    request: FastifyRequest,
    reply: FastifyReply,
    query: { planId?: string | undefined; workerId?: string | undefined; stationId?: string | undefined; lastEventId?: string | undefined },
    topics: EventTopic[] | undefined,
  ) => {
    const user = currentUser(request);
    if (!realtime.isReady) throw new DomainError('unavailable', m('realtime.not_ready'));
    const token = sessionToken(request);
    const session = token ? await realtime.sessionFor(token) : undefined;
    if (!session) throw new DomainError('unauthenticated', m('auth.session_expired'));
    const filter = filterFor(user, { topics, planId: query.planId, workerId: query.workerId, stationId: query.stationId });
    const header = request.headers['last-event-id'];
    const lastEventId = (typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined) ?? query.lastEventId;
    reply.hijack();
    await realtime.openStream(request.raw.socket, filter, lastEventId, request.log, session);
  };

  app.get(
    '/stream',
    {
      schema: {
        tags,
        summary: 'Events of chosen topics, filtered by plan, worker or station',
        description: streamDescription,
        querystring: StreamQuery,
        response: responses,
      },
      config: { roles: anyRole },
    },
    async (request, reply) => stream(request, reply, request.query, parseTopics(request.query.topics)),
  );

  for (const topic of ['plans', 'assignments', 'workers'] as const) {
    app.get(
      `/stream/${topic}`,
      {
        schema: { tags, summary: `Events of topic ${topic}`, description: streamDescription, querystring: TopicStreamQuery, response: responses },
        config: { roles: anyRole },
      },
      async (request, reply) => stream(request, reply, request.query, [topic]),
    );
  }
};
