import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { jsonBytes, sharedJsonAnswer } from './json-bytes.js';

describe('a shared JSON answer', () => {
  it('is the UTF-8 of JSON.stringify, made once per object and again for another object', () => {
    const value = { name: 'Дрель-шуруповёрт "18 В"', free: 4 };
    const bytes = jsonBytes(value);
    expect(new TextDecoder().decode(bytes)).toBe(JSON.stringify(value));
    expect(jsonBytes(value)).toBe(bytes);
    expect(jsonBytes({ ...value })).not.toBe(bytes);
  });

  it('answers as c.json would: status 200, application/json, the exact byte length, headers set before it', async () => {
    const app = new Hono();
    const value = { name: 'Склад «Москва»' };
    app.get('/', (c) => {
      c.header('Vary', 'Origin');
      return sharedJsonAnswer(c, value);
    });
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('vary')).toBe('Origin');
    const body = new Uint8Array(await res.arrayBuffer());
    expect(body.byteLength).toBe(Buffer.byteLength(JSON.stringify(value)));
    expect(await new Response(body).json()).toEqual(value);
  });
});
