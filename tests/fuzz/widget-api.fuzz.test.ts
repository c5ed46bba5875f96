import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TEST_SECRET } from '../support/stack.js';
import { signDisposableToken } from '../support/tokens.js';
import { jsonBody, nastyText } from './arbitraries.js';
import { useFuzzStack } from './fuzz-stack.js';
import { routeUrl, tokenRoutes } from './routes.js';
import { expectWellFormed } from './support.js';

const ACCOUNT = 31000001;
const fuzz = useFuzzStack();

// Every route a token opens, from the route table: a route added there is fuzzed here too.
const ROUTES = tokenRoutes;
const called = new Set<string>();

const token = (valid: boolean, admin: boolean) =>
  valid
    ? signDisposableToken(TEST_SECRET, {
        iss: 'https://erpbridgedemo.amocrm.ru',
        aud: fuzz.stack.backend,
        account_id: ACCOUNT,
        user_id: 5,
        is_admin: admin,
      })
    : signDisposableToken('not-the-secret', {
        iss: 'https://erpbridgedemo.amocrm.ru',
        aud: fuzz.stack.backend,
        account_id: ACCOUNT,
      });

describe('fuzz: widget API', () => {
  it('any route, id, query, body and header, with valid and invalid tokens: never a 5xx, errors are problem+json', async () => {
    for (const { name, spec } of ROUTES) {
      const method = spec.method.toUpperCase();
      await fc.assert(
        fc.asyncProperty(
          routeUrl(spec),
          fc.option(jsonBody, { nil: undefined }),
          fc.boolean(),
          fc.boolean(),
          fc.option(
            nastyText.filter((s) => /^[\x21-\x7e]{1,60}$/.test(s)),
            { nil: undefined },
          ),
          async (url, body, valid, admin, idempotencyKey) => {
            const res = await fetch(`${fuzz.stack.backend}${url}`, {
              method,
              headers: {
                'X-Auth-Token': await token(valid, admin),
                ...(body !== undefined && { 'content-type': 'application/json' }),
                ...(idempotencyKey !== undefined && { 'Idempotency-Key': idempotencyKey }),
              },
              body: method === 'GET' ? undefined : body,
            });
            called.add(name);
            await expectWellFormed(
              res,
              `${name}: ${method} ${url.slice(0, 80)} ${String(body).slice(0, 80)}`,
            );
          },
        ),
        { numRuns: 6 },
      );
    }
  });

  it('called every route of the table a token opens', () => {
    expect([...called].sort()).toEqual(ROUTES.map((r) => r.name).sort());
  });
});
