/**
 * fetch for the API under /api/mes: JSON in and out, the session cookie,
 * problem documents turned into ApiError, network failures into NetworkError.
 */
import { currentLocale } from '../i18n';
import type { Problem } from './types';

export const apiBase = '/api/mes';

/** The server answered with an error status; `problem.detail` says why. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** The request did not reach the server or got no answer (offline, timeout, server down). */
export class NetworkError extends Error {
  constructor(message = 'cannot reach the server') {
    super(message);
    this.name = 'NetworkError';
  }
}

export type Query = Record<string, string | number | boolean | undefined | null | (string | number)[]>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Abort and report a NetworkError after this many ms. */
  timeoutMs?: number;
}

export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  // the server words its problem documents in the UI's language
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLocale(), ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const signals = [options.signal, options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined].filter((s): s is AbortSignal => s !== undefined);
  let response: Response;
  try {
    response = await fetch(`${apiBase}${path}${queryString(options.query)}`, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals),
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new NetworkError(navigator.onLine ? 'cannot reach the server' : 'this device is offline');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    if (response.status >= 502 && response.status <= 504 && data === undefined) throw new NetworkError('the server is not answering');
    const problem: Problem =
      data && typeof data === 'object' ? (data as Problem) : { title: response.statusText, status: response.status, detail: text || response.statusText };
    throw new ApiError(response.status, problem);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}) => request<T>('POST', path, { ...options, body: body ?? {} }),
  put: <T>(path: string, body: unknown, options: Omit<RequestOptions, 'body'> = {}) => request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: (path: string) => request<void>('DELETE', path),
};

/** What to tell a person about a failed request: the server's detail when it gave one. */
export function describeError(error: unknown): { title: string; detail: string; errors: { field?: string; message: string }[] } {
  if (error instanceof ApiError) {
    return { title: error.problem.title ?? `Refused (${error.status})`, detail: error.problem.detail ?? error.message, errors: error.problem.errors ?? [] };
  }
  if (error instanceof NetworkError) return { title: 'Not sent', detail: error.message, errors: [] };
  return { title: 'Something went wrong', detail: error instanceof Error ? error.message : String(error), errors: [] };
}

/** A random UUID, also where crypto.randomUUID is missing (plain http on a LAN is not a secure context). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
