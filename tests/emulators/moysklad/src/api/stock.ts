import { Hono } from 'hono';
import type { Faults } from '../faults.js';
import type { EmulatorState, StockRecord, UnassignedRecord } from '../state.js';
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

// SHORT_REPORT_DOC: https://dev.moysklad.ru/doc/api/remap/1.2/reports/#otchety-otchet-ostatki-kratkij-otchet-ob-ostatkah
// (source: github.com/moysklad/api-remap-1.2-doc, source/includes/reports/_report_stock.md)

/** What a store-less row holds per stock type: only reserve and in-transit can be tied to no store. */
const UNASSIGNED_TYPES: Record<StockType, ((r: UnassignedRecord) => number) | null> = {
  stock: null,
  freeStock: (r) => -r.reserve,
  quantity: (r) => -r.reserve + r.inTransit,
  reserve: (r) => r.reserve,
  inTransit: (r) => r.inTransit,
};

/**
 * /report/stock/bystore/current, as the short report documents it (SHORT_REPORT_DOC):
 * - a plain array, not paged, one stockType per request (default `stock`);
 * - "По умолчанию выводятся только результаты с ненулевым значением остатка": rows whose value is
 *   0 are left out unless `include=zeroLines` is sent;
 * - "При разделении по складам строка без склада содержит резервы, не привязанные к складу": a row
 *   with "storeId": null (freeStock -5 in the doc's example) for reserve without a store;
 * - items not yet recalculated are missing even with zeroLines (recalculation lags);
 * - services have no stock and never appear.
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
    const zeroLines = c.req.queries('include')?.some((v) => v.split(',').includes('zeroLines')) ?? false;
    if (faults.takeCorruption()) {
      return json(c, { rows: [{ assortmentId: 42, [stockType]: 'плохой ответ' }] });
    }
    const counted = (id: string) => (!assortments || assortments.has(id)) && !state.notRecalculated.has(id);
    const rows: { assortmentId: string; storeId: string | null; [k: string]: unknown }[] = state.stock
      .filter((r) => counted(r.assortmentId) && (!stores || stores.has(r.storeId)))
      .map((r) => ({ assortmentId: r.assortmentId, storeId: r.storeId, [stockType]: value(r) }));
    const unassigned = UNASSIGNED_TYPES[stockType];
    // A store filter names stores; the store-less row belongs to none of them.
    if (unassigned && !stores) {
      for (const r of state.unassigned.filter((u) => counted(u.assortmentId)))
        rows.push({ assortmentId: r.assortmentId, storeId: null, [stockType]: unassigned(r) });
    }
    return json(c, zeroLines ? rows : rows.filter((r) => r[stockType] !== 0));
  });

  return app;
}
