import { Agent, request } from 'node:http';

export interface Timed {
  status: number;
  ms: number;
  body: string;
}

/**
 * A keep-alive HTTP/1.1 client for latency measurements: at most `connections` sockets, each
 * request timed from the call to the last byte of the answer (queueing for a socket included).
 */
export function createHttpClient(baseUrl: string, connections: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const base = new URL(baseUrl);
  if (base.hostname !== '127.0.0.1')
    throw new Error(`benchmarks talk to 127.0.0.1 only, not ${base.hostname}`);

  function send(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
    timeoutMs = 30_000,
  ): Promise<Timed> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method,
          path,
          headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              ms: performance.now() - started,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  return { send, close: () => agent.destroy() };
}

/** Runs `total` tasks with at most `concurrency` at a time (a closed loop per connection). */
export async function pool<T>(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const out = new Array<T>(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      for (let i = next++; i < total; i = next++) out[i] = await task(i);
    }),
  );
  return out;
}

/**
 * Runs `total` tasks in an open loop at `ratePerSecond`: task i leaves at its scheduled time
 * whether or not earlier ones answered (a closed loop, or autocannon's rate option, which lets
 * each connection send its whole second's quota at once, would hide queueing or invent bursts).
 * Returns the results, how long sending took and the worst lag behind the schedule.
 */
export async function paced<T>(
  total: number,
  ratePerSecond: number,
  task: (i: number) => Promise<T>,
): Promise<{ results: T[]; sentInSeconds: number; worstLagMs: number }> {
  const interval = 1000 / ratePerSecond;
  const started = performance.now();
  const inflight: Promise<T>[] = [];
  let worstLagMs = 0;
  for (let i = 0; i < total; ) {
    const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
    for (; i < due; i++) {
      worstLagMs = Math.max(worstLagMs, performance.now() - (started + i * interval));
      inflight.push(task(i));
    }
    if (i < total) await new Promise((r) => setTimeout(r, 1));
  }
  const sentInSeconds = (performance.now() - started) / 1000;
  return { results: await Promise.all(inflight), sentInSeconds, worstLagMs };
}
