import type { ErpConnector, StockSnapshot } from '@erp-bridge/server/erp';
import { ErpError } from '@erp-bridge/server/erp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMERS, freeStock, ITEMS, WAREHOUSES } from '../fixtures/erp-dataset.js';
import { describeLoopCapabilities } from './erp-loop.contract.js';

/** What a connector's test file hands the contract: a connector wired to its emulator seeded with the dataset. */
export interface ContractSubject {
  connector: ErpConnector;
  /** Makes the ERP answer every following request with an HTTP 5xx / outage until restored. */
  breakErp?(): void;
  /** Makes the ERP answer the next stock request with a body of the wrong shape. */
  corruptNextResponse?(): void | Promise<void>;
  restoreErp?(): void;
  /** The same ERP reached with wrong credentials (a revoked token, a changed password). */
  withBadCredentials?(): ErpConnector;
  /** Requests the ERP has received so far (its call log, rejected ones included). */
  requestCount?(): number;
  /** The next `n` requests answer 429 asking to wait `waitMs`, in the vendor's (or its proxy's) documented form. */
  rateLimitNext?(n: number, waitMs: number): void;
  /** Drops rate-limit faults still pending. */
  clearRateLimit?(): void;
  /** The customer pays `amount` against an invoice in the ERP (issue 15: the loop's cases). */
  payInvoice?(invoiceId: string, amount: number): Promise<void>;
  /** Webhooks registered in the ERP (to see that subscribing twice registers nothing new). */
  registeredWebhooks?(): number;
  close(): Promise<void>;
}

const byName = (warehouses: { warehouseName: string; free: number | null }[]) =>
  Object.fromEntries(warehouses.map((w) => [w.warehouseName, w.free]));

/**
 * The one suite every ERP connector must pass. Facts come from tests/fixtures/erp-dataset.ts,
 * which every emulator is seeded with.
 */
export function describeErpConnectorContract(name: string, setup: () => Promise<ContractSubject>) {
  describe(`ERP connector contract: ${name}`, () => {
    let s: ContractSubject;
    beforeAll(async () => {
      s = await setup();
    });
    afterAll(() => s?.close());

    it('is healthy when the ERP answers', async () => {
      expect((await s.connector.health()).ok).toBe(true);
    });

    it('resolves known SKUs to ERP items and leaves unknown ones out', async () => {
      const items = await s.connector.resolveSkus(['DRL-18V', 'BIT-SET-32', 'NO-SUCH-SKU']);
      expect([...items.keys()].sort()).toEqual(['BIT-SET-32', 'DRL-18V']);
      const drill = items.get('DRL-18V');
      expect(drill?.name).toBe('Дрель-шуруповёрт 18 В');
      expect(drill?.id).toBeTruthy();
      expect(drill?.price).toEqual({ amount: 8990, currency: 'RUB' });
      expect(items.get('BIT-SET-32')?.price?.amount).toBeCloseTo(790.5, 2);
    });

    it('reports free stock per warehouse for every SKU of a deal, unknown SKUs absent (not zero)', async () => {
      const snapshot = await s.connector.getStock([...ITEMS.map((i) => i.sku), 'NO-SUCH-SKU']);
      expect(snapshot.asOf).toBeInstanceOf(Date);
      expect(snapshot.items.has('NO-SUCH-SKU')).toBe(false);
      for (const item of ITEMS) {
        const got = snapshot.items.get(item.sku);
        expect(got, item.sku).toBeDefined();
        const free = byName(got?.warehouses ?? []);
        for (const [key, whName] of Object.entries(WAREHOUSES) as [keyof typeof WAREHOUSES, string][]) {
          // A warehouse may be absent when the ERP has no record of the item there (treated as unknown),
          // but a reported figure must be the exact free stock.
          if (whName in free)
            expect(free[whName], `${item.sku} @ ${whName}`).toBeCloseTo(freeStock(item, key), 6);
        }
        expect(free[WAREHOUSES.msk], `${item.sku} @ msk must be reported`).toBeCloseTo(
          freeStock(item, 'msk'),
          6,
        );
      }
    });

    it('reports a warehouse whose whole stock is reserved as 0 free, not as missing (zero is not unknown)', async () => {
      // GLV-NIT-L in St Petersburg: 30 on hand, 30 reserved.
      const snapshot = await s.connector.getStock(['GLV-NIT-L']);
      const free = byName(snapshot.items.get('GLV-NIT-L')?.warehouses ?? []);
      expect(free[WAREHOUSES.spb]).toBe(0);
    });

    it('gives on-hand stock and reserve where it knows them, consistent with free (stock - reserve)', async () => {
      const snapshot = await s.connector.getStock(['DRL-18V']);
      const msk = snapshot.items.get('DRL-18V')?.warehouses.find((w) => w.warehouseName === WAREHOUSES.msk);
      if (msk?.stock == null || msk.reserve == null) return; // this connector does not split them
      expect([msk.stock, msk.reserve, msk.free]).toEqual([24, 4, 20]);
    });

    it("stops a stock read whose caller has gone (an aborted signal): an 'aborted' error, never retried", async (ctx) => {
      // The embedded store has no network request to cancel.
      if (s.connector.kind === 'local') return ctx.skip();
      await s.connector.getStock(['DRL-18V']); // warm lookups, so the stock request itself is what is cancelled
      const err = await s.connector
        .getStock(['DRL-18V'], { signal: AbortSignal.abort() })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ErpError);
      expect(err).toMatchObject({ code: 'aborted', retryable: false });
    });

    it('returns an empty snapshot for no SKUs', async () => {
      expect((await s.connector.getStock([])).items.size).toBe(0);
    });

    it('lists the warehouses', async () => {
      const names = (await s.connector.listWarehouses()).map((w) => w.name).sort();
      expect(names).toEqual(Object.values(WAREHOUSES).sort());
    });

    it('finds a customer by INN, by email and by phone in any format', async () => {
      const romashka = CUSTOMERS.find((c) => c.key === 'romashka');
      if (!romashka) throw new Error('dataset lacks romashka');
      const byInn = await s.connector.findCustomers({ inn: romashka.inn });
      expect(byInn.map((c) => c.name)).toEqual([romashka.name]);
      expect((await s.connector.findCustomers({ email: romashka.email })).map((c) => c.inn)).toEqual([
        romashka.inn,
      ]);
      expect((await s.connector.findCustomers({ phone: '84951234567' })).map((c) => c.inn)).toEqual([
        romashka.inn,
      ]);
    });

    it('returns every match when several customers share a phone, none when nothing matches', async () => {
      const several = await s.connector.findCustomers({ phone: '+78125550000' });
      expect(several.map((c) => c.inn).sort()).toEqual(['7801111111', '7802222222']);
      expect(await s.connector.findCustomers({ inn: '0000000000' })).toEqual([]);
    });

    it('searches customers by part of the name, case-insensitively, where the ERP can', async (ctx) => {
      const search = s.connector.searchCustomers?.bind(s.connector);
      if (!search) return ctx.skip();
      const both = await search('строймонтаж');
      expect(both.map((c) => c.inn).sort()).toEqual(['7801111111', '7802222222']);
      expect((await search('Ромашка')).map((c) => c.inn)).toEqual(['7701234567']);
      expect(await search('нет такого контрагента')).toEqual([]);
    });

    it('creates a customer once per external key, and reuses the one holding the INN', async (ctx) => {
      const create = s.connector.createCustomer?.bind(s.connector);
      if (!create) return ctx.skip();
      const input = {
        name: 'ООО «Новый клиент»',
        inn: '7709999999',
        phone: '+7 495 700-00-01',
        email: 'new@client.example',
        companyType: 'legal' as const,
        externalKey: `contract-${Date.now()}`,
      };
      const first = await create(input);
      expect(first).toMatchObject({ name: input.name, inn: input.inn });
      // A retry after a lost answer (same key) and a second card with the same INN: no second customer.
      expect((await create(input)).id).toBe(first.id);
      expect(
        (await create({ ...input, externalKey: `${input.externalKey}-b`, name: 'Другая карточка' })).id,
      ).toBe(first.id);
      expect((await s.connector.findCustomers({ inn: input.inn })).map((c) => c.id)).toEqual([first.id]);
      // Without an INN the external key alone keeps it single.
      const person = {
        ...input,
        inn: null,
        name: 'Иванов Иван',
        companyType: 'individual' as const,
        externalKey: `${input.externalKey}-p`,
      };
      const created = await create(person);
      expect((await create(person)).id).toBe(created.id);
      expect(created.id).not.toBe(first.id);
    });

    it("summarises a customer's balance, recent orders and invoices", async () => {
      const [customer] = await s.connector.findCustomers({ inn: '7701234567' });
      if (!customer) throw new Error('customer not found');
      const summary = await s.connector.getCustomerSummary(customer.id);
      expect(summary.customer.id).toBe(customer.id);
      expect(summary.balance?.currency).toBe('RUB');
      expect(summary.balance?.amount).toBeCloseTo(-15000.5, 2);
      expect(summary.recentOrders.map((o) => o.sum.amount).sort((a, b) => a - b)).toEqual([17980, 45210]);
      for (const doc of [...summary.recentOrders, ...summary.recentInvoices]) {
        expect(Number.isNaN(Date.parse(doc.date)), doc.date).toBe(false);
        expect(doc.number).toBeTruthy();
      }
    });

    it('creates an invoice exactly once per idempotency key', async () => {
      const [customer] = await s.connector.findCustomers({ inn: '500100732259' });
      if (!customer) throw new Error('customer not found');
      const input = {
        idempotencyKey: `contract-${name}-${Date.now()}`,
        customerId: customer.id,
        positions: [
          { sku: 'DRL-18V', quantity: 2 },
          { sku: 'BIT-SET-32', quantity: 3 },
        ],
      };
      const first = await s.connector.createInvoice(input);
      const again = await s.connector.createInvoice(input);
      expect(again.id).toBe(first.id);
      expect(again.number).toBe(first.number);
      expect(first.sum.amount).toBeCloseTo(2 * 8990 + 3 * 790.5, 2);
      expect(first.sum.currency).toBe('RUB');
      const other = await s.connector.createInvoice({
        ...input,
        idempotencyKey: `${input.idempotencyKey}-b`,
      });
      expect(other.id).not.toBe(first.id);
    });

    it('refuses an invoice for an unknown SKU with a non-retryable error', async () => {
      const [customer] = await s.connector.findCustomers({ inn: '500100732259' });
      if (!customer) throw new Error('customer not found');
      const err = await s.connector
        .createInvoice({
          idempotencyKey: `bad-${Date.now()}`,
          customerId: customer.id,
          positions: [{ sku: 'NO-SUCH-SKU', quantity: 1 }],
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ErpError);
      expect((err as ErpError).retryable).toBe(false);
    });

    describeLoopCapabilities(() => s, name);

    it('turns an ERP outage into a retryable ErpError', async (ctx) => {
      if (!s.breakErp || !s.restoreErp) return ctx.skip();
      s.breakErp();
      try {
        const err = await s.connector.getStock(['DRL-18V']).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ErpError);
        expect((err as ErpError).retryable).toBe(true);
      } finally {
        s.restoreErp();
      }
    });

    it('turns a malformed answer into an invalid_response error, never a wrong number', async (ctx) => {
      if (!s.corruptNextResponse) return ctx.skip();
      await s.corruptNextResponse();
      const err = await s.connector.getStock(['DRL-18V']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ErpError);
      expect((err as ErpError).code).toBe('invalid_response');
    });
    it('refuses bad credentials with an auth ErpError that is not retried, asking once', async (ctx) => {
      if (!s.withBadCredentials || !s.requestCount) return ctx.skip();
      const bad = s.withBadCredentials();
      const before = s.requestCount();
      const err = await bad.getStock(['DRL-18V']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ErpError);
      expect(err).toMatchObject({ code: 'auth', retryable: false });
      // Repeating a refused login gets clients banned (MoySklad) or accounts locked (1C, AD).
      expect(s.requestCount() - before).toBe(1);
      expect(await bad.health()).toMatchObject({ ok: false, code: 'auth' });
    });

    it('waits as long as a 429 asks before asking again, or hands that wait to the caller', async (ctx) => {
      if (!s.rateLimitNext) return ctx.skip();
      await s.connector.getStock(['DRL-18V']); // warms the caches: the 429 meets the stock read itself
      s.rateLimitNext(1, 1000);
      const started = Date.now();
      const result = await s.connector.getStock(['DRL-18V']).catch((e: unknown) => e);
      if (result instanceof ErpError) {
        // Not waited out here: the job queue retries after the wait the ERP asked for.
        expect(result).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 1000 });
      } else {
        expect((result as StockSnapshot).items.get('DRL-18V')?.warehouses.length).toBeGreaterThan(0);
        expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      }
    });

    it('gives up on a 429 that does not end after a bounded number of requests', async (ctx) => {
      if (!s.rateLimitNext || !s.requestCount || !s.clearRateLimit) return ctx.skip();
      s.rateLimitNext(1000, 1000);
      const before = s.requestCount();
      try {
        const err = await s.connector.getStock(['DRL-18V']).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ErpError);
        expect(err).toMatchObject({ code: 'rate_limited', retryable: true });
        expect(s.requestCount() - before).toBeLessThanOrEqual(12);
      } finally {
        s.clearRateLimit();
      }
    });
  });
}
