import { describe, expect, it } from 'vitest';
import { computeAvailability, type DealLineInput, type StockBySku } from './availability.js';

const line = (sku: string, quantity: number): DealLineInput => ({
  elementId: 1,
  sku,
  name: sku,
  quantity,
  price: null,
});

describe("computeAvailability: the deal's own reserve (issue 15)", () => {
  // 10 on hand, 10 reserved by this deal's own customer order: the ERP says 0 free.
  const stock: StockBySku = new Map([
    ['DRL', [{ warehouseId: 'w', warehouseName: 'W', free: 0, stock: 10, reserve: 10 }]],
  ]);

  it('does not call a deal short because of the reserve it holds itself', () => {
    const own = new Map([['DRL', { ownReserve: 10 }]]);
    expect(computeAvailability([line('DRL', 10)], stock, {}, own).status).toBe('ok');
  });

  it("still counts everyone else's reserve: without an own reserve the same figures are short", () => {
    expect(computeAvailability([line('DRL', 10)], stock).status).toBe('short');
  });

  it('gives back only what the deal reserved: asking for more than that is short', () => {
    const own = new Map([['DRL', { ownReserve: 4 }]]);
    const r = computeAvailability([line('DRL', 5)], stock, {}, own);
    expect(r.status).toBe('short');
    expect(r.lines[0]?.freeTotal).toBe(4);
  });
});
