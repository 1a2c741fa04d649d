/**
 * The one place errors become responses: every failure leaves as an RFC 9457
 * problem document (application/problem+json) naming the field and the rule.
 * Domain errors carry their kind; schema validation names the first broken
 * field (all of them in `errors`); a database refusal is mapped by its
 * SQLSTATE (naming the column's field when the database says it); a database
 * that cannot be reached is a 503 with Retry-After; anything else is a 500
 * that is logged and says nothing of the internals. Unknown routes answer a
 * 404 problem too.
 *
 * Every problem is worded in the reader's language (issue #20): the signed-in
 * user's stored locale, else the Accept-Language header, else English; an
 * unknown locale is English, never an error. `messageKey` and `params` (also
 * on each `errors[]` entry) let a client word it itself.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { type Message, type MessageKey, type MessageParams, detail, localeFor, m, translate } from '../i18n/index.js';
import { DomainError, fieldOfDatabaseError, isDatabaseUnreachable, kindOfSqlState, problemOf } from '../shared/errors.js';

type ValidationError = FastifyError & {
  validation?: { keyword?: string; instancePath: string; message?: string; params?: Record<string, unknown> }[];
};

/** The language a request is answered in: the signed-in user's stored locale, else Accept-Language, else English. */
export function localeOfRequest(request: FastifyRequest): string {
  return localeFor((request.user as { locale?: string | null } | null | undefined)?.locale, request.headers['accept-language']);
}

const wordingFor = (request: FastifyRequest) => {
  const locale = localeOfRequest(request);
  return (message: Message) => translate(message, locale);
};

/** For Fastify's constructor: errors raised before routing (bad URL encoding, over-long path parameters) are problems too. */
export const frameworkErrors: FastifyServerOptions['frameworkErrors'] = (error, request, reply) => {
  const problem = problemOf('bad_request', m('http.malformed', { text: error.message }), {}, wordingFor(request as FastifyRequest));
  void (reply as FastifyReply).code(problem.status).type('application/problem+json').send(problem);
};

const comparison: Record<string, MessageKey> = {
  '>=': 'validation.minimum',
  '<=': 'validation.maximum',
  '>': 'validation.exclusive_minimum',
  '<': 'validation.exclusive_maximum',
};

/** The message of one schema-validation error: the common keywords by key, anything else as the validator worded it. */
function validationMessage(v: NonNullable<ValidationError['validation']>[number]): Message {
  const p = v.params ?? {};
  const text = (key: MessageKey, params?: MessageParams) => m(key, params);
  switch (v.keyword) {
    case 'required':
      return text('validation.required', { property: String(p.missingProperty) });
    case 'additionalProperties':
      return text('validation.additional_properties', { property: String(p.additionalProperty) });
    case 'type':
      return text('validation.type', { type: Array.isArray(p.type) ? p.type.join(',') : String(p.type) });
    case 'format':
      return text('validation.format', { format: String(p.format) });
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const key = comparison[String(p.comparison)];
      if (key) return text(key, { limit: String(p.limit) });
      break;
    }
    case 'minLength':
      return text('validation.min_length', { limit: String(p.limit) });
    case 'maxLength':
      return text('validation.max_length', { limit: String(p.limit) });
    case 'minItems':
      return text('validation.min_items', { limit: String(p.limit) });
    case 'maxItems':
      return text('validation.max_items', { limit: String(p.limit) });
    case 'enum':
      return text('validation.enum');
    case 'const':
      return text('validation.const');
    case 'pattern':
      return text('validation.pattern', { pattern: String(p.pattern) });
    case 'text':
      if (typeof p.fault === 'string') return text(p.fault as MessageKey);
      break;
  }
  return text('raw.text', { text: v.message ?? 'is invalid' });
}

const kindOfStatus = (status: number) =>
  status === 413
    ? 'too_large'
    : status === 401
      ? 'unauthenticated'
      : status === 403
        ? 'forbidden'
        : status === 404
          ? 'not_found'
          : status === 429
            ? 'rate_limited'
            : 'bad_request';

/** Fastify's own refusals of a request, by code; anything else as Fastify worded it. */
function messageOfFrameworkError(fe: FastifyError): Message {
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return m('http.body_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return m('http.unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return m('http.empty_json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return m('http.invalid_json');
    default:
      return m('raw.text', { text: fe.message });
  }
}

/** Seconds a client is asked to wait when the database cannot be reached. */
export const retryAfterSeconds = 5;

const errors: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((error: FastifyError | DomainError | Error, request, reply) => {
    const send = (status: number, body: object) => reply.code(status).type('application/problem+json').send(body);
    const word = wordingFor(request);
    if (error instanceof DomainError) {
      const { errors, field, ...rest } = error.extra;
      const problem = problemOf(error.kind, error.msg, { ...rest, ...(field ? { field } : {}), ...(errors ? { errors } : {}) }, word);
      return send(problem.status, problem);
    }
    const fe = error as ValidationError;
    if (fe.validation) {
      const messages: Message[] = [];
      const errors = fe.validation.map((v) => {
        const missing = v.params?.missingProperty as string | undefined;
        const extra = v.params?.additionalProperty as string | undefined;
        const field = `${fe.validationContext ?? 'body'}${v.instancePath}${missing ? `/${missing}` : ''}${extra ? `/${extra}` : ''}`;
        const message = validationMessage(v);
        messages.push(message);
        return detail(field, message);
      });
      const first = errors[0]!;
      return send(400, problemOf('bad_request', m('validation.detail', { field: first.field!, message: messages[0]! }), { field: first.field, errors }, word));
    }
    const sqlKind = kindOfSqlState((error as { code?: string }).code);
    if (sqlKind && typeof (error as { severity?: unknown }).severity === 'string') {
      request.log.info({ err: error }, 'database refused the change');
      const constraint = (error as { constraint?: string }).constraint;
      const field = fieldOfDatabaseError(error as { column?: string; constraint?: string; table?: string });
      const problem = problemOf(
        sqlKind.kind,
        field ? m('validation.detail', { field, message: sqlKind.detail }) : sqlKind.detail,
        { ...(field ? { field } : {}), ...(constraint ? { constraint } : {}) },
        word,
      );
      return send(problem.status, problem);
    }
    // a closed PGlite fails in whatever way its adapter happens to: the flag says what happened
    if (isDatabaseUnreachable(error) || app.mes?.database.pglite?.closed) {
      request.log.warn({ err: error }, 'database unreachable');
      reply.header('retry-after', String(retryAfterSeconds));
      return send(503, problemOf('unavailable', m('database.unreachable'), {}, word));
    }
    const status = fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: error }, 'request failed');
      return send(500, {
        type: 'urn:burkol-mes:problem:internal',
        title: word(m('problem.internal')),
        status: 500,
        detail: word(m('internal.logged')),
        messageKey: 'internal.logged',
      });
    }
    return send(status, { ...problemOf(kindOfStatus(status), messageOfFrameworkError(fe), {}, word), status });
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/problem+json')
      .send(problemOf('not_found', m('route.not_found', { method: request.method, path: request.url.split('?')[0] ?? '' }), {}, wordingFor(request))),
  );
};

export const errorsPlugin = fp(errors, { name: 'mes-errors' });
