import type { StockLine } from '@erp-bridge/shared';
import { describe, expect, it } from 'vitest';
import { lineFacts } from './line-view.js';

const line = (over: Partial<StockLine>): StockLine => ({
  elementId: 1,
  sku: 'A',
  name: 'A',
  requested: 10,
  price: null,
  warehouses: [],
  freeTotal: null,
  status: 'unknown',
  ...over,
});
const wh = (id: string, free: number | null, extra: object = {}) => ({
  warehouseId: id,
  warehouseName: id,
  free,
  ...extra,
});

describe('lineFacts', () => {
  it('gives the shortfall only when free is known and short', () => {
    expect(lineFacts(line({ freeTotal: 4, status: 'short' })).shortfall).toBe(6);
    expect(lineFacts(line({ freeTotal: 10, status: 'ok' })).shortfall).toBeNull();
    expect(lineFacts(line({ freeTotal: null })).shortfall).toBeNull();
    // Fractions (kg, m) without float noise.
    expect(lineFacts(line({ requested: 0.3, freeTotal: 0.1 })).shortfall).toBe(0.2);
  });

  it('explains over-reservation: free below zero means all of the request is short', () => {
    const facts = lineFacts(line({ freeTotal: -4, status: 'short' }));
    expect(facts.overReserved).toBe(4);
    expect(facts.shortfall).toBe(10);
  });

  it('sums stock and reserve where the ERP gives them (reserve without a warehouse included), null when none does', () => {
    const facts = lineFacts(
      line({
        warehouses: [wh('a', 5, { stock: 8, reserve: 3 }), wh('b', 2, { stock: 2, reserve: 0 })],
        unassignedReserve: 1,
        freeTotal: 6,
      }),
    );
    expect(facts).toMatchObject({ stock: 10, reserve: 4 });
    expect(lineFacts(line({ warehouses: [wh('a', 5)] })).stock).toBeNull();
  });

  it('orders warehouses by free stock, unknown last', () => {
    const facts = lineFacts(line({ warehouses: [wh('x', null), wh('a', 1), wh('b', 9)] }));
    expect(facts.warehouses.map((w) => w.warehouseId)).toEqual(['b', 'a', 'x']);
  });

  it('a service is never short', () => {
    const facts = lineFacts(line({ kind: 'service', freeTotal: 0 }));
    expect(facts).toMatchObject({ service: true, shortfall: null, overReserved: null });
  });
});
