import type { MiddlewareHandler } from 'hono';

/** What a handler may add to its call-log entry (typed through Hono's ContextVariableMap). */
export interface CallNote {
  /** POST /oauth2/access_token: the grant_type asked for. */
  grantType?: string;
  /** The connection was destroyed on purpose (faults.dropConnection): logged with status 0. */
  dropped?: boolean;
}

declare module 'hono' {
  interface ContextVariableMap {
    callNote?: CallNote;
  }
}

export interface CallLogEntry {
  method: string;
  path: string;
  /** Raw query string without `?` (decode with URLSearchParams). */
  query: string;
  /** 429 and 403 (limits, blocked account) are here too; 0 = connection dropped. */
  status: number;
  /** Epoch milliseconds when the request arrived. */
  at: number;
  grantType?: string;
}

/** Records each request after it is answered, so tests can count calls the backend made. */
export function callLog(calls: CallLogEntry[]): MiddlewareHandler {
  return async (c, next) => {
    const at = Date.now();
    await next();
    const url = new URL(c.req.url);
    const note = c.get('callNote');
    calls.push({
      method: c.req.method,
      path: url.pathname,
      query: url.search.slice(1),
      status: note?.dropped ? 0 : c.res.status,
      at,
      ...(note?.grantType === undefined ? {} : { grantType: note.grantType }),
    });
  };
}
