import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface Listening {
  /** http://host:port (IPv6 hosts bracketed). */
  origin: string;
  port: number;
  close(): Promise<void>;
}

type FetchHandler = (req: Request) => Response | Promise<Response>;

/** Serves an emulator's fetch handler on a port (0 = any free one) until close(). */
export async function listen(fetch: FetchHandler, opts: ListenOptions = {}): Promise<Listening> {
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

export interface ListenOptions {
  /** 0 (the default) = any free port. */
  port?: number;
  host?: string;
}

/** An emulator serving on a port: `url` is what a client is configured with. */
export type Started<E> = E & { url: string; port: number; close(): Promise<void> };

/**
 * The start half every emulator shares: split the listen options off, build the emulator with
 * the rest, serve its app, and say where. `located` turns the origin into the emulator's URL (an
 * API prefix, an OData root) once the port is known.
 */
export async function startEmulator<O extends object, E extends { app: { fetch: FetchHandler } }>(
  options: O & ListenOptions,
  create: (options: O) => E,
  located: (origin: string, emulator: E) => string = (origin) => origin,
): Promise<Started<E>> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const emulator = create(rest as O);
  const server = await listen(emulator.app.fetch, { port, host });
  return {
    ...emulator,
    url: located(server.origin, emulator),
    port: server.port,
    close: server.close,
  };
}
