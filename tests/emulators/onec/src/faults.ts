import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AnswerFaults, AnswerTarget } from '../../answer-faults.js';
import { ProxyRateLimit } from '../../proxy-rate-limit.js';
import { ODATA_CODES, odataError } from './odata-error.js';

export interface FaultTarget {
  method: string;
  /** Decoded path after the OData root, e.g. `Document_СчетНаОплатуКлиенту(guid'...')/Post()`. */
  resource: string;
}

/**
 * Faults of the path between the client and 1C that a write must survive (../../answer-faults.ts):
 * a lost answer (1C wrote the object, then the web server in front of it answered 502) and a
 * duplicate (a balancer retried the POST, so 1C created the document twice). 1C's standard
 * interface has no idempotency key (platform docs, "Стандартный интерфейс OData":
 * https://its.1c.ru/db/v838doc#bookmark:dev:TI000001358 documents none), so both leave the client
 * to find out what was written. Matchers see the decoded resource too.
 */
export type OneCLoopFaults = AnswerFaults<AnswerTarget & FaultTarget>;

interface FailRule {
  remaining: number;
  status: number;
  match?: (req: FaultTarget) => boolean;
}

export interface OneCFaults {
  /** The next `n` requests (matching `match`, when given) fail with `status` and an odata.error body. */
  failNext(n: number, status?: number, match?: (req: FaultTarget) => boolean): void;
  /** While on, the web server in front of 1C answers 503 with an HTML page to everything. */
  outage(on: boolean): void;
  /** The next Balance answer has the wrong shape (resource columns as strings, a dimension missing). */
  corruptNext(): void;
  /** The next `n` requests get the web server's 429 with Retry-After (see ../../proxy-rate-limit.ts). */
  rateLimitNext(n: number, waitMs: number): void;
  /** Latency in ms added to every request (also settable at creation). */
  setLatency(ms: number): void;
  reset(): void;
}

export interface FaultState {
  rules: FailRule[];
  outage: boolean;
  corruptNext: boolean;
  latencyMs: number;
  /** 1C has no rate limit of its own: a 429 comes from the web server publishing it. */
  proxy: ProxyRateLimit;
}

export function createFaults(latencyMs: number): { faults: OneCFaults; state: FaultState } {
  const state: FaultState = {
    rules: [],
    outage: false,
    corruptNext: false,
    latencyMs,
    proxy: new ProxyRateLimit(),
  };
  const faults: OneCFaults = {
    failNext(n, status = 500, match) {
      state.rules.push({ remaining: n, status, match });
    },
    outage(on) {
      state.outage = on;
    },
    corruptNext() {
      state.corruptNext = true;
    },
    rateLimitNext(n, waitMs) {
      state.proxy.next(n, waitMs);
    },
    setLatency(ms) {
      state.latencyMs = ms;
    },
    reset() {
      state.rules = [];
      state.outage = false;
      state.corruptNext = false;
      state.proxy.reset();
    },
  };
  return { faults, state };
}

export function faultMiddleware(state: FaultState, resourceOf: (url: URL) => string): MiddlewareHandler {
  return async (c, next) => {
    if (state.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, state.latencyMs));
    if (state.outage) {
      return c.html('<html><body><h1>503 Service Unavailable</h1></body></html>', 503);
    }
    const target = { method: c.req.method, resource: resourceOf(new URL(c.req.url)) };
    const rule = state.rules.find((r) => r.remaining > 0 && (!r.match || r.match(target)));
    if (rule) {
      rule.remaining--;
      state.rules = state.rules.filter((r) => r.remaining > 0);
      return odataError(
        c,
        rule.status as ContentfulStatusCode,
        ODATA_CODES.internal,
        'Ошибка СУБД: эмулированный сбой',
      );
    }
    await next();
  };
}
