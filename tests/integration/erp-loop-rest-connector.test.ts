import type { ErpConnector, ErpError } from '@erp-bridge/server/erp';
import { describe, expect, it } from 'vitest';
import {
  createRestConnector,
  parseRestMapping,
  type RestMapping,
} from '../../server/src/erp/rest/connector.js';
import { ERPNEXT_API_KEY, ERPNEXT_API_SECRET } from '../emulators/erpnext/index.js';
import { erpnextWithMapping, odooWithMapping } from './erp-loop-rest-support.js';

// The REST connector's loop capabilities against the ERPNext and Odoo emulators' faults: what a
// retry after a lost answer, a replayed request or a mis-mapped cancel does in the ERP.
type Loop = Required<Pick<ErpConnector, 'createOrder' | 'releaseOrder' | 'invoiceStatus'>> & ErpConnector;

async function erpnext() {
  const { erp, mapping } = await erpnextWithMapping();
  const connector = createRestConnector(mapping, { retries: 0 }) as Loop;
  const orders = () => erp.state.docs.get('Sales Order')?.filter((o) => o.po_no) ?? [];
  const bin = () =>
    erp.state.docs
      .get('Bin')
      ?.find((b) => b.item_code === 'DRL-18V' && String(b.warehouse).startsWith('Москва'));
  return { erp, connector, orders, bin };
}

const orderInput = (key: string, customerId: string) => ({
  idempotencyKey: key,
  customerId,
  positions: [{ sku: 'DRL-18V', quantity: 2 }],
  comment: 'amoCRM #1',
});

describe('REST loop on ERPNext: faults', () => {
  it('a lost answer: the retry finds the Sales Order the first attempt submitted, with its stock reservation', async () => {
    const { erp, connector, orders, bin } = await erpnext();
    try {
      const reserved0 = Number(bin()?.reserved_qty);
      erp.faults.loseNextAnswer(1, { method: 'POST', pathIncludes: '/Sales%20Order' });
      const first = (await connector
        .createOrder(orderInput('so-lost', 'ООО «Ромашка»'))
        .catch((e) => e)) as ErpError;
      expect([first.code, first.retryable]).toEqual(['unavailable', true]);
      const order = await connector.createOrder(orderInput('so-lost', 'ООО «Ромашка»'));
      expect(orders().map((o) => o.name)).toEqual([order.id]);
      expect(order).toMatchObject({ number: order.id, reserved: { 'DRL-18V': 2 } });
      expect(Number(bin()?.reserved_qty) - reserved0).toBe(2);
      // reserve_stock: v15 Stock Reservation Entries for the order's lines.
      const sres = erp.state.docs.get('Stock Reservation Entry') ?? [];
      expect(sres.map((s) => [s.voucher_no, s.reserved_qty, s.status])).toEqual([[order.id, 2, 'Reserved']]);

      const released = await connector.releaseOrder(order.id);
      expect(released.reserved).toEqual({});
      expect(Number(bin()?.reserved_qty)).toBe(reserved0);
      expect(sres[0]?.status).toBe('Cancelled');
      const cancels = () => erp.calls.filter((c) => c.path.endsWith('frappe.client.cancel')).length;
      expect(cancels()).toBe(1);
      await connector.releaseOrder(order.id); // twice: read, nothing sent
      expect(cancels()).toBe(1);
    } finally {
      await erp.close();
    }
  });

  it('a replayed create: ERPNext refuses the second order for the same PO number, the connector returns the first', async () => {
    const { erp, connector, orders } = await erpnext();
    try {
      erp.faults.duplicateNext(1, { method: 'POST', pathIncludes: '/Sales%20Order' });
      const order = await connector.createOrder(orderInput('so-dup', 'ООО «Ромашка»'));
      expect(orders().map((o) => o.name)).toEqual([order.id]);
      const refused = erp.calls.filter((c) => c.method === 'POST' && c.path.includes('Sales%20Order'));
      expect(refused.map((c) => c.status)).toEqual([200, 417]);
    } finally {
      await erp.close();
    }
  });

  it('invoice states: Overdue with a payment is partly paid, a cancelled one cancelled, a draft unknown', async () => {
    const { erp, connector } = await erpnext();
    try {
      const make = (key: string, docstatus = 1) =>
        fetch(`${erp.url}/api/resource/Sales%20Invoice`, {
          method: 'POST',
          headers: {
            Authorization: `token ${ERPNEXT_API_KEY}:${ERPNEXT_API_SECRET}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({
            customer: 'ООО «Ромашка»',
            po_no: key,
            docstatus,
            items: [{ item_code: 'TAPE-50', qty: 4 }],
          }),
        }).then(async (r) => ((await r.json()) as { data: { name: string } }).data.name);
      const [overdue, cancelled, draft] = [await make('a'), await make('b'), await make('c', 0)];
      erp.loop.pay(overdue, 100);
      erp.loop.makeOverdue(overdue);
      erp.loop.cancel(cancelled);
      const got = await connector.invoiceStatus([overdue, cancelled, draft]);
      expect(erp.state.docs.get('Sales Invoice')?.find((d) => d.name === overdue)?.status).toBe('Overdue');
      expect(got.get(overdue)).toMatchObject({
        state: 'partially_paid',
        paidSum: { amount: 100 },
        sum: { amount: 996 },
      });
      expect(got.get(cancelled)?.state).toBe('cancelled');
      expect(got.has(draft)).toBe(false);
      expect(got.get(overdue)?.link).toBe(`${erp.url}/app/sales-invoice/${encodeURIComponent(overdue)}`);
    } finally {
      await erp.close();
    }
  });
});

async function odoo(overrides: (m: RestMapping) => object = (m) => m) {
  const { erp, mapping: base } = await odooWithMapping();
  const mapping = parseRestMapping(overrides(base));
  const connector = createRestConnector(mapping, { retries: 0 }) as Loop;
  const orders = () => erp.state.db.get('sale.order')?.filter((o) => o.client_order_ref) ?? [];
  const drill = erp.state.db.get('product.product')?.find((p) => p.default_code === 'DRL-18V')?.id;
  const reserved = () =>
    (erp.state.db.get('stock.quant') ?? [])
      .filter((q) => q.product_id === drill)
      .reduce((n, q) => n + Number(q.reserved_quantity), 0);
  return { erp, connector, orders, reserved };
}

describe('REST loop on Odoo: faults', () => {
  it('the create answer lost: the retry finds the quotation and confirms it, one reservation', async () => {
    const { erp, connector, orders, reserved } = await odoo();
    try {
      const before = reserved();
      erp.faults.loseNextAnswer(1, { method: 'POST', pathIncludes: '/sale.order/create' });
      expect(
        ((await connector.createOrder(orderInput('so-lost', '1')).catch((e) => e)) as ErpError).code,
      ).toBe('unavailable');
      expect(orders().map((o) => o.state)).toEqual(['draft']);
      const order = await connector.createOrder(orderInput('so-lost', '1'));
      expect(orders().map((o) => [String(o.id), o.state])).toEqual([[order.id, 'sale']]);
      expect(order.number).toMatch(/^S\d{5}$/);
      expect(reserved() - before).toBe(2);
    } finally {
      await erp.close();
    }
  });

  it('the confirm answer lost: the retry sees the order confirmed and confirms nothing twice', async () => {
    const { erp, connector, orders, reserved } = await odoo();
    try {
      const before = reserved();
      erp.faults.loseNextAnswer(1, { method: 'POST', pathIncludes: '/sale.order/action_confirm' });
      await connector.createOrder(orderInput('so-confirm', '1')).catch(() => undefined);
      const order = await connector.createOrder(orderInput('so-confirm', '1'));
      expect(orders().map((o) => [String(o.id), o.state])).toEqual([[order.id, 'sale']]);
      expect(erp.calls.filter((c) => c.rpc === 'action_confirm').map((c) => c.status)).toEqual([200]);
      expect(reserved() - before).toBe(2);
    } finally {
      await erp.close();
    }
  });

  it('a cancel mapped without disable_cancel_warning gets the wizard: an error, not a released order', async () => {
    const { erp, connector, reserved } = await odoo((m) => ({
      ...m,
      releaseOrder: {
        requests: [
          {
            method: 'POST',
            urlTemplate: '/json/2/sale.order/action_cancel',
            body: { ids: ['{orderId|number}'] },
          },
        ],
      },
    }));
    try {
      const before = reserved();
      const order = await connector.createOrder(orderInput('so-wizard', '1'));
      const err = (await connector.releaseOrder(order.id).catch((e) => e)) as ErpError;
      expect(err.code).toBe('invalid_response');
      expect(err.message).toContain('still reserved');
      expect(reserved() - before).toBe(2);
    } finally {
      await erp.close();
    }
  });

  it('two payments stamped in the same second still read as newer; In Payment and Paid are paid, reversed is cancelled', async () => {
    const { erp, connector } = await odoo();
    try {
      const invoice = await connector.createInvoice({
        idempotencyKey: 'inv-same-second',
        customerId: '1',
        positions: [{ sku: 'TAPE-50', quantity: 4, price: { amount: 250, currency: 'RUB' } }],
      });
      const move = erp.state.db.get('account.move')?.find((m) => String(m.id) === invoice.id);
      const stamp = '2026-12-02 10:00:00';
      const read = async () => (await connector.invoiceStatus([invoice.id])).get(invoice.id);
      erp.loop.pay(Number(invoice.id), 400);
      if (move) move.write_date = stamp;
      const partly = await read();
      erp.loop.pay(Number(invoice.id), 600);
      if (move) move.write_date = stamp;
      const inPayment = await read();
      expect(partly).toMatchObject({ state: 'partially_paid', paidSum: { amount: 400 } });
      expect(inPayment).toMatchObject({ state: 'paid', paidSum: { amount: 1000 } });
      expect((inPayment?.version ?? '') > (partly?.version ?? '')).toBe(true);
      erp.loop.reconcile(Number(invoice.id));
      expect((await read())?.state).toBe('paid');
      erp.loop.reverse(Number(invoice.id));
      expect((await read())?.state).toBe('cancelled');
    } finally {
      await erp.close();
    }
  });
});
