/**
 * Domain error kinds and their one mapping to HTTP problem documents (RFC 9457).
 * Services throw DomainError; the error handler in app.ts is the only place
 * that turns errors into responses.
 */
export type ErrorKind =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid_transition'
  | 'rule_violated'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable';

export const statusOfKind: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  rule_violated: 422,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

const titleOfKind: Record<ErrorKind, string> = {
  bad_request: 'Bad request',
  unauthenticated: 'Not signed in',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  invalid_transition: 'Invalid state transition',
  rule_violated: 'Rule violated',
  too_large: 'Request too large',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
};

export interface ProblemDetail {
  /** JSON path of the offending field, e.g. /nodes/2/assignedStations/0/stationId */
  field?: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly extra: { field?: string; errors?: ProblemDetail[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string) => new DomainError('not_found', `${what} ${id} does not exist`);

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  field?: string;
  errors?: ProblemDetail[];
  [key: string]: unknown;
}

export function problemOf(kind: ErrorKind, detail: string, extra: Record<string, unknown> = {}): Problem {
  // extra members never override the standard ones
  return { ...extra, type: `urn:burkol-mes:problem:${kind}`, title: titleOfKind[kind], status: statusOfKind[kind], detail };
}

/** SQLSTATEs that mean "the request conflicts with data", mapped once. */
export function kindOfSqlState(code: string | undefined): { kind: ErrorKind; detail: string } | undefined {
  switch (code) {
    case '23505':
      return { kind: 'conflict', detail: 'a record with the same key already exists' };
    case '23503':
      return { kind: 'rule_violated', detail: 'a referenced record does not exist or is still in use' };
    case '23514':
      return { kind: 'rule_violated', detail: 'a value is out of its allowed range' };
    case '23P01':
      return { kind: 'conflict', detail: 'the booking overlaps another active booking of the same worker or substation' };
    case '40001':
    case '40P01':
      return { kind: 'conflict', detail: 'a concurrent change got in the way; retry the request' };
    case '22021': // a NUL character (or bytes that are not UTF-8) in a text value
    case '22P05': // \u0000 inside a JSON value
      return { kind: 'bad_request', detail: 'a text value contains a character that cannot be stored (such as NUL)' };
    case '22001':
      return { kind: 'bad_request', detail: 'a value is too long' };
    case '22P02':
    case '22003':
      return { kind: 'bad_request', detail: 'a value has the wrong format or is out of range' };
    default:
      return undefined;
  }
}
