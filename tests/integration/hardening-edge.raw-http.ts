import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Body bytes we managed to write before the server closed the connection. */
  bytesSent: number;
  /** The server closed the connection (FIN or reset) within the wait. */
  closed: boolean;
}

/**
 * One HTTP/1.1 request over a raw socket, so the test sees exactly what goes over the wire:
 * the status line, every header (Connection included) and whether the server closes. The body is
 * streamed in chunks up to `bodyBytes` (or forever with `chunked` until the server stops us).
 */
export function rawRequest(
  port: number,
  opts: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    /** Declared in Content-Length (unless chunked). */
    declaredLength?: number;
    bodyBytes: number;
    chunked?: boolean;
    waitMs?: number;
  },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    let bytesSent = 0;
    let closed = false;
    let stop = false;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const finish = () => {
      stop = true;
      clearTimeout(timer);
      const [head = '', ...rest] = received.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      socket.destroy();
      resolve({
        status: Number(statusLine.split(' ')[1] ?? 0),
        headers,
        body: rest.join('\r\n\r\n'),
        bytesSent,
        closed,
      });
    };
    const timer = setTimeout(finish, opts.waitMs ?? 5000);
    socket.on('data', (d) => {
      received += d.toString('latin1');
    });
    socket.on('end', () => {
      closed = true;
      finish();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', () => {
      closed = true;
    });
    socket.on('connect', () => {
      const headers = {
        host: `127.0.0.1:${port}`,
        'content-type': 'application/json',
        ...(opts.chunked
          ? { 'transfer-encoding': 'chunked' }
          : { 'content-length': String(opts.declaredLength ?? opts.bodyBytes) }),
        ...opts.headers,
      };
      socket.write(
        `${opts.method ?? 'POST'} ${opts.path} HTTP/1.1\r\n${Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('')}\r\n`,
      );
      const pump = () => {
        while (!stop && !socket.destroyed && bytesSent < opts.bodyBytes) {
          const piece = opts.chunked
            ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
            : chunk;
          bytesSent += chunk.length;
          if (!socket.write(piece)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    socket.on('error', (err) => {
      if (!received) reject(err);
    });
  });
}
