/**
 * Server messages as keys and parameters (issue #20, item 1). Whatever a
 * person reads from the server (a problem's detail, each `errors[].message`)
 * is built as `m('plan.not_draft', { planId, status })`: the key is a literal
 * that TypeScript checks against the English catalog, and
 * scripts/check-i18n.mjs checks every key used exists in en.json and tr.json,
 * with the same placeholders, that none is unused and none is built at run time.
 *
 * This file is pure (no i18next, no Fastify): rules and the web UI use it to
 * word a message in English, the default. The server renders it in the
 * request's language with src/i18n/index.ts.
 */
import en from './en.json' with { type: 'json' };

export type MessageKey = keyof typeof en;
/** A parameter: a value shown as it is, or a message (or list of messages) worded in the same language. */
export type MessageParam = string | number | Message | readonly Message[];
export type MessageParams = Readonly<Record<string, MessageParam>>;

export interface Message {
  readonly key: MessageKey;
  readonly params?: MessageParams;
}

/** A message by key; `params` fill its `{{placeholders}}`. */
export function m(key: MessageKey, params?: MessageParams): Message {
  return params ? { key, params } : { key };
}

/** How lists of messages in a parameter are joined. */
export const LIST_SEPARATOR = '; ';

/** Messages listed with commas ("a, b, c"), itself a message; lists given as a parameter array are joined with "; ". */
export function commaList(items: readonly Message[]): Message {
  return items.slice(1).reduce((list, item) => m('list.comma', { list, item }), items[0] ?? m('raw.text', { text: '' }));
}

/** Fills `{{name}}` placeholders (the i18next syntax) with already-worded parameters. */
export function interpolate(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The parameters of a message worded by `word` (nested messages in the same language). */
export function wordParams(params: MessageParams | undefined, word: (message: Message) => string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') out[name] = value;
    else if (Array.isArray(value)) out[name] = (value as readonly Message[]).map(word).join(LIST_SEPARATOR);
    else out[name] = word(value as Message);
  }
  return out;
}

const catalog: Readonly<Record<string, string>> = en;

/** A message in English: for logs, the CLI, the web's own checks, and `Error.message`. */
export function english(message: Message): string {
  const template = catalog[message.key] ?? message.key;
  return interpolate(template, wordParams(message.params, english));
}

/** One problem of a request (RFC 9457 `errors[]`): the field, the English text, and the key and parameters to word it in another language. */
export interface MessageDetail {
  field?: string;
  message: string;
  messageKey?: MessageKey;
  params?: MessageParams;
}

/** A problem of a field, worded in English now and in the request's language when the server answers. */
export function detail(field: string | undefined, message: Message): MessageDetail {
  return {
    ...(field !== undefined ? { field } : {}),
    message: english(message),
    messageKey: message.key,
    ...(message.params ? { params: message.params } : {}),
  };
}

/** The message a detail was made from (or, for a detail with text only, the text as it is). */
export function messageOfDetail(d: MessageDetail): Message {
  return d.messageKey ? m(d.messageKey, d.params) : m('raw.text', { text: d.message });
}
