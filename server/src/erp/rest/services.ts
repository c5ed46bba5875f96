import { BoundedCache } from '../../lib/bounded-cache.js';
import type { ErpItem } from '../connector.js';
import type { RestMapping } from './mapping.js';
import { compilePath, getValue } from './path.js';

/**
 * Which SKUs a REST ERP sells as services (the mapping's `items.service`). A service has no stock
 * records (ERPNext keeps no Bin for a non-stock item, Odoo no quant for a service product), so
 * without this it would read as unknown, or as zero where warehouses are zero-filled. Kinds change
 * rarely: each SKU's is remembered (bounded, 10 minutes), so the items request is made once.
 */
/** Whether an item record is a service by the mapping's rule (never, without a rule). */
export function serviceRecordTest(spec: RestMapping['items']['service']): (record: unknown) => boolean {
  const path = spec ? compilePath(spec.path) : null;
  return (record) => path !== null && (spec?.values ?? []).includes(getValue(record, path) as never);
}

export function createServiceDetector(
  spec: RestMapping['items']['service'],
  resolveSkus: (skus: readonly string[]) => Promise<Map<string, ErpItem>>,
) {
  const path = spec ? compilePath(spec.path) : null;
  const kinds = new BoundedCache<{ item: ErpItem | null }>({ max: 5000, ttlMs: 600_000 });

  return {
    /**
     * The services among `skus` (with their items, for name and price); none when the mapping has
     * no rule. `fetched`: the items read for this call, when every SKU had to be read (reusable).
     */
    async services(skus: readonly string[]) {
      const services = new Map<string, ErpItem>();
      if (!path) return { services, fetched: null };
      const unknown = skus.filter((s) => !kinds.get(s));
      let fetched: Map<string, ErpItem> | null = null;
      if (unknown.length) {
        const found = await resolveSkus(unknown);
        for (const sku of unknown) kinds.set(sku, { item: found.get(sku) ?? null });
        if (unknown.length === skus.length) fetched = found;
      }
      for (const sku of skus) {
        const item = kinds.get(sku)?.item;
        if (item?.kind === 'service') services.set(sku, item);
      }
      return { services, fetched };
    },
  };
}
