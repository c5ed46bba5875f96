import type { CallOptions, ErpItem, ErpItemStock, StockSnapshot } from '../connector.js';
import { fetchBySku, round, uniq } from './batching.js';
import type { RestContext } from './context.js';
import type { ItemResolver } from './items.js';
import { createServiceDetector } from './services.js';
import type { FieldReader } from './values.js';
import { readNumber, readString } from './values.js';
import type { WarehouseDirectory } from './warehouses.js';

/** Free stock per warehouse through the mapping's `stock` block, keyed by SKU or by item id. */
export function createStockReader(
  ctx: RestContext,
  resolveSkus: ItemResolver,
  warehouses: WarehouseDirectory,
) {
  const { mapping, r, opt } = ctx;
  const stockFields = mapping.stock.response.fields;
  const stockReaders = {
    sku: opt(stockFields.sku),
    itemId: opt(stockFields.itemId),
    warehouseId: r(stockFields.warehouseId),
    warehouseName: opt(stockFields.warehouseName),
    quantity: opt(stockFields.quantity),
    onHand: opt(stockFields.onHand),
    reserve: opt(stockFields.reserve),
    name: opt(stockFields.name),
    price: opt(stockFields.price),
  };
  const services = createServiceDetector(mapping.items.service, resolveSkus);

  function freeOf(rec: unknown): number {
    if (stockReaders.quantity) return readNumber(rec, stockReaders.quantity, true);
    const onHand = readNumber(rec, stockReaders.onHand as FieldReader, true);
    const reserve = stockReaders.reserve ? readNumber(rec, stockReaders.reserve, true) : 0;
    return onHand - reserve;
  }

  return async function getStock(skus: readonly string[], call: CallOptions = {}): Promise<StockSnapshot> {
    const wanted = uniq(skus);
    const items = new Map<string, ErpItemStock>();
    if (wanted.length === 0) return { items, asOf: new Date() };

    // Services have no stock records: reported as services, never asked for (never unknown).
    const { services: serviceItems, fetched } = await services.services(wanted);
    for (const [sku, item] of serviceItems)
      items.set(sku, { sku, name: item.name, price: item.price, kind: 'service', warehouses: [] });
    let known: Map<string, ErpItem> | null = null;
    let skuOfItem = new Map<string, string>();
    let asking = wanted.filter((sku) => !serviceItems.has(sku));
    if (asking.length === 0) return { items, asOf: new Date() };
    if (mapping.stock.keyBy === 'itemId') {
      known = fetched ?? (await resolveSkus(asking, call));
      for (const sku of serviceItems.keys()) known.delete(sku);
      skuOfItem = new Map([...known.values()].map((i) => [i.id, i.sku]));
      asking = [...known.keys()];
      if (asking.length === 0) return { items, asOf: new Date() };
    }
    const idsOf = (group: string[]) => {
      const ids = group.map((s) => known?.get(s)?.id).filter((id): id is string => id !== undefined);
      return known ? { itemIds: ids, itemId: ids[0] } : {};
    };
    const records = await fetchBySku(ctx, mapping.stock, asking, idsOf, async (vars) => {
      const body = await ctx.send('stock', mapping.stock.request, vars, {
        retry: true,
        signal: call.signal,
      });
      return ctx.list('stock', body, mapping.stock.response.records);
    });
    const asked = new Set(asking);
    const rows = ctx.parse('stock', () =>
      records.flatMap((rec) => {
        const sku = stockReaders.sku
          ? readString(rec, stockReaders.sku, true)
          : skuOfItem.get(readString(rec, stockReaders.itemId as FieldReader, true));
        if (sku === undefined || !asked.has(sku)) return [];
        const price = stockReaders.price ? readNumber(rec, stockReaders.price, false) : null;
        return [
          {
            sku,
            warehouseId: readString(rec, stockReaders.warehouseId, true),
            warehouseName: stockReaders.warehouseName
              ? readString(rec, stockReaders.warehouseName, true)
              : null,
            free: freeOf(rec),
            name: stockReaders.name ? readString(rec, stockReaders.name, false) : null,
            price,
          },
        ];
      }),
    );
    const names = stockReaders.warehouseName
      ? null
      : await warehouses.names(
          rows.map((row) => row.warehouseId),
          call,
        );
    for (const row of rows) {
      const item = known?.get(row.sku);
      const entry = items.get(row.sku) ?? {
        sku: row.sku,
        name: row.name ?? item?.name ?? null,
        price: row.price !== null ? ctx.money(row.price, null) : (item?.price ?? null),
        warehouses: [],
      };
      items.set(row.sku, entry);
      // Several records per warehouse (Odoo quants per location and lot) add up.
      const existing = entry.warehouses.find((w) => w.warehouseId === row.warehouseId);
      if (existing) existing.free = round((existing.free ?? 0) + row.free);
      else {
        const warehouseName = row.warehouseName ?? names?.get(row.warehouseId) ?? row.warehouseId;
        entry.warehouses.push({ warehouseId: row.warehouseId, warehouseName, free: round(row.free) });
      }
    }
    return { items, asOf: new Date() };
  };
}
