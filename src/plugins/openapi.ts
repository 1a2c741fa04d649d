/** The OpenAPI 3.1 document, built from every route's TypeBox schemas, at /api/docs (JSON at /api/docs/json). */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { cspString, docsCsp } from './security-headers.js';

const openapi: FastifyPluginAsync = async (app) => {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Burkol MES API',
        version: '1',
        description: 'Master data, production plans, scheduling and shop-floor execution. Errors are RFC 9457 problem documents.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'token from POST /api/mes/auth/login' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'mes_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });
  // the UI's own Content-Security-Policy (security-headers.ts), set on its page and files after helmet's
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: cspString(docsCsp) });
};

export const openapiPlugin = fp(openapi, { name: 'mes-openapi' });
