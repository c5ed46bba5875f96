import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAllowedOrigin, widgetCors } from './cors.js';

describe('widget CORS origins', () => {
  it('allows amoCRM and Kommo account origins', () => {
    expect(isAllowedOrigin('https://shop.amocrm.ru', [])).toBe(true);
    expect(isAllowedOrigin('https://shop.amocrm.com', [])).toBe(true);
    expect(isAllowedOrigin('https://my-shop.kommo.com', [])).toBe(true);
  });

  it('refuses look-alikes, plain http and unknown hosts', () => {
    expect(isAllowedOrigin('http://shop.amocrm.ru', [])).toBe(false);
    expect(isAllowedOrigin('https://shop.amocrm.ru.evil.com', [])).toBe(false);
    expect(isAllowedOrigin('https://evilamocrm.ru', [])).toBe(false);
    expect(isAllowedOrigin('https://a.b.amocrm.ru', [])).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:8788', [])).toBe(false);
  });

  it('allows configured extra origins exactly', () => {
    expect(isAllowedOrigin('http://127.0.0.1:8788', ['http://127.0.0.1:8788'])).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:8789', ['http://127.0.0.1:8788'])).toBe(false);
  });
});

const corsApp = () => {
  const a = new Hono();
  a.use('*', widgetCors(['http://127.0.0.1:8788']));
  a.get('/ok', (c) => c.json({ ok: true }));
  a.get('/own-vary', (c) => c.json({ ok: true }, 200, { Vary: 'Accept-Language' }));
  a.get('/fails', () => {
    throw new Error('boom');
  });
  a.onError((_err, c) => c.json({ error: true }, 500));
  return a;
};

type Get = (path: string, origin?: string, method?: string) => Promise<Response>;

// In-process (app.request: the headers ride on the context) and over a real Node server (the
// headers go onto Node's answer, merged into what the route writes): both must answer alike.
const transports: [string, () => Promise<{ get: Get; close(): Promise<void> }>][] = [
  [
    'app.request',
    async () => {
      const app = corsApp();
      return {
        get: async (path, origin, method = 'GET') =>
          await app.request(path, { method, headers: origin ? { origin } : {} }),
        close: async () => {},
      };
    },
  ],
  [
    'a Node server',
    async () => {
      const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
        const s = serve({ fetch: corsApp().fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      });
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return {
        get: (path, origin, method = 'GET') =>
          fetch(`${base}${path}`, { method, headers: origin ? { origin } : {} }),
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    },
  ],
];

describe.each(transports)('widget CORS answers through %s', (_name, open) => {
  let get: Get;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ get, close } = await open());
  });
  afterAll(() => close());
  it('echoes an allowed origin on answers and on errors, always with Vary: Origin', async () => {
    for (const path of ['/ok', '/fails']) {
      const res = await get(path, 'https://shop.amocrm.ru');
      expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.amocrm.ru');
      expect(res.headers.get('vary')).toBe('Origin');
    }
    expect(await (await get('/ok', 'https://shop.amocrm.ru')).json()).toEqual({ ok: true });
  });

  it('gives a foreign origin no allow header, and the answer still varies on Origin', async () => {
    const res = await get('/ok', 'https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it("lets a route's own Vary stand, with the allowed origin still echoed", async () => {
    const res = await get('/own-vary', 'https://shop.amocrm.ru');
    expect(res.headers.get('vary')).toBe('Accept-Language');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.amocrm.ru');
    expect(await res.json()).toEqual({ ok: true });
  });

  it('answers a preflight with 204, the methods and the widget headers, without running the route', async () => {
    const res = await get('/ok', 'http://127.0.0.1:8788', 'OPTIONS');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8788');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST,PUT,OPTIONS');
    expect(res.headers.get('access-control-allow-headers')?.split(',')).toEqual(
      expect.arrayContaining(['X-Auth-Token', 'Content-Type', 'Idempotency-Key']),
    );
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(await res.text()).toBe('');
    const foreign = await get('/ok', 'https://evil.example', 'OPTIONS');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
