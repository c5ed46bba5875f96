import { ErpError } from '@erp-bridge/server/erp';
import { afterEach, describe, expect, it } from 'vitest';
import { createMoySkladConnector } from '../../server/src/erp/moysklad/index.js';
import { availabilityOf } from '../../server/src/stock/lead-stock.js';
import {
  type StartedMoySkladEmulator,
  seededId,
  startMoySkladEmulator,
} from '../emulators/moysklad/src/index.js';
import { ITEMS } from '../fixtures/erp-dataset.js';
import { expectServiceInvoicedAtItsPrice } from '../support/erp-service-line.js';
import { describeErpConnectorContract } from './erp-connector.contract.js';

const TOKEN = 'contract-moysklad-token';

describeErpConnectorContract('moysklad', async () => {
  const emulator = await startMoySkladEmulator({ token: TOKEN });
  // Two 429 retries keep the contract's rate-limit cases short; the default is five.
  const connector = createMoySkladConnector({
    token: TOKEN,
    apiBase: emulator.url,
    retryBaseMs: 20,
    maxRateLimitRetries: 2,
  });
  return {
    connector,
    // A wrong token: 401 with error code 1056 (https://dev.moysklad.ru/doc/api/remap/1.2/#mojsklad-json-api-obschie-swedeniq-autentifikaciq).
    withBadCredentials: () => createMoySkladConnector({ token: 'revoked-token', apiBase: emulator.url }),
    requestCount: () => emulator.calls.length,
    // 429 with code 1049 and X-Lognex-Retry-After in ms (https://dev.moysklad.ru/doc/api/remap/1.2/#mojsklad-json-api-obschie-swedeniq-ogranicheniq).
    rateLimitNext: (n, waitMs) => emulator.faults.failNext(n, 429, { retryAfterMs: waitMs }),
    clearRateLimit: () => emulator.faults.reset(),
    breakErp: () => emulator.faults.outage(true),
    restoreErp: () => emulator.faults.outage(false),
    corruptNextResponse: async () => {
      // Requests the previous test cancelled may still be inside the emulator (it does not stop a
      // handler when the client hangs up): let them drain so none of them takes the corruption.
      await new Promise((resolve) => setTimeout(resolve, 100));
      emulator.faults.corruptNext();
    },
    payInvoice: async (id, amount) => {
      emulator.loop.pay(id, amount);
    },
    registeredWebhooks: () => emulator.state.webhooks.length,
    close: () => emulator.close(),
  };
});

describe('MoySklad connector against the emulator: limits and retries', () => {
  let emulator: StartedMoySkladEmulator;
  afterEach(() => emulator?.close());

  const stockCalls = (from = 0) =>
    emulator.calls.slice(from).filter((c) => c.path.endsWith('/report/stock/bystore/current'));

  it('keeps 20 parallel getStock calls within 5 in flight, and all succeed', async () => {
    emulator = await startMoySkladEmulator({ token: TOKEN, latencyMs: 30 });
    const connector = createMoySkladConnector({ token: TOKEN, apiBase: emulator.url });
    const skus = ITEMS.map((i) => i.sku);
    const snapshots = await Promise.all(Array.from({ length: 20 }, () => connector.getStock(skus)));
    for (const s of snapshots) expect(s.items.size).toBe(ITEMS.length);
    expect(emulator.state.peakInFlight).toBeLessThanOrEqual(5);
    expect(emulator.state.peakInFlight).toBeGreaterThan(1);
    expect(connector.peakInFlight).toBeLessThanOrEqual(5);
    expect(emulator.calls.filter((c) => c.status !== 200)).toEqual([]);
    // Concurrent lookups of the same SKUs and stores share one request each.
    expect(emulator.calls.filter((c) => c.path.endsWith('/entity/product'))).toHaveLength(1);
    expect(emulator.calls.filter((c) => c.path.endsWith('/entity/store'))).toHaveLength(1);
    // Free stock, on-hand stock and in transit: three short reports per read.
    expect(stockCalls()).toHaveLength(60);
  });

  it('rides out a spent rate window: every call succeeds', async () => {
    emulator = await startMoySkladEmulator({ token: TOKEN, rateLimit: { limit: 8, windowMs: 400 } });
    const connector = createMoySkladConnector({ token: TOKEN, apiBase: emulator.url });
    const snapshots = await Promise.all(Array.from({ length: 20 }, () => connector.getStock(['DRL-18V'])));
    expect(snapshots.every((s) => s.items.get('DRL-18V')?.warehouses.length === 2)).toBe(true);
    expect(stockCalls().filter((c) => c.status === 200)).toHaveLength(60);
    // The limiter paces itself on X-RateLimit-Remaining instead of hammering into 429s (without
    // the pacing, calls fail on 429s past their retries). After a pause its budget is unknown
    // again, so at most one wave of maxInFlight (5) requests can meet a window the server has not
    // reset yet; a loaded machine shifts the two clocks that far (3 seen in CI, 0-2 when quiet).
    expect(emulator.calls.filter((c) => c.status === 429).length).toBeLessThanOrEqual(5);
  });

  it('waits out a 429 for X-Lognex-Retry-After and retries; never retries a 400', async () => {
    emulator = await startMoySkladEmulator({ token: TOKEN });
    const connector = createMoySkladConnector({ token: TOKEN, apiBase: emulator.url });
    await connector.getStock(['DRL-18V']); // warms the SKU and store caches

    let from = emulator.calls.length;
    emulator.faults.failNext(1, 429, { retryAfterMs: 300 });
    const snapshot = await connector.getStock(['DRL-18V']);
    expect(snapshot.items.get('DRL-18V')?.warehouses).toHaveLength(2);
    const calls = stockCalls(from);
    expect(calls.map((c) => c.status).sort()).toEqual([200, 200, 200, 429]);
    const limited = calls.find((c) => c.status === 429);
    expect(Math.max(...calls.map((c) => c.at)) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(290);

    from = emulator.calls.length;
    emulator.faults.failNext(1, 400);
    const err = await connector.getStock(['DRL-18V']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpError);
    expect((err as ErpError).code).toBe('validation');
    expect((err as ErpError).retryable).toBe(false);
    // The 400 is never retried (the other two reports of the read may have gone out beside it).
    expect(
      emulator.calls
        .slice(from)
        .filter((c) => c.status !== 200)
        .map((c) => c.status),
    ).toEqual([400]);
    expect(emulator.calls.slice(from).length).toBeLessThanOrEqual(3);
  });

  it('retries a 5xx a bounded number of times, then fails retryable', async () => {
    emulator = await startMoySkladEmulator({ token: TOKEN });
    const connector = createMoySkladConnector({
      token: TOKEN,
      apiBase: emulator.url,
      retryBaseMs: 10,
      maxServerRetries: 2,
    });
    emulator.faults.outage(true);
    const err = await connector.listWarehouses().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unavailable', retryable: true });
    expect(emulator.calls.map((c) => c.status)).toEqual([503, 503, 503]);
    emulator.faults.outage(false);
    emulator.faults.failNext(1, 502);
    expect(await connector.listWarehouses()).toHaveLength(2);
  });

  it('turns a wrong token into a non-retryable auth error and an unhealthy status', async () => {
    emulator = await startMoySkladEmulator({ token: TOKEN });
    const connector = createMoySkladConnector({ token: 'wrong', apiBase: emulator.url });
    const err = await connector.listWarehouses().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'auth', retryable: false });
    expect(await connector.health()).toMatchObject({ ok: false, detail: expect.stringContaining('1056') });
    expect(emulator.calls.map((c) => c.status)).toEqual([401, 401]);
  });
});

describe('MoySklad connector against the emulator: customers and invoices', () => {
  let emulator: StartedMoySkladEmulator;
  afterEach(() => emulator?.close());

  it('leaves the balance unknown when the tariff lacks the counterparty report', async () => {
    emulator = await startMoySkladEmulator({ token: TOKEN, counterpartyReport: false });
    const connector = createMoySkladConnector({ token: TOKEN, apiBase: emulator.url });
    const [customer] = await connector.findCustomers({ inn: '7701234567' });
    const summary = await connector.getCustomerSummary(customer?.id ?? '');
    expect(summary.balance).toBeNull();
    expect(summary.recentOrders.map((o) => o.number)).toEqual(['00057', '00041']);
    expect(summary.recentOrders[0]?.date).toBe('2026-11-12T15:05:00.000+03:00');
    expect(summary.recentInvoices.map((o) => o.number)).toEqual(['СЧ-0112']);
    expect(summary.link).toBe(`https://online.moysklad.ru/app/#Company/edit?id=${customer?.id}`);
  });

  it('answers not_found for an unknown customer', async () => {
    emulator = await startMoySkladEmulator({ token: TOKEN });
    const connector = createMoySkladConnector({ token: TOKEN, apiBase: emulator.url });
    const err = await connector
      .getCustomerSummary('00000000-0000-0000-0000-000000000000')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'not_found', retryable: false });
  });

  it('creates one invoice per key even when retries race, priced from the sale price or the given one', async () => {
    emulator = await startMoySkladEmulator({ token: TOKEN });
    const connector = createMoySkladConnector({ token: TOKEN, apiBase: emulator.url });
    const [customer] = await connector.findCustomers({ phone: '8 916 000 11 22' });
    expect(customer?.inn).toBe('500100732259');
    const input = {
      idempotencyKey: 'deal-1001-invoice-1',
      customerId: customer?.id ?? '',
      positions: [
        { sku: 'DRL-18V', quantity: 1 },
        { sku: 'GLV-NIT-L', quantity: 10, price: { amount: 30, currency: 'RUB' } },
      ],
      comment: 'Сделка 1001',
    };
    const [a, b] = await Promise.all([connector.createInvoice(input), connector.createInvoice(input)]);
    const c = await connector.createInvoice(input);
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    expect(a.sum).toEqual({ amount: 8990 + 300, currency: 'RUB' });
    expect(a.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+03:00$/);
    expect(a.link).toBe(`https://online.moysklad.ru/app/#invoiceout/edit?id=${a.id}`);
    const stored = emulator.state.documents.filter((d) => d.externalCode === input.idempotencyKey);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.positions.map((p) => p.price)).toEqual([899000, 3000]);
    expect(emulator.calls.filter((x) => x.method === 'POST')).toHaveLength(1);
  });
});

describe('MoySklad connector against the documented short-report and service cases', () => {
  let emulator: StartedMoySkladEmulator;
  afterEach(() => emulator?.close());
  const start = async () => {
    emulator = await startMoySkladEmulator({ token: TOKEN });
    return createMoySkladConnector({ token: TOKEN, apiBase: emulator.url });
  };

  it('accepts the "storeId": null row: store-less reserve lowers the total, belongs to no warehouse', async () => {
    const connector = await start();
    // The documentation's example: {"storeId": null, "freeStock": -5}.
    emulator.state.unassigned.push({ assortmentId: seededId('product:DRL-18V'), reserve: 5, inTransit: 2 });
    const snapshot = await connector.getStock(['DRL-18V']);
    const drill = snapshot.items.get('DRL-18V');
    expect(drill?.warehouses.map((w) => w.warehouseId).sort()).toEqual(
      [seededId('store:msk'), seededId('store:spb')].sort(),
    );
    expect(drill).toMatchObject({ unassignedReserve: 5, inTransit: 2, unit: 'шт' });
    const line = availabilityOf(
      [{ elementId: 1, sku: 'DRL-18V', name: 'Дрель', quantity: 21, price: null }],
      snapshot,
    ).lines[0];
    // 20 + 6 free in the stores, 5 of it promised to an order without a store.
    expect(line).toMatchObject({ freeTotal: 21, status: 'ok', unassignedReserve: 5 });
  });

  it('gives stock, reserve and in-transit per store, the unit and a link into MoySklad', async () => {
    const connector = await start();
    const snapshot = await connector.getStock(['DRL-18V', 'CBL-VVG-2.5']);
    const msk = snapshot.items
      .get('DRL-18V')
      ?.warehouses.find((w) => w.warehouseId === seededId('store:msk'));
    expect(msk).toMatchObject({ free: 20, stock: 24, reserve: 4, inTransit: 0 });
    expect(snapshot.items.get('CBL-VVG-2.5')?.unit).toBe('м');
    expect(snapshot.items.get('DRL-18V')?.link).toBe(
      `https://online.moysklad.ru/app/#good/edit?id=${seededId('product:DRL-18V')}`,
    );
  });

  it('asks for zero lines: nothing in stock is 0 (short); an item not recalculated yet is unknown and pending', async () => {
    const connector = await start();
    emulator.state.notRecalculated.add(seededId('product:TAPE-50'));
    const snapshot = await connector.getStock(['SAW-CIRC-190', 'TAPE-50']);
    const spb = snapshot.items
      .get('SAW-CIRC-190')
      ?.warehouses.find((w) => w.warehouseId === seededId('store:spb'));
    expect(spb?.free).toBe(0);
    expect(snapshot.items.has('TAPE-50')).toBe(false);
    expect(snapshot.pending).toEqual(['TAPE-50']);
    const lines = availabilityOf(
      [
        { elementId: 1, sku: 'TAPE-50', name: 'Лента', quantity: 1, price: null },
        { elementId: 2, sku: 'SAW-CIRC-190', name: 'Пила', quantity: 3, price: null },
      ],
      snapshot,
    ).lines;
    expect(lines.map((l) => [l.status, l.freeTotal])).toEqual([
      ['unknown', null],
      ['short', 2],
    ]);
  });

  it('treats a MoySklad service as a service line: no stock read, never unknown, invoiced with its price', async () => {
    const connector = await start();
    const before = emulator.calls.length;
    const snapshot = await connector.getStock(['SRV-DELIVERY']);
    expect(snapshot.items.get('SRV-DELIVERY')).toMatchObject({
      kind: 'service',
      price: { amount: 1500, currency: 'RUB' },
      warehouses: [],
    });
    expect(emulator.calls.slice(before).some((c) => c.path.includes('/report/stock'))).toBe(false);
    const [line] = availabilityOf(
      [{ elementId: 1, sku: 'SRV-DELIVERY', name: 'Доставка', quantity: 1, price: null }],
      snapshot,
    ).lines;
    expect(line).toMatchObject({ kind: 'service', status: 'ok' });
    await expectServiceInvoicedAtItsPrice(connector);
  });
});
