import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AuthVariables } from '../amocrm/disposable-token/index.js';
import type { Installation } from '../amocrm/installations.js';
import { DomainError } from '../errors.js';
import { problemResponse } from './problem.js';
import { userConcurrency } from './user-concurrency.js';

function app(max: number) {
  const release: (() => void)[] = [];
  const a = new Hono<{ Variables: AuthVariables }>();
  a.use('*', async (c, next) => {
    c.set('auth', {
      installation: { accountId: 1 } as Installation,
      userId: Number(c.req.header('x-user')),
    } as AuthVariables['auth']);
    await next();
  });
  a.use('*', userConcurrency({ max }));
  a.get('/slow', () => new Promise<Response>((r) => release.push(() => r(new Response('ok')))));
  a.post('/slow', () => new Response('written'));
  a.onError((err, c) => (err instanceof DomainError ? problemResponse(c, err) : c.text('boom', 500)));
  return { a, release };
}

describe('per-user cap on widget reads in flight', () => {
  it('answers 429 request.rate_limited past the cap, for that user only, and frees the slot afterwards', async () => {
    const { a, release } = app(2);
    const get = (user: number) => a.request('/slow', { headers: { 'x-user': String(user) } });
    const first = [get(5), get(5)];
    await new Promise((r) => setTimeout(r, 10));
    const third = await get(5);
    expect(third.status).toBe(429);
    expect(third.headers.get('content-type')).toBe('application/problem+json');
    expect(third.headers.get('retry-after')).toBe('1');
    expect((await third.json()).code).toBe('request.rate_limited');
    const other = get(6);
    await new Promise((r) => setTimeout(r, 10));
    expect((await a.request('/slow', { method: 'POST', headers: { 'x-user': '5' } })).status).toBe(200);
    for (const r of release.splice(0)) r();
    expect((await Promise.all([...first, other])).map((r) => r.status)).toEqual([200, 200, 200]);
    const again = get(5);
    await new Promise((r) => setTimeout(r, 10));
    for (const r of release.splice(0)) r();
    expect((await again).status).toBe(200);
  });
});
