import { randomUUID } from 'node:crypto';
import { PROBLEM_CONTENT_TYPE } from '@erp-bridge/shared';
import { Hono } from 'hono';
import { SignJWT, UnsecuredJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../errors.js';
import type { Installation } from '../installations.js';
import { type AuthVariables, disposableTokenAuth, requireAdmin } from './index.js';

const SECRET = 'test-client-secret-0123456789abcdef';
const AUD = 'https://erp.example.com';
const inst = (accountId: number, subdomain: string): Installation => ({
  id: accountId,
  accountId,
  subdomain,
  domain: 'amocrm.ru',
  status: 'active',
  accessTokenEnc: null,
  refreshTokenEnc: null,
  tokenExpiresAt: null,
  refreshTokenIssuedAt: null,
  refreshLeaseOwner: null,
  refreshLeaseUntil: null,
  authError: null,
  circuitOpenUntil: null,
  circuitReason: null,
  reconciledUntil: null,
  reconcileFoundAt: null,
  hookKey: `hook-${accountId}`,
  createdAt: new Date(),
  updatedAt: new Date(),
});
const installs = new Map([
  [100, inst(100, 'alpha')],
  [200, inst(200, 'beta')],
]);

function sign(overrides: Record<string, unknown> = {}, opts: { secret?: string; alg?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: 'https://alpha.amocrm.ru',
    aud: AUD,
    jti: randomUUID(),
    iat: now,
    nbf: now,
    exp: now + 1800,
    account_id: 100,
    user_id: 7,
    subdomain: 'alpha',
    client_uuid: 'client-uuid',
    is_admin: false,
    ...overrides,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? 'HS256' })
    .sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

let used: Set<string>;
function app() {
  const a = new Hono<{ Variables: AuthVariables }>();
  a.use(
    '*',
    disposableTokenAuth({
      secret: SECRET,
      audience: `${AUD}/some/path`,
      installations: { findActive: async (id) => installs.get(id) },
      replayStore: {
        claim: async (jti) => {
          if (used.has(jti)) return false;
          used.add(jti);
          return true;
        },
      },
    }),
  );
  a.get('/me', (c) => c.json({ accountId: c.get('auth').accountId, userId: c.get('auth').userId }));
  a.get('/admin', requireAdmin(), (c) => c.text('ok'));
  // The answer app.onError gives, inlined: a test outside http/ may not import it either.
  a.onError((err, c) =>
    err instanceof DomainError
      ? c.body(
          JSON.stringify({ status: err.status, code: err.code, title: err.title, detail: err.detail }),
          err.status as 401,
          {
            'content-type': PROBLEM_CONTENT_TYPE,
            ...err.headers,
          },
        )
      : c.text('boom', 500),
  );
  return a;
}
const call = (token?: string, path = '/me') =>
  app().request(path, { headers: token ? { 'X-Auth-Token': token } : {} });

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = await res.json();
  expect(body).toMatchObject({ status, code });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
}

describe('disposable-token auth', () => {
  beforeEach(() => {
    used = new Set();
  });

  it('accepts a valid token and exposes the account and user', async () => {
    const res = await call(await sign());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accountId: 100, userId: 7 });
  });

  it('refuses a request without a token', async () => {
    await expectProblem(await call(), 401, 'auth.missing_token');
  });

  it('refuses alg none', async () => {
    const token = new UnsecuredJWT({
      iss: 'https://alpha.amocrm.ru',
      aud: AUD,
      jti: randomUUID(),
      account_id: 100,
      user_id: 1,
    })
      .setExpirationTime('10m')
      .encode();
    await expectProblem(await call(token), 401, 'auth.invalid_token');
  });

  it('refuses HS512 even with the right secret', async () => {
    await expectProblem(await call(await sign({}, { alg: 'HS512' })), 401, 'auth.invalid_token');
  });

  it('refuses a forged signature', async () => {
    await expectProblem(
      await call(await sign({}, { secret: 'another-secret-0123456789abcdef' })),
      401,
      'auth.invalid_token',
    );
  });

  it('refuses a token for another backend', async () => {
    await expectProblem(
      await call(await sign({ aud: 'https://other.example.com' })),
      401,
      'auth.invalid_token',
    );
  });

  it('refuses a token whose issuer is not the account', async () => {
    await expectProblem(await call(await sign({ iss: 'https://beta.amocrm.ru' })), 401, 'auth.invalid_token');
  });

  it("refuses account A's token presented as account B", async () => {
    await expectProblem(await call(await sign({ account_id: 200 })), 401, 'auth.invalid_token');
  });

  it('refuses an unknown account', async () => {
    await expectProblem(await call(await sign({ account_id: 999 })), 401, 'auth.unknown_account');
  });

  it('refuses an expired token beyond the 30 s leeway, accepts one within it', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectProblem(
      await call(await sign({ exp: now - 31, iat: now - 1900, nbf: now - 1900 })),
      401,
      'auth.expired_token',
    );
    expect((await call(await sign({ exp: now - 10, iat: now - 1800, nbf: now - 1800 }))).status).toBe(200);
  });

  it('refuses a token that is not valid yet', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectProblem(await call(await sign({ nbf: now + 120 })), 401, 'auth.invalid_token');
  });

  it('refuses a token that claims to live for more than a day (its jti could not be kept that long)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectProblem(await call(await sign({ exp: now + 2 * 86_400 })), 401, 'auth.invalid_token');
    await expectProblem(await call(await sign({ exp: 1e12 })), 401, 'auth.invalid_token');
  });

  it('refuses a token without exp or jti', async () => {
    await expectProblem(await call(await sign({ exp: undefined })), 401, 'auth.invalid_token');
    await expectProblem(await call(await sign({ jti: undefined })), 401, 'auth.invalid_token');
  });

  it('refuses a replayed token', async () => {
    const a = app();
    const token = await sign();
    expect((await a.request('/me', { headers: { 'X-Auth-Token': token } })).status).toBe(200);
    await expectProblem(
      await a.request('/me', { headers: { 'X-Auth-Token': token } }),
      401,
      'auth.token_replayed',
    );
  });

  it('gives admin routes 403 for a valid non-admin user', async () => {
    await expectProblem(await call(await sign({ is_admin: false }), '/admin'), 403, 'auth.forbidden');
    expect((await call(await sign({ is_admin: true }), '/admin')).status).toBe(200);
  });

  it('fails at build time with a weak secret', () => {
    expect(() =>
      disposableTokenAuth({
        secret: 'short',
        audience: AUD,
        installations: { findActive: async () => undefined },
        replayStore: { claim: async () => true },
      }),
    ).toThrow(/secret/);
  });
});
