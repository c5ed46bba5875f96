import { BoundedCache } from '../../lib/bounded-cache.js';
import type { Warehouse } from '../connector.js';
import type { OneCContext } from './context.js';
import { collection, warehouseRow } from './schemas.js';

const PAGE = 1000;

/** Catalog_Склады, cached: names change rarely and every stock answer needs them. */
export function createWarehouseDirectory(ctx: OneCContext, now: () => number = Date.now) {
  const { opts, http } = ctx;
  const cache = new BoundedCache<{ id: string; name: string; deleted: boolean }[]>({
    max: 1,
    ttlMs: Math.max(opts.warehouseCacheTtlMs, 1),
    now,
  });
  const schema = collection(warehouseRow);

  async function load(signal?: AbortSignal) {
    const rows: { id: string; name: string; deleted: boolean }[] = [];
    for (let skip = 0; ; skip += PAGE) {
      const page = await http.get(
        opts.warehouseCatalog,
        { $select: 'Ref_Key,Description,DeletionMark', $orderby: 'Description', $top: PAGE, $skip: skip },
        schema,
        { signal },
      );
      rows.push(...page.value.map((w) => ({ ...w, id: w.id.toLowerCase() })));
      if (page.value.length < PAGE) break;
    }
    cache.set('all', rows, { ttlMs: opts.warehouseCacheTtlMs });
    return rows;
  }

  const all = async (refresh = false, signal?: AbortSignal) => (!refresh && cache.get('all')) || load(signal);
  // A stock row naming a warehouse we do not know forces a reload, but at most once a minute.
  let lastForced = 0;

  return {
    /** Live warehouses (not marked for deletion). */
    async list(signal?: AbortSignal): Promise<Warehouse[]> {
      return (await all(false, signal)).filter((w) => !w.deleted).map(({ id, name }) => ({ id, name }));
    },
    /** Names for these keys, every warehouse included (a deleted one may still hold stock); reloads once for a key it does not know. */
    async names(ids: Iterable<string>, signal?: AbortSignal): Promise<Map<string, string>> {
      let rows = await all(false, signal);
      const wanted = [...ids];
      if (wanted.some((id) => !rows.some((w) => w.id === id)) && now() - lastForced > 60_000) {
        lastForced = now();
        rows = await all(true, signal);
      }
      return new Map(rows.map((w) => [w.id, w.name]));
    },
  };
}

export type WarehouseDirectory = ReturnType<typeof createWarehouseDirectory>;
