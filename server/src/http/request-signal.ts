import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';

/**
 * Fires when the client that sent this request has gone. Hono's node server aborts
 * `c.req.raw.signal` when the connection closes early, but a connection the client dropped before
 * the server got to it is already closed when the handler runs; the socket tells the truth then.
 */
export function clientGone(c: Context): AbortSignal {
  const signal = c.req.raw.signal;
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!outgoing || signal.aborted) return signal;
  if (outgoing.destroyed || outgoing.socket?.destroyed || outgoing.socket === null)
    return AbortSignal.abort(new DOMException('The client closed the connection', 'AbortError'));
  return signal;
}
