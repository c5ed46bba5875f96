import { BoundedCache } from '../../lib/bounded-cache.js';
import type { ErpItem } from '../connector.js';
import { ErpError } from '../connector.js';
import type { OneCContext } from './context.js';
import { chunkByEncodedLength, guid, str, virtualTable } from './odata.js';
import { collection, itemRow, priceRow } from './schemas.js';

interface FoundItem {
  id: string;
  name: string;
  service: boolean;
}

/**
 * SKU -> catalog item (Ref_Key, name, price). 1C compares strings without regard to case, so the
 * answer is matched back to the asked SKU the same way. Hits and misses are cached separately.
 */
export function createSkuResolver(ctx: OneCContext, now: () => number = Date.now) {
  const { opts, http } = ctx;
  // Bounded (entries and time): SKUs come from deals, and misses are remembered too.
  const cache = new BoundedCache<{ value: ErpItem | null }>({
    max: 5000,
    ttlMs: Math.max(opts.skuCacheTtlMs, opts.skuMissTtlMs, 1),
    now,
  });

  const typeField = opts.itemTypeField;
  // A service (delivery, assembly) is an item of its own type, never stocked: see options.itemTypeField.
  const isService = (type: string | boolean | null | undefined) =>
    type === true || (typeof type === 'string' && opts.serviceTypes.includes(type));

  async function fetchItems(skus: string[], signal?: AbortSignal): Promise<Map<string, FoundItem>> {
    const found = new Map<string, FoundItem>();
    const wanted = new Map(skus.map((s) => [s.toLowerCase(), s]));
    const suffix = ' and DeletionMark eq false';
    const budget = ctx.filterBudget(opts.itemCatalog) - encodeURIComponent(`()${suffix}`).length;
    const chunks = chunkByEncodedLength(
      skus.map((s) => `${opts.skuField} eq ${str(s)}`),
      budget,
    );
    const schema = collection(itemRow(opts.skuField, typeField));
    const pages = await Promise.all(
      chunks.map((terms) =>
        http.get(
          opts.itemCatalog,
          {
            $filter: `(${terms.join(' or ')})${suffix}`,
            $select: ['Ref_Key', 'Description', opts.skuField, typeField].filter(Boolean).join(','),
          },
          schema,
          { signal },
        ),
      ),
    );
    for (const row of pages.flatMap((p) => p.value)) {
      const sku = wanted.get(row.sku.toLowerCase());
      // Two live cards with one article: the first wins, as 1C's own search by article does.
      if (sku && !found.has(sku))
        found.set(sku, { id: row.id.toLowerCase(), name: row.name, service: isService(row.type) });
    }
    return found;
  }

  async function fetchPrices(ids: string[], signal?: AbortSignal): Promise<Map<string, number>> {
    const prices = new Map<string, number>();
    const cfg = opts.prices;
    if (!cfg || ids.length === 0) return prices;
    const extra = cfg.condition ? `(${cfg.condition}) and ` : '';
    const resource = (condition: string) =>
      `${cfg.register}/${virtualTable('SliceLast', { condition }, opts.conditionQuoting)}`;
    const budget = ctx.filterBudget(resource(`${extra}()`)) - 40;
    const schema = collection(priceRow(cfg.itemDimension, cfg.column));
    try {
      const chunks = chunkByEncodedLength(
        ids.map((id) => `${cfg.itemDimension} eq ${guid(id)}`),
        budget,
      );
      const pages = await Promise.all(
        chunks.map((terms) =>
          http.get(
            resource(`${extra}(${terms.join(' or ')})`),
            { $select: `${cfg.itemDimension},${cfg.column}` },
            schema,
            { signal },
          ),
        ),
      );
      for (const row of pages.flatMap((p) => p.value)) {
        const id = row.itemId.toLowerCase();
        if (!prices.has(id)) prices.set(id, row.price);
      }
    } catch (err) {
      // A price register left out of the publication means "no prices", not "no stock".
      if (err instanceof ErpError && err.code === 'not_found') return prices;
      throw err;
    }
    return prices;
  }

  return {
    async resolve(skus: readonly string[], signal?: AbortSignal): Promise<Map<string, ErpItem>> {
      const out = new Map<string, ErpItem>();
      const missing: string[] = [];
      for (const sku of new Set(skus.map((s) => s.trim()).filter(Boolean))) {
        const hit = cache.get(sku);
        if (!hit) missing.push(sku);
        else if (hit.value) out.set(sku, hit.value);
      }
      if (missing.length === 0) return out;
      const found = await fetchItems(missing, signal);
      const prices = await fetchPrices(
        [...found.values()].map((f) => f.id),
        signal,
      );
      for (const sku of missing) {
        const item = found.get(sku);
        if (!item) {
          cache.set(sku, { value: null }, { ttlMs: opts.skuMissTtlMs });
          continue;
        }
        const price = prices.get(item.id);
        const erpItem: ErpItem = {
          sku,
          id: item.id,
          name: item.name,
          price: price === undefined ? null : { amount: price, currency: opts.currency },
          kind: item.service ? 'service' : 'product',
        };
        cache.set(sku, { value: erpItem }, { ttlMs: opts.skuCacheTtlMs });
        out.set(sku, erpItem);
      }
      return out;
    },
    clear: () => cache.clear(),
  };
}

export type SkuResolver = ReturnType<typeof createSkuResolver>;
