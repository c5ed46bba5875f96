import type { Server } from 'node:http';
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
