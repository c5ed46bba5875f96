import { describe, expect, it } from 'vitest';
import { invoiceBlockReason } from './service.js';

const preview = (status: string, positions = 1) => ({ positions: Array(positions).fill({}), status });

describe('invoiceBlockReason: the right reason every time', () => {
  it('says the ERP is down when the preview could not be read, never "no products"', () => {
    expect(invoiceBlockReason({ allowed: true, erpDown: true, preview: null, items: [] })).toBe(
      'erp_unavailable',
    );
  });
  it('tells short stock from unknown stock', () => {
    expect(invoiceBlockReason({ allowed: true, erpDown: false, preview: preview('short'), items: [] })).toBe(
      'stock_short',
    );
    expect(
      invoiceBlockReason({ allowed: true, erpDown: false, preview: preview('unknown'), items: [] }),
    ).toBe('stock_unknown');
  });
  it('no products only when the ERP answered and nothing is priced', () => {
    expect(invoiceBlockReason({ allowed: true, erpDown: false, preview: preview('ok', 0), items: [] })).toBe(
      'no_products',
    );
  });
  it('permission first, pending last, null when it may', () => {
    expect(invoiceBlockReason({ allowed: false, erpDown: true, preview: null, items: [] })).toBe(
      'no_permission',
    );
    expect(
      invoiceBlockReason({
        allowed: true,
        erpDown: false,
        preview: preview('ok'),
        items: [{ status: 'pending' }],
      }),
    ).toBe('pending');
    expect(
      invoiceBlockReason({
        allowed: true,
        erpDown: false,
        preview: preview('ok'),
        items: [{ status: 'created' }],
      }),
    ).toBeNull();
  });
});
