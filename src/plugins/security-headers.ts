/**
 * Security headers on every response (pages, assets, API answers, problems),
 * as helmet makes them:
 *  - a Content-Security-Policy the built UI passes: its scripts and styles are
 *    files under /assets (Vite writes no inline script), the favicon is a data:
 *    URL, the API and the event stream are same-origin; nothing inline, no
 *    eval, no plugins, no framing (`frame-ancestors 'none'`). The Swagger UI
 *    at /api/docs gets its own policy (`docsCsp`, set by openapi.ts);
 *  - X-Frame-Options: DENY (frame-ancestors for older browsers),
 *    X-Content-Type-Options: nosniff, Referrer-Policy: same-origin (full
 *    Referer within the app, where the CSRF check may use it; none to others),
 *    and helmet's cross-origin isolation defaults (COOP, CORP same-origin);
 *  - Strict-Transport-Security only on requests that came over HTTPS
 *    (`request.protocol`, which believes X-Forwarded-Proto only with
 *    MES_TRUST_PROXY): sent over plain HTTP it would be ignored at best, and
 *    the service is often run on a plant LAN without TLS.
 * `upgrade-insecure-requests` is left out for the same reason: on an HTTP-only
 * deployment it would send the UI's own requests to a port that speaks no TLS.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

type Directives = Record<string, string[]>;

/** The policy of the web UI and of every other response. */
export const appCsp: Directives = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * The policy of the Swagger UI at /api/docs (@fastify/swagger-ui's staticCSP): the same, except that its
 * bundle adds a <style> element at run time, so inline styles are allowed there (styles only; scripts stay
 * files of the same origin). Its validator badge, which would load from validator.swagger.io, is off.
 */
export const docsCsp: Directives = { ...appCsp, 'style-src': ["'self'", "'unsafe-inline'"] };

export function cspString(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

const hsts = 'max-age=31536000; includeSubDomains';

/**
 * The headers helmet sets for these options, computed once. Its middleware
 * (what @fastify/helmet runs) rebuilds them on every request; that cost 40 %
 * of a trivial route's throughput here (7,000 against 12,400 req/s, 50
 * connections), a fixed set of headers copied onto each reply about 10 %.
 */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

const securityHeaders: FastifyPluginAsync = async (app) => {
  const headers = helmetHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: appCsp },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    // only over HTTPS, below
    strictTransportSecurity: false,
  });
  const overHttps = { ...headers, 'strict-transport-security': hsts };
  // early, so that refusals carry them too; a route may set its own afterwards (the API docs' CSP)
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.protocol === 'https' ? overHttps : headers);
    done();
  });
};

export const securityHeadersPlugin = fp(securityHeaders, { name: 'mes-security-headers' });
