import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { type MoySkladStack, startMoySkladStack } from '../support/moysklad-stack.js';
import { widgetCall } from '../support/widget-api.js';

// Issue 13: a card nobody matched can be created in the ERP (MoySklad here) and searched by name;
// the technical detail of a problem reaches administrators only.
const ACCOUNT = 31000001;
const TOKEN = 'create-search-token';
let stack: MoySkladStack;
let moysklad: StartedMoySkladEmulator;

const call = (method: string, path: string, opts: { admin?: boolean } = {}) =>
  widgetCall(stack.backend, method, path, { user: { userId: 5, isAdmin: opts.admin ?? false } });
const counterpartiesNamed = (name: string) => moysklad.state.counterparties.filter((c) => c.name === name);

beforeAll(async () => {
  stack = await startMoySkladStack(TOKEN);
  moysklad = stack.moysklad;
});
afterAll(() => stack?.close());

describe('create the customer in the ERP (issue 13)', () => {
  it('offers creation for a card nobody matched, with what it would send', async () => {
    const panel = await (await call('GET', '/api/v1/contacts/2003/summary')).json();
    expect(panel).toMatchObject({
      status: 'not_found',
      canCreate: true,
      canSearch: true,
      draft: { name: 'Мария Кузнецова', email: 'maria@stroymontazh.example', phone: '+7 922 000-00-03' },
    });
  });

  it('creates the counterparty from the amoCRM card once, however often it is asked, and links it', async () => {
    const [a, b] = await Promise.all([
      call('POST', '/api/v1/contacts/2003/customer/create'),
      call('POST', '/api/v1/contacts/2003/customer/create'),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const panel = await a.json();
    expect(panel).toMatchObject({
      status: 'found',
      chosen: true,
      summary: { customer: { name: 'Мария Кузнецова' } },
    });
    // A retry after the answer was lost: the connector finds its own externalCode first.
    const retry = await (await call('POST', '/api/v1/contacts/2003/customer/create')).json();
    expect(retry.summary.customer.id).toBe(panel.summary.customer.id);
    const made = counterpartiesNamed('Мария Кузнецова');
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      externalCode: `amocrm-${ACCOUNT}-contacts-2003`,
      companyType: 'individual',
      email: 'maria@stroymontazh.example',
    });
    const again = await (await call('GET', '/api/v1/contacts/2003/summary')).json();
    expect(again).toMatchObject({
      status: 'found',
      summary: { customer: { id: panel.summary.customer.id } },
    });
  });

  it('refuses a card amoCRM does not have with a 404 and creates nothing', async () => {
    const before = moysklad.state.counterparties.length;
    const res = await call('POST', '/api/v1/contacts/999999/customer/create');
    expect(res.status).toBe(404);
    expect(moysklad.state.counterparties.length).toBe(before);
  });
});

describe('name search in the ERP (issue 13)', () => {
  it('finds MoySklad counterparties by part of the name through its context search', async () => {
    const res = await call('GET', `/api/v1/customers/search?q=${encodeURIComponent('строймонтаж')}`);
    expect(res.status).toBe(200);
    expect(((await res.json()).items as { inn: string }[]).map((c) => c.inn).sort()).toEqual([
      '7801111111',
      '7802222222',
    ]);
  });
});

describe('technical detail for administrators only (issue 13)', () => {
  it('withholds a problem’s detail from a manager and gives it to an admin, with the same code', async () => {
    const manager = await call('GET', '/api/v1/contacts/999999/summary');
    const admin = await call('GET', '/api/v1/contacts/999999/summary', { admin: true });
    expect([manager.status, admin.status]).toEqual([404, 404]);
    const [m, a] = [await manager.json(), await admin.json()];
    expect(m.code).toBe(a.code);
    expect(a.detail).toContain('999999');
    expect(m.detail).not.toContain('999999');
    expect(m.detail).toMatch(/administrator/);
  });
});
