import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErpError } from '../connector.js';
import { createRestConnector } from './connector.js';
import { parseRestMapping } from './mapping.js';

/**
 * Whatever an ERP answers to the loop's requests (any JSON, any status), the connector gives a
 * result or an ErpError: never a TypeError, never a guessed state.
 */
const examples = ['erpnext', 'odoo'].map((name) => {
  const json = JSON.parse(
    readFileSync(fileURLToPath(new URL(`./examples/${name}.json`, import.meta.url)), 'utf8'),
  );
  return parseRestMapping(json, {
    ERPNEXT_API_KEY: 'k',
    ERPNEXT_API_SECRET: 's',
    ODOO_API_KEY: 'k',
    ODOO_DATABASE: 'd',
  });
});

const answer = fc.record({
  status: fc.constantFrom(200, 200, 200, 201, 400, 404, 417, 422, 500),
  body: fc.oneof(
    fc.json(),
    fc.constant('[]'),
    fc.constant('{"data":[]}'),
    fc
      .array(
        fc.record({
          id: fc.oneof(fc.integer(), fc.string()),
          name: fc.string(),
          state: fc.constantFrom('draft', 'sale', 'cancel', 'posted', 'x'),
          payment_state: fc.constantFrom('paid', 'partial', 'not_paid', 'in_payment', 'reversed', 'zzz'),
          docstatus: fc.constantFrom(0, 1, 2, 3),
          status: fc.constantFrom('Paid', 'Unpaid', 'Overdue', 'Draft', 'Partly Paid'),
          amount_total: fc.oneof(fc.double(), fc.integer(), fc.constant(false)),
          amount_residual: fc.oneof(fc.double(), fc.integer()),
          grand_total: fc.oneof(fc.double(), fc.integer(), fc.string()),
          outstanding_amount: fc.oneof(fc.double(), fc.integer()),
          modified: fc.string(),
          write_date: fc.oneof(fc.string(), fc.constant(false)),
        }),
      )
      .map((records) => JSON.stringify({ data: records, records })),
  ),
});

describe('REST loop capabilities under any ERP answer', () => {
  for (const [i, mapping] of examples.entries()) {
    it(`${mapping.name}: results or ErpErrors only`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(answer, { minLength: 8, maxLength: 8 }), fc.nat(2), async (answers, op) => {
          let n = 0;
          const fetch = async () => {
            const a = answers[n++ % answers.length] as { status: number; body: string };
            return new Response(a.body, {
              status: a.status,
              headers: { 'Content-Type': 'application/json' },
            });
          };
          const c = createRestConnector(mapping, { fetch, retries: 0 });
          const run = [
            () => c.invoiceStatus?.(['1', 'ACC-SINV-1']),
            () =>
              c.createOrder?.({
                idempotencyKey: 'k',
                customerId: '1',
                positions: [{ sku: 'DRL-18V', quantity: 1 }],
              }),
            () => c.releaseOrder?.('1'),
          ][op] as () => Promise<unknown>;
          try {
            const got = await run();
            if (got instanceof Map) {
              for (const s of got.values())
                expect(['issued', 'partially_paid', 'paid', 'cancelled']).toContain(s.state);
            }
          } catch (e) {
            expect(e, String(e)).toBeInstanceOf(ErpError);
          }
        }),
        { numRuns: 150, seed: 1500 + i },
      );
    });
  }
});
