import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedMoySkladEmulator, startMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { type Stack, startStack, TEST_SECRET } from '../support/stack.js';
import { signDisposableToken } from '../support/tokens.js';

const ACCOUNT = 31000001;
const TOKEN = 'customers-moysklad-token';
let stack: Stack;
let moysklad: StartedMoySkladEmulator;

const get = async (path: string) => {
  const token = await signDisposableToken(TEST_SECRET, {
    iss: 'https://erpbridgedemo.amocrm.ru',
    aud: stack.backend,
    account_id: ACCOUNT,
    user_id: 5,
  });
  return fetch(`${stack.backend}${path}`, { headers: { 'X-Auth-Token': token } });
};

beforeAll(async () => {
  moysklad = await startMoySkladEmulator({ token: TOKEN });
  stack = await startStack({
    env: { ERP_KIND: 'moysklad', MOYSKLAD_TOKEN: TOKEN, MOYSKLAD_API_BASE: moysklad.url },
  });
});
afterAll(async () => {
  await stack?.close();
  await moysklad?.close();
});

describe('a failing part of the customer summary is not "customer not found"', () => {
  it('shows the balance and invoices, marks only the orders unavailable, and the deal still finds its customer', async () => {
    moysklad.faults.failNext(1, 404, { pathIncludes: '/entity/customerorder' });
    const res = await get('/api/v1/companies/3001/summary');
    expect(res.status).toBe(200);
    const panel = await res.json();
    expect(panel.status).toBe('found');
    expect(panel.summary.customer.inn).toBe('7701234567');
    expect(panel.summary.balance).toEqual({ amount: -15000.5, currency: 'RUB' });
    expect(panel.summary.recentInvoices.length).toBeGreaterThan(0);
    expect(panel.summary.recentOrders).toEqual([]);
    expect(panel.summary.sections).toEqual({ orders: 'unavailable' });

    // The invoices list failing (500, retried and still failing) leaves the customer found for an invoice.
    stack.server.services.erp.invalidate(ACCOUNT);
    moysklad.faults.failNext(3, 500, { pathIncludes: '/entity/invoiceout' });
    const inst = await stack.server.services.installations.findActive(ACCOUNT);
    if (!inst) throw new Error('no installation');
    const customerId = await stack.server.services.customers.customerForLead(inst, {
      id: 1001,
      _embedded: { companies: [{ id: 3001 }], contacts: [] },
    } as unknown as Parameters<typeof stack.server.services.customers.customerForLead>[1]);
    expect(customerId).toBeTruthy();
  });
});
