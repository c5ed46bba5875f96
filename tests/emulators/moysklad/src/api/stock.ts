import { Hono } from 'hono';
import type { Faults } from '../faults.js';
import type { EmulatorState, StockRecord } from '../state.js';
import { fail, json } from '../wire.js';
import { requestFilter } from './filter-request.js';

const STOCK_TYPES = {
  stock: (r: StockRecord) => r.stock,
  freeStock: (r: StockRecord) => r.stock - r.reserve,
  quantity: (r: StockRecord) => r.stock - r.reserve + r.inTransit,
  reserve: (r: StockRecord) => r.reserve,
  inTransit: (r: StockRecord) => r.inTransit,
} as const;
type StockType = keyof typeof STOCK_TYPES;

/**
 * /report/stock/bystore/current: a plain array, not paged. Only items with a stock record in a
 * store appear, so an absent item or store is unknown, never zero.
 */
export function stockRoutes(state: EmulatorState, faults: Faults): Hono {
  const app = new Hono();

  app.get('/report/stock/bystore/current', (c) => {
    const stockType = (c.req.query('stockType') ?? 'stock') as StockType;
    const value = STOCK_TYPES[stockType];
    if (!value) return fail(c, 400, 1002, `Неизвестный тип остатка: '${stockType}'`, 'stockType');
    const conds = requestFilter(c, ['assortmentId', 'storeId']);
    if (conds instanceof Response) return conds;
    // Within a field, ids are comma-separated; repeated fields are ORed like everywhere else.
    const wanted = (field: string) => {
      const ids = conds.filter((f) => f.field === field && f.op === '=').flatMap((f) => f.value.split(','));
      return ids.length ? new Set(ids.map((id) => id.trim())) : null;
    };
    const assortments = wanted('assortmentId');
    const stores = wanted('storeId');
    if (faults.takeCorruption()) {
      return json(c, { rows: [{ assortmentId: 42, [stockType]: 'плохой ответ' }] });
    }
    const rows = state.stock
      .filter((r) => (!assortments || assortments.has(r.assortmentId)) && (!stores || stores.has(r.storeId)))
      .map((r) => ({ assortmentId: r.assortmentId, storeId: r.storeId, [stockType]: value(r) }));
    return json(c, rows);
  });

  return app;
}
