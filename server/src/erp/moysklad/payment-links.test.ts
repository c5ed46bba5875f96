import { describe, expect, it } from 'vitest';
import { fakeHttpClient, meta, msError } from './fake-fetch.test-helper.js';
import { moySkladPaymentLinks } from './payment-links.js';

const INVOICE = '7944ef04-f831-11e5-7a69-971500188b19';
const ORDER = '90ba347d-6b8b-11e6-8a84-bae5000000bd';
const PAID = 'ad1ffc02-3f8e-11e6-8a84-bae5000000fa';
const BY_ORDER = 'd57389cb-3d3e-11e6-8a84-bae500000001';
const UNLINKED = 'd57389cb-3d3e-11e6-8a84-bae500000002';
const GONE = 'd57389cb-3d3e-11e6-8a84-bae500000003';

// Payments shaped as the paymentin page shows them: `operations` of {meta, linkedSum}
// (https://dev.moysklad.ru/doc/api/remap/1.2/documents/#dokumenty-vhodqschij-platezh).
const PAYMENTS: Record<string, unknown> = {
  [PAID]: { id: PAID, operations: [{ meta: meta('invoiceout', INVOICE), linkedSum: 80000 }] },
  [BY_ORDER]: { id: BY_ORDER, operations: [{ meta: meta('customerorder', ORDER), linkedSum: 100 }] },
  [UNLINKED]: { id: UNLINKED, operations: [] },
};

function links() {
  const { http, calls } = fakeHttpClient(
    (call) => {
      const id = call.url.pathname.split('/').pop() ?? '';
      return PAYMENTS[id] ? { body: PAYMENTS[id] } : msError(404, 1021);
    },
    { maxRateLimitRetries: 0, maxServerRetries: 0 },
  );
  return { read: moySkladPaymentLinks(http), calls };
}

describe('MoySklad payment links (paymentin operations)', () => {
  it('names the invoice a payment pays; a payment linked to nothing names none', async () => {
    const { read, calls } = links();
    expect(await read([PAID, UNLINKED, PAID])).toEqual({ invoiceIds: [INVOICE], unresolved: 0 });
    expect(calls.map((c) => c.url.pathname)).toEqual([
      `/api/remap/1.2/entity/paymentin/${PAID}`,
      `/api/remap/1.2/entity/paymentin/${UNLINKED}`,
    ]);
  });

  it('a payment of an order, or one that cannot be read, is unresolved (the caller re-reads)', async () => {
    const { read } = links();
    expect(await read([BY_ORDER])).toEqual({ invoiceIds: [], unresolved: 1 });
    expect(await read([GONE, PAID])).toEqual({ invoiceIds: [INVOICE], unresolved: 1 });
  });

  it('reads at most 20 payments per batch and never a malformed id', async () => {
    const { read, calls } = links();
    const many = Array.from(
      { length: 25 },
      (_, i) => `d57389cb-3d3e-11e6-8a84-${String(i).padStart(12, '0')}`,
    );
    const out = await read([...many, '../../entity/product', 'x']);
    expect(calls).toHaveLength(20);
    expect(out.unresolved).toBe(25); // 20 unreadable + 5 not read
  });
});
