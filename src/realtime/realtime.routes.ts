/**
 * /api/mes/stream… — Server-Sent Events. The plugin also owns the realtime
 * module's lifecycle: the listener starts when the app is ready; open streams
 * end before the server closes (preClose), and the listener stops on close.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { MesContext } from '../app.js';
import type { EventTopic } from '../db/schema.js';
import { currentUser } from '../modules/auth/auth.hooks.js';
import { DomainError } from '../shared/errors.js';
import { Problem } from '../shared/problem.schema.js';
import { Realtime } from './realtime.js';
import { filterFor, parseTopics } from './realtime.rules.js';
import { StreamEvent, StreamQuery, TopicStreamQuery, defaultRealtimeSettings } from './realtime.schema.js';

const registry = new WeakMap<MesContext, Realtime>();

/** The realtime module of an app (tests and benchmarks read its stats, prune, beat). */
export function realtimeOf(app: FastifyInstance): Realtime {
  const realtime = registry.get(app.mes);
  if (!realtime) throw new Error('the realtime routes are not registered on this app');
  return realtime;
}

const tags = ['events'];

const streamDescription = `Server-Sent Events (text/event-stream). Each message: \`id: <event id>\`, \`event: <topic>\`,
\`data: <JSON>\` (see the StreamEvent schema: ${Object.keys(StreamEvent.properties).join(', ')}).
Delivered in commit-safe order. Reconnect with the \`Last-Event-ID\` header (EventSource does it) or \`?lastEventId=\`
to get what was missed; if that event has been pruned, an \`event: reset\` message says to reload, then the stream goes on live.
Comment lines are heartbeats; \`retry:\` hints the reconnect delay. Operators see plan events, and worker and assignment
events of their own worker only.`;

const responses = {
  200: {
    description: 'an endless event stream',
    // OpenAPI 3.1 has no item schema for event streams: the schema given is that of one message's data line
    content: { 'text/event-stream': { schema: Type.Object(StreamEvent.properties, { description: 'the JSON of one message\'s data line' }) } },
  },
  400: Problem,
  401: Problem,
  503: Problem,
};

export const realtimeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const settings = { ...defaultRealtimeSettings, ...app.mes.config.realtime };
  const realtime = new Realtime(app.mes.database, settings, app.mes.config.eventRetentionHours, app.log.child({ module: 'realtime' }), app.mes.sessions);
  registry.set(app.mes, realtime);

  app.addHook('onReady', async () => {
    await realtime.start();
  });
  app.addHook('preClose', async () => {
    realtime.endStreams();
  });
  app.addHook('onClose', async () => {
    await realtime.stop();
  });

  const stream = async (
    request: FastifyRequest,
    reply: FastifyReply,
    query: { planId?: string | undefined; workerId?: string | undefined; stationId?: string | undefined; lastEventId?: string | undefined },
    topics: EventTopic[] | undefined,
  ) => {
    const user = currentUser(request);
    if (!realtime.isReady) throw new DomainError('unavailable', 'the event stream is starting or stopping; retry shortly');
    const filter = filterFor(user, { topics, planId: query.planId, workerId: query.workerId, stationId: query.stationId });
    const header = request.headers['last-event-id'];
    const lastEventId = (typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined) ?? query.lastEventId;
    reply.hijack();
    await realtime.openStream(request.raw.socket, filter, lastEventId, request.log);
  };

  app.get(
    '/stream',
    { schema: { tags, summary: 'Events of chosen topics, filtered by plan, worker or station', description: streamDescription, querystring: StreamQuery, response: responses } },
    async (request, reply) => stream(request, reply, request.query, parseTopics(request.query.topics)),
  );

  for (const topic of ['plans', 'assignments', 'workers'] as const) {
    app.get(
      `/stream/${topic}`,
      { schema: { tags, summary: `Events of topic ${topic}`, description: streamDescription, querystring: TopicStreamQuery, response: responses } },
      async (request, reply) => stream(request, reply, request.query, [topic]),
    );
  }
};
