import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface Listening {
  /** http://host:port (IPv6 hosts bracketed). */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/** Serves an emulator's fetch handler on a port (0 = any free one) until close(). */
export async function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  opts: { port?: number; host?: string } = {},
): Promise<Listening> {
  const { server, info } = await new Promise<{ server: ReturnType<typeof serve>; info: AddressInfo }>(
    (resolve, reject) => {
      const server = serve({ fetch, port: opts.port ?? 0, hostname: opts.host ?? '127.0.0.1' }, (info) =>
        resolve({ server, info }),
      );
      server.once('error', reject);
    },
  );
  const host = info.address.includes(':') ? `[${info.address}]` : info.address;
  return {
    origin: `http://${host}:${info.port}`,
    port: info.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive sockets (browsers, fetch) would hold close() open for seconds.
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
