import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { TEST_SECRET } from '../support/stack.js';
import { nastyText } from './arbitraries.js';
import { useFuzzStack } from './fuzz-stack.js';
import { expectWellFormed } from './support.js';

const fuzz = useFuzzStack();

const now = () => Math.floor(Date.now() / 1000);
const claim = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

describe('fuzz: disposable tokens', () => {
  it('random alg, aud, iss, exp, jti and account: only a fully valid token passes, nothing is a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          alg: fc.constantFrom('HS256', 'HS384', 'HS512'),
          secret: fc.constantFrom(TEST_SECRET, 'wrong-secret-0123456789abcdef'),
          iss: claim(
            fc.oneof(
              fc.constant('https://erpbridgedemo.amocrm.ru'),
              fc.constant('https://other.amocrm.ru'),
              nastyText,
            ),
          ),
          aud: claim(fc.oneof(fc.constant('BACKEND'), fc.constant('https://evil.example'), nastyText)),
          exp: claim(
            fc.oneof(
              fc.integer({ min: -100_000, max: 100_000 }).map((d) => now() + d),
              fc.constant(1e12),
            ),
          ),
          nbf: claim(fc.integer({ min: -1000, max: 100_000 }).map((d) => now() + d)),
          jti: claim(fc.oneof(fc.uuid(), nastyText)),
          account_id: claim(fc.oneof(fc.constant(31000001), fc.integer(), nastyText)),
          user_id: claim(fc.oneof(fc.nat(), nastyText)),
          is_admin: claim(fc.oneof(fc.boolean(), nastyText)),
        }),
        async ({ alg, secret, aud, ...claims }) => {
          const payload = Object.fromEntries(
            Object.entries({
              ...claims,
              aud: aud === 'BACKEND' ? fuzz.stack.backend : aud,
              iat: now(),
            }).filter(([, v]) => v !== undefined),
          );
          let jwt: string;
          try {
            jwt = await new SignJWT(payload)
              .setProtectedHeader({ alg })
              .sign(new TextEncoder().encode(secret));
          } catch {
            return; // jose refuses to sign it: nothing to send
          }
          const res = await fetch(`${fuzz.stack.backend}/api/v1/leads/1001/guard`, {
            headers: { 'X-Auth-Token': jwt },
          });
          await expectWellFormed(res, JSON.stringify(payload).slice(0, 200));
          const fullyValid =
            alg === 'HS256' &&
            secret === TEST_SECRET &&
            claims.iss === 'https://erpbridgedemo.amocrm.ru' &&
            aud === 'BACKEND' &&
            claims.account_id === 31000001 &&
            typeof claims.jti === 'string' &&
            /^[0-9a-f-]{36}$/.test(claims.jti) &&
            claims.exp !== undefined &&
            claims.exp > now() + 5 &&
            claims.exp < now() + 86_400 &&
            (claims.nbf === undefined || claims.nbf <= now()) &&
            (claims.user_id === undefined || typeof claims.user_id === 'number') &&
            (claims.is_admin === undefined || typeof claims.is_admin === 'boolean');
          if (!fullyValid) expect(res.status, JSON.stringify(payload).slice(0, 200)).not.toBe(200);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random bytes as a token: 401 problem+json', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(...'abcXYZ012.-_=+/ '.split('')), maxLength: 300 }),
        async (raw) => {
          const res = await fetch(`${fuzz.stack.backend}/api/v1/leads/1001/stock`, {
            headers: { 'X-Auth-Token': raw.trim() || 'x' },
          });
          expect(res.status).toBe(401);
          await expectWellFormed(res, raw);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a replayed valid token is refused the second time', async () => {
    const jwt = await new SignJWT({
      iss: 'https://erpbridgedemo.amocrm.ru',
      aud: fuzz.stack.backend,
      account_id: 31000001,
      jti: randomUUID(),
      iat: now(),
      exp: now() + 600,
    })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(TEST_SECRET));
    const first = await fetch(`${fuzz.stack.backend}/api/v1/leads/1001/guard`, {
      headers: { 'X-Auth-Token': jwt },
    });
    expect(first.status).toBeLessThan(500);
    const again = await fetch(`${fuzz.stack.backend}/api/v1/leads/1001/guard`, {
      headers: { 'X-Auth-Token': jwt },
    });
    expect(again.status).toBe(401);
    await expectWellFormed(again, 'replay');
  });
});
