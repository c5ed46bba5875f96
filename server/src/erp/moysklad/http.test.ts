import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErpError } from '../connector.js';
import { type FakeAnswer, fakeHttpClient, msError } from './fake-fetch.test-helper.js';

const Ok = z.object({ ok: z.boolean() });

const client = fakeHttpClient;

const fail = (p: Promise<unknown>) =>
  p.then(() => expect.fail('should have failed')).catch((e: unknown) => e as ErpError);

describe('MoySklad HttpClient', () => {
  it('sends the bearer token, asks for gzip JSON and encodes the filter', async () => {
    const { http, calls } = client(() => ({ body: { ok: true } }));
    await http.request({
      path: '/entity/product',
      query: { filter: 'article=A 1;article=B+2', limit: 10 },
      schema: Ok,
    });
    const [call] = calls;
    expect(call?.headers.get('authorization')).toBe('Bearer tok');
    expect(call?.headers.get('accept')).toBe('application/json;charset=utf-8');
    expect(call?.headers.get('accept-encoding')).toBe('gzip');
    expect(call?.url.searchParams.get('filter')).toBe('article=A 1;article=B+2');
    expect(call?.url.search).toBe('?filter=article%3DA%201%3Barticle%3DB%2B2&limit=10');
  });

  it.each<[string, FakeAnswer, string, boolean]>([
    ['1056', msError(401, 1056), 'auth', false],
    ['1021', msError(404, 1021), 'not_found', false],
    ['3006', msError(400, 3006), 'validation', false],
    ['3007', msError(412, 3007), 'validation', false],
    ['13004', msError(403, 13004), 'forbidden', false],
    ['409', { status: 409, raw: 'conflict' }, 'conflict', false],
    ['415', msError(415, 1062), 'validation', false],
  ])('maps MoySklad error %s to %s without retrying', async (_name, answer, code, retryable) => {
    const { http, calls } = client(() => answer);
    const err = await fail(http.request({ path: '/entity/x', schema: Ok }));
    expect(err).toBeInstanceOf(ErpError);
    expect(err).toMatchObject({ code, retryable });
    expect(calls).toHaveLength(1);
  });

  it('turns a body that is not JSON, or of the wrong shape, into invalid_response', async () => {
    for (const answer of [{ raw: '<html>' }, { body: { ok: 'yes' } }, { body: [] }]) {
      const { http } = client(() => answer);
      expect(await fail(http.request({ path: '/x', schema: Ok }))).toMatchObject({
        code: 'invalid_response',
      });
    }
  });

  it('retries a failing GET a bounded number of times, a POST never', async () => {
    const get = client(() => ({ status: 503, raw: 'down' }));
    expect(await fail(get.http.request({ path: '/x', schema: Ok }))).toMatchObject({
      code: 'unavailable',
      retryable: true,
    });
    expect(get.calls).toHaveLength(3);

    const post = client(() => msError(500, 1000));
    expect(await fail(post.http.request({ method: 'POST', path: '/x', body: {}, schema: Ok }))).toMatchObject(
      {
        code: 'unavailable',
      },
    );
    expect(post.calls).toHaveLength(1);

    let n = 0;
    const flaky = client(() => (n++ === 0 ? { status: 502, raw: '' } : { body: { ok: true } }));
    expect(await flaky.http.request({ path: '/x', schema: Ok })).toEqual({ ok: true });
  });

  it('reports network failures and timeouts as retryable', async () => {
    const down = client(() => Promise.reject(new TypeError('fetch failed')));
    expect(await fail(down.http.request({ path: '/x', schema: Ok }))).toMatchObject({
      code: 'unavailable',
      retryable: true,
    });
    expect(down.calls).toHaveLength(3);
    const slow = client(() => new Promise<never>(() => undefined), { timeoutMs: 30, maxServerRetries: 0 });
    expect(await fail(slow.http.request({ path: '/x', schema: Ok }))).toMatchObject({
      code: 'timeout',
      retryable: true,
    });
  });

  it('waits X-Lognex-Retry-After after a 429 and retries, then gives up with retryAfterMs', async () => {
    let n = 0;
    const limited = { ...msError(429, 1049), headers: { 'X-Lognex-Retry-After': '60' } };
    const once = client(() => (n++ === 0 ? limited : { body: { ok: true } }));
    const started = Date.now();
    expect(await once.http.request({ path: '/x', schema: Ok })).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);

    const always = client(() => limited);
    const err = await fail(always.http.request({ method: 'POST', path: '/x', body: {}, schema: Ok }));
    expect(err).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 60 });
    expect(always.calls).toHaveLength(3);

    const tooLong = client(() => ({ ...limited, headers: { 'X-Lognex-Retry-After': '5000' } }));
    expect(await fail(tooLong.http.request({ path: '/x', schema: Ok }))).toMatchObject({
      retryAfterMs: 5000,
    });
    expect(tooLong.calls).toHaveLength(1);
  });
});
