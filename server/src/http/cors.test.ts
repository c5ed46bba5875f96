import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
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

describe('widget CORS answers', () => {
  const app = () => {
    const a = new Hono();
    a.use('*', widgetCors(['http://127.0.0.1:8788']));
    a.get('/ok', (c) => c.json({ ok: true }));
    a.get('/fails', () => {
      throw new Error('boom');
    });
    a.onError((_err, c) => c.json({ error: true }, 500));
    return a;
  };
  const get = (path: string, origin?: string, method = 'GET') =>
    app().request(path, { method, headers: origin ? { origin } : {} });

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
