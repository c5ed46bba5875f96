import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ITEMS, WAREHOUSES } from '../../fixtures/erp-dataset.js';
import { createMoySkladEmulator, type MoySkladEmulatorOptions, seededId } from './src/index.js';

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON
type Json = any;

const TOKEN = 'wire-token';
const BASE = 'http://ms.test/api/remap/1.2';
const HEADERS = { Authorization: `Bearer ${TOKEN}`, 'Accept-Encoding': 'gzip' };

function emulator(opts: Partial<MoySkladEmulatorOptions> = {}) {
  const emu = createMoySkladEmulator({ token: TOKEN, ...opts });
  const call = async (path: string, init: RequestInit = {}) => {
    const res = await emu.app.request(`${BASE}${path}`, {
      ...init,
      headers: { ...HEADERS, ...(init.headers as Record<string, string>) },
    });
    const raw = Buffer.from(await res.arrayBuffer());
    const text =
      res.headers.get('content-encoding') === 'gzip'
        ? gunzipSync(raw).toString('utf8')
        : raw.toString('utf8');
    return { res, body: text ? (JSON.parse(text) as Json) : null };
  };
  return { ...emu, call };
}

const filter = (f: string) => `filter=${encodeURIComponent(f)}`;

describe('MoySklad emulator: transport', () => {
  it('answers 415 with an error body when Accept-Encoding lacks gzip', async () => {
    const { app } = emulator();
    const res = await app.request(`${BASE}/entity/product`, {
      headers: { Authorization: `Bearer ${TOKEN}`, 'Accept-Encoding': 'deflate' },
    });
    expect(res.status).toBe(415);
    const body: Json = await res.json();
    expect(body.errors[0]).toMatchObject({
      code: expect.any(Number),
      error: expect.stringContaining('gzip'),
    });
  });

  it('answers 401 with code 1056 without the right bearer token', async () => {
    const { call } = emulator();
    for (const auth of ['Bearer wrong', `Basic ${TOKEN}`, '']) {
      const { res, body } = await call('/entity/product', { headers: { Authorization: auth } });
      expect(res.status).toBe(401);
      expect(body.errors[0]).toMatchObject({ code: 1056, moreInfo: expect.stringContaining('1056') });
    }
  });

  it('gzips answers and puts the rate-limit headers on every answer', async () => {
    const { call } = emulator();
    const ok = await call('/entity/store');
    expect(ok.res.headers.get('content-encoding')).toBe('gzip');
    expect(ok.res.headers.get('x-ratelimit-limit')).toBe('45');
    expect(ok.res.headers.get('x-ratelimit-remaining')).toBe('44');
    const denied = await call('/entity/store', { headers: { Authorization: 'Bearer nope' } });
    expect(denied.res.headers.get('x-ratelimit-limit')).toBe('45');
    expect(denied.res.headers.get('x-ratelimit-remaining')).toEqual(expect.any(String));
  });

  it('logs every call with its status and duration', async () => {
    const { call, calls } = emulator();
    await call(`/entity/product?${filter('article=DRL-18V')}`);
    await call('/entity/nothing');
    expect(calls).toEqual([
      {
        method: 'GET',
        path: '/api/remap/1.2/entity/product',
        query: 'filter=article%3DDRL-18V',
        status: 200,
        at: expect.any(Number),
        durationMs: expect.any(Number),
      },
      expect.objectContaining({ path: '/api/remap/1.2/entity/nothing', status: 404 }),
    ]);
  });
});

describe('MoySklad emulator: limits', () => {
  it('answers 429 code 1073 beyond 5 parallel requests, with the Lognex headers', async () => {
    const { call, state } = emulator({ latencyMs: 80 });
    const results = await Promise.all(Array.from({ length: 7 }, () => call('/entity/store')));
    const statuses = results.map((r) => r.res.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const rejected = results.find((r) => r.res.status === 429);
    expect(rejected?.body.errors[0].code).toBe(1073);
    for (const h of [
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-lognex-retry-timeinterval',
      'x-lognex-reset',
      'x-lognex-retry-after',
    ]) {
      expect(rejected?.res.headers.get(h), h).toMatch(/^\d+$/);
    }
    expect(state.peakInFlight).toBe(5);
  });

  it('answers 429 code 1049 after 45 requests within 3 s and says when to retry', async () => {
    const { call } = emulator();
    for (let i = 0; i < 45; i++) expect((await call('/entity/store')).res.status).toBe(200);
    const { res, body } = await call('/entity/store');
    expect(res.status).toBe(429);
    expect(body.errors[0].code).toBe(1049);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-lognex-retry-timeinterval')).toBe('3000');
    const retryAfter = Number(res.headers.get('x-lognex-retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3000);
  });

  it('can weigh stock reports like MoySklad does (5 units)', async () => {
    const { call } = emulator({ rateLimit: { limit: 10, windowMs: 3000 }, stockReportWeight: 5 });
    const report = () => call('/report/stock/bystore/current?stockType=freeStock');
    expect((await report()).res.headers.get('x-ratelimit-remaining')).toBe('5');
    expect((await report()).res.status).toBe(200);
    const denied = await report();
    expect(denied.res.status).toBe(429);
    expect(denied.body.errors[0].code).toBe(1049);
  });

  it('slides the window: requests are admitted again once the oldest leave it', async () => {
    const { call } = emulator({ rateLimit: { limit: 2, windowMs: 150 } });
    expect((await call('/entity/store')).res.status).toBe(200);
    expect((await call('/entity/store')).res.status).toBe(200);
    const denied = await call('/entity/store');
    expect(denied.res.status).toBe(429);
    await new Promise((r) => setTimeout(r, Number(denied.res.headers.get('x-lognex-retry-after')) + 10));
    expect((await call('/entity/store')).res.status).toBe(200);
  });
});

describe('MoySklad emulator: data', () => {
  it('ORs repeated `=` on a field, pages with limit/offset and prices in kopecks', async () => {
    const { call } = emulator();
    const { body } = await call(
      `/entity/product?${filter('article=DRL-18V;article=BIT-SET-32;article=NOPE')}`,
    );
    expect(body.meta).toMatchObject({
      type: 'product',
      mediaType: 'application/json',
      size: 2,
      limit: 1000,
      offset: 0,
    });
    const byArticle = Object.fromEntries(body.rows.map((r: Json) => [r.article, r]));
    expect(Object.keys(byArticle).sort()).toEqual(['BIT-SET-32', 'DRL-18V']);
    expect(byArticle['DRL-18V'].salePrices[0]).toMatchObject({
      value: 899000,
      priceType: { name: 'Цена продажи' },
    });
    expect(byArticle['BIT-SET-32'].salePrices[0].value).toBe(79050);
    expect(byArticle['DRL-18V'].meta).toMatchObject({
      href: `${BASE}/entity/product/${seededId('product:DRL-18V')}`,
      type: 'product',
      mediaType: 'application/json',
    });
    // Different fields AND.
    const none = await call(`/entity/product?${filter('article=DRL-18V;code=00002')}`);
    expect(none.body.rows).toEqual([]);
    const page = await call('/entity/product?limit=2&offset=4');
    expect(page.body.rows).toHaveLength(2);
    expect(page.body.meta).toMatchObject({ size: ITEMS.length, limit: 2, offset: 4 });
    expect(page.body.meta.nextHref).toBeUndefined();
    expect((await call('/entity/product?limit=2')).body.meta.nextHref).toContain('offset=2');
    expect((await call('/entity/product?limit=1001')).res.status).toBe(400);
    expect((await call(`/entity/product?${filter('colour=red')}`)).res.status).toBe(400);
  });

  it('reports stock by store as a plain array, only for recorded items', async () => {
    const { call } = emulator();
    const drill = seededId('product:DRL-18V');
    const saw = seededId('product:SAW-CIRC-190');
    const { body } = await call(
      `/report/stock/bystore/current?stockType=freeStock&${filter(`assortmentId=${drill},${saw}`)}`,
    );
    expect(Array.isArray(body)).toBe(true);
    expect(body).toEqual(
      expect.arrayContaining([
        { assortmentId: drill, storeId: seededId('store:msk'), freeStock: 20 },
        { assortmentId: drill, storeId: seededId('store:spb'), freeStock: 6 },
        { assortmentId: saw, storeId: seededId('store:msk'), freeStock: 2 },
      ]),
    );
    // The saw never reached St Petersburg: no record, rather than a zero.
    expect(body).toHaveLength(3);
    const reserve = await call(
      `/report/stock/bystore/current?stockType=reserve&${filter(`assortmentId=${drill};storeId=${seededId('store:msk')}`)}`,
    );
    expect(reserve.body).toEqual([{ assortmentId: drill, storeId: seededId('store:msk'), reserve: 4 }]);
  });

  it('lists the stores and the organization', async () => {
    const { call } = emulator();
    expect((await call('/entity/store')).body.rows.map((s: Json) => s.name).sort()).toEqual(
      Object.values(WAREHOUSES).sort(),
    );
    expect((await call('/entity/organization')).body.rows).toHaveLength(1);
  });

  it('finds counterparties by phone in any format (digits compared), by INN and by email', async () => {
    const { call } = emulator();
    for (const phone of ['84951234567', '+7 (495) 123-45-67', '4951234567']) {
      const { body } = await call(`/entity/counterparty?${filter(`phone=${phone}`)}`);
      expect(
        body.rows.map((r: Json) => r.inn),
        phone,
      ).toEqual(['7701234567']);
    }
    const shared = await call(`/entity/counterparty?${filter('phone=88125550000')}`);
    expect(shared.body.rows.map((r: Json) => r.inn).sort()).toEqual(['7801111111', '7802222222']);
    expect((await call(`/entity/counterparty?${filter('inn=7701234567')}`)).body.rows).toHaveLength(1);
    expect(
      (await call(`/entity/counterparty?${filter('email=ZAKAZ@romashka.example')}`)).body.rows,
    ).toHaveLength(1);
  });

  it('reports a counterparty balance in kopecks, or 403 without the CRM option', async () => {
    const id = seededId('counterparty:romashka');
    const { body } = await emulator().call(`/report/counterparty/${id}`);
    expect(body).toMatchObject({
      balance: -1500050,
      demandsCount: 2,
      counterparty: { meta: { type: 'counterparty' } },
    });
    const refused = await emulator({ counterpartyReport: false }).call(`/report/counterparty/${id}`);
    expect(refused.res.status).toBe(403);
    expect(
      (await emulator().call('/entity/counterparty/00000000-0000-0000-0000-000000000000')).body.errors[0]
        .code,
    ).toBe(1021);
  });

  it('lists documents by agent href, newest first', async () => {
    const { call } = emulator();
    const agent = `${BASE}/entity/counterparty/${seededId('counterparty:romashka')}`;
    const { body } = await call(
      `/entity/customerorder?${filter(`agent=${agent}`)}&order=moment,desc&limit=5`,
    );
    expect(body.rows.map((r: Json) => [r.name, r.moment, r.sum])).toEqual([
      ['00057', '2026-11-12 15:05:00.000', 1798000],
      ['00041', '2026-10-02 11:20:00.000', 4521000],
    ]);
  });

  it('creates an invoice per POST, even with an externalCode it already has (as the real API does)', async () => {
    const { call } = emulator();
    const post = () =>
      call('/entity/invoiceout', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          organization: {
            meta: { href: `${BASE}/entity/organization/${seededId('organization')}`, type: 'organization' },
          },
          agent: {
            meta: {
              href: `${BASE}/entity/counterparty/${seededId('counterparty:petrov')}`,
              type: 'counterparty',
            },
          },
          positions: [
            {
              assortment: {
                meta: { href: `${BASE}/entity/product/${seededId('product:DRL-18V')}`, type: 'product' },
              },
              quantity: 2,
              price: 899000,
            },
          ],
          externalCode: 'key-1',
        }),
      });
    const first = await post();
    const second = await post();
    expect(first.res.status).toBe(200);
    expect(first.body).toMatchObject({ name: '00001', sum: 1798000, externalCode: 'key-1' });
    expect(first.body.moment).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
    expect(second.body.id).not.toBe(first.body.id);
    const found = await call(`/entity/invoiceout?${filter('externalCode=key-1')}`);
    expect(found.body.rows).toHaveLength(2);
    const invalid = await call('/entity/invoiceout', {
      method: 'POST',
      body: JSON.stringify({ positions: [] }),
    });
    expect(invalid.res.status).toBe(400);
    expect(invalid.body.errors[0].code).toBe(3007);
  });
});

describe('MoySklad emulator: faults', () => {
  it('fails the next n requests, has outages, and corrupts the next stock report', async () => {
    const { call, faults } = emulator();
    faults.failNext(2, 500);
    expect((await call('/entity/store')).res.status).toBe(500);
    expect((await call('/entity/store')).res.status).toBe(500);
    expect((await call('/entity/store')).res.status).toBe(200);
    faults.outage(true);
    expect((await call('/entity/store')).res.status).toBe(503);
    faults.outage(false);
    faults.failNext(1, 429, { retryAfterMs: 250 });
    const limited = await call('/entity/store');
    expect(limited.res.headers.get('x-lognex-retry-after')).toBe('250');
    faults.corruptNext();
    expect((await call('/entity/store')).res.status).toBe(200);
    const corrupt = await call('/report/stock/bystore/current?stockType=freeStock');
    expect(Array.isArray(corrupt.body)).toBe(false);
    expect(Array.isArray((await call('/report/stock/bystore/current?stockType=freeStock')).body)).toBe(true);
  });
});

describe('MoySklad emulator: counterparty search and creation', () => {
  it('context-searches counterparties by a substring of name, e-mail or phone, not INN', async () => {
    const { call } = emulator();
    const names = async (q: string) =>
      (await call(`/entity/counterparty?search=${encodeURIComponent(q)}`)).body.rows.map((r: Json) => r.name);
    expect((await names('строймонтаж')).sort()).toEqual(['ООО «СтройМонтаж СПб»', 'ООО «СтройМонтаж Север»']);
    expect(await names('romashka.example')).toEqual(['ООО «Ромашка»']);
    expect(await names('7701234567')).toEqual([]);
  });

  it('creates a counterparty with POST, only name required (412 code 3023 without it)', async () => {
    const { call } = emulator();
    const post = (body: unknown) =>
      call('/entity/counterparty', {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json' },
      });
    const refused = await post({ inn: '7709999999' });
    expect(refused.res.status).toBe(412);
    expect(refused.body.errors[0]).toMatchObject({ code: 3023, parameter: 'name' });
    const made = await post({
      name: 'ООО «Новый»',
      inn: '7709999999',
      externalCode: 'crm-1',
      companyType: 'legal',
    });
    expect(made.res.status).toBe(200);
    expect(made.body).toMatchObject({ name: 'ООО «Новый»', inn: '7709999999', externalCode: 'crm-1' });
    const found = await call(`/entity/counterparty?${filter('externalCode=crm-1')}`);
    expect(found.body.rows.map((r: Json) => r.id)).toEqual([made.body.id]);
    // externalCode is not unique at MoySklad: a second POST is a second counterparty.
    const again = await post({ name: 'ООО «Новый»', externalCode: 'crm-1' });
    expect(again.body.id).not.toBe(made.body.id);
  });
});
