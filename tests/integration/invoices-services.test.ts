import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedMoySkladEmulator, startMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { type Stack, startStack, TEST_SECRET } from '../support/stack.js';
import { signDisposableToken } from '../support/tokens.js';
import { until } from '../support/wait.js';

// Issue 9 item 13: a service line is never unknown, never blocks the invoice, and is invoiced with its price.
const ACCOUNT = 31000001;
const TOKEN = 'invoice-services-token';
const CATALOG = 7001;
const SKU_FIELD = 710001;
const PRICE_FIELD = 710003;
let stack: Stack;
let moysklad: StartedMoySkladEmulator;

const call = async (method: string, path: string, opts: { body?: unknown; key?: string } = {}) => {
  const token = await signDisposableToken(TEST_SECRET, {
    iss: 'https://erpbridgedemo.amocrm.ru',
    aud: stack.backend,
    account_id: ACCOUNT,
    user_id: 5,
  });
  return fetch(`${stack.backend}${path}`, {
    method,
    headers: {
      'X-Auth-Token': token,
      ...(opts.body !== undefined && { 'content-type': 'application/json' }),
      ...(opts.key && { 'Idempotency-Key': opts.key }),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
};

async function amo(path: string, method: string, body: unknown) {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(`${stack.emulator.url}/api/v4${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (r.status === 429 && attempt < 10) {
      await new Promise((done) => setTimeout(done, 1000));
      continue;
    }
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status}`);
    return r.json();
  }
}

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
  moysklad = await startMoySkladEmulator({ token: TOKEN });
  stack = await startStack({
    emulator: { rateLimitPerSecond: 7 },
    env: { ERP_KIND: 'moysklad', MOYSKLAD_TOKEN: TOKEN, MOYSKLAD_API_BASE: moysklad.url },
  });
});
afterAll(async () => {
  await stack?.close();
  await moysklad?.close();
});

describe('service lines in invoices (MoySklad)', () => {
  it('invoices an ERP service with its price, lists a service without SKU as not invoiced, and confirms the ERP total', async () => {
    // SRV-DELIVERY is a MoySklad `service` (1500 ₽ there); amoCRM's card says 1400: the ERP price wins.
    const delivery = await element('Доставка по городу', 'SRV-DELIVERY', 1400);
    const assembly = await element('Сборка на объекте', null, 700);
    const lead = await amo('/leads', 'POST', [
      { name: 'Drill with delivery and assembly', _embedded: { companies: [{ id: 3001 }] } },
    ]);
    const leadId = lead._embedded.leads[0].id as number;
    await amo(`/leads/${leadId}/link`, 'POST', [
      {
        to_entity_id: 500101,
        to_entity_type: 'catalog_elements',
        metadata: { quantity: 1, catalog_id: CATALOG },
      },
      {
        to_entity_id: delivery,
        to_entity_type: 'catalog_elements',
        metadata: { quantity: 1, catalog_id: CATALOG },
      },
      {
        to_entity_id: assembly,
        to_entity_type: 'catalog_elements',
        metadata: { quantity: 2, catalog_id: CATALOG },
      },
    ]);

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
    await until(async () => {
      const now = await (await call('GET', `/api/v1/leads/${leadId}/invoices`)).json();
      return now.items[0]?.status === 'created';
    }, 'invoice created');
    const invoice = moysklad.state.documents.find(
      (d) => d.type === 'invoiceout' && d.externalCode.startsWith(`erpb-${ACCOUNT}-${leadId}-`),
    );
    const service = moysklad.state.services.find((s) => s.code === 'SRV-DELIVERY');
    expect(invoice?.positions).toContainEqual({ assortmentId: service?.id, quantity: 1, price: 150000 });
    expect(invoice?.positions).toHaveLength(2);
    // What the user confirmed is what the ERP invoice holds.
    expect(invoice?.sum).toBe((8990 + 1500) * 100);
  });

  it('a deal of only a service without SKU has nothing to invoice, and is not blocked by stock', async () => {
    const visit = await element('Выезд мастера', null, 500);
    const lead = await amo('/leads', 'POST', [
      { name: 'Only a visit', _embedded: { companies: [{ id: 3001 }] } },
    ]);
    const leadId = lead._embedded.leads[0].id as number;
    await amo(`/leads/${leadId}/link`, 'POST', [
      {
        to_entity_id: visit,
        to_entity_type: 'catalog_elements',
        metadata: { quantity: 1, catalog_id: CATALOG },
      },
    ]);
    const list = await (await call('GET', `/api/v1/leads/${leadId}/invoices`)).json();
    expect(list.blockedBy).toBe('no_products');
  });
});
