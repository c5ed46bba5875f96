import type { MiddlewareHandler } from 'hono';

export interface CallLogEntry {
  method: string;
  path: string;
  /** Raw query string without `?` (decode with URLSearchParams). */
  query: string;
  status: number;
  /** Epoch milliseconds when the request arrived. */
  at: number;
  durationMs: number;
}

/** Records every request after it is answered (rejected ones too), so tests can count calls. */
export function callLog(calls: CallLogEntry[]): MiddlewareHandler {
  return async (c, next) => {
    const at = Date.now();
    await next();
    const url = new URL(c.req.url);
    calls.push({
      method: c.req.method,
      path: url.pathname,
      query: url.search.slice(1),
      status: c.res.status,
      at,
      durationMs: Date.now() - at,
    });
  };
}
