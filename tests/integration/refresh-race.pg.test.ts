import { afterEach, describe, expect, it } from 'vitest';
import { postgresForTests } from '../../server/src/db/test-databases.js';
import { prepareRefreshRace, type RefreshRace, runRefreshWorkers } from '../support/refresh-worker.js';

/**
 * amoCRM refresh tokens are single use: two server processes that both spend one lose the
 * account. Two real processes on one real PostgreSQL, 50 concurrent callers each, must cause
 * exactly one refresh. Skipped only without TEST_DATABASE_URL outside CI; under CI it must run.
 */
const adminUrl = postgresForTests();

let race: RefreshRace | undefined;
afterEach(async () => {
  await race?.close();
  race = undefined;
});

async function refreshAt(r: RefreshRace, refreshToken: string) {
  const res = await fetch(`${r.emulator.url}/oauth2/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: 'demo-client-id',
      client_secret: 'refresh-race-client-secret-0123456789',
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    }),
  });
  return { status: res.status, body: (await res.json()) as { hint?: string } };
}

async function expectOneRefresh(r: RefreshRace, results: Awaited<ReturnType<typeof runRefreshWorkers>>) {
  for (const w of results) expect(w.errors).toEqual([]);
  expect(r.emulator.state.refreshCount()).toBe(1);
  expect(results.reduce((n, w) => n + w.refreshes, 0)).toBe(1);
  const tokens = new Set(results.flatMap((w) => w.tokens));
  expect(tokens.size).toBe(1);
  for (const w of results) expect(w.tokens).toHaveLength(1);
  const [token] = [...tokens];
  expect(token).not.toBe(r.original.accessToken);

  // The stored pair is the one the single refresh produced: its access token works at amoCRM,
  // and its refresh token is live (the original one is spent).
  const stored = await r.stored();
  expect(stored.accessToken).toBe(token);
  expect(stored.refreshToken).not.toBe(r.original.refreshToken);
  const account = await fetch(`${r.emulator.url}/api/v4/account`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(account.status).toBe(200);
  const spent = await refreshAt(r, r.original.refreshToken);
  expect(spent.status).toBe(401);
  expect(spent.body.hint).toBe('Token has been revoked');
  const live = await refreshAt(r, stored.refreshToken ?? '');
  expect(live.status).toBe(200);
}

describe.skipIf(!adminUrl)('refresh race across two processes on one PostgreSQL', () => {
  it('100 calls (2 processes x 50) with an expired token cause exactly one refresh', async () => {
    race = await prepareRefreshRace(adminUrl ?? '', { expired: true });
    const before = await fetch(`${race.emulator.url}/api/v4/account`, {
      headers: { authorization: `Bearer ${race.original.accessToken}` },
    });
    expect(before.status).toBe(401); // the emulator expired it too
    const results = await runRefreshWorkers(race, { mode: 'get', calls: 50, processes: 2 });
    await expectOneRefresh(race, results);
  }, 60_000);

  it('100 onUnauthorized(old token) calls (2 processes x 50) cause exactly one refresh', async () => {
    // Our clock still says the token is good; amoCRM answered 401 to it in both processes.
    race = await prepareRefreshRace(adminUrl ?? '', { expired: false });
    const results = await runRefreshWorkers(race, { mode: 'unauthorized', calls: 50, processes: 2 });
    await expectOneRefresh(race, results);
  }, 60_000);
});
