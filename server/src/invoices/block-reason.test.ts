import { InvoiceBlockReason } from '@erp-bridge/shared';
import { describe, expect, it } from 'vitest';
import { invoiceBlockReason } from './preview.js';

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

  it('can give every reason the contract lists (the widget words each; none is dead)', () => {
    const produced = new Set<string | null>();
    for (const allowed of [true, false])
      for (const erpDown of [true, false])
        for (const p of [null, preview('ok'), preview('ok', 0), preview('short'), preview('unknown')])
          for (const items of [[], [{ status: 'pending' }]])
            produced.add(invoiceBlockReason({ allowed, erpDown, preview: p, items }));
    expect([...produced].filter((r) => r !== null).sort()).toEqual([...InvoiceBlockReason.options].sort());
  });
});
