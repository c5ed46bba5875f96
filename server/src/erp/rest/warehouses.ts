import { BoundedCache } from '../../lib/bounded-cache.js';
import type { CallOptions, Warehouse } from '../connector.js';
import type { RestContext } from './context.js';
import { readString } from './values.js';

/** The ERP's warehouse list, cached to name stock records that carry only an id. */
export function createWarehouseDirectory(ctx: RestContext, warehouseTtlMs: number) {
  const { mapping, r } = ctx;
  const whReaders = {
    id: r(mapping.warehouses.response.fields.id),
    name: r(mapping.warehouses.response.fields.name),
  };
  const warehouseCache = new BoundedCache<Map<string, string>>({
    max: 1,
    ttlMs: Math.max(warehouseTtlMs, 1),
  });

  async function list(call: CallOptions = {}): Promise<Warehouse[]> {
    const body = await ctx.send(
      'warehouses',
      mapping.warehouses.request,
      {},
      { retry: true, signal: call.signal },
    );
    const records = ctx.list('warehouses', body, mapping.warehouses.response.records);
    const warehouses = ctx.parse('warehouses', () =>
      records.map((rec) => ({
        id: readString(rec, whReaders.id, true),
        name: readString(rec, whReaders.name, true),
      })),
    );
    warehouseCache.set('all', new Map(warehouses.map((w) => [w.id, w.name])), { ttlMs: warehouseTtlMs });
    return warehouses;
  }

  /** Names for warehouse ids, from the cached list; refreshed once when an id is new or the list is old. */
  async function names(ids: Iterable<string>, call: CallOptions = {}): Promise<Map<string, string>> {
    const known = warehouseCache.get('all');
    if (known && [...ids].every((id) => known.has(id))) return known;
    return new Map((await list(call)).map((w) => [w.id, w.name]));
  }

  return { list, names };
}

export type WarehouseDirectory = ReturnType<typeof createWarehouseDirectory>;
