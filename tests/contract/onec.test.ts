import { ErpError } from '@erp-bridge/server/erp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOneCConnector } from '../../server/src/erp/onec/index.js';
import { type StartedOneCEmulator, startOneCEmulator } from '../emulators/onec/src/index.js';
import { describeErpConnectorContract } from './erp-connector.contract.js';

const USER = 'Администратор';
const PASSWORD = 'пароль-1С';

describeErpConnectorContract('onec', async () => {
  const emulator = await startOneCEmulator({ user: USER, password: PASSWORD });
  const connector = createOneCConnector({
    odataUrl: emulator.url,
    user: USER,
    password: PASSWORD,
    retryBaseMs: 20,
  });
  return {
    connector,
    // A wrong password: the publication's Basic auth answers 401 with WWW-Authenticate.
    withBadCredentials: () =>
      createOneCConnector({ odataUrl: emulator.url, user: USER, password: 'старый-пароль', retryBaseMs: 20 }),
    requestCount: () => emulator.calls.length,
    rateLimitNext: (n, waitMs) => emulator.faults.rateLimitNext(n, waitMs),
    clearRateLimit: () => emulator.faults.reset(),
    breakErp: () => emulator.faults.outage(true),
    restoreErp: () => emulator.faults.outage(false),
    corruptNextResponse: () => emulator.faults.corruptNext(),
    // A bank receipt naming the invoice in its РасшифровкаПлатежа (see the emulator's payments.ts).
    payInvoice: async (id, amount) => {
      emulator.loop.pay(id, amount);
    },
    close: () => emulator.close(),
  };
});

describe('1C connector: the loop capabilities (issue 15)', () => {
  it('reads invoice states and keeps orders; has no webhooks, so the loop polls', () => {
    const connector = createOneCConnector({
      odataUrl: 'http://1c.test/odata/standard.odata',
      user: USER,
      password: '',
    });
    expect(typeof connector.invoiceStatus).toBe('function');
    expect(typeof connector.createOrder).toBe('function');
    expect(typeof connector.releaseOrder).toBe('function');
    expect(connector.subscribe).toBeUndefined();
  });
});

describe('1C connector against the emulator', () => {
  let emulator: StartedOneCEmulator;
  const connect = (extra: Partial<Parameters<typeof createOneCConnector>[0]> = {}) =>
    createOneCConnector({ odataUrl: emulator.url, user: USER, password: PASSWORD, retryBaseMs: 5, ...extra });
  const invoices = () => emulator.state.sets.get('Document_СчетНаОплатуКлиенту')?.rows ?? [];
  const petrov = () => emulator.state.refs.customers.petrov as string;

  beforeAll(async () => {
    emulator = await startOneCEmulator({ user: USER, password: PASSWORD });
  });
  afterAll(() => emulator?.close());

  it('retries a create whose Post() failed into exactly one posted document', async () => {
    const connector = connect({ retries: 0 });
    const key = `post-fails-${Date.now()}`;
    const input = { idempotencyKey: key, customerId: petrov(), positions: [{ sku: 'DRL-18V', quantity: 1 }] };
    const isPost = (r: { method: string; resource: string }) =>
      r.method === 'POST' && r.resource.endsWith('/Post()');
    emulator.faults.failNext(1, 500, isPost);

    const err = await connector.createInvoice(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpError);
    expect((err as ErpError).retryable).toBe(true);
    const marked = () => invoices().filter((d) => String(d.Комментарий).includes(`erp-bridge:${key}`));
    expect(marked()).toHaveLength(1);
    expect(marked()[0]?.Posted).toBe(false);

    const again = await connector.createInvoice(input);
    expect(marked()).toHaveLength(1);
    expect(marked()[0]?.Posted).toBe(true);
    expect(again.id).toBe(marked()[0]?.Ref_Key);
    expect(again.number).toMatch(/^0000-\d{6}$/);
    expect(again.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/);
  });

  it('retries Post() on its own when 1C fails it transiently', async () => {
    const key = `post-retried-${Date.now()}`;
    emulator.faults.failNext(1, 503, (r) => r.method === 'POST' && r.resource.endsWith('/Post()'));
    const created = await connect().createInvoice({
      idempotencyKey: key,
      customerId: petrov(),
      positions: [{ sku: 'TAPE-50', quantity: 2, price: { amount: 200, currency: 'RUB' } }],
    });
    const doc = invoices().find((d) => d.Ref_Key === created.id);
    expect(doc?.Posted).toBe(true);
    expect(created.sum).toEqual({ amount: 400, currency: 'RUB' });
  });

  it('finds the document when the answer to its creation was lost', async () => {
    const key = `lost-answer-${Date.now()}`;
    // The document is written, then the proxy answers 502 instead of 1C's 201.
    let intercepted = false;
    const before = invoices().length;
    const fetchLosingAnswer: typeof fetch = async (url, init) => {
      const res = await fetch(url, init);
      if (!intercepted && init?.method === 'POST' && !String(url).includes('Post()')) {
        intercepted = true;
        return new Response('<html>502 Bad Gateway</html>', { status: 502 });
      }
      return res;
    };
    const created = await createOneCConnector({
      odataUrl: emulator.url,
      user: USER,
      password: PASSWORD,
      retries: 0,
      fetch: fetchLosingAnswer,
    }).createInvoice({
      idempotencyKey: key,
      customerId: petrov(),
      positions: [{ sku: 'DRL-18V', quantity: 1 }],
    });
    expect(intercepted).toBe(true);
    expect(invoices().length).toBe(before + 1);
    expect(invoices().find((d) => d.Ref_Key === created.id)?.Posted).toBe(true);
  });

  it('does not take a longer key sharing the prefix for the same invoice', async () => {
    const key = `prefix-${Date.now()}`;
    const connector = connect();
    const input = { customerId: petrov(), positions: [{ sku: 'DRL-18V', quantity: 1 }] };
    const long = await connector.createInvoice({ ...input, idempotencyKey: `${key}-long` });
    const short = await connector.createInvoice({ ...input, idempotencyKey: key });
    expect(short.id).not.toBe(long.id);
  });

  it('reads stock for every SKU of a deal in one Balance request', async () => {
    const connector = connect();
    await connector.resolveSkus(['DRL-18V', 'SAW-CIRC-190', 'BIT-SET-32']);
    await connector.listWarehouses();
    const from = emulator.calls.length;
    const snapshot = await connector.getStock(['DRL-18V', 'SAW-CIRC-190', 'BIT-SET-32']);
    const calls = emulator.calls.slice(from);
    expect(calls.map((c) => c.path.split('/').pop()?.split('(')[0])).toEqual(['Balance']);
    // 1C has no Balance row for a zero balance: the connector reports the warehouse as 0.
    const saw = snapshot.items
      .get('SAW-CIRC-190')
      ?.warehouses.find((w) => w.warehouseName === 'Санкт-Петербург');
    expect(saw?.free).toBe(0);
  });

  it('splits a long SKU list into requests that fit the URL budget', async () => {
    const connector = connect({ maxUrlLength: 600 });
    const skus = Array.from({ length: 40 }, (_, i) => `MISSING-${i}`).concat('DRL-18V');
    const from = emulator.calls.length;
    const items = await connector.resolveSkus(skus);
    expect([...items.keys()]).toEqual(['DRL-18V']);
    const calls = emulator.calls.slice(from);
    expect(calls.filter((c) => c.path.endsWith('Catalog_Номенклатура')).length).toBeGreaterThan(1);
    for (const c of calls) expect(`${emulator.url}${c.path}?${c.query}`.length).toBeLessThan(1200);
  });

  it('caches SKU -> Ref_Key', async () => {
    const connector = connect();
    await connector.resolveSkus(['GLV-NIT-L']);
    const from = emulator.calls.length;
    expect((await connector.resolveSkus(['GLV-NIT-L'])).get('GLV-NIT-L')?.name).toBe(
      'Перчатки нитриловые, размер L',
    );
    expect(emulator.calls.length).toBe(from);
  });

  it('maps wrong credentials to a non-retryable auth error', async () => {
    const connector = createOneCConnector({ odataUrl: emulator.url, user: USER, password: 'wrong' });
    const err = await connector.listWarehouses().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'auth', retryable: false });
    expect((await connector.health()).ok).toBe(false);
  });

  it('gives a null balance when the settlements register is not published', async () => {
    emulator.state.unpublished.add('AccumulationRegister_РасчетыСКлиентами');
    try {
      const summary = await connect().getCustomerSummary(emulator.state.refs.customers.romashka as string);
      expect(summary.balance).toBeNull();
      expect(summary.recentInvoices.map((i) => i.date)).toEqual(['2026-11-12T15:10:00+03:00']);
    } finally {
      emulator.state.unpublished.delete('AccumulationRegister_РасчетыСКлиентами');
    }
  });

  it('links to the 1C client when a link base is configured', async () => {
    const id = emulator.state.refs.customers.romashka as string;
    const summary = await connect({ linkBase: 'e1c://srv/1c/trade' }).getCustomerSummary(id);
    const [a, b, c, d, e] = id.split('-');
    expect(summary.link).toBe(
      `e1c://srv/1c/trade#e1cib/data/Справочник.Контрагенты?ref=${d}${e}${c}${b}${a}`,
    );
  });

  it('does not retry a 4xx', async () => {
    emulator.faults.failNext(1, 400);
    const from = emulator.calls.length;
    const err = await connect({ retries: 3 })
      .listWarehouses()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'validation', retryable: false });
    expect(emulator.calls.length - from).toBe(1);
  });

  it('retries a 5xx with bounded backoff, then succeeds', async () => {
    emulator.faults.failNext(2, 500);
    const from = emulator.calls.length;
    expect((await connect({ retries: 2 }).listWarehouses()).length).toBe(2);
    expect(emulator.calls.slice(from).map((c) => c.status)).toEqual([500, 500, 200]);
  });
});
