import type { ErpItemStock, StockSnapshot } from '../connector.js';
import type { MoySkladContext } from './context.js';
import type { Directory } from './directory.js';
import type { ProductEntry, ProductLookup } from './products.js';
import { readStoreStock } from './stock-report.js';

/** Free stock per store for the SKUs asked about; services carry no stock, unknown stays unknown. */
export async function readStock(
  ctx: MoySkladContext,
  lookupProducts: ProductLookup,
  directory: Directory,
  skus: readonly string[],
  signal?: AbortSignal,
): Promise<StockSnapshot> {
  const items = new Map<string, ErpItemStock>();
  const products = await lookupProducts(skus);
  const skusById = new Map<string, string[]>();
  for (const [sku, p] of products) {
    const base = { sku, name: p.name, price: p.price, kind: p.kind, unit: p.unit, link: p.link };
    if (p.kind === 'service') items.set(sku, { ...base, warehouses: [] });
    else skusById.set(p.id, [...(skusById.get(p.id) ?? []), sku]);
  }
  if (skusById.size === 0) return { items, asOf: new Date() };

  const [stores, figures] = await Promise.all([
    directory.storeNames(),
    readStoreStock(ctx.http, [...skusById.keys()], ctx.maxUrlLength, signal),
  ]);
  const asOf = new Date();
  // A store created since the list was cached: refresh once rather than show a bare id.
  const storeIds = [...figures.values()].flatMap((f) => [...f.stores.keys()]);
  const names = storeIds.some((id) => !stores.has(id)) ? await directory.loadStores() : stores;
  const pending: string[] = [];
  for (const [id, skusOfId] of skusById) {
    const f = figures.get(id);
    for (const sku of skusOfId) {
      const p = products.get(sku) as ProductEntry;
      // Known product, no figures yet: MoySklad has not recalculated it. Unknown, asked again soon.
      if (!f) {
        pending.push(sku);
        continue;
      }
      items.set(sku, {
        sku,
        name: p.name,
        price: p.price,
        kind: 'product',
        unit: p.unit,
        link: p.link,
        unassignedReserve: f.unassignedReserve,
        inTransit: f.inTransit,
        warehouses: [...f.stores].map(([storeId, w]) => ({
          warehouseId: storeId,
          warehouseName: names.get(storeId) ?? storeId,
          free: w.free,
          stock: w.stock,
          reserve: w.reserve,
          inTransit: w.inTransit,
        })),
      });
    }
  }
  return { items, asOf, ...(pending.length && { pending }) };
}
