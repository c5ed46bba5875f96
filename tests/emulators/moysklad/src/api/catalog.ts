import { Hono } from 'hono';
import { matches } from '../filter.js';
import type { EmulatorState, Product, Service, Store } from '../state.js';
import { entityMeta, MEDIA_TYPE, moscowTime, uiMeta } from '../wire.js';
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
      (p, base) => serializeProduct(state, p, base, expands(c.req.query('expand'), 'uom')),
    );
  });

  // https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-usluga: services are listed
  // like products, filtered by code / externalCode / name; they have no article and no stock.
  app.get('/entity/service', (c) => {
    const conds = requestFilter(c, ['code', 'externalCode', 'name', 'id', 'archived']);
    if (conds instanceof Response) return conds;
    const rows = state.services.filter((svc) =>
      matches(conds, (field) =>
        field === 'archived' ? String(svc.archived) : (svc[field as keyof Service] as string),
      ),
    );
    return listResponse(c, 'service', rows, (svc, base) => serializeService(state, svc, base));
  });

  // https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-assortiment: products and
  // services in one list, each row typed by its meta; no article filter and no stock fields here.
  app.get('/entity/assortment', (c) => {
    const conds = requestFilter(c, ['code', 'externalCode', 'name', 'id', 'archived']);
    if (conds instanceof Response) return conds;
    const pick = (row: Product | Service) =>
      matches(conds, (field) =>
        field === 'archived' ? String(row.archived) : (row[field as keyof typeof row] as string),
      );
    const rows: ({ type: 'product'; row: Product } | { type: 'service'; row: Service })[] = [
      ...state.products.filter(pick).map((row) => ({ type: 'product' as const, row })),
      ...state.services.filter(pick).map((row) => ({ type: 'service' as const, row })),
    ];
    return listResponse(c, 'assortment', rows, (r, base) =>
      r.type === 'product'
        ? serializeProduct(state, r.row, base, false)
        : serializeService(state, r.row, base),
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

const expands = (expand: string | undefined, field: string) =>
  (expand ?? '').split(',').some((f) => f.trim() === field);

/** The price list every seeded item carries: one "Цена продажи" in roubles (kopecks on the wire). */
function salePrices(state: EmulatorState, value: number, base: string) {
  return [
    {
      value,
      currency: {
        meta: { href: `${base}/entity/currency/${state.accountId}`, type: 'currency', mediaType: MEDIA_TYPE },
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
  ];
}

export function serializeService(state: EmulatorState, svc: Service, base: string) {
  return {
    meta: uiMeta(base, 'service', svc.id, 'good'),
    id: svc.id,
    accountId: state.accountId,
    updated: UPDATED,
    name: svc.name,
    code: svc.code,
    externalCode: svc.externalCode,
    archived: svc.archived,
    pathName: '',
    salePrices: salePrices(state, svc.salePrice, base),
  };
}

const UOM_IDS: Record<string, string> = {
  шт: '19f1edc0-fc42-4001-94cb-c9ec9c62ec10',
  м: '19f1edc0-fc42-4001-94cb-c9ec9c62ec11',
};

/**
 * A product as /entity/product writes it: meta with uuidHref (the page in MoySklad's UI, as every
 * product meta in the docs carries); `uom` a reference, or the unit itself with expand=uom
 * (https://dev.moysklad.ru/doc/api/remap/1.2/#mojsklad-json-api-obschie-swedeniq-zamena-ssylok-ob-ektami-s-pomosch-u-expand).
 */
export function serializeProduct(state: EmulatorState, p: Product, base: string, expandUom = false) {
  const uomName = p.uomName ?? 'шт';
  const uomMeta = {
    href: `${base}/entity/uom/${UOM_IDS[uomName] ?? UOM_IDS.шт}`,
    type: 'uom',
    mediaType: MEDIA_TYPE,
  };
  return {
    meta: uiMeta(base, 'product', p.id, 'good'),
    id: p.id,
    accountId: state.accountId,
    updated: UPDATED,
    name: p.name,
    code: p.code,
    externalCode: p.externalCode,
    archived: p.archived,
    pathName: '',
    useParentVat: true,
    uom: expandUom ? { meta: uomMeta, name: uomName } : { meta: uomMeta },
    salePrices: salePrices(state, p.salePrice, base),
    article: p.article,
    weight: 0,
    volume: 0,
    variantsCount: 0,
    isSerialTrackable: false,
  };
}
