import { getEventListeners } from 'node:events';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeAnswer } from './node-answer.js';
import { clientGone } from './request-signal.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Seen {
  signal: AbortSignal;
  listenersAtStart: number;
  closeListeners: number;
}
const seen: Seen[] = [];
let lateAborted: boolean | undefined;

/** The request's signal, noted with the listeners it and its socket have as the handler starts. */
const noted = (c: Context) => {
  const signal = clientGone(c);
  seen.push({
    signal,
    listenersAtStart: getEventListeners(signal, 'abort').length,
    closeListeners: nodeAnswer(c)?.socket?.listenerCount('close') ?? -1,
  });
  return signal;
};

const app = new Hono();
app.get('/quick', (c) => c.json({ aborted: noted(c).aborted }));
// A consumer that never removes its listener.
app.get('/leaky', (c) => {
  noted(c).addEventListener('abort', () => {});
  return c.json({ ok: true });
});
app.get('/wait', async (c) => {
  const signal = clientGone(c);
  seen.push({ signal, listenersAtStart: 0, closeListeners: 0 });
  await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
  return c.json({ never: 'read' });
});
app.get('/late', async (c) => {
  await sleep(150);
  lateAborted = clientGone(c).aborted;
  return c.json({ late: true });
});

let server: ReturnType<typeof serve>;
let port = 0;
beforeAll(async () => {
  server = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = (path: string, agent?: Agent) =>
  new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });

describe('clientGone: the signal that the client who sent a request has gone', () => {
  it('fires with an AbortError when the client drops its connection mid-request', async () => {
    seen.length = 0;
    const req = request({ host: '127.0.0.1', port, path: '/wait' });
    req.on('error', () => {});
    req.end();
    while (seen.length === 0) await sleep(5);
    req.destroy();
    const signal = (seen[0] as Seen).signal;
    for (let i = 0; i < 100 && !signal.aborted; i++) await sleep(10);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe('AbortError');
  });

  it('is already aborted for a request whose client left before the handler looked', async () => {
    lateAborted = undefined;
    const req = request({ host: '127.0.0.1', port, path: '/late' });
    req.on('error', () => {});
    req.end();
    await sleep(40);
    req.destroy();
    for (let i = 0; i < 100 && lateAborted === undefined; i++) await sleep(10);
    expect(lateAborted).toBe(true);
  });

  it('answered requests on a keep-alive connection leave the next one unaborted', async () => {
    seen.length = 0;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(JSON.parse(await get('/quick', agent)));
    agent.destroy();
    expect(answers).toEqual(Array.from({ length: 5 }, () => ({ aborted: false })));
  });

  it('listeners a consumer left behind cannot pile up on a long connection', async () => {
    seen.length = 0;
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 40; i++) await get(i % 2 ? '/leaky' : '/quick', agent);
    agent.destroy();
    await sleep(20);
    process.off('warning', onWarning);
    // Every request starts with a signal nobody else listens to, and the socket gains no listeners.
    expect(seen.map((s) => s.listenersAtStart)).toEqual(seen.map(() => 0));
    const close = seen.map((s) => s.closeListeners);
    expect(Math.max(...close) - Math.min(...close)).toBeLessThanOrEqual(1);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
