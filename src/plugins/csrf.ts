/**
 * Cross-site request forgery: a change (POST, PUT, PATCH, DELETE) that a
 * browser could send with the `mes_session` cookie must come from one of our
 * own pages.
 *
 * Why Origin checking and not a CSRF token: the UI is a same-origin
 * single-page app that talks to the API with fetch, so every change it makes
 * carries `Origin` (and `Sec-Fetch-Site: same-origin` in current browsers);
 * both are forbidden header names a page cannot set, so comparing them with
 * the server's own origin is the whole defence OWASP describes ("Verifying
 * Origin With Standard Headers", "Fetch Metadata"), with no per-session secret
 * to issue, store, rotate, hand to the UI and to every integration. A token
 * would add nothing against cross-site pages (they can neither read it nor
 * forge Origin) and would still be needed for the same-site pages (another
 * port, a sibling subdomain) that SameSite=Lax lets through; those are exactly
 * what the Origin comparison refuses.
 *
 * The rules, in order (refusals are 403 problem documents naming the rule):
 *  - safe methods (GET, HEAD, OPTIONS) and requests with `Authorization:
 *    Bearer` (integrations, the CLI, tests) pass: a page on another origin
 *    cannot add that header without a CORS preflight, which we never grant;
 *  - `Sec-Fetch-Site: cross-site` is refused (rule `fetch-metadata`);
 *    `same-origin` passes (the browser vouches for it, even behind a proxy
 *    that rewrites Host);
 *  - otherwise `Origin` (or, without it, the origin of `Referer`) must be the
 *    server's own — scheme://Host of the request, or https://Host when a
 *    TLS proxy forwards plain HTTP — or one of MES_ALLOWED_ORIGINS (rule
 *    `origin`); an opaque `Origin: null` is never allowed;
 *  - a request that names no origin at all passes only if it carries no
 *    session cookie (a script signing in); with the cookie it is refused
 *    (rule `origin-missing`): browsers always send Origin on such requests.
 *
 * Anonymous requests are checked too, so a foreign page cannot sign a browser
 * in to an account of its choosing (login CSRF) or sign it out.
 *
 * Bodies: every route that takes a body declares a JSON schema, and every
 * other change route takes none, so a change carries JSON or nothing. Fastify
 * would still parse `text/plain` — the one body type a cross-site form can
 * send that it has a parser for — and hand the string to a bodyless route's
 * handler; its parser is replaced by one that refuses with 400 (rule
 * `json-body`), the answer body routes already gave. Other types have no
 * parser and are answered 415 by Fastify.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sessionCookie } from '../modules/auth/index.js';
import { DomainError, m } from '../shared/errors.js';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const hasSessionCookie = new RegExp(`(?:^|;)\\s*${sessionCookie}=`);

/** The origin a request names: Origin, else Referer's origin; 'null' for an opaque or unreadable one. */
function claimedOrigin(request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  if (origin !== undefined) return origin.trim();
  const referer = request.headers.referer;
  if (referer === undefined) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/** The server's own origins for this request: scheme://Host, and https://Host as well when the request arrived as plain HTTP. */
export function ownOrigins(request: FastifyRequest): string[] {
  const host = request.host;
  if (!host) return [];
  return request.protocol === 'https' ? [`https://${host}`] : [`http://${host}`, `https://${host}`];
}

const csrf: FastifyPluginAsync = async (app) => {
  const allowed = new Set(app.mes.config.allowedOrigins);

  app.addHook('onRequest', async (request) => {
    if (!unsafeMethods.has(request.method)) return;
    if (request.headers.authorization?.startsWith('Bearer ')) return;
    const site = request.headers['sec-fetch-site'];
    if (site === 'cross-site') {
      throw new DomainError('forbidden', m('csrf.cross_site'), {
        rule: 'fetch-metadata',
      });
    }
    if (site === 'same-origin') return;
    const origin = claimedOrigin(request);
    if (origin === undefined) {
      if (!hasSessionCookie.test(request.headers.cookie ?? '')) return;
      throw new DomainError('forbidden', m('csrf.origin_missing'), {
        rule: 'origin-missing',
      });
    }
    if (origin !== 'null' && (allowed.has(origin) || ownOrigins(request).includes(origin))) return;
    throw new DomainError('forbidden', m('csrf.origin_refused', { origin }), {
      rule: 'origin',
    });
  });

  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, _body, done) =>
    done(new DomainError('bad_request', m('http.body_must_be_json'), { rule: 'json-body' }), undefined),
  );
};

export const csrfPlugin = fp(csrf, { name: 'mes-csrf', dependencies: ['mes-errors'] });
