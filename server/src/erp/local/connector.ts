import { asc, eq, inArray, and } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { localStock } from '../../db/schema.js';
import type { ErpConnector, ErpItemStock } from '../connector.js';

/** The embedded stock store: the demo's ERP, and the ERP of small shops without one. */
export function createLocalConnector(db: Db, storeId = 'default'): ErpConnector {
  return {
    kind: 'local',

    async getStock(skus) {
      const items = new Map<string, ErpItemStock>();
      if (skus.length === 0) return { items, asOf: new Date() };
      const rows = await db
        .select()
        .from(localStock)
        .where(and(eq(localStock.storeId, storeId), inArray(localStock.sku, [...new Set(skus)])))
        .orderBy(asc(localStock.sku), asc(localStock.warehouseId));
      let asOf = new Date(0);
      for (const row of rows) {
        const item = items.get(row.sku) ?? {
          sku: row.sku,
          name: row.name,
          price: row.price === null ? null : { amount: row.price, currency: row.currency },
          warehouses: [],
        };
        item.warehouses.push({ warehouseId: row.warehouseId, warehouseName: row.warehouseName, free: row.stock - row.reserve });
        items.set(row.sku, item);
        if (row.updatedAt > asOf) asOf = row.updatedAt;
      }
      return { items, asOf: rows.length ? asOf : new Date() };
    },

    async listWarehouses() {
      const rows = await db
        .selectDistinct({ id: localStock.warehouseId, name: localStock.warehouseName })
        .from(localStock)
        .where(eq(localStock.storeId, storeId))
        .orderBy(asc(localStock.warehouseId));
      return rows;
    },

    async health() {
      await db.select({ sku: localStock.sku }).from(localStock).limit(1);
      return { ok: true };
    },
  };
}
