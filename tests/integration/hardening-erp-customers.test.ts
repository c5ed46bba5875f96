import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { type MoySkladStack, startMoySkladStack } from '../support/moysklad-stack.js';
import { installationOf } from '../support/stack-state.js';
import { widgetCall } from '../support/widget-api.js';

const ACCOUNT = 31000001;
const TOKEN = 'customers-moysklad-token';
let stack: MoySkladStack;
let moysklad: StartedMoySkladEmulator;

const get = (path: string) => widgetCall(stack.backend, 'GET', path, { user: { userId: 5 } });

beforeAll(async () => {
  stack = await startMoySkladStack(TOKEN);
  moysklad = stack.moysklad;
});
afterAll(() => stack?.close());

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
    const inst = await installationOf(stack, ACCOUNT);
    const customerId = await stack.server.services.customers.customerForLead(inst, {
      id: 1001,
      _embedded: { companies: [{ id: 3001 }], contacts: [] },
    } as unknown as Parameters<typeof stack.server.services.customers.customerForLead>[1]);
    expect(customerId).toBeTruthy();
  });
});
