/**
 * Domain error kinds and their one mapping to HTTP problem documents (RFC 9457).
 * Services throw DomainError; the error handler in app.ts is the only place
 * that turns errors into responses.
 */
import { english, m, type Message, type MessageDetail, type MessageKey, type MessageParams, messageOfDetail } from '../i18n/messages.js';

export type ErrorKind =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid_transition'
  | 'rule_violated'
  | 'too_large'
  | 'unsupported_type'
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
  unsupported_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

/**
 * One problem of a request: the JSON path of the offending field (e.g.
 * nodes/2/assignedStations/0/stationId), its English text, and the message
 * key and parameters to word it in the reader's language.
 */
export type ProblemDetail = MessageDetail;

export { commaList, detail, m, type Message, type MessageKey, messageOfDetail } from '../i18n/messages.js';

const titleKeys: Record<ErrorKind | 'internal', MessageKey> = {
  bad_request: 'problem.bad_request',
  unauthenticated: 'problem.unauthenticated',
  forbidden: 'problem.forbidden',
  not_found: 'problem.not_found',
  conflict: 'problem.conflict',
  invalid_transition: 'problem.invalid_transition',
  rule_violated: 'problem.rule_violated',
  too_large: 'problem.too_large',
  unsupported_type: 'problem.unsupported_type',
  rate_limited: 'problem.rate_limited',
  unavailable: 'problem.unavailable',
  internal: 'problem.internal',
};

/** The title of a problem of each kind. */
export const titleOfKind = (kind: ErrorKind | 'internal'): Message => m(titleKeys[kind]);

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** What went wrong, as a message key and parameters; `message` is its English wording. */
    readonly msg: Message,
    readonly extra: { field?: string; errors?: ProblemDetail[]; [key: string]: unknown } = {},
  ) {
    super(english(msg));
    this.name = 'DomainError';
  }
}

/** The things a request can name that may not exist, and their "… does not exist" message (literal keys: scripts/check-i18n.mjs reads them). */
const notFoundKeys = {
  alert: 'not_found.alert',
  assignment: 'not_found.assignment',
  document: 'not_found.document',
  lot: 'not_found.lot',
  material: 'not_found.material',
  operation: 'not_found.operation',
  plan: 'not_found.plan',
  plan_step: 'not_found.plan_step',
  problem: 'not_found.problem',
  shift_calendar: 'not_found.shift_calendar',
  block: 'not_found.block',
  station: 'not_found.station',
  substation: 'not_found.substation',
  user: 'not_found.user',
  worker: 'not_found.worker',
} as const satisfies Record<string, MessageKey>;
export type MissingThing = keyof typeof notFoundKeys;

/** "Allowed now: …" after a refused transition. */
export const allowedNow = (actions: readonly string[]): Message =>
  actions.length > 0 ? m('transition.allowed_now', { actions: actions.join(', ') }) : m('transition.allowed_now_nothing');

/** The first problem of a list, and how many more there are. */
export function summaryOf(problems: readonly ProblemDetail[]): Message {
  const first = messageOfDetail(problems[0]!);
  return problems.length === 1 ? first : m('problems.and_more', { first, more: problems.length - 1 });
}

export const notFound = (what: MissingThing, id: string) => new DomainError('not_found', m(notFoundKeys[what], { id }));

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The key and parameters of `detail`, so a client can word it itself. */
  messageKey: MessageKey;
  params?: MessageParams;
  field?: string;
  errors?: ProblemDetail[];
  [key: string]: unknown;
}

/** A problem document worded by `word` (English unless the caller gives the reader's language). */
export function problemOf(kind: ErrorKind, detail: Message, extra: Record<string, unknown> = {}, word: (message: Message) => string = english): Problem {
  const errors = extra.errors as ProblemDetail[] | undefined;
  // extra members never override the standard ones
  return {
    ...extra,
    ...(errors ? { errors: errors.map((e) => (e.messageKey ? { ...e, message: word(messageOfDetail(e)) } : e)) } : {}),
    type: `urn:burkol-mes:problem:${kind}`,
    title: word(titleOfKind(kind)),
    status: statusOfKind[kind],
    detail: word(detail),
    messageKey: detail.key,
    ...(detail.params ? { params: detail.params } : {}),
  };
}

/**
 * SQLSTATEs the database raises on what a request sent, mapped once. The
 * request validators refuse most such input before any SQL (naming the
 * field); this table is the backstop, so a value that slips through is still
 * a 4xx and never a 500.
 */
export function kindOfSqlState(code: string | undefined): { kind: ErrorKind; detail: Message } | undefined {
  switch (code) {
    case '23505':
      return { kind: 'conflict', detail: m('sql.duplicate_key') };
    case '23503':
      return { kind: 'rule_violated', detail: m('sql.foreign_key') };
    case '23514':
      return { kind: 'rule_violated', detail: m('sql.check') };
    case '23502':
      return { kind: 'bad_request', detail: m('sql.not_null') };
    case '23P01':
      return { kind: 'conflict', detail: m('sql.booking_overlap') };
    case '40001':
    case '40P01':
      return { kind: 'conflict', detail: m('sql.concurrent_change') };
    case '22021': // a NUL character (or bytes that are not UTF-8) in a text value
    case '22P05': // \u0000 inside a JSON value
      return { kind: 'bad_request', detail: m('sql.unstorable_character') };
    case '22001':
      return { kind: 'bad_request', detail: m('sql.too_long') };
    case '22007': // invalid_datetime_format
    case '22008': // datetime_field_overflow: year 0, or beyond 294276
      return { kind: 'bad_request', detail: m('sql.bad_datetime') };
    case '22003': // numeric_value_out_of_range: an integer or numeric(p,s) overflow
      return { kind: 'bad_request', detail: m('sql.number_out_of_range') };
    case '22P02': // invalid_text_representation (also a lone surrogate inside JSON text)
    case '22023': // invalid_parameter_value
    case '2202E': // array_subscript_error
    case '22004': // null_value_not_allowed
    case '22012': // division_by_zero
    case '22025': // invalid_escape_sequence (LIKE)
    case '2201B': // invalid_regular_expression
      return { kind: 'bad_request', detail: m('sql.bad_value') };
    case '54000': // program_limit_exceeded (a value too large to index, too many array elements)
    case '54001': // statement_too_complex (deeply nested JSON)
      return { kind: 'too_large', detail: m('sql.too_large') };
    default:
      return code?.startsWith('22') ? { kind: 'bad_request', detail: m('sql.bad_value') } : undefined;
  }
}

/**
 * The column a database refusal names: PostgreSQL reports it for a NOT NULL
 * violation, and names column constraints `<table>_<column>_check|key|fkey`.
 * Given as the API's camelCase name (the columns are the fields' snake_case).
 */
export function fieldOfDatabaseError(error: { column?: string; constraint?: string; table?: string }): string | undefined {
  let column = error.column;
  if (!column && error.constraint && error.table && error.constraint.startsWith(`${error.table}_`)) {
    column = error.constraint.slice(error.table.length + 1).replace(/_(check\d*|key|fkey|excl|not_null)$/, '');
    if (column === error.constraint.slice(error.table.length + 1)) column = undefined; // pkey, or a table constraint
  }
  if (!column || !/^[a-z][a-z0-9_]*$/.test(column)) return undefined;
  return column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const unreachableCodes = new Set([
  'MES_DATABASE_CLOSED',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);
const unreachableMessages = [
  /^Connection terminated/i, // pg: the server closed the connection
  /timeout exceeded when trying to connect/i, // pg.Pool: no connection within connectionTimeoutMillis
  /not queryable/i, // pg: a client whose connection failed
  /Cannot use a pool after calling end/i,
];

/**
 * True when an error says the database cannot be reached (refused, reset or
 * terminated connections, a pool timeout, the server shutting down or out of
 * connections): the request may succeed later, so it answers 503.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof AggregateError && error.errors.some(isDatabaseUnreachable)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (unreachableCodes.has(code)) return true;
    // SQLSTATE 08xxx connection exception; 57P01-57P03 shutdown, crash, cannot connect now; 53300 too many connections
    if (/^08[0-9A-Z]{3}$/.test(code) || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  }
  return unreachableMessages.some((m) => m.test(error.message));
}
