import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ExchangeRecord } from '../lib/exchange.js';
import { exchangeContext } from '../lib/exchange.js';
import { backoffMs, exchange, OutboundFailure, parseJson, withRetries } from './index.js';

const answer =
  (body: string, init: ResponseInit = {}) =>
  async () =>
    new Response(body, init);

describe('outbound core', () => {
  it('reports every attempt once, with the path but never the query, attributed to the context', async () => {
    const seen: ExchangeRecord[] = [];
    const opts = {
      system: 'erp' as const,
      timeoutMs: 1000,
      fetch: answer('{}', { status: 503, headers: { 'x-request-id': 'r-1' } }),
      onExchange: (r: ExchangeRecord) => seen.push(r),
    };
    await exchangeContext.run({ jobId: 'job-7' }, () =>
      exchange(opts, { method: 'GET', url: 'https://erp.example/a/b?token=secret' }, 2),
    );
    expect(seen).toEqual([
      expect.objectContaining({ path: '/a/b', status: 503, attempt: 2, requestId: 'r-1', jobId: 'job-7' }),
    ]);
  });

  it('reports status 0 and throws a timeout when no answer comes in time', async () => {
    const seen: ExchangeRecord[] = [];
    const never: typeof fetch = (_u, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const err = await exchange(
      { system: 'erp', timeoutMs: 20, fetch: never, onExchange: (r) => seen.push(r) },
      { method: 'GET', url: 'https://erp.example/x' },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout' });
    expect(seen).toMatchObject([{ status: 0, attempt: 1 }]);
  });

  it('refuses an answer larger than the limit', async () => {
    const err = await exchange(
      { system: 'erp', timeoutMs: 1000, maxBodyBytes: 10, fetch: answer('x'.repeat(100)) },
      { method: 'GET', url: 'https://erp.example/x' },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundFailure);
    expect(err).toMatchObject({ kind: 'too_large' });
  });

  it('stops retrying at once when the caller aborts during the wait', async () => {
    const caller = new AbortController();
    let attempts = 0;
    const started = Date.now();
    setTimeout(() => caller.abort(), 30);
    const err = await withRetries(
      async () => {
        attempts++;
        throw new Error('down');
      },
      () => 10_000,
      caller.signal,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'aborted' });
    expect(attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('jitters the backoff within half a step and the cap', () => {
    for (let i = 0; i < 50; i++) {
      const wait = backoffMs(3, 100, 500);
      expect(wait).toBeGreaterThanOrEqual(250);
      expect(wait).toBeLessThanOrEqual(500);
    }
  });

  it('names what was wrong with a body without quoting it', () => {
    expect(parseJson('<html>', z.object({}))).toEqual({ ok: false, problem: 'the answer is not JSON' });
    expect(parseJson('{"a":1}', z.object({ a: z.string() }))).toMatchObject({ ok: false });
  });
});
