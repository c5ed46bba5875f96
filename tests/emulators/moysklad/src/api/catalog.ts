import { Hono } from 'hono';
import { matches } from '../filter.js';
import type { EmulatorState, Product, Store } from '../state.js';
import { entityMeta, MEDIA_TYPE, moscowTime } from '../wire.js';
import { requestFilter } from './filter-request.js';
import { listResponse, sortRows } from './list.js';

const UPDATED = moscowTime(new Date('2026-01-10T06:00:00Z'));

/** Products and stores: the SKU lookup and the warehouse list. */
export function catalogRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  app.get('/entity/product', (c) => {
    const conds = requestFilter(c, ['article', 'code', 'externalCode', 'name', 'id', 'archived']);
    if (conds instanceof Response) return conds;
    const rows = state.products.filter((p) =>
      matches(conds, (field) =>
        field === 'archived' ? String(p.archived) : (p[field as keyof Product] as string),
      ),
    );
    return listResponse(
      c,
      'product',
      sortRows(rows, c.req.query('order'), { name: (p) => p.name }),
      (p, base) => serializeProduct(state, p, base),
    );
  });

  app.get('/entity/store', (c) => {
    const conds = requestFilter(c, ['name', 'id']);
    if (conds instanceof Response) return conds;
    const rows = state.stores.filter((s) => matches(conds, (field) => s[field as keyof Store]));
    return listResponse(c, 'store', rows, (s, base) => ({
      meta: entityMeta(base, 'store', s.id),
      id: s.id,
      accountId: state.accountId,
      updated: UPDATED,
      name: s.name,
      externalCode: `ext-store-${s.id.slice(0, 8)}`,
      archived: false,
      pathName: '',
    }));
  });

  return app;
}

export function serializeProduct(state: EmulatorState, p: Product, base: string) {
  return {
    meta: entityMeta(base, 'product', p.id),
    id: p.id,
    accountId: state.accountId,
    updated: UPDATED,
    name: p.name,
    code: p.code,
    externalCode: p.externalCode,
    archived: p.archived,
    pathName: '',
    useParentVat: true,
    uom: {
      meta: {
        href: `${base}/entity/uom/19f1edc0-fc42-4001-94cb-c9ec9c62ec10`,
        type: 'uom',
        mediaType: MEDIA_TYPE,
      },
    },
    salePrices: [
      {
        value: p.salePrice,
        currency: {
          meta: {
            href: `${base}/entity/currency/${state.accountId}`,
            type: 'currency',
            mediaType: MEDIA_TYPE,
          },
        },
        priceType: {
          meta: {
            href: `${base}/context/companysettings/pricetype/${state.accountId}`,
            type: 'pricetype',
            mediaType: MEDIA_TYPE,
          },
          id: state.accountId,
          name: 'Цена продажи',
          externalCode: 'cbcf493b-55bc-11d9-848a-00112f43529a',
        },
      },
    ],
    article: p.article,
    weight: 0,
    volume: 0,
    variantsCount: 0,
    isSerialTrackable: false,
  };
}
