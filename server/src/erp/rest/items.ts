import type { CallOptions, ErpItem } from '../connector.js';
import { fetchBySku, uniq } from './batching.js';
import type { RestContext } from './context.js';
import { serviceRecordTest } from './services.js';
import { readCurrency, readNumber, readString } from './values.js';

/** ERP items by SKU through the mapping's `items` block. */
export function createItemResolver(ctx: RestContext) {
  const { mapping, r, opt } = ctx;
  const itemFields = mapping.items.response.fields;
  const itemReaders = {
    sku: r(itemFields.sku),
    id: r(itemFields.id),
    name: r(itemFields.name),
    price: opt(itemFields.price),
    currency: opt(itemFields.currency),
  };
  const isService = serviceRecordTest(mapping.items.service);

  return async function resolveSkus(
    skus: readonly string[],
    call: CallOptions = {},
  ): Promise<Map<string, ErpItem>> {
    const wanted = uniq(skus);
    const out = new Map<string, ErpItem>();
    if (wanted.length === 0) return out;
    const records = await fetchBySku(
      ctx,
      mapping.items,
      wanted,
      () => ({}),
      async (vars) => {
        const body = await ctx.send('items', mapping.items.request, vars, {
          retry: true,
          signal: call.signal,
        });
        return ctx.list('items', body, mapping.items.response.records);
      },
    );
    const asked = new Set(wanted);
    ctx.parse('items', () => {
      for (const rec of records) {
        const sku = readString(rec, itemReaders.sku, true);
        // ERPs may answer more than asked (a LIKE match, a shared code): keep only what was asked.
        if (!asked.has(sku) || out.has(sku)) continue;
        const price = itemReaders.price ? readNumber(rec, itemReaders.price, false) : null;
        const currency = itemReaders.currency ? readCurrency(rec, itemReaders.currency) : null;
        out.set(sku, {
          sku,
          id: readString(rec, itemReaders.id, true),
          name: readString(rec, itemReaders.name, true),
          price: price === null ? null : ctx.money(price, currency),
          ...(isService(rec) && { kind: 'service' as const }),
        });
      }
    });
    return out;
  };
}

export type ItemResolver = ReturnType<typeof createItemResolver>;
