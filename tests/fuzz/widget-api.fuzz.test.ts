import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Stack, startStack, TEST_SECRET } from '../support/stack.js';
import { signDisposableToken } from '../support/tokens.js';
import { jsonBody, nastyText, pathId } from './arbitraries.js';
import { expectWellFormed } from './support.js';

const ACCOUNT = 31000001;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    emulator: { rateLimitPerSecond: 0, autoDeliverWebhooks: false },
    env: { AMO_RATE_LIMIT: '50' },
  });
});
afterAll(() => stack?.close());

const ROUTES: [method: string, path: (id: string) => string][] = [
  ['GET', (id) => `/api/v1/leads/${id}/stock`],
  ['POST', (id) => `/api/v1/leads/${id}/stock-check`],
  ['GET', (id) => `/api/v1/leads/${id}/guard`],
  ['GET', (id) => `/api/v1/leads/${id}/invoices`],
  ['POST', (id) => `/api/v1/leads/${id}/invoices`],
  ['GET', (id) => `/api/v1/contacts/${id}/summary`],
  ['GET', (id) => `/api/v1/companies/${id}/summary`],
  ['POST', (id) => `/api/v1/contacts/${id}/customer`],
  ['POST', (id) => `/api/v1/companies/${id}/customer`],
  ['GET', () => '/api/v1/settings'],
  ['GET', (id) => `/api/v1/account/fields?entity=${id}`],
  ['POST', (id) => `/api/v1/contacts/${id}/customer/create`],
  ['POST', (id) => `/api/v1/companies/${id}/customer/unlink`],
  ['GET', (id) => `/api/v1/customers/search?q=${id}`],
  ['GET', (id) => `/api/v1/leads/${id}/erp-loop`],
  ['PUT', () => '/api/v1/settings'],
  ['GET', (id) => `/api/v1/journal?hours=${id}`],
  ['GET', (id) => `/api/v1/journal.csv?leadId=${id}`],
  ['GET', () => '/api/v1/alerts'],
  ['PUT', () => '/api/v1/alerts/settings'],
  ['GET', () => '/api/v1/operator/health'],
];

const token = (valid: boolean, admin: boolean) =>
  valid
    ? signDisposableToken(TEST_SECRET, {
        iss: 'https://erpbridgedemo.amocrm.ru',
        aud: stack.backend,
        account_id: ACCOUNT,
        user_id: 5,
        is_admin: admin,
      })
    : signDisposableToken('not-the-secret', {
        iss: 'https://erpbridgedemo.amocrm.ru',
        aud: stack.backend,
        account_id: ACCOUNT,
      });

describe('fuzz: widget API', () => {
  it('any route, id, body and header, with valid and invalid tokens: never a 5xx, errors are problem+json', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(ROUTES.length - 1),
        pathId,
        fc.option(jsonBody, { nil: undefined }),
        fc.boolean(),
        fc.boolean(),
        fc.option(
          nastyText.filter((s) => /^[\x21-\x7e]{1,60}$/.test(s)),
          { nil: undefined },
        ),
        async (route, id, body, valid, admin, idempotencyKey) => {
          const [method, path] = ROUTES[route] ?? ['GET', () => '/'];
          const url = path(id);
          const res = await fetch(`${stack.backend}${url}`, {
            method,
            headers: {
              'X-Auth-Token': await token(valid, admin),
              ...(body !== undefined && { 'content-type': 'application/json' }),
              ...(idempotencyKey !== undefined && { 'Idempotency-Key': idempotencyKey }),
            },
            body: method === 'GET' ? undefined : body,
          });
          await expectWellFormed(res, `${method} ${url.slice(0, 80)} ${String(body).slice(0, 80)}`);
        },
      ),
      { numRuns: 150 },
    );
  });
});
