import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * What the request says about its body, read without touching `c.req.raw.body`: on
 * @hono/node-server that getter builds a full WHATWG Request and stream for every request (a tenth
 * of the widget API's CPU, docs/performance.md), while `c.req.arrayBuffer()` alone reads the
 * socket directly. In HTTP/1.1 only a Transfer-Encoding or a Content-Length announces a body
 * (RFC 9112 §6.3); Node's parser refuses a request with both. A request built in process (tests,
 * `app.request`) is a real Request already: `unknown`, asked directly.
 */
export type DeclaredBody =
  | { kind: 'none' }
  | { kind: 'length'; bytes: number }
  | { kind: 'chunked' }
  | { kind: 'unknown' };

export function declaredBody(c: Context): DeclaredBody {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) return c.req.raw.body === null ? { kind: 'none' } : { kind: 'unknown' };
  if (incoming.headers['transfer-encoding'] !== undefined) return { kind: 'chunked' };
  const length = incoming.headers['content-length'];
  if (length === undefined) return { kind: 'none' };
  const bytes = Number(length);
  return bytes === 0 ? { kind: 'none' } : { kind: 'length', bytes };
}

/** Whether the request carries a body (see declaredBody). */
export const declaresBody = (c: Context): boolean => declaredBody(c).kind !== 'none';
