import type { ExchangeObserver } from '../../lib/exchange.js';
import { retryAfterMs } from '../../lib/retry-after.js';
import { sleep } from '../../lib/sleep.js';
import { abortedError, ErpError, type ErpErrorCode } from '../connector.js';
import type { RequestSpec, RestMapping } from './mapping.js';
import { compilePath, evaluate } from './path.js';
import { renderJson, renderString, type Vars } from './template.js';

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpOptions {
  fetch: FetchFn;
  timeoutMs: number;
  /** Extra attempts for retryable failures of reads (never for invoice creation). */
  retries: number;
  retryBaseMs: number;
  /** A Retry-After longer than this is handed to the caller (as retryAfterMs) instead of awaited. */
  maxRetryWaitMs: number;
  /** Told of every attempt (request journal). */
  onExchange?: ExchangeObserver;
}

export interface SendOptions {
  /** Safe to repeat: reads and idempotent lookups. */
  retry: boolean;
  headers?: Record<string, string>;
  /** The caller's cancellation: no request (or retry) for a caller that has gone. */
  signal?: AbortSignal;
}

const STATUS_CODES: Record<number, ErpErrorCode> = {
  400: 'validation',
  401: 'auth',
  403: 'forbidden',
  404: 'not_found',
  408: 'timeout',
  409: 'conflict',
  // Frappe answers ValidationError (a missing link, a bad value) with 417.
  417: 'validation',
  422: 'validation',
  429: 'rate_limited',
};

/** Where common ERPs put the human sentence of an error (Frappe, Odoo, RFC 7807, ...). */
const MESSAGE_PATHS = [
  '_server_messages',
  'message',
  'exception',
  'error.message',
  'errors[0].message',
  'error',
  'detail',
  'title',
].map((p) => compilePath(p));

function authHeaders(auth: RestMapping['auth']): Record<string, string> {
  switch (auth.type) {
    case 'bearer':
      return { Authorization: `Bearer ${auth.token}` };
    case 'header':
      return { [auth.name]: auth.value };
    case 'basic':
      return { Authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` };
    default:
      return {};
  }
}

export function buildUrl(mapping: RestMapping, spec: RequestSpec, vars: Vars): URL {
  const path = renderString(spec.urlTemplate, vars, (v) => encodeURIComponent(v));
  const url = /^https?:\/\//i.test(path)
    ? new URL(path)
    : new URL(`${mapping.baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  for (const [k, t] of Object.entries(spec.query ?? {})) url.searchParams.append(k, renderString(t, vars));
  return url;
}

/** Frappe wraps messages twice: a JSON string of a list of JSON strings of {message}. */
function frappeMessages(v: string): string | null {
  try {
    const list = JSON.parse(v) as unknown;
    if (!Array.isArray(list)) return null;
    return list
      .map((m) => {
        try {
          const o = JSON.parse(String(m)) as { message?: unknown };
          return typeof o.message === 'string' ? o.message : String(m);
        } catch {
          return String(m);
        }
      })
      .join('; ');
  } catch {
    return null;
  }
}

export function errorMessage(body: unknown, extraPaths: readonly string[] = []): string | null {
  if (typeof body === 'string') return body.trim().slice(0, 300) || null;
  for (const path of [...extraPaths.map((p) => compilePath(p)), ...MESSAGE_PATHS]) {
    const v = evaluate(body, path)[0];
    if (typeof v === 'string' && v.trim()) {
      const text = path.source === '_server_messages' ? (frappeMessages(v) ?? v) : v;
      return text.replace(/<[^>]+>/g, '').slice(0, 300);
    }
  }
  return null;
}

/** One HTTP exchange, its failure turned into an ErpError; retries retryable failures of reads. */
export async function send(
  mapping: RestMapping,
  http: HttpOptions,
  operation: string,
  spec: RequestSpec,
  vars: Vars,
  opts: SendOptions,
): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendOnce(mapping, http, operation, spec, vars, opts, attempt + 1);
    } catch (e) {
      if (!(e instanceof ErpError) || !e.retryable || !opts.retry || attempt >= http.retries) throw e;
      const wait = e.retryAfterMs ?? http.retryBaseMs * 2 ** attempt * (0.5 + Math.random() / 2);
      if (wait > http.maxRetryWaitMs) throw e;
      await sleep(wait);
    }
  }
}

async function sendOnce(
  mapping: RestMapping,
  http: HttpOptions,
  operation: string,
  spec: RequestSpec,
  vars: Vars,
  opts: SendOptions,
  attempt = 1,
): Promise<unknown> {
  const url = buildUrl(mapping, spec, vars);
  const started = Date.now();
  const observe = (status: number) =>
    http.onExchange?.({
      at: started,
      direction: 'out',
      system: 'erp',
      method: spec.method,
      path: url.pathname,
      status,
      latencyMs: Date.now() - started,
      attempt,
    });
  const headers: Record<string, string> = {
    Accept: 'application/json',
    ...mapping.headers,
    ...authHeaders(mapping.auth),
    ...Object.fromEntries(Object.entries(spec.headers ?? {}).map(([k, t]) => [k, renderString(t, vars)])),
    ...opts.headers,
  };
  let body: string | undefined;
  if (spec.body !== undefined) {
    body = JSON.stringify(renderJson(spec.body, vars));
    headers['Content-Type'] = 'application/json';
  }
  // Never the query string in messages: some ERPs take keys there.
  const what = `${mapping.name} ${operation}: ${spec.method} ${url.pathname}`;
  let res: Response;
  if (opts.signal?.aborted) throw abortedError();
  const timeout = AbortSignal.timeout(http.timeoutMs);
  try {
    res = await http.fetch(url.toString(), {
      method: spec.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout,
    });
  } catch (e) {
    if (opts.signal?.aborted) throw abortedError();
    observe(0);
    const name = (e as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new ErpError('timeout', `${what}: no answer within ${http.timeoutMs} ms`);
    }
    throw new ErpError('unavailable', `${what}: ${(e as Error).message}${causeOf(e)}`);
  }
  observe(res.status);
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    const timedOut = (e as Error).name === 'TimeoutError';
    throw new ErpError(timedOut ? 'timeout' : 'unavailable', `${what}: the answer broke off`);
  }
  let json: unknown = null;
  let parsed = true;
  if (text.trim()) {
    try {
      json = JSON.parse(text);
    } catch {
      parsed = false;
    }
  }
  if (res.ok) {
    if (!parsed)
      throw new ErpError('invalid_response', `${what}: HTTP ${res.status} with a body that is not JSON`);
    return json;
  }
  const detail = errorMessage(parsed ? json : text, mapping.errorMessagePaths);
  const message = `${what}: HTTP ${res.status}${detail ? `: ${detail}` : ''}`;
  const code = STATUS_CODES[res.status] ?? (res.status >= 500 ? 'unavailable' : 'validation');
  if (code === 'rate_limited') {
    throw new ErpError(code, message, true, retryAfterMs(res.headers.get('Retry-After')));
  }
  if (res.status >= 500) {
    throw new ErpError('unavailable', message, true, retryAfterMs(res.headers.get('Retry-After')));
  }
  return Promise.reject(new ErpError(code, message));
}

function causeOf(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause ? ` (${cause.code ?? cause.message ?? ''})` : '';
}
