import fc from 'fast-check';
import { describe, it } from 'vitest';
import { TEST_SECRET } from '../support/stack.js';
import { signDisposableToken } from '../support/tokens.js';
import { nastyText } from './arbitraries.js';
import { useFuzzStack } from './fuzz-stack.js';
import { expectWellFormed } from './support.js';

// Only the edge contract here (no 5xx, problem+json); the merge law of PUT is tested with the
// settings service. Every URL a body may name is on loopback port 9 (discard): a fuzzed save must
// never send traffic anywhere.
const ACCOUNT = 31000001;
const fuzz = useFuzzStack();

const loopback = fc.constantFrom('http://127.0.0.1:9', 'http://127.0.0.1:9/api/1.2', 'not a url', '');
const value = fc.oneof(
  nastyText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer(), nastyText), { maxLength: 3 }),
  fc.array(fc.record({ pipelineId: fc.integer(), statusId: fc.integer() }), { maxLength: 3 }),
);
const section = (keys: string[]) =>
  fc.dictionary(fc.oneof(fc.constantFrom(...keys), nastyText), value, { maxKeys: 4 });

const erp = fc.oneof(
  fc.record(
    {
      kind: fc.oneof(fc.constantFrom('local', 'moysklad', 'onec', 'rest'), nastyText),
      apiBase: loopback,
      odataUrl: loopback,
      token: nastyText,
      user: nastyText,
      password: nastyText,
      storeId: nastyText,
      mapping: fc.oneof(nastyText, fc.constant('{"baseUrl":"http://127.0.0.1:9"}')),
    },
    { requiredKeys: ['kind'] },
  ),
  value,
);

const body = fc.oneof(
  fc.record(
    {
      guard: fc.oneof(
        section(['enabled', 'tag', 'gatedStages', 'action', 'warehouseIds', 'stockCheckedFieldId']),
        value,
      ),
      invoices: fc.oneof(section(['allowedUserIds', 'numberFieldId', 'enabled', 'comment']), value),
      fields: fc.oneof(
        section(['skuFieldCode', 'priceFieldCode', 'innFieldId', 'customerLookupOrder']),
        value,
      ),
      erp,
    },
    { requiredKeys: [] },
  ),
  value,
);

const put = async (json: string, admin: boolean) =>
  fetch(`${fuzz.stack.backend}/api/v1/settings`, {
    method: 'PUT',
    headers: {
      'X-Auth-Token': await signDisposableToken(TEST_SECRET, {
        iss: 'https://erpbridgedemo.amocrm.ru',
        aud: fuzz.stack.backend,
        account_id: ACCOUNT,
        user_id: 1,
        is_admin: admin,
      }),
      'content-type': 'application/json',
    },
    body: json,
  });

describe('fuzz: settings PUT', () => {
  it('random bodies, admin or not: never a 5xx, every error problem+json, and GET still answers', async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (b, admin) => {
        const json = JSON.stringify(b) ?? 'null';
        await expectWellFormed(await put(json, admin), json.slice(0, 300));
        const view = await fetch(`${fuzz.stack.backend}/api/v1/settings`, {
          headers: {
            'X-Auth-Token': await signDisposableToken(TEST_SECRET, {
              iss: 'https://erpbridgedemo.amocrm.ru',
              aud: fuzz.stack.backend,
              account_id: ACCOUNT,
              is_admin: true,
            }),
          },
        });
        await expectWellFormed(view, `GET after ${json.slice(0, 300)}`);
      }),
      { numRuns: 100 },
    );
  });
});
