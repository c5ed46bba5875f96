import type { ErpItem } from '../connector.js';
import { TtlCache } from './cache.js';
import type { MoySkladContext } from './context.js';
import { chunkByUrlLength, fromKopecks, isFilterSafe } from './mapping.js';
import * as S from './schemas.js';

export interface ProductEntry extends ErpItem {
  meta: S.Meta;
}

/** expand works only on pages of at most 100 rows (MoySklad JSON API 1.2, "expand"). */
const EXPAND_LIMIT = 100;

/** SKU -> product (or service), cached, with concurrent lookups of one SKU sharing one request. */
export function createProductLookup(ctx: MoySkladContext) {
  const { http, skuField, priceType, currency, uiBase, maxUrlLength, options } = ctx;
  const skuCache = new TtlCache<string, ProductEntry | null>(options.skuCacheTtlMs ?? 10 * 60_000);
  const missingTtl = options.missingSkuTtlMs ?? 60_000;
  const skuFlight = new Map<string, Promise<ProductEntry | null>>();

  const skuOf = (p: S.Product) => p[skuField];

  function toEntry(sku: string, p: S.Service, kind: 'product' | 'service'): ProductEntry {
    const prices = p.salePrices ?? [];
    const price = prices.find((x) => x.priceType?.name === priceType) ?? prices[0];
    return {
      sku,
      id: p.id,
      name: p.name,
      price: price ? fromKopecks(price.value, currency) : null,
      meta: p.meta,
      kind,
      unit: p.uom?.name ?? null,
      link: p.meta.uuidHref ?? `${uiBase}/app/#good/edit?id=${p.id}`,
    };
  }

  /** Services have no article: with the default SKU field they are found by code. */
  const serviceField = skuField === 'article' ? 'code' : skuField;

  function pickRow<R extends S.Service>(rows: R[], sku: string, field: (r: R) => string | undefined) {
    // Several items may share an SKU; archived ones never win.
    const live = rows.filter((r) => !r.archived);
    return (
      live.find((r) => field(r) === sku) ?? live.find((r) => field(r)?.toLowerCase() === sku.toLowerCase())
    );
  }

  async function fetchProducts(skus: string[]): Promise<Map<string, ProductEntry>> {
    const filter = skus.map((sku) => `${skuField}=${sku}`).join(';');
    const rows = await ctx.listAll('/entity/product', { filter, expand: 'uom' }, S.Product, {
      limit: EXPAND_LIMIT,
    });
    const found = new Map<string, ProductEntry>();
    for (const sku of skus) {
      const row = pickRow(rows, sku, skuOf);
      if (row) found.set(sku, toEntry(sku, row, 'product'));
    }
    // A deal line that is not a product may be a service (delivery, assembly): no stock to check.
    const rest = skus.filter((sku) => !found.has(sku));
    if (rest.length) {
      const services = await ctx.listAll(
        '/entity/service',
        { filter: rest.map((sku) => `${serviceField}=${sku}`).join(';') },
        S.Service,
      );
      for (const sku of rest) {
        const row = pickRow(services, sku, (r) => r[serviceField]);
        if (row) found.set(sku, toEntry(sku, row, 'service'));
      }
    }
    for (const sku of skus) {
      const entry = found.get(sku);
      if (entry) skuCache.set(sku, entry);
      else skuCache.set(sku, null, missingTtl);
    }
    return found;
  }

  /** SKU -> product, from the cache or in as few lookups as the URL length allows. */
  return async function lookupProducts(skus: readonly string[]): Promise<Map<string, ProductEntry>> {
    const result = new Map<string, ProductEntry>();
    const waits: Promise<void>[] = [];
    const missing: string[] = [];
    for (const sku of new Set(skus)) {
      if (!isFilterSafe(sku)) continue;
      const cached = skuCache.lookup(sku);
      const pending = skuFlight.get(sku);
      if (cached) {
        if (cached.value) result.set(sku, cached.value);
      } else if (pending) {
        waits.push(pending.then((entry) => void (entry && result.set(sku, entry))));
      } else {
        missing.push(sku);
      }
    }
    const render = (chunk: string[]) =>
      http.url('/entity/product', {
        filter: chunk.map((sku) => `${skuField}=${sku}`).join(';'),
        expand: 'uom',
        limit: EXPAND_LIMIT,
        offset: 0,
      });
    for (const chunk of chunkByUrlLength(missing, render, maxUrlLength)) {
      const lookup = fetchProducts(chunk);
      for (const sku of chunk) {
        const one = lookup.then((found) => found.get(sku) ?? null);
        skuFlight.set(sku, one);
        const forget = () => void skuFlight.delete(sku);
        one.then(forget, forget);
        waits.push(one.then((entry) => void (entry && result.set(sku, entry))));
      }
    }
    await Promise.all(waits);
    return result;
  };
}

export type ProductLookup = ReturnType<typeof createProductLookup>;
