import { describe, expect, it } from 'vitest';
import { auth, testEmulator } from '../test-helpers.js';

describe('rate limit and abuse block', () => {
  it('answers the 8th request within a second with 429 and Retry-After: 1', async () => {
    const { app, calls } = testEmulator({ rateLimitPerSecond: 7 });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await app.request('/api/v4/account', { headers: auth })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 429]);
    const res = await app.request('/api/v4/account', { headers: auth });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 429 });
    expect(calls.filter((c) => c.status === 429)).toHaveLength(2);
  });

  it('admits requests again once the second has passed', async () => {
    const { app } = testEmulator({ rateLimitPerSecond: 2 });
    for (let i = 0; i < 3; i++) await app.request('/api/v4/account', { headers: auth });
    await new Promise((r) => setTimeout(r, 1010));
    expect((await app.request('/api/v4/account', { headers: auth })).status).toBe(200);
  });

  it('blocks the account with 403 HTML after too many 429s', async () => {
    const { app, state, calls } = testEmulator({
      rateLimitPerSecond: 1,
      abuseThreshold: 3,
      abuseBlockMs: 60_000,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await app.request('/api/v4/account', { headers: auth })).status);
    expect(statuses).toEqual([200, 429, 429, 429, 429, 403]);
    const res = await app.request('/api/v4/leads/1001', { headers: auth });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('<h1>Доступ запрещён</h1>');
    expect(calls.filter((c) => c.status === 403)).toHaveLength(2);
    state.unblockAccount();
    expect((await app.request('/api/v4/account', { headers: auth })).status).toBe(200);
  });

  it('blockAccount(ms) blocks for that long', async () => {
    const { app, state } = testEmulator();
    state.blockAccount(50);
    expect((await app.request('/api/v4/account', { headers: auth })).status).toBe(403);
    await new Promise((r) => setTimeout(r, 60));
    expect((await app.request('/api/v4/account', { headers: auth })).status).toBe(200);
  });
});
