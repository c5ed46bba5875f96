import type { HttpClient } from './http.js';
import { chunkByUrlLength } from './mapping.js';
import * as S from './schemas.js';

const PATH = '/report/stock/bystore/current';

/** One item's figures per store, and what belongs to no store. */
export interface ItemFigures {
  stores: Map<
    string,
    { free: number; stock: number | null; reserve: number | null; inTransit: number | null }
  >;
  /** Reserve tied to no store (the `storeId: null` row, negative in freeStock). */
  unassignedReserve: number;
  /** Everything on the way, store-less included; null when the report said nothing. */
  inTransit: number | null;
}

/**
 * Free stock, on-hand stock and in-transit per store for the given assortment ids, from MoySklad's
 * short report (https://dev.moysklad.ru/doc/api/remap/1.2/reports/#otchety-otchet-ostatki-kratkij-otchet-ob-ostatkah).
 * One stockType per request, so three requests (split further by URL length), all with
 * `include=zeroLines`: a product with nothing in stock comes back as 0 rather than missing. An id
 * absent from the freeStock answer has not been recalculated yet: it is left out (unknown).
 */
export async function readStoreStock(
  http: HttpClient,
  ids: readonly string[],
  maxUrlLength: number,
  signal?: AbortSignal,
): Promise<Map<string, ItemFigures>> {
  const query = (stockType: string, chunk: string[]) => ({
    stockType,
    include: 'zeroLines',
    filter: `assortmentId=${chunk.join(',')}`,
  });
  const chunks = chunkByUrlLength([...ids], (c) => http.url(PATH, query('freeStock', c)), maxUrlLength);
  // One failed part fails the read: the other parts stop too, instead of retrying in the background.
  const parts = new AbortController();
  const onAbort = () => parts.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const read = <T extends 'freeStock' | 'stock' | 'inTransit'>(stockType: T) =>
    Promise.all(
      chunks.map((chunk) =>
        http.request({
          path: PATH,
          query: query(stockType, chunk),
          schema: S.StoreStockReport(stockType),
          signal: parts.signal,
        }),
      ),
    ).then((pages) => pages.flat());
  let free: Awaited<ReturnType<typeof read<'freeStock'>>>;
  let stock: Awaited<ReturnType<typeof read<'stock'>>>;
  let inTransit: Awaited<ReturnType<typeof read<'inTransit'>>>;
  try {
    [free, stock, inTransit] = await Promise.all([read('freeStock'), read('stock'), read('inTransit')]);
  } catch (err) {
    parts.abort(err);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }

  const figures = new Map<string, ItemFigures>();
  for (const row of free) {
    const item = figures.get(row.assortmentId) ?? {
      stores: new Map(),
      unassignedReserve: 0,
      inTransit: null,
    };
    figures.set(row.assortmentId, item);
    if (row.storeId === null) item.unassignedReserve += Math.max(0, -row.freeStock);
    else item.stores.set(row.storeId, { free: row.freeStock, stock: null, reserve: null, inTransit: null });
  }
  for (const row of stock) {
    const store = row.storeId === null ? undefined : figures.get(row.assortmentId)?.stores.get(row.storeId);
    if (store) {
      store.stock = row.stock;
      store.reserve = round(row.stock - store.free);
    }
  }
  for (const row of inTransit) {
    const item = figures.get(row.assortmentId);
    if (!item) continue;
    item.inTransit = round((item.inTransit ?? 0) + row.inTransit);
    const store = row.storeId === null ? undefined : item.stores.get(row.storeId);
    if (store) store.inTransit = row.inTransit;
  }
  // zeroLines lists every recalculated pair, so a store the in-transit answer left out has none on the way.
  for (const item of figures.values()) {
    item.inTransit ??= 0;
    for (const store of item.stores.values()) store.inTransit ??= 0;
  }
  return figures;
}

/** Differences of fractional quantities (46.5 - 0.1) without binary noise. */
const round = (n: number) => Math.round(n * 1e6) / 1e6;
