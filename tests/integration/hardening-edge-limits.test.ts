import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.js';
import { rawRequest } from './hardening-edge.raw-http.js';

let stack: Stack;
let port: number;
let hookPath: string;

beforeAll(async () => {
  stack = await startStack();
  port = stack.server.port;
  const inst = await stack.server.services.installations.findActive(31000001);
  if (!inst) throw new Error('demo installation missing');
  hookPath = `/webhooks/amocrm/${inst.hookKey}`;
});
afterAll(() => stack?.close());

const MB = 1024 * 1024;

describe('body limits', () => {
  it('refuses a declared 200 MB body with 413 + Connection: close, without reading it, and closes the socket', async () => {
    const rssBefore = process.memoryUsage().rss;
    const answer = await rawRequest(port, {
      path: '/api/v1/leads/1001/stock-check',
      declaredLength: 200 * MB,
      bodyBytes: 200 * MB,
    });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    expect(answer.headers['keep-alive']).toBeUndefined();
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 413, code: 'request.payload_too_large' });
    expect(answer.closed).toBe(true);
    expect(answer.bytesSent).toBeLessThan(100 * MB);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(150 * MB);
    // A new connection is served as usual.
    expect((await fetch(`${stack.backend}/healthz`)).status).toBe(200);
  });

  it('stops a chunked body the moment it passes the limit, answers 413 with Connection: close', async () => {
    const answer = await rawRequest(port, {
      path: hookPath,
      chunked: true,
      bodyBytes: 200 * MB,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    expect(answer.closed).toBe(true);
    expect(answer.bytesSent).toBeLessThan(100 * MB);
    expect((await fetch(`${stack.backend}/healthz`)).status).toBe(200);
  });

  it('sizes the limit to the route: a 100 KB hook body passes the limit, the same body to the widget API does not', async () => {
    const pad = 'x'.repeat(100 * 1024);
    const hook = await fetch(`${stack.backend}${hookPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `account[id]=31000001&pad=${pad}`,
    });
    expect(hook.status).not.toBe(413);
    const api = await fetch(`${stack.backend}/api/v1/leads/1001/stock-check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad }),
    });
    expect(api.status).toBe(413);
    expect(api.headers.get('connection')).toBe('close');
    const settings = await fetch(`${stack.backend}/api/v1/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(80 * 1024) }),
    });
    expect(settings.status).toBe(413);
  });

  it('keeps a connection alive after an ordinary answer (keep-alive is only dropped with the 413)', async () => {
    const answer = await rawRequest(port, {
      method: 'GET',
      path: '/healthz',
      bodyBytes: 0,
      waitMs: 300,
      headers: {},
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.connection).not.toBe('close');
    expect(answer.closed).toBe(false);
  });
});
