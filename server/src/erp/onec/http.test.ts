import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErpError } from '../connector.js';
import { createODataClient } from './http.js';
import { resolveOneCOptions } from './options.js';

type Reply = { status: number; body: string; headers?: Record<string, string> } | Error;

function fakeFetch(replies: Reply[]) {
  const seen: { url: string; init: RequestInit | undefined }[] = [];
  const impl: typeof fetch = async (url, init) => {
    seen.push({ url: String(url), init });
    const next = replies.shift();
    if (!next) throw new Error('no more replies');
    if (next instanceof Error) throw next;
    return new Response(next.body, { status: next.status, ...(next.headers && { headers: next.headers }) });
  };
  return { impl, seen };
}

const opts = (extra = {}) =>
  resolveOneCOptions({
    odataUrl: 'https://1c.example/trade/odata/standard.odata/',
    user: 'Администратор',
    password: 'p',
    retryBaseMs: 1,
    ...extra,
  });
const schema = z.object({ value: z.array(z.object({ Ref_Key: z.string() })) });
const ok = { status: 200, body: '{"value":[{"Ref_Key":"x"}]}' };
const odataError = (status: number) => ({
  status,
  body: JSON.stringify({ 'odata.error': { code: '9', message: { lang: 'ru', value: 'Ошибка' } } }),
});

describe('1C OData client', () => {
  it("hands a proxy's Retry-After over as retryAfterMs, in seconds or as an HTTP date (RFC 9110 §10.2.3)", async () => {
    const inSeconds = await createODataClient(
      opts(),
      fakeFetch([{ ...odataError(429), headers: { 'Retry-After': '30' } }]).impl,
    )
      .get('Catalog_Склады', {}, schema)
      .catch((e: unknown) => e);
    expect(inSeconds).toMatchObject({ code: 'rate_limited', retryAfterMs: 30_000 });
    const date = new Date(Math.ceil(Date.now() / 1000) * 1000 + 60_000).toUTCString();
    const asDate = await createODataClient(
      opts(),
      fakeFetch([{ ...odataError(429), headers: { 'Retry-After': date } }]).impl,
    )
      .get('Catalog_Склады', {}, schema)
      .catch((e: unknown) => e);
    expect(asDate).toBeInstanceOf(ErpError);
    expect((asDate as ErpError).retryAfterMs).toBeGreaterThan(50_000);
    expect((asDate as ErpError).retryAfterMs).toBeLessThanOrEqual(61_000);
  });

  it('sends UTF-8 Basic auth and $format=json to an encoded resource', async () => {
    const { impl, seen } = fakeFetch([ok]);
    await createODataClient(opts(), impl).get(
      'Catalog_Склады',
      { $filter: "Description eq 'Склад'" },
      schema,
    );
    const url = new URL(seen[0]?.url ?? '');
    expect(url.pathname).toBe('/trade/odata/standard.odata/Catalog_%D0%A1%D0%BA%D0%BB%D0%B0%D0%B4%D1%8B');
    expect(url.searchParams.get('$format')).toBe('json');
    expect(url.searchParams.get('$filter')).toBe("Description eq 'Склад'");
    const auth = ((seen[0]?.init?.headers ?? {}) as Record<string, string>).Authorization ?? '';
    expect(Buffer.from(auth.replace('Basic ', ''), 'base64').toString('utf8')).toBe('Администратор:p');
  });

  it.each([
    [401, 'auth'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [400, 'validation'],
  ])('maps %i to a non-retryable %s without retrying', async (status, code) => {
    const { impl, seen } = fakeFetch([odataError(status), ok]);
    const err = await createODataClient(opts(), impl)
      .get('Catalog_Склады', {}, schema)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code, retryable: false });
    expect((err as Error).message).toContain('Ошибка');
    expect(seen).toHaveLength(1);
  });

  it('retries 5xx and network errors a bounded number of times', async () => {
    const { impl, seen } = fakeFetch([odataError(500), new TypeError('fetch failed'), odataError(503)]);
    const err = await createODataClient(opts({ retries: 2 }), impl)
      .get('Catalog_Склады', {}, schema)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unavailable', retryable: true });
    expect(seen).toHaveLength(3);
  });

  it('turns a slow answer into a retryable timeout', async () => {
    const slow: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const err = await createODataClient(opts({ timeoutMs: 20, retries: 0 }), slow)
      .get('Catalog_Склады', {}, schema)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('turns a malformed body into invalid_response', async () => {
    for (const body of ['<html>', '{"value":[{"Ref_Key":1}]}']) {
      const { impl } = fakeFetch([{ status: 200, body }]);
      const err = await createODataClient(opts(), impl)
        .get('Catalog_Склады', {}, schema)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ErpError);
      expect((err as ErpError).code).toBe('invalid_response');
    }
  });

  it('never retries a create', async () => {
    const { impl, seen } = fakeFetch([odataError(502), ok]);
    const err = await createODataClient(opts(), impl)
      .post('Document_Счет', {}, schema, { idempotent: false })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unavailable' });
    expect(seen).toHaveLength(1);
  });

  it('refuses bad options at construction', () => {
    expect(() => opts({ odataUrl: 'not a url' })).toThrow(/1C connector: invalid options/);
  });
});
