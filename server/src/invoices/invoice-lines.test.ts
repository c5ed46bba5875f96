import type { StockLine } from '@erp-bridge/shared';
import { describe, expect, it } from 'vitest';
import { invoiceLines } from './preview.js';

const rub = (amount: number) => ({ amount, currency: 'RUB' });
const line = (over: Partial<StockLine>): StockLine => ({
  elementId: 1,
  sku: 'A',
  name: 'Product',
  requested: 1,
  price: rub(100),
  warehouses: [],
  freeTotal: 5,
  status: 'ok',
  ...over,
});

describe('invoiceLines', () => {
  it('invoices an ERP service like a product, with its price', () => {
    const { positions, skipped } = invoiceLines([
      line({ sku: 'A', requested: 2 }),
      line({ sku: 'SRV', name: 'Delivery', kind: 'service', freeTotal: null, price: rub(1500) }),
    ]);
    expect(positions.map((p) => [p.sku, p.total.amount])).toEqual([
      ['A', 200],
      ['SRV', 1500],
    ]);
    expect(skipped).toEqual([]);
  });

  it('skips a service without SKU (no ERP counterpart) and a line without price, naming why', () => {
    const { positions, skipped } = invoiceLines([
      line({ sku: null, name: 'Assembly', kind: 'service', price: rub(700), requested: 2 }),
      line({ sku: 'B', name: 'No price', price: null }),
      line({ sku: 'C', requested: 0 }),
    ]);
    expect(positions).toEqual([]);
    expect(skipped).toEqual([
      { name: 'Assembly', sku: null, quantity: 2, price: rub(700), reason: 'no_erp_item' },
      { name: 'No price', sku: 'B', quantity: 1, price: null, reason: 'no_price' },
    ]);
  });
});
