import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOneCConnector } from '../../server/src/erp/onec/index.js';
import { reservedBy, type StartedOneCEmulator, startOneCEmulator } from '../emulators/onec/src/index.js';

// Issue 15 on 1C, beyond the contract's shared cases: the faults between us and 1C, and the
// documented states the contract cannot name for every ERP.
const USER = 'Администратор';
const PASSWORD = 'пароль-1С';
let emulator: StartedOneCEmulator;
const connect = (extra: Partial<Parameters<typeof createOneCConnector>[0]> = {}) =>
  createOneCConnector({ odataUrl: emulator.url, user: USER, password: PASSWORD, retryBaseMs: 5, ...extra });
const petrov = () => emulator.state.refs.customers.petrov as string;
const drill = () => emulator.state.refs.items['DRL-18V'] as string;
const ordersWith = (key: string) =>
  (emulator.state.sets.get('Document_ЗаказКлиента')?.rows ?? []).filter((d) =>
    String(d.Комментарий).split(/\s/).includes(`erp-bridge:${key}`),
  );
const isCreate = (r: { method: string; resource: string }) =>
  r.method === 'POST' && r.resource === 'Document_ЗаказКлиента';

beforeAll(async () => {
  emulator = await startOneCEmulator({ user: USER, password: PASSWORD });
});
beforeEach(() => emulator.loopFaults.reset());
afterAll(() => emulator?.close());

describe('1C orders: exactly one reserve across lost answers and duplicates', () => {
  it('finds and posts the order whose creation answer was lost: one document, reserved once', async () => {
    const key = `lost-order-${Date.now()}`;
    emulator.loopFaults.loseNextAnswer(1, isCreate);
    const order = await connect({ retries: 0 }).createOrder?.({
      idempotencyKey: key,
      customerId: petrov(),
      positions: [{ sku: 'DRL-18V', quantity: 2 }],
    });
    expect(emulator.calls.some((c) => c.status === 502)).toBe(true);
    expect(ordersWith(key)).toHaveLength(1);
    expect(order?.reserved).toEqual({ 'DRL-18V': 2 });
    expect(reservedBy(emulator.state, order?.id ?? '')).toEqual({ [drill()]: 2 });
    await connect().releaseOrder?.(order?.id ?? '');
  });

  it('settles on the first of two documents a retried POST made: only it reserves, a retry returns it', async () => {
    const key = `dup-order-${Date.now()}`;
    emulator.loopFaults.duplicateNext(1, isCreate);
    const input = { idempotencyKey: key, customerId: petrov(), positions: [{ sku: 'DRL-18V', quantity: 1 }] };
    const order = await connect().createOrder?.(input);
    const docs = ordersWith(key);
    expect(docs).toHaveLength(2);
    expect(order?.id).toBe(docs[0]?.Ref_Key);
    expect(docs.map((d) => d.Posted)).toEqual([true, false]);
    expect(reservedBy(emulator.state, docs[1]?.Ref_Key as string)).toEqual({});
    expect((await connect().createOrder?.(input))?.id).toBe(order?.id);
    await connect().releaseOrder?.(order?.id ?? '');
  });

  it('reserves per warehouse, most free first; what no warehouse has is ordered without a reserve', async () => {
    // DRL-18V: 20 free in Moscow, 6 in St Petersburg.
    const order = await connect().createOrder?.({
      idempotencyKey: `split-${Date.now()}`,
      customerId: petrov(),
      positions: [{ sku: 'DRL-18V', quantity: 30 }],
    });
    expect(order?.reserved).toEqual({ 'DRL-18V': 26 });
    const doc = emulator.state.sets.get('Document_ЗаказКлиента')?.rows.find((d) => d.Ref_Key === order?.id);
    const { msk, spb } = emulator.state.refs.warehouses;
    expect(
      ((doc?.Товары ?? []) as { Количество: number; Склад_Key: string; ВариантОбеспечения: string }[]).map(
        (l) => [l.Количество, l.Склад_Key, l.ВариантОбеспечения],
      ),
    ).toEqual([
      [20, msk, 'СоСклада'],
      [6, spb, 'СоСклада'],
      [4, msk, 'КОбеспечению'],
    ]);
    const released = await connect().releaseOrder?.(order?.id ?? '');
    expect(released?.reserved).toEqual({});
    expect(reservedBy(emulator.state, order?.id ?? '')).toEqual({});
    expect(doc?.Posted).toBe(false);
  });
});

describe('1C invoice states', () => {
  const invoice = async (key: string) =>
    connect().createInvoice({
      idempotencyKey: key,
      customerId: petrov(),
      positions: [{ sku: 'DRL-18V', quantity: 1 }],
    });

  it('counts only posted payments; an annulled or deleted invoice is cancelled', async () => {
    const connector = connect();
    const a = await invoice(`st-a-${Date.now()}`);
    const b = await invoice(`st-b-${Date.now()}`);
    const payment = emulator.loop.pay(a.id, 8990);
    emulator.loop.pay(a.id, 100, { posted: false });
    let got = await connector.invoiceStatus?.([a.id, b.id]);
    expect(got?.get(a.id)).toMatchObject({ state: 'paid', paidSum: { amount: 8990 } });
    expect(got?.get(b.id)).toMatchObject({ state: 'issued', paidSum: { amount: 0 } });
    emulator.loop.unpostPayment(payment);
    got = await connector.invoiceStatus?.([a.id]);
    expect(got?.get(a.id)).toMatchObject({ state: 'issued', paidSum: { amount: 0 } });
    emulator.loop.cancelInvoice(a.id, 'annul');
    emulator.loop.cancelInvoice(b.id, 'delete');
    got = await connector.invoiceStatus?.([a.id, b.id, 'not-a-guid']);
    expect([got?.get(a.id)?.state, got?.get(b.id)?.state]).toEqual(['cancelled', 'cancelled']);
    expect(got?.size).toBe(2);
  });

  it('reads many invoices in three requests (URLs permitting): invoices, payment rows, their documents', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await invoice(`many-${i}-${Date.now()}`)).id);
    for (const id of ids) emulator.loop.pay(id, 10);
    const from = emulator.calls.length;
    // Each cast() term is ~250 encoded characters: a publication allowing longer URLs needs fewer requests.
    const got = await connect({ maxUrlLength: 8000 }).invoiceStatus?.(ids);
    expect([...(got?.values() ?? [])].map((s) => s.state)).toEqual(Array(5).fill('partially_paid'));
    expect(emulator.calls.length - from).toBe(3);
  });
});

describe('1C invoice states at the batch size of a poll', () => {
  it('reads 100 invoices in a bounded number of requests, each URL within the budget', async () => {
    const connector = connect();
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const key = `batch-${i}-${Date.now()}`;
      ids.push(
        (
          await connector.createInvoice({
            idempotencyKey: key,
            customerId: petrov(),
            positions: [{ sku: 'TAPE-50', quantity: 1 }],
          })
        ).id,
      );
    }
    for (const id of ids.slice(0, 50)) emulator.loop.pay(id, 1);
    const from = emulator.calls.length;
    const got = await connector.invoiceStatus?.(ids);
    expect(got?.size).toBe(100);
    const calls = emulator.calls.slice(from);
    console.info(`1C invoiceStatus, 100 invoices (50 with a payment): ${calls.length} requests`);
    // ~250 encoded characters per cast() term: ~6 invoices per payment-row request at 2,000.
    expect(calls.length).toBeLessThanOrEqual(40);
    const origin = new URL(emulator.url).origin;
    for (const c of calls)
      expect(`${origin}${encodeURI(c.path)}?${c.query}`.length).toBeLessThanOrEqual(2000);
  });
});

describe('1C: every operation stops when its caller went away', () => {
  it('sends nothing for an aborted call', async () => {
    const connector = connect();
    const signal = AbortSignal.abort();
    const from = emulator.calls.length;
    const calls = [
      connector.resolveSkus(['TAPE-50'], { signal }),
      connector.listWarehouses({ signal }),
      connector.findCustomers({ inn: '500100732259' }, { signal }),
      connector.getCustomerSummary(petrov(), { signal }),
      connector.searchCustomers?.('Ромашка', { signal }),
      connector.createInvoice(
        {
          idempotencyKey: `abort-${Date.now()}`,
          customerId: petrov(),
          positions: [{ sku: 'DRL-18V', quantity: 1 }],
        },
        { signal },
      ),
    ];
    for (const call of calls) await expect(call).rejects.toMatchObject({ code: 'aborted' });
    const loop = connector as unknown as {
      invoiceStatus(ids: string[], o: { signal: AbortSignal }): Promise<unknown>;
      releaseOrder(id: string, o: { signal: AbortSignal }): Promise<unknown>;
    };
    await expect(loop.invoiceStatus([petrov()], { signal })).rejects.toMatchObject({ code: 'aborted' });
    await expect(loop.releaseOrder(petrov(), { signal })).rejects.toMatchObject({ code: 'aborted' });
    expect(emulator.calls.length).toBe(from);
  });
});
