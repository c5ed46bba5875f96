import type { Socket } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { problem } from './http/responses.js';

export interface FaultMatch {
  /** Only requests with this method (any case). */
  method?: string;
  /** Only paths starting with this: `/api/v4/leads`, or short `/leads` (under /api/v4), `/oauth2`. */
  pathPrefix?: string;
}

interface Pending {
  kind: 'fail' | 'drop';
  status: number;
  match: FaultMatch;
}

/** What a gateway in front of amoCRM (nginx) answers when the application behind it is not there. */
const GATEWAY_PAGES: Record<number, string> = {
  502: gatewayPage('502 Bad Gateway'),
  504: gatewayPage('504 Gateway Time-out'),
};

function gatewayPage(title: string): string {
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/**
 * Fault injection, flipped by tests while the emulator runs. A fault answers before any work is
 * done, so a client that retries a failed write lands it exactly once.
 */
export class Faults {
  #pending: Pending[] = [];

  /** The next `n` matching requests answer `status`: 502/504 with nginx's HTML, 503 empty, others problem+json. */
  failNext(n: number, status: number, match: FaultMatch = {}): void {
    for (let i = 0; i < n; i++) this.#pending.push({ kind: 'fail', status, match });
  }

  /** The next `n` matching requests get their socket destroyed: the client sees a network error. */
  dropConnection(n: number, match: FaultMatch = {}): void {
    for (let i = 0; i < n; i++) this.#pending.push({ kind: 'drop', status: 0, match });
  }

  /** Faults still waiting for a request. */
  get pending(): number {
    return this.#pending.length;
  }

  reset(): void {
    this.#pending = [];
  }

  /** Removes and returns the first pending fault this request matches. */
  take(method: string, path: string): Pending | undefined {
    const i = this.#pending.findIndex((p) => matches(p.match, method, path));
    return i < 0 ? undefined : this.#pending.splice(i, 1)[0];
  }
}

function matches(match: FaultMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  const prefix = match.pathPrefix;
  if (!prefix) return true;
  return path.startsWith(prefix) || path.startsWith(`/api/v4${prefix.startsWith('/') ? '' : '/'}${prefix}`);
}

/** Applies pending faults; mount after the limits, before auth and the routes. */
export function faultInjection(faults: Faults): MiddlewareHandler {
  return async (c, next) => {
    const fault = faults.take(c.req.method, new URL(c.req.url).pathname);
    if (!fault) return next();
    if (fault.kind === 'drop') {
      c.set('callNote', { ...c.get('callNote'), dropped: true });
      // @hono/node-server passes the Node request as env.incoming; app.request has no socket.
      const socket = (c.env as { incoming?: { socket?: Socket } } | undefined)?.incoming?.socket;
      if (socket) {
        socket.destroy();
        return c.body(null, 500);
      }
      return Response.error();
    }
    const status = fault.status as ContentfulStatusCode;
    if (status === 503) return c.body(null, 503);
    const page = GATEWAY_PAGES[status];
    if (page) return c.body(page, status, { 'Content-Type': 'text/html' });
    return problem(c, status, 'Injected fault');
  };
}
