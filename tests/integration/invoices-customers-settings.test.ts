import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { type MoySkladStack, moyskladStockReads, startMoySkladStack } from '../support/moysklad-stack.js';
import { until } from '../support/wait.js';
import { widgetCall } from '../support/widget-api.js';

const ACCOUNT = 31000001;
const TOKEN = 'invoice-moysklad-token';
let stack: MoySkladStack;
let moysklad: StartedMoySkladEmulator;

const call = (
  method: string,
  path: string,
  opts: { body?: unknown; admin?: boolean; headers?: Record<string, string>; userId?: number } = {},
) =>
  widgetCall(stack.backend, method, path, {
    body: opts.body,
    headers: opts.headers,
    user: { userId: opts.userId ?? 5, isAdmin: opts.admin ?? false },
  });
const invoicesInErp = () =>
  moysklad.state.documents.filter((d) => d.type === 'invoiceout' && d.externalCode.startsWith('erpb-'));

beforeAll(async () => {
  stack = await startMoySkladStack(TOKEN, { emulator: { rateLimitPerSecond: 7 } });
  moysklad = stack.moysklad;
});
afterAll(() => stack?.close());

describe('invoice requests', () => {
  it('offers the deal positions with prices and the total for confirmation', async () => {
    const res = await call('GET', '/api/v1/leads/1001/invoices');
    expect(res.status).toBe(200);
    const list = await res.json();
    expect(list.canRequest).toBe(true);
    expect(list.preview.positions.map((p: { sku: string }) => p.sku)).toEqual([
      'DRL-18V',
      'SAW-CIRC-190',
      'BIT-SET-32',
    ]);
    expect(list.preview.total).toEqual({ amount: 2 * 8990 + 12450 + 5 * 790.5, currency: 'RUB' });
  });

  it('creates exactly one invoice for a double click, even when the first ERP attempt gets a 503', async () => {
    moysklad.faults.failNext(1, 503, { method: 'POST', pathIncludes: '/entity/invoiceout' });
    const key = `dbl-${Date.now()}`;
    const body = { confirmedTotal: { amount: 2 * 8990 + 12450 + 5 * 790.5, currency: 'RUB' } };
    const [a, b] = await Promise.all([
      call('POST', '/api/v1/leads/1001/invoices', { body, headers: { 'Idempotency-Key': key } }),
      call('POST', '/api/v1/leads/1001/invoices', { body, headers: { 'Idempotency-Key': key } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 202]);
    const first = await a.json();
    expect((await b.json()).id).toBe(first.id);

    await until(async () => {
      const list = await (await call('GET', '/api/v1/leads/1001/invoices')).json();
      return list.items[0]?.status === 'created';
    }, 'invoice created');
    const list = await (await call('GET', '/api/v1/leads/1001/invoices')).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0].attempts).toBeGreaterThanOrEqual(2); // the 503 cost one attempt
    expect(invoicesInErp()).toHaveLength(1);
    expect(list.items[0].invoice.number).toBe(invoicesInErp()[0]?.name);
    const notes = [...stack.emulator.state.notes.values()].filter(
      (n) => n.entityId === 1001 && String(n.params.text).includes(list.items[0].invoice.number),
    );
    expect(notes).toHaveLength(1);
    // The same key again later: the same request, no new invoice.
    const again = await call('POST', '/api/v1/leads/1001/invoices', {
      body,
      headers: { 'Idempotency-Key': key },
    });
    expect(again.status).toBe(200);
    expect(invoicesInErp()).toHaveLength(1);
  });

  it("adds the invoice to amoCRM's invoices list once and links it to the deal, when configured", async () => {
    await stack.server.services.accountSettings.update(ACCOUNT, { invoices: { addToInvoicesCatalog: true } });
    const request = async (key: string) => {
      const res = await call('POST', '/api/v1/leads/1001/invoices', {
        body: {},
        headers: { 'Idempotency-Key': key },
      });
      const id = (await res.json()).id;
      await until(async () => {
        const list = await (await call('GET', '/api/v1/leads/1001/invoices')).json();
        return list.items.find((i: { id: string }) => i.id === id)?.status === 'created';
      }, 'invoice created');
    };
    await request(`cat-a-${Date.now()}`);
    await request(`cat-b-${Date.now()}`);
    const inCatalog = [...stack.emulator.state.elements.values()].filter((e) => e.catalogId === 7002);
    expect(inCatalog).toHaveLength(1);
    expect(inCatalog[0]?.name).toMatch(/^Счёт № /);
    expect(stack.emulator.state.leads.get(1001)?.products.some((p) => p.elementId === inCatalog[0]?.id)).toBe(
      true,
    );
    // The invoice element is not a product line of the deal.
    const preview = await (await call('GET', '/api/v1/leads/1001/invoices')).json();
    expect(preview.preview.positions).toHaveLength(3);
    await stack.server.services.accountSettings.update(ACCOUNT, {
      invoices: { addToInvoicesCatalog: false },
    });
  });

  it('refuses a request without an Idempotency-Key, a reused key with another body, and a short deal', async () => {
    expect((await call('POST', '/api/v1/leads/1001/invoices', { body: {} })).status).toBe(400);
    const key = `reuse-${Date.now()}`;
    expect(
      (await call('POST', '/api/v1/leads/1001/invoices', { body: {}, headers: { 'Idempotency-Key': key } }))
        .status,
    ).toBe(202);
    const reused = await call('POST', '/api/v1/leads/1001/invoices', {
      body: { comment: 'x' },
      headers: { 'Idempotency-Key': key },
    });
    expect(reused.status).toBe(422);
    const short = await call('POST', '/api/v1/leads/1002/invoices', {
      body: {},
      headers: { 'Idempotency-Key': `short-${Date.now()}` },
    });
    expect(short.status).toBe(409);
    expect(short.headers.get('content-type')).toBe('application/problem+json');
    expect((await (await call('GET', '/api/v1/leads/1002/invoices')).json()).blockedBy).toBe('stock_short');
  });

  it('refuses users outside the allowed list', async () => {
    await stack.server.services.accountSettings.update(ACCOUNT, { invoices: { allowedUserIds: [42] } });
    const res = await call('POST', '/api/v1/leads/1001/invoices', {
      body: {},
      headers: { 'Idempotency-Key': `perm-${Date.now()}` },
      userId: 5,
    });
    expect(res.status).toBe(403);
    expect((await (await call('GET', '/api/v1/leads/1001/invoices', { userId: 5 })).json()).blockedBy).toBe(
      'no_permission',
    );
    await stack.server.services.accountSettings.update(ACCOUNT, { invoices: { allowedUserIds: [] } });
  });
});

describe('customer panels', () => {
  it('finds a company by INN and shows balance, orders and invoices', async () => {
    const panel = await (await call('GET', '/api/v1/companies/3001/summary')).json();
    expect(panel.status).toBe('found');
    expect(panel.matchedBy).toBe('inn');
    expect(panel.summary.customer.inn).toBe('7701234567');
    expect(panel.summary.balance).toEqual({ amount: -15000.5, currency: 'RUB' });
    expect(panel.summary.recentOrders.length).toBeGreaterThanOrEqual(2);
  });

  it('finds a contact by e-mail', async () => {
    const panel = await (await call('GET', '/api/v1/contacts/2001/summary')).json();
    expect(panel).toMatchObject({ status: 'found', matchedBy: 'email' });
  });

  it('says what it searched when nothing matches (the company has several matches: no fallback)', async () => {
    const panel = await (await call('GET', '/api/v1/contacts/2003/summary')).json();
    expect(panel.status).toBe('not_found');
    expect(panel.searched.map((s: { key: string }) => s.key)).toEqual(
      expect.arrayContaining(['phone', 'email']),
    );
  });

  it('lists several matches, then remembers the one a person picks', async () => {
    const several = await (await call('GET', '/api/v1/companies/3003/summary')).json();
    expect(several.status).toBe('several');
    expect(several.candidates.map((c: { inn: string }) => c.inn).sort()).toEqual([
      '7801111111',
      '7802222222',
    ]);
    const chosen = several.candidates.find((c: { inn: string }) => c.inn === '7802222222');
    const res = await call('POST', '/api/v1/companies/3003/customer', { body: { customerId: chosen.id } });
    expect((await res.json()).status).toBe('found');
    const again = await (await call('GET', '/api/v1/companies/3003/summary')).json();
    expect(again).toMatchObject({ status: 'found', summary: { customer: { inn: '7802222222' } } });
  });

  it('a contact nobody matched uses its company’s customer, and says what it searched', async () => {
    // Company 3003 was resolved by the pick above; its contact 2003 matches nobody itself.
    const panel = await (await call('GET', '/api/v1/contacts/2003/summary')).json();
    expect(panel).toMatchObject({
      status: 'found',
      via: { entity: 'companies', id: 3003 },
      summary: { customer: { inn: '7802222222' } },
    });
    expect(panel.searched.map((s: { key: string }) => s.key)).toEqual(
      expect.arrayContaining(['phone', 'email']),
    );
  });

  it('"not this customer" forgets a pick: the card is searched again', async () => {
    const res = await call('POST', '/api/v1/companies/3003/customer/unlink', { body: {} });
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('several');
    const contact = await (await call('GET', '/api/v1/contacts/2003/summary')).json();
    expect(contact.status).toBe('not_found');
  });

  it('shows the last known figures, flagged stale, while the ERP is down', async () => {
    moysklad.faults.outage(true);
    try {
      stack.server.services.erp.invalidate(ACCOUNT);
      // A fresh connector has no cache: the ERP being down is an error, not a zero balance.
      const down = await call('GET', '/api/v1/companies/3001/summary');
      expect(down.status).toBe(502);
    } finally {
      moysklad.faults.outage(false);
    }
    await call('GET', '/api/v1/companies/3001/summary');
    moysklad.faults.outage(true);
    try {
      const erp = await stack.server.services.erp.forAccount(ACCOUNT);
      erp.invalidate();
      const stale = await (await call('GET', '/api/v1/companies/3001/summary')).json();
      expect(stale).toMatchObject({ status: 'found', stale: true });
    } finally {
      moysklad.faults.outage(false);
    }
  });
});

describe('settings (admins only)', () => {
  it('refuses a non-admin with 403', async () => {
    const res = await call('GET', '/api/v1/settings', { admin: false });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('auth.forbidden');
  });

  it('never sends a secret back, keeps it when the form leaves it empty, and tests the connection', async () => {
    const view = await (await call('GET', '/api/v1/settings', { admin: true })).json();
    expect(view.erp).toMatchObject({ kind: 'moysklad', secrets: { token: 'set' } });
    expect(JSON.stringify(view)).not.toContain(TOKEN);

    const saved = await call('PUT', '/api/v1/settings', {
      admin: true,
      body: { erp: { kind: 'moysklad', apiBase: moysklad.url }, guard: { tag: 'Дефицит' } },
    });
    expect(saved.status).toBe(200);
    const after = await saved.json();
    expect(after.erp.secrets.token).toBe('set');
    expect(after.guard.tag).toBe('Дефицит');
    expect(JSON.stringify(after)).not.toContain(TOKEN);

    const ok = await (
      await call('POST', '/api/v1/settings/test-connection', { admin: true, body: {} })
    ).json();
    expect(ok).toMatchObject({ ok: true });
    expect(ok.warehouses.length).toBe(2);
    const bad = await (
      await call('POST', '/api/v1/settings/test-connection', {
        admin: true,
        body: { erp: { kind: 'moysklad', apiBase: moysklad.url, token: 'wrong' } },
      })
    ).json();
    expect(bad.ok).toBe(false);
  });

  it('rejects an invalid update with problem+json and changes nothing', async () => {
    const before = await (await call('GET', '/api/v1/settings', { admin: true })).json();
    const res = await call('PUT', '/api/v1/settings', {
      admin: true,
      body: { guard: { unknownStock: 'maybe' } },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await res.json()).errors).toEqual([expect.objectContaining({ path: 'guard.unknownStock' })]);
    const after = await (await call('GET', '/api/v1/settings', { admin: true })).json();
    expect(after.guard).toEqual(before.guard);
  });

  it('describes every route in /openapi.json', async () => {
    const doc = await (await fetch(`${stack.backend}/openapi.json`)).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/leads/{id}/stock',
        '/api/v1/leads/{id}/guard',
        '/api/v1/leads/{id}/stock-check',
        '/api/v1/leads/{id}/invoices',
        '/api/v1/contacts/{id}/summary',
        '/api/v1/companies/{id}/summary',
        '/api/v1/settings',
      ]),
    );
  });
});

describe('deal panel support (issue 13)', () => {
  const stockReads = () => moyskladStockReads(moysklad);

  it('?refresh=1 reads the ERP again past the cache, at most once per 10 s per user', async () => {
    expect((await call('GET', '/api/v1/leads/1001/stock', { userId: 77 })).status).toBe(200);
    const warm = stockReads();
    expect((await call('GET', '/api/v1/leads/1001/stock', { userId: 77 })).status).toBe(200);
    expect(stockReads()).toBe(warm);
    const fresh = await call('GET', '/api/v1/leads/1001/stock?refresh=1', { userId: 77 });
    expect(fresh.status).toBe(200);
    expect(stockReads()).toBe(warm + 1);
    // Pressed again at once by the same user: answered from the cache.
    expect((await call('GET', '/api/v1/leads/1001/stock?refresh=1', { userId: 77 })).status).toBe(200);
    expect(stockReads()).toBe(warm + 1);
    // Another user is not held back by the first.
    expect((await call('GET', '/api/v1/leads/1001/stock?refresh=1', { userId: 78 })).status).toBe(200);
    expect(stockReads()).toBe(warm + 2);
    expect((await call('GET', '/api/v1/leads/1001/stock?refresh=yes')).status).toBe(400);
  });

  it('answers a bad deal id or refresh flag with the same problem+json as every other route', async () => {
    // The stock read checks its params and query in its handler (http/sync-checked-route.ts);
    // the contact card's summary goes through app.openapi()'s validators.
    const answerOf = async (path: string) => {
      const res = await call('GET', path);
      return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
    };
    const card = await answerOf('/api/v1/contacts/abc/summary');
    const stock = await answerOf('/api/v1/leads/abc/stock');
    expect(card.status).toBe(400);
    expect(stock).toEqual({ ...card, body: { ...card.body, instance: stock.body.instance } });
    const flag = await answerOf('/api/v1/leads/1001/stock?refresh=yes&refresh=no');
    expect(flag.status).toBe(400);
    expect(flag.body.code).toBe('request.invalid');
    expect(flag.body.errors.map((e: { path: string }) => e.path)).toEqual(['refresh']);
  });

  it('searches the ERP by INN and by name (MoySklad context search)', async () => {
    const byInn = await call('GET', '/api/v1/customers/search?q=7802222222');
    expect(byInn.status).toBe(200);
    expect((await byInn.json()).items.map((c: { inn: string }) => c.inn)).toEqual(['7802222222']);
    const byName = await call('GET', `/api/v1/customers/search?q=${encodeURIComponent('Север')}`);
    expect(byName.status).toBe(200);
    expect((await byName.json()).items.map((c: { inn: string }) => c.inn)).toEqual(['7802222222']);
    expect((await call('GET', '/api/v1/customers/search?q=x')).status).toBe(400);
  });

  it('refuses a short deal with invoice.stock_short, and says so in the list', async () => {
    const short = await call('POST', '/api/v1/leads/1002/invoices', {
      body: {},
      headers: { 'Idempotency-Key': `short-code-${Date.now()}` },
    });
    expect(short.status).toBe(409);
    expect((await short.json()).code).toBe('invoice.stock_short');
  });
});
