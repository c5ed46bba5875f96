import { describe, expect, it } from 'vitest';
import { ErpError } from '../connector.js';
import { createMoySkladConnector, externalCodeFor } from './connector.js';
import {
  API,
  type FakeAnswer,
  type FakeCall,
  fakeFetch,
  list,
  meta,
  msError,
} from './fake-fetch.test-helper.js';

const product = (sku: string, kopecks = 10000) => ({
  meta: meta('product', `id-${sku}`),
  id: `id-${sku}`,
  name: `Товар ${sku}`,
  article: sku,
  salePrices: [
    { value: 1, priceType: { name: 'Цена закупки' } },
    { value: kopecks, priceType: { name: 'Цена продажи' } },
  ],
});
const STORES = list('store', [
  { meta: meta('store', 's1'), id: 's1', name: 'Москва' },
  { meta: meta('store', 's2'), id: 's2', name: 'Казань' },
]);

/** A fake MoySklad that knows every SKU starting with "K-" and has stock in s1 only. */
function knownSkus(extra: (call: FakeCall) => FakeAnswer | undefined = () => undefined) {
  return fakeFetch((call) => {
    const hit = extra(call);
    if (hit) return hit;
    const path = call.url.pathname.replace('/api/remap/1.2', '');
    const filter = call.url.searchParams.get('filter') ?? '';
    if (path === '/entity/product') {
      const skus = filter.split(';').map((f) => f.replace(/^article=/, ''));
      return {
        body: list(
          'product',
          skus.filter((s) => s.startsWith('K-')).map((s) => product(s)),
        ),
      };
    }
    if (path === '/entity/store') return { body: STORES };
    if (path === '/entity/service') return { body: list('service', []) };
    if (path === '/report/stock/bystore/current') {
      const ids = filter.replace(/^assortmentId=/, '').split(',');
      const type = call.url.searchParams.get('stockType') ?? 'stock';
      const value = { freeStock: 3, stock: 5, inTransit: 0 }[type] ?? 0;
      return { body: ids.map((id) => ({ assortmentId: id, storeId: 's1', [type]: value })) };
    }
    return msError(404, 1021);
  });
}

const connect = (
  fetch: typeof globalThis.fetch,
  opts: Parameters<typeof createMoySkladConnector>[0] extends infer O ? Partial<O> : never = {},
) => createMoySkladConnector({ token: 'tok', apiBase: API, fetch, retryBaseMs: 1, ...opts });

const pathsOf = (calls: FakeCall[]) => calls.map((c) => c.url.pathname.replace('/api/remap/1.2', ''));

describe('MoySklad connector (fake fetch)', () => {
  it('prices items from "Цена продажи" and remembers SKU lookups, sharing concurrent ones', async () => {
    const { fetch, calls } = knownSkus();
    const c = connect(fetch);
    const [a, b] = await Promise.all([c.resolveSkus(['K-1', 'K-2', 'NOPE']), c.resolveSkus(['K-2', 'K-1'])]);
    expect(a.get('K-1')).toEqual({
      sku: 'K-1',
      id: 'id-K-1',
      name: 'Товар K-1',
      price: { amount: 100, currency: 'RUB' },
      kind: 'product',
      unit: null,
      link: 'https://online.moysklad.ru/app/#good/edit?id=id-K-1',
    });
    expect([...a.keys()].sort()).toEqual(['K-1', 'K-2']);
    expect([...b.keys()].sort()).toEqual(['K-1', 'K-2']);
    await c.resolveSkus(['K-1', 'NOPE']);
    // The SKU no product has is looked for among services once, then remembered as unknown.
    expect(pathsOf(calls)).toEqual(['/entity/product', '/entity/service']);
  });

  it('looks SKUs up again once the cache entry expires', async () => {
    const { fetch, calls } = knownSkus();
    const c = connect(fetch, { skuCacheTtlMs: 20, missingSkuTtlMs: 20 });
    await c.resolveSkus(['K-1']);
    await new Promise((r) => setTimeout(r, 30));
    await c.resolveSkus(['K-1']);
    expect(pathsOf(calls)).toEqual(['/entity/product', '/entity/product']);
  });

  it('splits long SKU lists and stock reports by URL length, never by anything else', async () => {
    const { fetch, calls } = knownSkus();
    const c = connect(fetch);
    const skus = Array.from({ length: 300 }, (_, i) => `K-${String(i).padStart(5, '0')}`);
    const snapshot = await c.getStock(skus);
    expect(snapshot.items.size).toBe(300);
    expect(snapshot.items.get('K-00042')?.warehouses).toEqual([
      { warehouseId: 's1', warehouseName: 'Москва', free: 3, stock: 5, reserve: 2, inTransit: 0 },
    ]);
    const productCalls = calls.filter((x) => x.url.pathname.endsWith('/entity/product'));
    const reportCalls = calls.filter((x) => x.url.pathname.endsWith('/bystore/current'));
    expect(productCalls.length).toBeGreaterThan(1);
    expect(reportCalls.length).toBeGreaterThan(1);
    for (const call of [...productCalls, ...reportCalls])
      expect(call.url.toString().length).toBeLessThanOrEqual(2000);
    // Free stock, on-hand stock and in transit, zero lines included (else 0 would read as unknown).
    expect(new Set(reportCalls.map((x) => x.url.searchParams.get('stockType')))).toEqual(
      new Set(['freeStock', 'stock', 'inTransit']),
    );
    expect(reportCalls.every((x) => x.url.searchParams.get('include') === 'zeroLines')).toBe(true);
    // Few SKUs: one report of each type for all of them.
    calls.length = 0;
    await c.getStock(['K-00001', 'K-00002', 'K-00003']);
    expect(pathsOf(calls)).toEqual(Array(3).fill('/report/stock/bystore/current'));
  });

  it('reports only the stores the report returned, and refreshes the store list for a new one', async () => {
    let stores = 0;
    const { fetch } = knownSkus((call) => {
      if (call.url.pathname.endsWith('/entity/store')) {
        stores++;
        return {
          body: list('store', [
            { meta: meta('store', 's1'), id: 's1', name: 'Москва' },
            ...(stores > 1 ? [{ meta: meta('store', 's9'), id: 's9', name: 'Новый склад' }] : []),
          ]),
        };
      }
      if (call.url.pathname.endsWith('/bystore/current') && stores > 0) {
        const type = call.url.searchParams.get('stockType') ?? 'stock';
        return { body: [{ assortmentId: 'id-K-1', storeId: 's9', [type]: 0 }] };
      }
      return undefined;
    });
    const c = connect(fetch);
    await c.listWarehouses();
    const snapshot = await c.getStock(['K-1']);
    expect(snapshot.items.get('K-1')?.warehouses).toEqual([
      { warehouseId: 's9', warehouseName: 'Новый склад', free: 0, stock: 0, reserve: 0, inTransit: 0 },
    ]);
    expect(stores).toBe(2);
  });

  it('searches customers once per identifier, by phone digits, and merges by id', async () => {
    const romashka = {
      meta: meta('counterparty', 'c1'),
      id: 'c1',
      name: 'Ромашка',
      inn: '7701234567',
      phone: '+7 (495) 123-45-67',
    };
    const other = { meta: meta('counterparty', 'c2'), id: 'c2', name: 'Другая', phone: '+7 (495) 123-45-99' };
    const { fetch, calls } = fakeFetch((call) => {
      const f = call.url.searchParams.get('filter');
      if (f === 'inn=7701234567' || f === 'email=a@b.example')
        return { body: list('counterparty', [romashka]) };
      // A loose substring match, as MoySklad does: the connector must drop the wrong number.
      if (f === 'phone=4951234567') return { body: list('counterparty', [romashka, other]) };
      return { body: list('counterparty', []) };
    });
    const c = connect(fetch);
    const found = await c.findCustomers({
      inn: '7701234567',
      email: 'a@b.example',
      phone: '8 (495) 123-45-67',
    });
    expect(found).toEqual([
      { id: 'c1', name: 'Ромашка', inn: '7701234567', phone: '+7 (495) 123-45-67', email: null },
    ]);
    expect(calls.map((x) => x.url.searchParams.get('filter')).sort()).toEqual([
      'email=a@b.example',
      'inn=7701234567',
      'phone=4951234567',
    ]);
    expect(await c.findCustomers({})).toEqual([]);
  });

  it('leaves the balance null when the report is refused (412), and reads documents', async () => {
    const { fetch, calls } = fakeFetch((call) => {
      const path = call.url.pathname.replace('/api/remap/1.2', '');
      if (path === '/entity/counterparty/c1')
        return { body: { meta: meta('counterparty', 'c1'), id: 'c1', name: 'Ромашка' } };
      if (path === '/report/counterparty/c1') return msError(412, 1005, 'Нет опции CRM');
      if (path === '/entity/customerorder') {
        return {
          body: list('customerorder', [
            {
              meta: meta('customerorder', 'o1'),
              id: 'o1',
              name: '00057',
              moment: '2026-11-12 15:05:00.000',
              sum: 1798000,
              state: { name: 'Новый' },
            },
          ]),
        };
      }
      return { body: list('invoiceout', []) };
    });
    const summary = await connect(fetch).getCustomerSummary('c1');
    expect(summary.balance).toBeNull();
    expect(summary.recentOrders).toEqual([
      {
        id: 'o1',
        number: '00057',
        date: '2026-11-12T15:05:00.000+03:00',
        sum: { amount: 17980, currency: 'RUB' },
        status: 'Новый',
      },
    ]);
    const orders = calls.find((x) => x.url.pathname.endsWith('/customerorder'));
    expect(orders?.url.searchParams.get('filter')).toBe(`agent=${API}/entity/counterparty/c1`);
    expect(orders?.url.searchParams.get('limit')).toBe('5');
    expect(orders?.url.searchParams.get('order')).toBe('moment,desc');
  });

  it('returns the invoice already carrying the key without posting', async () => {
    const existing = {
      meta: meta('invoiceout', 'i1'),
      id: 'i1',
      name: '00007',
      moment: '2026-11-12 15:10:00.000',
      created: '2026-11-12 15:10:01.000',
      sum: 12345,
    };
    const { fetch, calls } = fakeFetch((call) =>
      call.url.searchParams.get('filter') === 'externalCode=k-1'
        ? { body: list('invoiceout', [existing]) }
        : msError(500, 1000),
    );
    const invoice = await connect(fetch).createInvoice({
      idempotencyKey: 'k-1',
      customerId: 'c1',
      positions: [{ sku: 'K-1', quantity: 1 }],
    });
    expect(invoice).toEqual({
      id: 'i1',
      number: '00007',
      sum: { amount: 123.45, currency: 'RUB' },
      created: '2026-11-12T15:10:01.000+03:00',
      link: 'https://online.moysklad.ru/app/#invoiceout/edit?id=i1',
    });
    expect(calls.map((x) => x.method)).toEqual(['GET']);
  });

  it('refuses unknown SKUs and bad quantities before posting anything', async () => {
    const { fetch, calls } = knownSkus((call) =>
      call.url.pathname.endsWith('/entity/invoiceout') ? { body: list('invoiceout', []) } : undefined,
    );
    const c = connect(fetch);
    const unknown = await c
      .createInvoice({ idempotencyKey: 'k-2', customerId: 'c1', positions: [{ sku: 'NOPE', quantity: 1 }] })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ErpError);
    expect(unknown).toMatchObject({ code: 'validation', retryable: false });
    const zero = await c
      .createInvoice({ idempotencyKey: 'k-3', customerId: 'c1', positions: [{ sku: 'K-1', quantity: 0 }] })
      .catch((e: unknown) => e);
    expect(zero).toMatchObject({ code: 'validation', retryable: false });
    expect(calls.some((x) => x.method === 'POST')).toBe(false);
  });

  it('posts the invoice with organization, agent, kopeck prices and the key as externalCode', async () => {
    const { fetch, calls } = knownSkus((call) => {
      const path = call.url.pathname;
      if (path.endsWith('/entity/organization')) {
        return { body: list('organization', [{ meta: meta('organization', 'org'), id: 'org', name: 'Мы' }]) };
      }
      if (path.endsWith('/entity/invoiceout') && call.method === 'GET')
        return { body: list('invoiceout', []) };
      if (path.endsWith('/entity/invoiceout')) {
        return {
          body: {
            meta: meta('invoiceout', 'new'),
            id: 'new',
            name: '00001',
            moment: '2026-12-01 10:00:00.000',
            created: '2026-12-01 10:00:00.000',
            sum: 20050,
          },
        };
      }
      return undefined;
    });
    const created = await connect(fetch).createInvoice({
      idempotencyKey: 'lead 5; retry',
      customerId: 'c1',
      comment: 'Сделка 5',
      positions: [
        { sku: 'K-1', quantity: 1 },
        { sku: 'K-2', quantity: 2, price: { amount: 50.25, currency: 'RUB' } },
      ],
    });
    expect(created.number).toBe('00001');
    const post = calls.find((x) => x.method === 'POST');
    expect(post?.body).toEqual({
      organization: { meta: meta('organization', 'org') },
      agent: { meta: meta('counterparty', 'c1') },
      positions: [
        { assortment: { meta: meta('product', 'id-K-1') }, quantity: 1, price: 10000 },
        { assortment: { meta: meta('product', 'id-K-2') }, quantity: 2, price: 5025 },
      ],
      externalCode: externalCodeFor('lead 5; retry'),
      description: 'Сделка 5',
    });
    // A key that cannot sit in a filter is hashed, the same way every time.
    expect(externalCodeFor('lead 5; retry')).toMatch(/^idem-[0-9a-f]{64}$/);
    expect(externalCodeFor('deal-1001_a:b.c')).toBe('deal-1001_a:b.c');
  });

  it('is unhealthy, with a reason, when MoySklad refuses the token', async () => {
    const { fetch } = fakeFetch(() => msError(401, 1056, 'Ошибка аутентификации'));
    expect(await connect(fetch).health()).toEqual({
      ok: false,
      detail: expect.stringContaining('Ошибка аутентификации'),
      code: 'auth',
    });
  });
});
