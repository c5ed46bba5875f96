import { HttpClient, type HttpClientOptions } from './http.js';

/** A scripted stand-in for MoySklad, for unit tests that need exact control over answers. */
export interface FakeCall {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

export interface FakeAnswer {
  status?: number;
  body?: unknown;
  /** Sent as is instead of JSON. */
  raw?: string;
  headers?: Record<string, string>;
}

export function fakeFetch(answer: (call: FakeCall) => FakeAnswer | Promise<FakeAnswer>) {
  const calls: FakeCall[] = [];
  const fetch: typeof globalThis.fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const call: FakeCall = {
      method: init.method ?? 'GET',
      url: new URL(String(input)),
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const signal = init.signal;
    const a = await Promise.race([
      Promise.resolve(answer(call)),
      new Promise<never>((_, reject) => {
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason));
      }),
    ]);
    const text = a.raw ?? JSON.stringify(a.body ?? {});
    return new Response(text, {
      status: a.status ?? 200,
      headers: { 'Content-Type': 'application/json;charset=utf-8', ...a.headers },
    });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

export const API = 'https://api.moysklad.test/api/remap/1.2';

export const msError = (status: number, code: number, error = 'Ошибка'): FakeAnswer => ({
  status,
  body: { errors: [{ error, code, moreInfo: `https://dev.moysklad.ru/#${code}` }] },
});

export const list = (type: string, rows: unknown[]) => ({
  meta: {
    href: `${API}/entity/${type}`,
    type,
    mediaType: 'application/json',
    size: rows.length,
    limit: 1000,
    offset: 0,
  },
  rows,
});

export const meta = (type: string, id: string) => ({
  href: `${API}/entity/${type}/${id}`,
  type,
  mediaType: 'application/json',
});

/** An HttpClient on a scripted MoySklad: short timeouts and retries, any option overridable. */
export function fakeHttpClient(
  answer: Parameters<typeof fakeFetch>[0],
  opts: Partial<HttpClientOptions> = {},
) {
  const fake = fakeFetch(answer);
  const http = new HttpClient({
    token: 'tok',
    apiBase: API,
    fetch: fake.fetch,
    timeoutMs: 1000,
    maxInFlight: 5,
    maxRateLimitRetries: 2,
    maxServerRetries: 2,
    retryBaseMs: 1,
    maxRetryWaitMs: 1000,
    ...opts,
  });
  return { http, calls: fake.calls };
}
