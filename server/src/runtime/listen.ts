import type { Server } from 'node:http';
import { PROBLEM_CONTENT_TYPE, PROBLEM_STATUS, problemTypeUri } from '@erp-bridge/shared';
import { serve } from '@hono/node-server';

export interface Listening {
  port: number;
  /**
   * Stops accepting connections, lets requests in flight finish (idle keep-alive sockets are
   * closed at once, busy ones after their answer), and cuts what is left after `graceMs`.
   */
  close(graceMs: number): Promise<void>;
}

export async function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  opts: { port: number; host: string },
): Promise<Listening> {
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch, port: opts.port, hostname: opts.host }, () => resolve(s as Server));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  let closing: Promise<void> | undefined;
  return {
    port,
    close(graceMs) {
      closing ??= new Promise<void>((resolve) => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        // A socket that finishes its request becomes idle: close it then, not after keep-alive's timeout.
        const sweep = setInterval(() => server.closeIdleConnections(), 25);
        server.closeIdleConnections();
        const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
        void closed.then(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          resolve();
        });
      });
      return closing;
    },
  };
}

type Fetch = (req: Request, ...rest: never[]) => Response | Promise<Response>;
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);
const START_FAILED = {
  type: problemTypeUri('internal'),
  title: 'Internal Server Error',
  status: PROBLEM_STATUS.internal,
  detail: 'The server did not finish starting.',
  code: 'internal',
};

/**
 * The port opens before the queue and the jobs are up: until `ready` settles only the probes
 * answer at once (/readyz says "starting"); any other request waits for it, so a hook that
 * arrives mid-start is held, not refused. A start that fails answers them `internal` (the
 * process exits next).
 */
export function holdUntilReady<F extends Fetch>(fetch: F, ready: Promise<unknown>): F {
  let open = false;
  void ready.then(
    () => {
      open = true;
    },
    () => {},
  );
  const held = (req: Request, ...rest: never[]) =>
    open || PROBES.has(new URL(req.url).pathname)
      ? fetch(req, ...rest)
      : ready.then(
          () => fetch(req, ...rest),
          () =>
            new Response(JSON.stringify(START_FAILED), {
              status: START_FAILED.status,
              headers: { 'content-type': PROBLEM_CONTENT_TYPE },
            }),
        );
  return held as F;
}
