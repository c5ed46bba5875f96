import type { z } from 'zod';
import type { ExchangeObserver } from '../../lib/exchange.js';
import {
  askedWaitMs,
  backoffMs,
  type OutboundOptions,
  parseJson,
  withRetries,
} from '../../outbound/index.js';
import { ErpError } from '../connector.js';
import { erpExchange, erpFailure } from '../outbound-error.js';
import { errorFromResponse } from './errors.js';
import { encodeResource } from './odata.js';
import type { OneCOptions } from './options.js';

export type Query = Record<string, string | number | undefined>;

export interface ODataClient {
  /** GET with retries on 5xx / network / timeout; the body must match `schema`. */
  get<S extends z.ZodType>(
    resource: string,
    query: Query,
    schema: S,
    call?: { signal?: AbortSignal },
  ): Promise<z.output<S>>;
  /**
   * POST. `idempotent` requests (Post() of a document) are retried like reads; creating an object
   * is not, since a lost answer may hide a created one: the caller looks for it instead.
   */
  post<S extends z.ZodType>(
    resource: string,
    body: unknown,
    schema: S | null,
    opts: { idempotent: boolean; query?: Query; signal?: AbortSignal },
  ): Promise<z.output<S> | undefined>;
  /** The URL a GET would use; lets callers size OR lists to the URL budget. */
  url(resource: string, query: Query): string;
}

export function createODataClient(
  opts: OneCOptions,
  fetchImpl: typeof fetch = fetch,
  onExchange?: ExchangeObserver,
): ODataClient {
  const authorization = `Basic ${Buffer.from(`${opts.user}:${opts.password}`, 'utf8').toString('base64')}`;
  const outbound: OutboundOptions = {
    system: 'erp',
    fetch: fetchImpl,
    timeoutMs: opts.timeoutMs,
    onExchange,
  };

  const url = (resource: string, query: Query) => {
    const parts = ['$format=json'];
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined) parts.push(`${k}=${encodeURIComponent(String(v))}`);
    }
    return `${opts.odataUrl}/${encodeResource(resource)}?${parts.join('&')}`;
  };

  async function once(
    method: string,
    target: string,
    what: string,
    body: unknown,
    signal: AbortSignal | undefined,
    attempt: number,
  ): Promise<string> {
    const headers: Record<string, string> = { Authorization: authorization, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json;charset=utf-8';
    const res = await erpExchange(
      outbound,
      { method, url: target, headers, body: body === undefined ? undefined : JSON.stringify(body), signal },
      `1C ${what}`,
      attempt + 1,
    );
    if (!res.ok) throw errorFromResponse(res.status, res.text, what, askedWaitMs(res.headers));
    return res.text;
  }

  function withBackoff(run: (attempt: number) => Promise<string>, signal?: AbortSignal): Promise<string> {
    return withRetries(
      run,
      (err, attempt) => {
        // 429 is not retried here: 1C has no documented rate limit, so a 429 comes from a proxy
        // whose budget is better respected by the job's own backoff.
        const transient = err instanceof ErpError && (err.code === 'unavailable' || err.code === 'timeout');
        if (!transient || attempt >= opts.retries) return undefined;
        // A proxy's Retry-After is honoured, but never beyond the bound: the job queue retries later.
        const asked = Math.min(opts.retryMaxMs, err.retryAfterMs ?? 0);
        return Math.max(asked, backoffMs(attempt, opts.retryBaseMs, opts.retryMaxMs));
      },
      signal,
    ).catch((err: unknown) => {
      throw erpFailure(err, '1C');
    });
  }

  function parse<S extends z.ZodType>(text: string, schema: S, what: string): z.output<S> {
    const parsed = parseJson(text, schema);
    if (!parsed.ok) throw new ErpError('invalid_response', `1C ${what}: ${parsed.problem}`);
    return parsed.data;
  }

  return {
    url,
    async get(resource, query, schema, call = {}) {
      const what = `GET ${resource}`;
      const target = url(resource, query);
      const text = await withBackoff(
        (n) => once('GET', target, what, undefined, call.signal, n),
        call.signal,
      );
      return parse(text, schema, what);
    },
    async post(resource, body, schema, { idempotent, query = {}, signal }) {
      const what = `POST ${resource}`;
      const target = url(resource, query);
      const text = idempotent
        ? await withBackoff((n) => once('POST', target, what, body, signal, n), signal)
        : await once('POST', target, what, body, signal, 0);
      return schema ? parse(text, schema, what) : undefined;
    },
  };
}
