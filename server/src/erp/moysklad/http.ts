import type { z } from 'zod';
import type { ExchangeObserver } from '../../lib/exchange.js';
import { sleep } from '../../lib/sleep.js';
import { abortedError, ErpError, type ErpErrorCode } from '../connector.js';
import { Limiter, msHeader } from './limiter.js';
import { ErrorBody } from './schemas.js';

/** An ErpError that remembers what MoySklad said, for callers that treat some answers specially. */
export class MoySkladError extends ErpError {
  constructor(
    code: ErpErrorCode,
    message: string,
    readonly status: number | null,
    readonly apiCode: number | null,
    retryable?: boolean,
    retryAfterMs?: number,
  ) {
    super(code, message, retryable, retryAfterMs);
    this.name = 'MoySkladError';
  }
}

export interface HttpClientOptions {
  token: string;
  apiBase: string;
  fetch: typeof fetch;
  timeoutMs: number;
  maxInFlight: number;
  /** Times a 429 is waited out and retried before giving up. */
  maxRateLimitRetries: number;
  /** Times a 5xx or network failure of an idempotent request is retried. */
  maxServerRetries: number;
  /** First backoff after a 5xx / network failure; doubles each time. */
  retryBaseMs: number;
  /** A 429 asking to wait longer than this fails at once (rate_limited, with retryAfterMs). */
  maxRetryWaitMs: number;
  /** Told of every attempt (request journal). */
  onExchange?: ExchangeObserver;
}

export interface Request<T> {
  method?: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  schema: z.ZodType<T>;
  /** The caller's cancellation: stops waiting for a slot, the request in flight and any retry. */
  signal?: AbortSignal;
}

/**
 * MoySklad's HTTP conventions in one place: Bearer token, gzip (mandatory, Node's fetch
 * decompresses it), the in-flight/rate budget, bounded retries, and zod on every answer.
 * Never retries a 4xx other than 429: MoySklad bans clients that repeat failing requests.
 */
export class HttpClient {
  readonly limiter: Limiter;

  constructor(readonly opts: HttpClientOptions) {
    this.limiter = new Limiter(opts.maxInFlight);
  }

  /** The full URL of a request, also used to keep filters under the URL length limit. */
  url(path: string, query: Request<unknown>['query'] = {}): string {
    const qs = Object.entries(query)
      .filter((e): e is [string, string | number] => e[1] !== undefined)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');
    return `${this.opts.apiBase}${path}${qs ? `?${qs}` : ''}`;
  }

  async request<T>(req: Request<T>): Promise<T> {
    const method = req.method ?? 'GET';
    const url = this.url(req.path, req.query);
    const what = `MoySklad ${method} ${req.path}`;
    // A POST that failed mid-way may have been applied: only the caller can tell (by externalCode).
    const idempotent = method === 'GET';
    let rateLimited = 0;
    let failed = 0;

    for (;;) {
      let status: number;
      let headers: Headers;
      let text: string;
      if (req.signal?.aborted) throw abortedError();
      try {
        ({ status, headers, text } = await this.limiter.run(() =>
          this.#send(method, url, req.body, req.signal),
        ));
      } catch (err) {
        if (req.signal?.aborted) throw abortedError();
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        const error = new MoySkladError(
          timedOut ? 'timeout' : 'unavailable',
          `${what}: ${timedOut ? `no answer within ${this.opts.timeoutMs} ms` : `network error (${describe(err)})`}`,
          null,
          null,
        );
        if (idempotent && failed < this.opts.maxServerRetries) {
          await sleep(this.opts.retryBaseMs * 2 ** failed++);
          continue;
        }
        throw error;
      }

      if (status >= 200 && status < 300) return parseBody(what, text, req.schema);

      if (status === 429) {
        const wait =
          msHeader(headers, 'x-lognex-retry-after') ??
          msHeader(headers, 'x-lognex-retry-timeinterval') ??
          1000;
        this.limiter.pauseFor(wait);
        if (rateLimited < this.opts.maxRateLimitRetries && wait <= this.opts.maxRetryWaitMs) {
          rateLimited++;
          continue;
        }
        throw errorFromAnswer(what, status, text, wait);
      }

      if (status >= 500 && idempotent && failed < this.opts.maxServerRetries) {
        await sleep(this.opts.retryBaseMs * 2 ** failed++);
        continue;
      }
      throw errorFromAnswer(what, status, text);
    }
  }

  async #send(method: string, url: string, body: unknown, signal?: AbortSignal) {
    // A request whose caller left while it queued for a slot is never sent.
    if (signal?.aborted) throw abortedError();
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const started = Date.now();
    const observe = (status: number) =>
      this.opts.onExchange?.({
        at: started,
        direction: 'out',
        system: 'erp',
        method,
        path: url,
        status,
        latencyMs: Date.now() - started,
        attempt: 1,
      });
    const res = await this.opts
      .fetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${this.opts.token}`,
          Accept: 'application/json;charset=utf-8',
          'Accept-Encoding': 'gzip',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json;charset=utf-8' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      })
      .catch((err: unknown) => {
        observe(0);
        throw err;
      });
    observe(res.status);
    // Read the body inside the slot: the request is in flight at MoySklad until it is consumed.
    const text = await res.text();
    this.limiter.observe(res.headers);
    return { status: res.status, headers: res.headers, text };
  }
}

function parseBody<T>(what: string, text: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new MoySkladError('invalid_response', `${what}: the answer is not JSON`, 200, null);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new MoySkladError(
      'invalid_response',
      `${what}: unexpected answer${where} (${issue?.message ?? 'wrong shape'})`,
      200,
      null,
    );
  }
  return parsed.data;
}

/** MoySklad's error codes first, the HTTP status when the code says nothing we act on. */
export function errorFromAnswer(
  what: string,
  status: number,
  text: string,
  retryAfterMs?: number,
): MoySkladError {
  let apiCode: number | null = null;
  let detail = '';
  try {
    const body = ErrorBody.safeParse(JSON.parse(text));
    if (body.success) {
      apiCode = body.data.errors[0]?.code ?? null;
      detail = body.data.errors
        .map((e) => e.error)
        .filter(Boolean)
        .join('; ');
    }
  } catch {
    // Not JSON (a proxy's HTML page): the status alone decides.
  }
  const code = classify(status, apiCode);
  const message = `${what}: HTTP ${status}${apiCode === null ? '' : ` (code ${apiCode})`}${detail ? `: ${detail}` : ''}`;
  return new MoySkladError(
    code,
    message,
    status,
    apiCode,
    undefined,
    code === 'rate_limited' ? retryAfterMs : undefined,
  );
}

function classify(status: number, apiCode: number | null): ErpErrorCode {
  if (status === 429 || apiCode === 1049 || apiCode === 1073) return 'rate_limited';
  if (status === 401 || apiCode === 1056) return 'auth';
  if (apiCode === 13004 || status === 403) return 'forbidden';
  if (apiCode === 1021 || status === 404) return 'not_found';
  if (apiCode === 3006 || apiCode === 3007) return 'validation';
  if (status === 409) return 'conflict';
  if (status >= 500) return 'unavailable';
  return 'validation';
}

const describe = (err: unknown) =>
  err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
