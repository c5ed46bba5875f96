import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * Whether the request carries a body. On @hono/node-server the `c.req.raw.body` getter builds a
 * full WHATWG Request and stream for every request, which the widget API's GETs never need (~10 %
 * of its CPU in the profile, docs/performance.md), so there the wire decides: in HTTP/1.1 only a
 * Transfer-Encoding or a non-zero Content-Length announces a body (RFC 9112 §6.3). A request built
 * in process (tests, `app.request`) is a real Request already and is asked directly.
 */
export function declaresBody(c: Context): boolean {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) return c.req.raw.body !== null;
  if (incoming.headers['transfer-encoding'] !== undefined) return true;
  const length = incoming.headers['content-length'];
  return length !== undefined && length.trim() !== '0';
}
