/**
 * The one place errors become responses: every failure leaves as an RFC 9457
 * problem document (application/problem+json) naming the field and the rule.
 * Domain errors carry their kind; schema validation names the first broken
 * field (all of them in `errors`); a database refusal is mapped by its
 * SQLSTATE (naming the column's field when the database says it); a database
 * that cannot be reached is a 503 with Retry-After; anything else is a 500
 * that is logged and says nothing of the internals. Unknown routes answer a
 * 404 problem too.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, fieldOfDatabaseError, isDatabaseUnreachable, kindOfSqlState, problemOf } from '../shared/errors.js';

type ValidationError = FastifyError & { validation?: { instancePath: string; message?: string; params?: Record<string, unknown> }[] };

/** For Fastify's constructor: errors raised before routing (bad URL encoding, over-long path parameters) are problems too. */
export const frameworkErrors: FastifyServerOptions['frameworkErrors'] = (error, _request, reply) => {
  const problem = problemOf('bad_request', error.message);
  void (reply as FastifyReply).code(problem.status).type('application/problem+json').send(problem);
};

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

/** Seconds a client is asked to wait when the database cannot be reached. */
export const retryAfterSeconds = 5;

const errors: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((error: FastifyError | DomainError | Error, request, reply) => {
    const send = (status: number, body: object) => reply.code(status).type('application/problem+json').send(body);
    if (error instanceof DomainError) {
      const { errors, field, ...rest } = error.extra;
      const problem = problemOf(error.kind, error.message, { ...rest, ...(field ? { field } : {}), ...(errors ? { errors } : {}) });
      return send(problem.status, problem);
    }
    const fe = error as ValidationError;
    if (fe.validation) {
      const errors = fe.validation.map((v) => {
        const missing = v.params?.missingProperty as string | undefined;
        const extra = v.params?.additionalProperty as string | undefined;
        const field = `${fe.validationContext ?? 'body'}${v.instancePath}${missing ? `/${missing}` : ''}${extra ? `/${extra}` : ''}`;
        const message = extra ? `unknown property "${extra}"` : (v.message ?? 'is invalid');
        return { field, message };
      });
      const first = errors[0]!;
      return send(400, problemOf('bad_request', `${first.field}: ${first.message}`, { field: first.field, errors }));
    }
    const sqlKind = kindOfSqlState((error as { code?: string }).code);
    if (sqlKind && typeof (error as { severity?: unknown }).severity === 'string') {
      request.log.info({ err: error }, 'database refused the change');
      const constraint = (error as { constraint?: string }).constraint;
      const field = fieldOfDatabaseError(error as { column?: string; constraint?: string; table?: string });
      const problem = problemOf(sqlKind.kind, field ? `${field}: ${sqlKind.detail}` : sqlKind.detail, {
        ...(field ? { field } : {}),
        ...(constraint ? { constraint } : {}),
      });
      return send(problem.status, problem);
    }
    // a closed PGlite fails in whatever way its adapter happens to: the flag says what happened
    if (isDatabaseUnreachable(error) || app.mes?.database.pglite?.closed) {
      request.log.warn({ err: error }, 'database unreachable');
      reply.header('retry-after', String(retryAfterSeconds));
      return send(503, problemOf('unavailable', 'the database cannot be reached; retry shortly'));
    }
    const status = fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: error }, 'request failed');
      return send(500, {
        type: 'urn:burkol-mes:problem:internal',
        title: 'Internal error',
        status: 500,
        detail: 'the server could not complete the request; it has been logged',
      });
    }
    return send(status, { ...problemOf(kindOfStatus(status), fe.message), status });
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/problem+json')
      .send(problemOf('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
};

export const errorsPlugin = fp(errors, { name: 'mes-errors' });
