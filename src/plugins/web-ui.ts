/**
 * Serves the built web UI (web/dist, made by `vite build`) at `/`, when it
 * exists. /assets/* are the hashed bundles (cached for a year); any other
 * page load (Accept: text/html) outside /api without a file extension gets
 * index.html, so the single-page app's routes (/production/PPL-…) load on
 * refresh. Other unknown URLs keep their problem+json 404. Every route here is public: the page and
 * its scripts carry no data; the API behind them checks the session.
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** web/dist next to src/ (tsx: src/plugins/) or next to dist/src/ (compiled: dist/src/plugins/). */
function webDistDir(): string | undefined {
  const candidates = [path.resolve(import.meta.dirname, '../../web/dist'), path.resolve(import.meta.dirname, '../../../web/dist')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
}

const notUi = /^\/(api|healthz|readyz|metrics)(\/|$|\?)/;

type ConstraintStrategy = Parameters<FastifyInstance['addConstraintStrategy']>[0];
type RouteHandler = Parameters<ReturnType<ConstraintStrategy['storage']>['set']>[1];

/** Route constraint: does the request accept HTML (a browser loading a page)? */
const acceptsHtml: ConstraintStrategy = {
  name: 'acceptsHtml',
  mustMatchWhenDerived: false,
  storage() {
    const handlers = new Map<unknown, RouteHandler>();
    return { get: (value) => handlers.get(value) ?? null, set: (value, handler) => void handlers.set(value, handler) };
  },
  deriveConstraint: (req) => (req.headers.accept?.includes('text/html') ? 'yes' : 'no'),
};

export const webUi: FastifyPluginAsync = async (app) => {
  const root = webDistDir();
  if (!root) {
    app.log.debug('web UI not built (run npm run build:web); serving the API only');
    return;
  }
  // encapsulated: marks only the routes of this plugin public
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, public: true };
  });
  const assets = path.join(root, 'assets');
  await app.register(fastifyStatic, {
    root: assets,
    prefix: '/assets/',
    // read per request, so a rebuilt UI is served without a restart
    wildcard: true,
    index: false,
    // our own cache policy below (send's default would overwrite it with max-age=0)
    cacheControl: false,
    setHeaders(res, file) {
      res.setHeader('cache-control', file.startsWith(assets + path.sep) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const page = (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url.split('?')[0]!;
    if (notUi.test(url)) return reply.callNotFound();
    if (path.extname(url) === '') return reply.sendFile('index.html', root);
    // a top-level file of the build (favicon, robots.txt); anything else is a 404
    const name = url.slice(1);
    if (/^[\w.-]+$/.test(name) && fs.existsSync(path.join(root, name))) return reply.sendFile(name, root);
    return reply.callNotFound();
  };
  app.get('/', { schema: { hide: true } }, page);
  // the fallback answers page loads only (Accept: text/html); API clients and
  // probes asking for an unknown URL still get the problem+json 404, unrouted
  if (!app.hasConstraintStrategy(acceptsHtml.name)) app.addConstraintStrategy(acceptsHtml);
  app.get('/*', { schema: { hide: true }, constraints: { [acceptsHtml.name]: 'yes' } }, page);
};
