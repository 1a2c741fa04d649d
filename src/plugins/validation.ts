/**
 * The validators of request schemas (issue #19, findings 4, 5, 8), given to
 * Fastify's constructor as `schemaController.compilersFactory.buildValidator`.
 *
 * - JSON bodies are validated as they are typed: no type coercion, so `1` is
 *   not a boolean, `"5"` or `[1]` not a number, `"OP-001"` not an array, and
 *   `"Infinity"` not a number (Ajv's strictNumbers refuses the non-finite
 *   numbers JSON.parse can make, such as 1e309). Query strings, path
 *   parameters and headers are strings by nature and are still coerced by the
 *   `ajv.customOptions` of app.ts (`coerceTypes: 'array'`).
 * - Text that PostgreSQL cannot store (a NUL character) or that is not Unicode
 *   (a lone surrogate) is refused in every string and property name of a
 *   body, query string or path, before any SQL, naming the field; so is a
 *   number that is not finite (Ajv coerces the query string "Infinity" to a
 *   number and then skips minimum and maximum).
 * - The `date` and `date-time` formats refuse year 0000: PostgreSQL has no
 *   year 0 (SQLSTATE 22008).
 *
 * Both validators come from Fastify's own compiler pool, so formats, plugins
 * and external schemas behave as before.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import type { Ajv, ValidatorFactory } from '@fastify/ajv-compiler';
import type { MessageKey } from '../i18n/index.js';

const pool = AjvCompiler();

interface TextError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message: string;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with a text value (its English text and message key), or undefined when it can be stored as it is. */
export function textFault(text: string): { message: string; key: MessageKey } | undefined {
  if (text.includes('\u0000')) return { message: 'must not contain a NUL character', key: 'validation.text.nul' };
  if (LONE_SURROGATE.test(text)) return { message: 'must be valid Unicode text (it contains a lone surrogate)', key: 'validation.text.lone_surrogate' };
  return undefined;
}

const pointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** The first string (value or property name) in `data` that cannot be stored, or number that is not finite, as an Ajv-style error. */
export function findTextFault(data: unknown): TextError | undefined {
  const stack: [unknown, string][] = [[data, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    let fault: { message: string; key: MessageKey } | undefined;
    let at = path;
    if (typeof value === 'string') {
      fault = textFault(value);
    } else if (typeof value === 'number') {
      // Ajv coerces the query string "Infinity" to a number and then skips its range checks
      if (!Number.isFinite(value)) fault = { message: 'must be a finite number', key: 'validation.text.not_finite' };
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}/${i}`]);
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      for (const key of keys) {
        const keyFault = textFault(key);
        if (keyFault) {
          const key = keyFault.key === 'validation.text.nul' ? 'validation.text.nul_in_name' : 'validation.text.lone_surrogate_in_name';
          fault = { message: `property name ${keyFault.message}`, key };
          at = `${path}/${pointer(key)}`;
          break;
        }
      }
      if (!fault) for (let i = keys.length - 1; i >= 0; i--) stack.push([(value as Record<string, unknown>)[keys[i]!], `${path}/${pointer(keys[i]!)}`]);
    }
    if (fault) return { keyword: 'text', instancePath: at, schemaPath: '#', params: { fault: fault.key }, message: fault.message };
  }
  return undefined;
}

type Validate = ReturnType<ReturnType<ValidatorFactory>>;

/** Ajv's validator, then the text and finite-number rules on what passed. */
function withValueRules(validate: Validate): Validate {
  const wrapped = function (this: unknown, data: unknown, context?: unknown) {
    const valid = (validate as (this: unknown, d: unknown, c?: unknown) => unknown).call(this, data, context);
    if (valid !== true) {
      wrapped.errors = validate.errors;
      return valid;
    }
    const fault = findTextFault(data);
    wrapped.errors = fault ? [fault] : null;
    return !fault;
  } as unknown as Validate & { errors: unknown };
  // Fastify passes the parent object (so Ajv may coerce the root) only to functions with a schemaEnv
  Object.assign(wrapped, { schemaEnv: (validate as { schemaEnv?: unknown }).schemaEnv, schema: validate.schema });
  return wrapped;
}

/** Year 0000 is a valid ISO 8601 year but not a PostgreSQL one. */
function refuseYearZero(ajv: Ajv, name: 'date' | 'date-time') {
  const base = ajv.formats[name];
  const check =
    typeof base === 'function'
      ? base
      : base instanceof RegExp
        ? (s: string) => base.test(s)
        : base && typeof base === 'object' && 'validate' in base && typeof base.validate === 'function'
          ? (base.validate as (s: string) => boolean)
          : base && typeof base === 'object' && 'validate' in base && base.validate instanceof RegExp
            ? (s: string) => (base.validate as RegExp).test(s)
            : () => true;
  ajv.addFormat(name, { type: 'string', validate: (s: string) => check(s) && !s.startsWith('0000') });
}

export const buildValidator: ValidatorFactory = (externalSchemas, options = {}) => {
  const onCreate = (ajv: Ajv) => {
    options.onCreate?.(ajv);
    refuseYearZero(ajv, 'date');
    refuseYearZero(ajv, 'date-time');
  };
  const coercing = pool(externalSchemas, { ...options, onCreate } as Parameters<typeof pool>[1]);
  const strict = pool(externalSchemas, {
    ...options,
    onCreate,
    customOptions: { ...(options.customOptions as object), coerceTypes: false },
  } as Parameters<typeof pool>[1]);
  return (route) => {
    if (route.httpPart === 'body') return withValueRules(strict(route));
    if (route.httpPart === 'querystring' || route.httpPart === 'params') return withValueRules(coercing(route));
    return coercing(route);
  };
};
