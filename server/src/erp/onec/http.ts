import type { z } from 'zod';
import type { ExchangeObserver } from '../../lib/exchange.js';
import { retryAfterMs } from '../../lib/retry-after.js';
import { sleep } from '../../lib/sleep.js';
import { abortedError, ErpError } from '../connector.js';
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
    opts: { idempotent: boolean; query?: Query },
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
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<string> {
    let res: Response;
    if (signal?.aborted) throw abortedError();
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const started = Date.now();
    const observe = (status: number) =>
      onExchange?.({
        at: started,
        direction: 'out',
        system: 'erp',
        method,
        path: target,
        status,
        latencyMs: Date.now() - started,
        attempt: 1,
      });
    try {
      res = await fetchImpl(target, {
        method,
        headers: {
          Authorization: authorization,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json;charset=utf-8' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
    } catch (err) {
      if (signal?.aborted) throw abortedError();
      observe(0);
      const name = err instanceof Error ? err.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new ErpError('timeout', `1C ${what}: no answer within ${opts.timeoutMs} ms`);
      }
      throw new ErpError('unavailable', `1C ${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
    observe(res.status);
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      throw new ErpError(name === 'TimeoutError' ? 'timeout' : 'unavailable', `1C ${what}: answer cut off`);
    }
    if (!res.ok)
      throw errorFromResponse(res.status, text, what, retryAfterMs(res.headers.get('Retry-After')));
    return text;
  }

  async function withRetries(run: () => Promise<string>): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        // 429 is not retried here: 1C has no documented rate limit, so a 429 comes from a proxy
        // whose budget is better respected by the job's own backoff.
        const transient = err instanceof ErpError && (err.code === 'unavailable' || err.code === 'timeout');
        if (!transient || attempt >= opts.retries) throw err;
        const backoff = Math.min(opts.retryMaxMs, opts.retryBaseMs * 2 ** attempt);
        // A proxy's Retry-After is honoured, but never beyond the bound: the job queue retries later.
        const asked = Math.min(opts.retryMaxMs, err.retryAfterMs ?? 0);
        await sleep(Math.max(asked, backoff / 2 + Math.random() * (backoff / 2)));
      }
    }
  }

  function parse<S extends z.ZodType>(text: string, schema: S, what: string): z.output<S> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ErpError('invalid_response', `1C ${what}: the answer is not JSON`);
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unexpected shape';
      throw new ErpError('invalid_response', `1C ${what}: unexpected answer (${where})`);
    }
    return result.data;
  }

  return {
    url,
    async get(resource, query, schema, call = {}) {
      const what = `GET ${resource}`;
      const text = await withRetries(() => once('GET', url(resource, query), what, undefined, call.signal));
      return parse(text, schema, what);
    },
    async post(resource, body, schema, { idempotent, query = {} }) {
      const what = `POST ${resource}`;
      const run = () => once('POST', url(resource, query), what, body);
      const text = idempotent ? await withRetries(run) : await run();
      return schema ? parse(text, schema, what) : undefined;
    },
  };
}
