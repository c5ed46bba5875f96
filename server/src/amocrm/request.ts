import type { z } from 'zod';
import type { ExchangeObserver } from '../lib/exchange.js';
import type { Logger } from '../log.js';
import type { AmoMetrics } from '../metrics.js';
import {
  type Answer,
  askedWaitMs,
  backoffMs,
  exchange,
  jsonOrUndefined,
  OutboundFailure,
  type OutboundOptions,
  withRetries,
} from '../outbound/index.js';
import type { AccountCircuit } from './account-circuit.js';
import { AmoAccountBlocked, AmoApiError, looksLikeAbuseBlock, parseValidationErrors } from './errors.js';
import type { Lane, SlotScheduler } from './rate-limit.js';

export interface AmoRequestOptions {
  accountId: number;
  /** https://{subdomain}.amocrm.ru, or AMO_API_BASE (emulator). */
  baseUrl: string;
  getAccessToken(): Promise<string>;
  /** amoCRM said 401 to this token: return a refreshed one (or throw). Absent for long-lived tokens. */
  onUnauthorized?(rejected: string): Promise<string>;
  /**
   * What amoCRM made of the token: `accepted` for any 2xx, `rejected_after_refresh` for a 401 to
   * the token the refresh just gave (the integration's access was revoked; the alerts' signal).
   */
  onTokenVerdict?(verdict: TokenVerdict): void;
  scheduler: SlotScheduler;
  circuit: AccountCircuit;
  log: Logger;
  metrics?: AmoMetrics;
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxAttempts?: number;
  /** Base of the exponential backoff, ms. */
  backoffMs?: number;
  /** Sees every request sent to amoCRM (the request journal). */
  onExchange?: ExchangeObserver;
}

export type TokenVerdict = 'accepted' | 'rejected_after_refresh';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Per call: who asks (the widget's reads leave part of the budget to the guard) and its cancellation. */
export interface AmoCallOptions {
  lane?: Lane;
  /** The caller went away: stop waiting for a slot, abort the request, never retry. */
  signal?: AbortSignal;
}

/** The error of a call whose caller gave up (never sent, or cut off). */
export class AmoCallAborted extends Error {
  constructor() {
    super('the caller cancelled the amoCRM request');
    this.name = 'AbortError';
  }
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const ABUSE_PAUSE_MS = 15 * 60_000;

/** An attempt that should be tried again after `delayMs` (a retryable status or a network error). */
class RetryLater extends Error {
  constructor(readonly delayMs: number) {
    super('retry');
  }
}

/**
 * amoCRM REST v4 for one installation: every call waits for its rate slot, retries 429 / 502 /
 * 503 / 504 / network errors with exponential backoff and jitter (honouring Retry-After), never
 * other 4xx, refreshes once on 401, and stops calling an account amoCRM has blocked.
 */
export function createAmoRequest(opts: AmoRequestOptions) {
  const base = opts.baseUrl.replace(/\/$/, '');
  const maxAttempts = opts.maxAttempts ?? 6;
  const backoff = opts.backoffMs ?? 250;
  const metrics = opts.metrics;
  const outbound: OutboundOptions = {
    system: 'amocrm',
    fetch: opts.fetch,
    timeoutMs: opts.timeoutMs ?? 15_000,
    accountId: opts.accountId,
    onExchange: opts.onExchange,
    metrics: metrics && {
      attempt(method, status, latencyMs) {
        metrics.requests.inc({ method, status: String(status) });
        if (status !== 'network') metrics.latency.observe(latencyMs / 1000);
      },
    },
  };

  async function request<T extends z.ZodType>(
    method: Method,
    path: string,
    schema: T | null,
    init: { query?: URLSearchParams; body?: unknown } & AmoCallOptions = {},
  ): Promise<z.infer<T> | null> {
    const signal = init.signal;
    const url = `${base}/api/v4${path}${init.query && [...init.query].length ? `?${init.query}` : ''}`;
    let token = await opts.getAccessToken();
    let refreshed = false;

    async function send(attempt: number): Promise<Answer> {
      const blockedUntil = opts.circuit.openUntil(opts.accountId);
      if (blockedUntil) throw new AmoAccountBlocked(opts.accountId, blockedUntil);
      try {
        await opts.scheduler.acquire(opts.accountId, { lane: init.lane, signal });
      } catch (err) {
        if (signal?.aborted) throw new AmoCallAborted();
        throw err;
      }
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        accept: 'application/hal+json',
      };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      const body = init.body === undefined ? undefined : JSON.stringify(init.body);
      return exchange(outbound, { method, url, headers, body, signal }, attempt + 1);
    }

    async function attempt(n: number): Promise<z.infer<T> | null> {
      let res: Answer;
      try {
        res = await send(n);
        // A token refresh is not a failed attempt.
        if (res.status === 401 && opts.onUnauthorized && !refreshed) {
          refreshed = true;
          token = await opts.onUnauthorized(token);
          res = await send(n);
          if (res.status === 401) opts.onTokenVerdict?.('rejected_after_refresh');
        }
        if (res.ok) opts.onTokenVerdict?.('accepted');
      } catch (err) {
        if (!(err instanceof OutboundFailure)) throw err;
        if (err.kind === 'aborted') throw new AmoCallAborted();
        if (n + 1 >= maxAttempts) throw new AmoApiError(`amoCRM unreachable: ${err.message}`, undefined);
        metrics?.retries.inc({ reason: 'network' });
        throw new RetryLater(backoffMs(n, backoff));
      }
      if (RETRYABLE_STATUS.has(res.status) && n + 1 < maxAttempts) {
        const delay = Math.max(backoffMs(n, backoff), askedWaitMs(res.headers) ?? 0);
        metrics?.retries.inc({ reason: String(res.status) });
        opts.log.warn(
          {
            accountId: opts.accountId,
            status: res.status,
            path,
            attempt: n,
            delay: Math.round(delay),
            requestId: res.requestId,
          },
          'amoCRM asked us to retry',
        );
        throw new RetryLater(delay);
      }
      return answerOf(res);
    }

    function answerOf(res: Answer): z.infer<T> | null {
      if (res.status === 204) return null;
      if (looksLikeAbuseBlock(res.status, res.headers.get('content-type'), res.text)) {
        const until = new Date(Date.now() + ABUSE_PAUSE_MS);
        opts.circuit.open(opts.accountId, until, 'amoCRM answered 403 (account blocked for abuse)');
        opts.log.error(
          { accountId: opts.accountId, path, requestId: res.requestId },
          'amoCRM blocked the account; circuit open',
        );
        throw new AmoAccountBlocked(opts.accountId, until);
      }
      const json = jsonOrUndefined(res.text);
      if (res.status === 404 && method === 'GET') return null;
      if (!res.ok) {
        opts.log.warn(
          { accountId: opts.accountId, status: res.status, method, path, requestId: res.requestId },
          'amoCRM request failed',
        );
        throw new AmoApiError(
          `amoCRM answered ${res.status} to ${method} ${path}`,
          res.status,
          parseValidationErrors(json),
        );
      }
      if (!schema) return null;
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        opts.log.warn(
          { path, issues: parsed.error.issues.slice(0, 3), requestId: res.requestId },
          'amoCRM response failed validation',
        );
        throw new AmoApiError(`amoCRM sent an unexpected body for ${method} ${path}`, res.status);
      }
      return parsed.data;
    }

    try {
      return await withRetries(
        attempt,
        (err) => (err instanceof RetryLater ? err.delayMs : undefined),
        signal,
      );
    } catch (err) {
      if (err instanceof OutboundFailure && err.kind === 'aborted') throw new AmoCallAborted();
      throw err;
    }
  }

  return request;
}

export type AmoRequest = ReturnType<typeof createAmoRequest>;
