import { getEventListeners } from 'node:events';
import type { Socket } from 'node:net';
import type { Context } from 'hono';
import { nodeAnswer } from './node-answer.js';

const gone = () => new DOMException('The client closed the connection', 'AbortError');

interface ConnectionSignal {
  controller: AbortController;
  onClose: () => void;
}

/** One signal per keep-alive connection, aborted when the connection closes. */
const byConnection = new WeakMap<Socket, ConnectionSignal>();

function connectionSignal(socket: Socket): ConnectionSignal {
  const controller = new AbortController();
  const signal: ConnectionSignal = { controller, onClose: () => controller.abort(gone()) };
  socket.once('close', signal.onClose);
  byConnection.set(socket, signal);
  return signal;
}

/**
 * Fires when the client that sent this request has gone, that is when its connection closes before
 * the answer is written. Read from the socket, not from `c.req.raw.signal`: on @hono/node-server
 * that getter builds a full WHATWG Request per call (a tenth of the widget API's CPU,
 * docs/performance.md). A connection the client dropped before the server got to it is already
 * closed when the handler runs; the socket tells the truth then too.
 *
 * The signal belongs to the connection, not to the request: a keep-alive connection answers
 * thousands of card reads, and an AbortController per read was the heap's largest object to
 * outlive a young-generation collection (docs/performance.md, session 11). Every consumer removes
 * its listener when its work is done (lib/shared-abort.ts); should one ever linger, the next
 * request gets a fresh signal, so listeners cannot pile up on a long connection.
 */
export function clientGone(c: Context): AbortSignal {
  const outgoing = nodeAnswer(c);
  if (!outgoing) return c.req.raw.signal;
  const socket = outgoing.socket;
  if (outgoing.destroyed || !socket || socket.destroyed) return AbortSignal.abort(gone());
  let current = byConnection.get(socket);
  if (current && getEventListeners(current.controller.signal, 'abort').length > 0) {
    // Left behind by a finished request (or a pipelined one still running, which then no longer
    // learns of a close: its answer is simply dropped, as before any of this existed).
    socket.off('close', current.onClose);
    current = undefined;
  }
  return (current ?? connectionSignal(socket)).controller.signal;
}
