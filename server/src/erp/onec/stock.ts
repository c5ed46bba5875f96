import type { ErpItemStock, StockSnapshot } from '../connector.js';
import type { OneCContext } from './context.js';
import { nowLocal } from './dates.js';
import type { SkuResolver } from './items.js';
import { navigationLink } from './links.js';
import { chunkByEncodedLength, guid, virtualTable } from './odata.js';
import { balanceRow, collection } from './schemas.js';
import type { WarehouseDirectory } from './warehouses.js';

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * Free stock for every SKU in one Balance request (more only when the key list outgrows a URL):
 * free = on hand - reserved, summed over the register's other dimensions (characteristics,
 * purposes, ...) for each item and warehouse.
 */
export async function readStock(
  ctx: OneCContext,
  skus: SkuResolver,
  warehouses: WarehouseDirectory,
  asked: readonly string[],
  signal?: AbortSignal,
): Promise<StockSnapshot> {
  const { opts, http } = ctx;
  const items = new Map<string, ErpItemStock>();
  const resolved = await skus.resolve(asked, signal);
  if (resolved.size === 0) return { items, asOf: new Date() };

  const asOf = new Date();
  const period = nowLocal(opts.utcOffset, asOf.getTime());
  const dims = opts.stockDimensions;
  const cols = opts.stockColumns;
  const resource = (condition: string) =>
    `${opts.stockRegister}/${virtualTable('Balance', { period, condition }, opts.conditionQuoting)}`;
  const select = [dims.item, dims.warehouse, cols.onHand, cols.reserve].filter(Boolean).join(',');
  const budget = ctx.filterBudget(`${resource('')}?$select=${select}`);
  // Services have no balance: they are reported as such, not asked for (and never zero-filled).
  for (const [sku, item] of resolved) {
    if (item.kind !== 'service') continue;
    const link = navigationLink(opts.linkBase, opts.itemCatalog, item.id);
    items.set(sku, { sku, name: item.name, price: item.price, kind: 'service', link, warehouses: [] });
    resolved.delete(sku);
  }
  if (resolved.size === 0) return { items, asOf: new Date() };
  const ids = [...new Set([...resolved.values()].map((i) => i.id))];
  const chunks = chunkByEncodedLength(
    ids.map((id) => `${dims.item} eq ${guid(id)}`),
    budget,
  );
  const schema = collection(balanceRow(dims, cols));
  const pages = await Promise.all(
    chunks.map((terms) => http.get(resource(terms.join(' or ')), { $select: select }, schema, { signal })),
  );

  const free = new Map<string, Map<string, { onHand: number; reserve: number }>>();
  for (const row of pages.flatMap((p) => p.value)) {
    const item = row.itemId.toLowerCase();
    const byWarehouse = free.get(item) ?? new Map<string, { onHand: number; reserve: number }>();
    const wh = row.warehouseId.toLowerCase();
    const sum = byWarehouse.get(wh) ?? { onHand: 0, reserve: 0 };
    byWarehouse.set(wh, { onHand: sum.onHand + row.onHand, reserve: sum.reserve + row.reserve });
    free.set(item, byWarehouse);
  }

  const names = await warehouses.names(new Set([...free.values()].flatMap((m) => [...m.keys()])), signal);
  const live = opts.zeroFillWarehouses ? await warehouses.list(signal) : [];
  for (const [sku, item] of resolved) {
    const figures = new Map(free.get(item.id));
    for (const w of live) if (!figures.has(w.id)) figures.set(w.id, { onHand: 0, reserve: 0 });
    items.set(sku, {
      sku,
      name: item.name,
      price: item.price,
      link: navigationLink(opts.linkBase, opts.itemCatalog, item.id),
      warehouses: [...figures]
        .map(([id, value]) => ({
          warehouseId: id,
          warehouseName: names.get(id) ?? id,
          free: round(value.onHand - value.reserve),
          stock: round(value.onHand),
          reserve: round(value.reserve),
        }))
        .sort((a, b) => a.warehouseName.localeCompare(b.warehouseName, 'ru')),
    });
  }
  return { items, asOf };
}
