import type { MiddlewareHandler } from 'hono';

export interface CallLogEntry {
  method: string;
  /** Decoded path, Cyrillic readable: /trade/odata/standard.odata/Catalog_Номенклатура. */
  path: string;
  /** Raw query string without `?` (decode with URLSearchParams). */
  query: string;
  status: number;
  /** Epoch milliseconds when the request arrived. */
  at: number;
}

export function callLog(calls: CallLogEntry[]): MiddlewareHandler {
  return async (c, next) => {
    const at = Date.now();
    await next();
    const url = new URL(c.req.url);
    let path = url.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {
      // keep the raw path: the request was malformed and the log should say so as it came
    }
    calls.push({ method: c.req.method, path, query: url.search.slice(1), status: c.res.status, at });
  };
}
