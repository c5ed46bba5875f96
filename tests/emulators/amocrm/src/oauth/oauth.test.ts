import { describe, expect, it } from 'vitest';
import { TEST_BACKEND, TEST_SECRET, testEmulator } from '../test-helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: test reads loosely typed JSON
type Json = any;

const REDIRECT = `${TEST_BACKEND}/oauth/callback`;
const base = { client_id: 'demo-client-id', client_secret: TEST_SECRET, redirect_uri: REDIRECT };

function tokenRequest(body: Record<string, unknown>): RequestInit {
  return { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

describe('POST /oauth2/access_token', () => {
  it('exchanges a code once and the access token opens the API', async () => {
    const { app, state, calls } = testEmulator();
    const code = state.issueAuthCode();
    const res = await app.request(
      '/oauth2/access_token',
      tokenRequest({ ...base, grant_type: 'authorization_code', code }),
    );
    expect(res.status).toBe(200);
    const pair: Json = await res.json();
    expect(pair).toMatchObject({
      token_type: 'Bearer',
      expires_in: 86400,
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      server_time: expect.any(Number),
    });
    const account = await app.request('/api/v4/account', {
      headers: { Authorization: `Bearer ${pair.access_token}` },
    });
    expect(account.status).toBe(200);

    const again = await app.request(
      '/oauth2/access_token',
      tokenRequest({ ...base, grant_type: 'authorization_code', code }),
    );
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({
      hint: 'Authorization code has been revoked',
      title: 'Некорректный запрос',
      type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson',
      status: 400,
    });
    expect(
      calls.filter((c) => c.path === '/oauth2/access_token').map((c) => [c.grantType, c.status]),
    ).toEqual([
      ['authorization_code', 200],
      ['authorization_code', 400],
    ]);
  });

  it('says it cannot decrypt an unknown code, and accepts a form-encoded body', async () => {
    const { app } = testEmulator();
    const res = await app.request('/oauth2/access_token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...base, grant_type: 'authorization_code', code: 'garbage' }).toString(),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).hint).toBe('Cannot decrypt the authorization code');
  });

  it('rotates refresh tokens; reusing one answers 401 "Token has been revoked"', async () => {
    const { app, state } = testEmulator();
    const first: Json = await (
      await app.request(
        '/oauth2/access_token',
        tokenRequest({ ...base, grant_type: 'authorization_code', code: state.issueAuthCode() }),
      )
    ).json();
    const refresh = (token: string) =>
      app.request(
        '/oauth2/access_token',
        tokenRequest({ ...base, grant_type: 'refresh_token', refresh_token: token }),
      );
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    const pair: Json = await second.json();
    expect(pair.refresh_token).not.toBe(first.refresh_token);
    expect(state.refreshCount()).toBe(1);

    const reused = await refresh(first.refresh_token);
    expect(reused.status).toBe(401);
    expect(reused.headers.get('content-type')).toContain('application/problem+json');
    expect(await reused.json()).toMatchObject({
      hint: 'Token has been revoked',
      title: 'Некорректный запрос',
      type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson',
      status: 401,
      detail: expect.any(String),
    });
    expect((await refresh(pair.refresh_token)).status).toBe(200);
    expect(state.refreshCount()).toBe(2);
  });

  it('answers 401 for a wrong client secret', async () => {
    const { app, state } = testEmulator();
    const res = await app.request(
      '/oauth2/access_token',
      tokenRequest({
        ...base,
        client_secret: 'nope',
        grant_type: 'authorization_code',
        code: state.issueAuthCode(),
      }),
    );
    expect(res.status).toBe(401);
  });

  it('refuses an expired access token with 401, keeps the static token valid', async () => {
    const { app, state } = testEmulator({ accessTokenTtlSeconds: 60 });
    const pair: Json = await (
      await app.request(
        '/oauth2/access_token',
        tokenRequest({ ...base, grant_type: 'authorization_code', code: state.issueAuthCode() }),
      )
    ).json();
    expect(pair.expires_in).toBe(60);
    state.expireAccessTokens();
    const res = await app.request('/api/v4/account', {
      headers: { Authorization: `Bearer ${pair.access_token}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ title: 'Unauthorized', status: 401 });
    const stat = await app.request('/api/v4/account', {
      headers: { Authorization: 'Bearer test-access-token' },
    });
    expect(stat.status).toBe(200);
  });
});
