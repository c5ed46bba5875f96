import { describe, expect, it } from 'vitest';
import { ErpError } from '../connector.js';
import { createRestConnector } from './connector.js';
import { parseRestMapping, type RestMappingInput } from './mapping.js';

/** A home-grown ERP: one SKU per request, money in kopecks, stock without warehouse names. */
const acme: RestMappingInput = {
  name: 'acme',
  baseUrl: 'https://acme.example/api/',
  auth: { type: 'basic', user: 'bridge', password: 'pa55' },
  timeZone: 'Europe/Moscow',
  items: {
    request: { urlTemplate: 'items/{sku}' },
    batch: false,
    response: {
      records: 'result[*]',
      fields: { sku: 'code', id: 'uuid', name: 'title', price: { path: 'price.kopecks', divideBy: 100 } },
    },
  },
  stock: {
    request: { urlTemplate: 'stock', query: { codes: '{skus|join:,}' } },
    batchSize: 2,
    response: {
      records: 'rows',
      fields: { sku: 'code', warehouseId: 'store', onHand: 'qty', reserve: 'reserved' },
    },
  },
  warehouses: {
    request: { urlTemplate: 'stores' },
    response: { records: '$', fields: { id: 'id', name: 'title' } },
  },
  customers: {
    requests: { inn: { urlTemplate: 'clients', query: { inn: '{inn}' } }, phone: { urlTemplate: 'clients' } },
    response: {
      records: '$',
      fields: { id: 'id', name: 'name', inn: 'inn', phone: ['phones[0]', 'phones[1]'] },
    },
  },
  customerSummary: {
    customer: {
      request: { urlTemplate: 'clients/{customerId}' },
      response: { fields: { id: 'id', name: 'name' } },
    },
    balance: { response: { fields: { receivable: { path: 'debt', divideBy: 100 } } } },
    link: '{baseUrl}/ui/clients/{customerId}',
  },
  createInvoice: {
    idempotency: { type: 'header', name: 'Idempotency-Key' },
    resolveItems: false,
    position: { code: '{sku}', qty: '{quantity}' },
    request: {
      method: 'POST',
      urlTemplate: 'invoices',
      body: { client: '{customerId}', lines: '{positions}' },
    },
    response: { record: 'invoice', fields: { id: 'id', number: 'no', sum: 'total', created: 'at' } },
  },
  health: { request: { urlTemplate: 'ping' } },
};

type Handler = (url: URL, init: RequestInit) => Response | Promise<Response>;
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

function setup(handler: Handler, opts: Parameters<typeof createRestConnector>[1] = {}) {
  const calls: { url: URL; init: RequestInit }[] = [];
  const connector = createRestConnector(parseRestMapping(acme), {
    retries: 2,
    retryBaseMs: 1,
    ...opts,
    fetch: async (input, init) => {
      const url = new URL(input);
      calls.push({ url, init });
      return handler(url, init);
    },
  });
  return { connector, calls };
}

const ITEMS: Record<string, unknown> = {
  'A/1': { code: 'A/1', uuid: 'u-1', title: 'Anvil', price: { kopecks: 899050 } },
  B: { code: 'B', uuid: 'u-2', title: 'Bolt', price: { kopecks: 50 } },
};

describe('REST connector (custom mapping)', () => {
  it('sends one request per SKU when the ERP takes one, encoding it, with Basic auth', async () => {
    const { connector, calls } = setup((url) => {
      const sku = decodeURIComponent(url.pathname.split('/').pop() ?? '');
      return json({ result: ITEMS[sku] ? [ITEMS[sku]] : [] });
    });
    const items = await connector.resolveSkus(['A/1', 'B', 'C', 'A/1']);
    expect(calls.map((c) => c.url.pathname).sort()).toEqual([
      '/api/items/A%2F1',
      '/api/items/B',
      '/api/items/C',
    ]);
    expect(new Headers(calls[0]?.init.headers).get('Authorization')).toBe(`Basic ${btoa('bridge:pa55')}`);
    expect(items.get('A/1')).toEqual({
      sku: 'A/1',
      id: 'u-1',
      name: 'Anvil',
      price: { amount: 8990.5, currency: 'RUB' },
    });
    expect(items.get('B')?.price?.amount).toBeCloseTo(0.5, 9);
    expect(items.has('C')).toBe(false);
  });

  it('batches stock, names warehouses from the warehouse list, adds up split records', async () => {
    let storeCalls = 0;
    const { connector, calls } = setup((url) => {
      if (url.pathname.endsWith('/stores')) {
        storeCalls++;
        return json([
          { id: 's1', title: 'Main' },
          { id: 's2', title: 'North' },
        ]);
      }
      const codes = url.searchParams.get('codes')?.split(',') ?? [];
      return json({
        rows: codes.flatMap((code) =>
          code === 'X'
            ? []
            : [
                { code, store: 's1', qty: 10, reserved: 2.5 },
                { code, store: 's1', qty: 1, reserved: 0 },
                { code, store: 's2', qty: 0, reserved: 0 },
              ],
        ),
      });
    });
    const snap = await connector.getStock(['A', 'B', 'C', 'X']);
    expect(calls.filter((c) => c.url.pathname.endsWith('/stock'))).toHaveLength(2);
    expect(snap.items.has('X')).toBe(false);
    expect(snap.items.get('A')?.warehouses).toEqual([
      { warehouseId: 's1', warehouseName: 'Main', free: 8.5 },
      { warehouseId: 's2', warehouseName: 'North', free: 0 },
    ]);
    await connector.getStock(['A']);
    expect(storeCalls).toBe(1);
  });

  it('turns a missing or non-numeric quantity into invalid_response', async () => {
    for (const row of [
      { code: 'A', store: 's1', qty: '10', reserved: 0 },
      { code: 'A', store: 's1', reserved: 0 },
    ]) {
      const { connector } = setup(() => json({ rows: [row] }));
      const err = await connector.getStock(['A']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ErpError);
      expect((err as ErpError).code).toBe('invalid_response');
      expect((err as ErpError).message).toMatch(/acme stock.*qty/);
    }
    const { connector } = setup(() => json({ rowz: [] }));
    expect(((await connector.getStock(['A']).catch((e: unknown) => e)) as ErpError).code).toBe(
      'invalid_response',
    );
  });

  it('maps HTTP statuses to error codes and retries only what may be retried', async () => {
    const cases: [number, string, boolean][] = [
      [400, 'validation', false],
      [401, 'auth', false],
      [403, 'forbidden', false],
      [404, 'not_found', false],
      [409, 'conflict', false],
      [417, 'validation', false],
      [422, 'validation', false],
      [418, 'validation', false],
      [500, 'unavailable', true],
      [503, 'unavailable', true],
    ];
    for (const [status, code, retryable] of cases) {
      const { connector, calls } = setup(() => json({ message: `nope ${status}` }, status));
      const err = (await connector.listWarehouses().catch((e: unknown) => e)) as ErpError;
      expect(err, String(status)).toBeInstanceOf(ErpError);
      expect([err.code, err.retryable], String(status)).toEqual([code, retryable]);
      expect(err.message).toContain(`nope ${status}`);
      expect(calls, String(status)).toHaveLength(retryable ? 3 : 1);
    }
  });

  it('honours Retry-After on 429: waits when short, hands it over when long', async () => {
    let n = 0;
    const short = setup(() => (n++ === 0 ? json({}, 429, { 'Retry-After': '0' }) : json([])));
    expect(await short.connector.listWarehouses()).toEqual([]);
    expect(short.calls).toHaveLength(2);

    const long = setup(() => json({ error: 'slow down' }, 429, { 'Retry-After': '120' }));
    const err = (await long.connector.listWarehouses().catch((e: unknown) => e)) as ErpError;
    expect([err.code, err.retryable, err.retryAfterMs]).toEqual(['rate_limited', true, 120_000]);
    expect(long.calls).toHaveLength(1);
  });

  it('turns network failures and timeouts into retryable errors', async () => {
    const down = setup(() => Promise.reject(new TypeError('fetch failed')), { retries: 0 });
    expect(((await down.connector.listWarehouses().catch((e: unknown) => e)) as ErpError).code).toBe(
      'unavailable',
    );
    const slow = setup(
      (_, init) =>
        new Promise<Response>((_, reject) =>
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
      { retries: 0, timeoutMs: 20 },
    );
    const err = (await slow.connector.listWarehouses().catch((e: unknown) => e)) as ErpError;
    expect([err.code, err.retryable]).toEqual(['timeout', true]);
    const html = setup(() => new Response('<html>oops</html>', { status: 200 }));
    expect(((await html.connector.listWarehouses().catch((e: unknown) => e)) as ErpError).code).toBe(
      'invalid_response',
    );
  });

  it('matches phones by their last 10 digits across every phone field', async () => {
    const { connector } = setup(() =>
      json([
        { id: 1, name: 'One', inn: '1', phones: ['+7 (495) 123-45-67'] },
        { id: 2, name: 'Two', inn: '2', phones: [null, '8 495 1234567'] },
        { id: 3, name: 'Three', inn: '3', phones: ['+7 495 765-43-21'] },
      ]),
    );
    const found = await connector.findCustomers({ phone: '4951234567' });
    expect(found.map((c) => [c.id, c.phone])).toEqual([
      ['1', '+7 (495) 123-45-67'],
      ['2', '8 495 1234567'],
    ]);
    expect(await connector.findCustomers({ phone: '---' })).toEqual([]);
    expect(await connector.findCustomers({})).toEqual([]);
  });

  it('unites matches of several identifiers without duplicates', async () => {
    const { connector } = setup((url) =>
      json(
        url.searchParams.get('inn')
          ? [{ id: 1, name: 'One', phones: ['+7 495 123-45-67'] }]
          : [{ id: 1, name: 'One', phones: ['84951234567'] }],
      ),
    );
    expect((await connector.findCustomers({ inn: '1', phone: '+74951234567' })).map((c) => c.id)).toEqual([
      '1',
    ]);
  });

  it('reads the balance sign: receivable is what the customer owes', async () => {
    const { connector } = setup(() => json({ id: 9, name: 'Nine', debt: 1500050 }));
    const summary = await connector.getCustomerSummary('9');
    expect(summary.balance).toEqual({ amount: -15000.5, currency: 'RUB' });
    expect(summary.link).toBe('https://acme.example/api/ui/clients/9');
    expect(summary.recentOrders).toEqual([]);
  });

  it('sends the idempotency key as a header and never retries creation blindly', async () => {
    const { connector, calls } = setup((_, init) => {
      const body = JSON.parse(String(init.body)) as { client: string; lines: unknown[] };
      expect(body).toEqual({ client: '9', lines: [{ code: 'A', qty: 2 }] });
      return json({ invoice: { id: 77, no: 'INV-77', total: 100, at: '2026-11-12 15:10:00' } });
    });
    const inv = await connector.createInvoice({
      idempotencyKey: 'k-1',
      customerId: '9',
      positions: [{ sku: 'A', quantity: 2 }],
    });
    expect(inv).toEqual({
      id: '77',
      number: 'INV-77',
      sum: { amount: 100, currency: 'RUB' },
      created: '2026-11-12T15:10:00+03:00',
      link: null,
    });
    expect(new Headers(calls[0]?.init.headers).get('Idempotency-Key')).toBe('k-1');
    const err = (await connector
      .createInvoice({ idempotencyKey: 'k-2', customerId: '9', positions: [{ sku: 'A', quantity: 0 }] })
      .catch((e: unknown) => e)) as ErpError;
    expect([err.code, err.retryable]).toEqual(['validation', false]);
  });

  it('reports health without throwing', async () => {
    expect(await setup(() => json({ ok: 1 })).connector.health()).toEqual({ ok: true });
    const down = await setup(() => json({ message: 'bad key' }, 401)).connector.health();
    expect(down.ok).toBe(false);
    expect(down.detail).toMatch(/HTTP 401: bad key/);
    expect(down.detail).not.toContain('pa55');
  });
});
