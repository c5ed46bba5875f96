import type { Context, MiddlewareHandler } from 'hono';

/** One request an emulator answered: what tests count to prove what the backend called. */
export interface CallLogEntry {
  method: string;
  /** The path as it came (an emulator may log it decoded, see `describe`). */
  path: string;
  /** Raw query string without `?` (decode with URLSearchParams). */
  query: string;
  /** Every answer is here, rejected ones too (limits, auth, faults). */
  status: number;
  /** Epoch milliseconds when the request arrived. */
  at: number;
}

/**
 * Records each request after it is answered. `describe` lets an emulator add what only it knows
 * (a grant type, an RPC name, the duration) to the entry; by default the entry is logged as is.
 */
export function callLog<E extends CallLogEntry = CallLogEntry>(
  calls: E[],
  describe: (entry: CallLogEntry, c: Context) => E = (entry) => entry as E,
): MiddlewareHandler {
  return async (c, next) => {
    const at = Date.now();
    await next();
    const url = new URL(c.req.url);
    const entry: CallLogEntry = {
      method: c.req.method,
      path: url.pathname,
      query: url.search.slice(1),
      status: c.res.status,
      at,
    };
    calls.push(describe(entry, c));
  };
}
