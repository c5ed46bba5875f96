import type { Context } from 'hono';
import { nodeAnswer } from './node-answer.js';

const gone = () => new DOMException('The client closed the connection', 'AbortError');

/**
 * Fires when the client that sent this request has gone. Read from the response's socket, not from
 * `c.req.raw.signal`: on @hono/node-server that getter builds a full WHATWG Request per call (a
 * tenth of the widget API's CPU, docs/performance.md). A connection the client dropped before the
 * server got to it is already closed when the handler runs; the socket tells the truth then too.
 */
export function clientGone(c: Context): AbortSignal {
  const outgoing = nodeAnswer(c);
  if (!outgoing) return c.req.raw.signal;
  if (outgoing.destroyed || outgoing.socket?.destroyed || outgoing.socket === null)
    return AbortSignal.abort(gone());
  const controller = new AbortController();
  // 'close' also follows a finished answer; only a close before the answer was written is a client gone.
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) controller.abort(gone());
  });
  return controller.signal;
}
