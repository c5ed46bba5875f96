import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { amoApi, createLead, linkProducts } from '../support/amo-api.js';
import { invoiceCreated } from '../support/invoices.js';
import { type MoySkladStack, moyskladInvoiceOf, startMoySkladStack } from '../support/moysklad-stack.js';
import { type WidgetRequest, widgetCall } from '../support/widget-api.js';

// Issue 9 item 13: a service line is never unknown, never blocks the invoice, and is invoiced with its price.
const ACCOUNT = 31000001;
const TOKEN = 'invoice-services-token';
const CATALOG = 7001;
const SKU_FIELD = 710001;
const PRICE_FIELD = 710003;
let stack: MoySkladStack;
let moysklad: StartedMoySkladEmulator;

const call = (method: string, path: string, opts: WidgetRequest = {}) =>
  widgetCall(stack.backend, method, path, { ...opts, user: { userId: 5 } });
const amo = (path: string, method: string, body: unknown) => amoApi(stack, path, method, body);

/** A products-catalog element; the SKU and price are set as an admin types them in amoCRM's card. */
async function element(name: string, sku: string | null, price: number): Promise<number> {
  const created = await amo(`/catalogs/${CATALOG}/elements`, 'POST', [{ name }]);
  const id = created._embedded.elements[0].id as number;
  const el = stack.emulator.state.elements.get(id);
  if (!el) throw new Error('element not stored');
  el.customFieldsValues = [
    ...(sku ? [{ field_id: SKU_FIELD, values: [{ value: sku }] }] : []),
    { field_id: PRICE_FIELD, values: [{ value: price }] },
  ];
  return id;
}

beforeAll(async () => {
  stack = await startMoySkladStack(TOKEN, { emulator: { rateLimitPerSecond: 7 } });
  moysklad = stack.moysklad;
});
afterAll(() => stack?.close());

describe('service lines in invoices (MoySklad)', () => {
  it('invoices an ERP service with its price, lists a service without SKU as not invoiced, and confirms the ERP total', async () => {
    // SRV-DELIVERY is a MoySklad `service` (1500 ₽ there); amoCRM's card says 1400: the ERP price wins.
    const delivery = await element('Доставка по городу', 'SRV-DELIVERY', 1400);
    const assembly = await element('Сборка на объекте', null, 700);
    const leadId = await createLead(stack, {
      name: 'Drill with delivery and assembly',
      _embedded: { companies: [{ id: 3001 }] },
    });
    await linkProducts(
      stack,
      leadId,
      [
        [500101, 1],
        [delivery, 1],
        [assembly, 2],
      ],
      CATALOG,
    );

    const list = await (await call('GET', `/api/v1/leads/${leadId}/invoices`)).json();
    expect(list.blockedBy).toBeNull();
    expect(list.canRequest).toBe(true);
    expect(list.preview.positions).toEqual([
      expect.objectContaining({ sku: 'DRL-18V', quantity: 1, total: { amount: 8990, currency: 'RUB' } }),
      expect.objectContaining({ sku: 'SRV-DELIVERY', quantity: 1, price: { amount: 1500, currency: 'RUB' } }),
    ]);
    expect(list.preview.skipped).toEqual([
      {
        name: 'Сборка на объекте',
        sku: null,
        quantity: 2,
        price: { amount: 700, currency: 'RUB' },
        reason: 'no_erp_item',
      },
    ]);
    expect(list.preview.total).toEqual({ amount: 8990 + 1500, currency: 'RUB' });

    const res = await call('POST', `/api/v1/leads/${leadId}/invoices`, {
      body: { confirmedTotal: list.preview.total },
      key: `svc-${leadId}`,
    });
    expect(res.status).toBe(202);
    await invoiceCreated(call, leadId);
    const invoice = moyskladInvoiceOf(moysklad, ACCOUNT, leadId);
    const service = moysklad.state.services.find((s) => s.code === 'SRV-DELIVERY');
    expect(invoice?.positions).toContainEqual({ assortmentId: service?.id, quantity: 1, price: 150000 });
    expect(invoice?.positions).toHaveLength(2);
    // What the user confirmed is what the ERP invoice holds.
    expect(invoice?.sum).toBe((8990 + 1500) * 100);
  });

  it('a deal of only a service without SKU has nothing to invoice, and is not blocked by stock', async () => {
    const visit = await element('Выезд мастера', null, 500);
    const leadId = await createLead(stack, {
      name: 'Only a visit',
      _embedded: { companies: [{ id: 3001 }] },
    });
    await linkProducts(stack, leadId, [[visit, 1]], CATALOG);
    const list = await (await call('GET', `/api/v1/leads/${leadId}/invoices`)).json();
    expect(list.blockedBy).toBe('no_products');
  });
});
