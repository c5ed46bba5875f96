import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../seed.js';
import { auth, testEmulator } from '../test-helpers.js';

const CATALOG = DEMO_ACCOUNT.productsCatalogId;

// biome-ignore lint/suspicious/noExplicitAny: test reads loosely typed JSON
type Json = any;

describe('auth', () => {
  it('answers 401 problem+json without a bearer token', async () => {
    const { app } = testEmulator();
    const res = await app.request('/api/v4/account');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body: Json = await res.json();
    expect(body).toMatchObject({ status: 401, title: 'Unauthorized', type: expect.any(String) });
    expect(body.detail).toEqual(expect.any(String));
  });

  it('answers 401 with a wrong bearer token', async () => {
    const { app } = testEmulator();
    const res = await app.request('/api/v4/account', { headers: { Authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
  });

  it('serves the account with the right token and logs the calls', async () => {
    const { app, calls } = testEmulator();
    const res = await app.request('/api/v4/account', { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/hal+json');
    expect(await res.json()).toMatchObject({ id: DEMO_ACCOUNT.id, subdomain: DEMO_ACCOUNT.subdomain });
    expect(calls).toEqual([
      { method: 'GET', path: '/api/v4/account', query: '', status: 200, at: expect.any(Number) },
    ]);
  });
});

describe('leads', () => {
  it('embeds the catalog elements of lead 1001 with quantities', async () => {
    const { app } = testEmulator();
    const res = await app.request('/api/v4/leads/1001?with=catalog_elements,contacts', { headers: auth });
    expect(res.status).toBe(200);
    const lead: Json = await res.json();
    expect(lead).toMatchObject({
      id: 1001,
      name: 'ООО Ромашка — поставка инструмента',
      pipeline_id: DEMO_ACCOUNT.pipelineId,
      status_id: 80012,
      account_id: DEMO_ACCOUNT.id,
      custom_fields_values: null,
    });
    expect(lead._links.self.href).toMatch(/\/api\/v4\/leads\/1001$/);
    expect(lead._embedded.tags).toEqual([]);
    expect(lead._embedded.contacts).toEqual([expect.objectContaining({ id: 2001, is_main: true })]);
    const items = lead._embedded.catalog_elements.map((e: Json) => [
      e.id,
      e.metadata.quantity,
      e.metadata.catalog_id,
    ]);
    expect(items).toEqual([
      [500101, 2, CATALOG],
      [500102, 1, CATALOG],
      [500103, 5, CATALOG],
    ]);
  });

  it('leaves catalog_elements out unless asked with `with`', async () => {
    const { app } = testEmulator();
    const lead: Json = await (await app.request('/api/v4/leads/1001', { headers: auth })).json();
    expect(lead._embedded.catalog_elements).toBeUndefined();
    expect(lead._embedded.contacts).toBeUndefined();
  });

  it('keeps fractional quantities (lead 1004)', async () => {
    const { app } = testEmulator();
    const lead: Json = await (
      await app.request('/api/v4/leads/1004?with=catalog_elements', { headers: auth })
    ).json();
    expect(lead._embedded.catalog_elements.map((e: Json) => e.metadata.quantity)).toEqual([120.5, 1, 1]);
  });

  it('answers 404 problem+json for an unknown lead', async () => {
    const { app } = testEmulator();
    const res = await app.request('/api/v4/leads/999999', { headers: auth });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('lists leads filtered by id and answers 204 for an empty result', async () => {
    const { app } = testEmulator();
    const list: Json = await (
      await app.request('/api/v4/leads?filter[id][]=1002&filter[id][]=1003', { headers: auth })
    ).json();
    expect(list._embedded.leads.map((l: Json) => l.id)).toEqual([1002, 1003]);
    const empty = await app.request('/api/v4/leads?filter[id][]=42', { headers: auth });
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });
});

describe('catalogs', () => {
  it('lists one products catalog and one invoices catalog', async () => {
    const { app } = testEmulator();
    const body: Json = await (await app.request('/api/v4/catalogs', { headers: auth })).json();
    expect(body._embedded.catalogs).toEqual([
      expect.objectContaining({ id: CATALOG, name: 'Товары', type: 'products' }),
      expect.objectContaining({ type: 'invoices' }),
    ]);
  });

  it('creates elements in a catalog and finds them by name', async () => {
    const { app } = testEmulator();
    const created: Json = await (
      await app.request('/api/v4/catalogs/7002/elements', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify([{ name: 'Счёт № 7' }]),
      })
    ).json();
    const id = created._embedded.elements[0].id;
    const found: Json = await (
      await app.request('/api/v4/catalogs/7002/elements?query=%D0%A1%D1%87%D1%91%D1%82', { headers: auth })
    ).json();
    expect(found._embedded.elements.map((e: Json) => e.id)).toEqual([id]);
  });

  it('lists the products catalog fields with codes', async () => {
    const { app } = testEmulator();
    const body: Json = await (
      await app.request(`/api/v4/catalogs/${CATALOG}/custom_fields`, { headers: auth })
    ).json();
    const fields = body._embedded.custom_fields;
    expect(fields).toContainEqual(expect.objectContaining({ name: 'Артикул', code: 'SKU', type: 'text' }));
    expect(fields).toContainEqual(expect.objectContaining({ name: 'Цена', code: 'PRICE', type: 'price' }));
  });

  it('filters elements by id and carries SKU and PRICE values', async () => {
    const { app } = testEmulator();
    const res = await app.request(
      `/api/v4/catalogs/${CATALOG}/elements?filter[id][]=500101&filter[id][]=500107`,
      { headers: auth },
    );
    expect(res.status).toBe(200);
    const elements: Json[] = (await res.json())._embedded.elements;
    expect(elements.map((e) => e.id)).toEqual([500101, 500107]);
    const [drill, delivery] = elements;
    const value = (el: Json, code: string) =>
      el.custom_fields_values.find((v: Json) => v.field_code === code)?.values[0]?.value;
    expect(drill).toMatchObject({ name: 'Дрель-шуруповёрт 18 В', catalog_id: CATALOG });
    expect(value(drill, 'SKU')).toBe('DRL-18V');
    expect(value(drill, 'PRICE')).toBe(8990);
    expect(drill.custom_fields_values[0]).toMatchObject({ field_name: 'Артикул', field_type: 'text' });
    expect(value(delivery, 'SKU')).toBeUndefined();
  });

  it('pages elements with _links.next until the last page', async () => {
    const { app } = testEmulator();
    const seen: number[] = [];
    let url: string | undefined = `/api/v4/catalogs/${CATALOG}/elements?limit=3`;
    let pages = 0;
    while (url) {
      const res = await app.request(url, { headers: auth });
      expect(res.status).toBe(200);
      const body: Json = await res.json();
      seen.push(...body._embedded.elements.map((e: Json) => e.id));
      url = body._links.next?.href;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    const past = await app.request(`/api/v4/catalogs/${CATALOG}/elements?limit=3&page=4`, { headers: auth });
    expect(past.status).toBe(204);
  });

  it('rejects a limit above 250 with validation errors', async () => {
    const { app } = testEmulator();
    const res = await app.request(`/api/v4/catalogs/${CATALOG}/elements?limit=251`, { headers: auth });
    expect(res.status).toBe(400);
    expect(await res.json()).toHaveProperty('validation-errors');
  });

  it('answers 404 for an unknown catalog', async () => {
    const { app } = testEmulator();
    const res = await app.request('/api/v4/catalogs/1/elements', { headers: auth });
    expect(res.status).toBe(404);
  });
});

describe('latency', () => {
  it('delays API answers by latencyMs', async () => {
    const { app } = testEmulator({ latencyMs: 60 });
    const started = performance.now();
    await app.request('/api/v4/account', { headers: auth });
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });
});
