import type { ErpConnector } from '@erp-bridge/server/erp';
import { describe, expect, it } from 'vitest';
import type { ContractSubject } from './erp-connector.contract.js';

/** Total free stock of one SKU as the connector reports it (store-less reserve subtracted). */
async function freeOf(connector: ErpConnector, sku: string): Promise<number> {
  const item = (await connector.getStock([sku])).items.get(sku);
  const sum = (item?.warehouses ?? []).reduce((n, w) => n + (w.free ?? 0), 0);
  return sum - (item?.unassignedReserve ?? 0);
}

async function customerId(connector: ErpConnector) {
  const [customer] = await connector.findCustomers({ inn: '500100732259' });
  if (!customer) throw new Error('customer not found');
  return customer.id;
}

/**
 * Issue 15's optional capabilities, part of the one contract suite: each case is skipped for a
 * connector that lacks the capability (an ERP without orders simply has no reserve stage).
 */
export function describeLoopCapabilities(subject: () => ContractSubject, name: string) {
  describe('the ERP talks back (optional capabilities)', () => {
    it('invoiceStatus: a new invoice is issued; a full payment makes it paid with a newer version', async (ctx) => {
      const s = subject();
      if (!s.connector.invoiceStatus || !s.payInvoice) return ctx.skip();
      const invoice = await s.connector.createInvoice({
        idempotencyKey: `loop-status-${name}-${Date.now()}`,
        customerId: await customerId(s.connector),
        positions: [{ sku: 'DRL-18V', quantity: 1 }],
      });
      const before = (
        await s.connector.invoiceStatus([invoice.id, 'ffffffff-0000-4000-a000-000000000000'])
      ).get(invoice.id);
      expect(before).toMatchObject({ state: 'issued', paidSum: { amount: 0 }, sum: { amount: 8990 } });
      await s.payInvoice(invoice.id, 4000);
      const partly = (await s.connector.invoiceStatus([invoice.id])).get(invoice.id);
      expect(partly).toMatchObject({ state: 'partially_paid', paidSum: { amount: 4000 } });
      await s.payInvoice(invoice.id, 4990);
      const paid = (await s.connector.invoiceStatus([invoice.id])).get(invoice.id);
      expect(paid?.state).toBe('paid');
      expect(paid?.paidSum.amount).toBeCloseTo(8990, 2);
      // Versions order as the changes happened: what the loop compares to ignore stale reads.
      expect((paid?.version ?? '') > (partly?.version ?? '')).toBe(true);
      expect((partly?.version ?? '') > (before?.version ?? '')).toBe(true);
    });

    it('invoiceStatus: ids the ERP does not know are absent, not an error', async (ctx) => {
      const s = subject();
      if (!s.connector.invoiceStatus) return ctx.skip();
      const got = await s.connector.invoiceStatus(['00000000-0000-4000-a000-000000000000']);
      expect(got.size).toBe(0);
    });

    it('createOrder reserves the positions (free stock drops), exactly once per key; releaseOrder gives it back', async (ctx) => {
      const s = subject();
      const { createOrder, releaseOrder } = s.connector;
      if (!createOrder || !releaseOrder) return ctx.skip();
      const free0 = await freeOf(s.connector, 'DRL-18V');
      const input = {
        idempotencyKey: `loop-order-${name}-${Date.now()}`,
        customerId: await customerId(s.connector),
        positions: [{ sku: 'DRL-18V', quantity: 3 }],
      };
      const order = await createOrder.call(s.connector, input);
      expect(order.reserved).toEqual({ 'DRL-18V': 3 });
      expect(await freeOf(s.connector, 'DRL-18V')).toBeCloseTo(free0 - 3, 6);
      const again = await createOrder.call(s.connector, input);
      expect(again.id).toBe(order.id);
      expect(await freeOf(s.connector, 'DRL-18V')).toBeCloseTo(free0 - 3, 6);
      const released = await releaseOrder.call(s.connector, order.id);
      expect(released.reserved['DRL-18V'] ?? 0).toBe(0);
      expect(await freeOf(s.connector, 'DRL-18V')).toBeCloseTo(free0, 6);
      await releaseOrder.call(s.connector, order.id); // twice is harmless
      expect(await freeOf(s.connector, 'DRL-18V')).toBeCloseTo(free0, 6);
    });

    it('subscribe registers the webhooks once per url', async (ctx) => {
      const s = subject();
      if (!s.connector.subscribe) return ctx.skip();
      const url = `http://127.0.0.1:9/webhooks/erp/contract-${name}`;
      await s.connector.subscribe({ url });
      const first = s.registeredWebhooks?.() ?? 0;
      await s.connector.subscribe({ url });
      if (s.registeredWebhooks) {
        expect(first).toBeGreaterThan(0);
        expect(s.registeredWebhooks()).toBe(first);
      }
    });
  });
}
