import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, SEED_TIME, WON_STATUS_ID } from '../seed.js';
import { auth, send, testEmulator } from '../test-helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: test reads loosely typed JSON
type Json = any;

describe('PATCH /leads/:id', () => {
  it('moves the stage, sets fields and tags, and stamps updated_at', async () => {
    const { app } = testEmulator();
    const res = await app.request(
      '/api/v4/leads/1001',
      send('PATCH', {
        status_id: WON_STATUS_ID,
        price: 5000,
        custom_fields_values: [{ field_id: 720002, values: [{ value: 'СЧ-1' }] }],
        tags_to_add: [{ name: 'erp: нет в наличии' }, { name: 'vip' }],
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/hal+json');
    const ref: Json = await res.json();
    expect(ref).toMatchObject({
      id: 1001,
      updated_at: expect.any(Number),
      _links: { self: { href: expect.any(String) } },
    });
    expect(ref.updated_at).toBeGreaterThan(SEED_TIME);

    const lead: Json = await (await app.request('/api/v4/leads/1001', { headers: auth })).json();
    expect(lead).toMatchObject({ status_id: WON_STATUS_ID, price: 5000, updated_at: ref.updated_at });
    expect(lead.custom_fields_values).toEqual([
      {
        field_id: 720002,
        field_name: 'Номер счёта',
        field_code: null,
        field_type: 'text',
        values: [{ value: 'СЧ-1' }],
      },
    ]);
    expect(lead._embedded.tags.map((t: Json) => t.name)).toEqual(['erp: нет в наличии', 'vip']);

    await app.request(
      '/api/v4/leads/1001',
      send('PATCH', {
        custom_fields_values: [{ field_id: 720002, values: null }],
        tags_to_delete: [{ name: 'vip' }],
      }),
    );
    const after: Json = await (await app.request('/api/v4/leads/1001', { headers: auth })).json();
    expect(after.custom_fields_values).toBeNull();
    expect(after._embedded.tags.map((t: Json) => t.name)).toEqual(['erp: нет в наличии']);
  });

  it('rejects a status outside the pipeline and a bad body with validation-errors', async () => {
    const { app } = testEmulator();
    const res = await app.request('/api/v4/leads/1001', send('PATCH', { status_id: 999 }));
    expect(res.status).toBe(400);
    const body: Json = await res.json();
    expect(body['validation-errors'][0].errors[0]).toMatchObject({ path: 'status_id' });
    const bad = await app.request('/api/v4/leads/1001', send('PATCH', { price: 'lots' }));
    expect(bad.status).toBe(400);
    expect((await bad.json())['validation-errors'][0].errors[0]).toMatchObject({
      code: 'InvalidType',
      path: 'price',
    });
  });

  it('answers 404 for an unknown lead', async () => {
    const { app } = testEmulator();
    expect((await app.request('/api/v4/leads/999999', send('PATCH', { name: 'x' }))).status).toBe(404);
  });
});

describe('PATCH /leads (batch)', () => {
  it('updates several leads', async () => {
    const { app, state } = testEmulator();
    const res = await app.request(
      '/api/v4/leads',
      send('PATCH', [
        { id: 1002, status_id: 80012 },
        { id: 1003, name: 'Переименована' },
      ]),
    );
    expect(res.status).toBe(200);
    const body: Json = await res.json();
    expect(body._embedded.leads.map((l: Json) => l.id)).toEqual([1002, 1003]);
    expect(state.leads.get(1002)?.statusId).toBe(80012);
    expect(state.leads.get(1003)?.name).toBe('Переименована');
  });

  it('rejects more than 250 items and unknown ids per request_id, changing nothing', async () => {
    const { app, state } = testEmulator();
    const big = Array.from({ length: 251 }, () => ({ id: 1001, name: 'x' }));
    const res = await app.request('/api/v4/leads', send('PATCH', big));
    expect(res.status).toBe(400);
    expect(await res.json()).toHaveProperty('validation-errors');

    const mixed = await app.request(
      '/api/v4/leads',
      send('PATCH', [
        { id: 1001, name: 'changed' },
        { id: 424242, name: 'ghost' },
      ]),
    );
    expect(mixed.status).toBe(400);
    expect((await mixed.json())['validation-errors']).toEqual([
      { request_id: '1', errors: [{ code: 'NotFound', path: 'id', detail: expect.any(String) }] },
    ]);
    expect(state.leads.get(1001)?.name).not.toBe('changed');
  });
});

describe('POST /leads and the list', () => {
  it('creates leads with increasing ids, lists by updated_at window and order, pages with next', async () => {
    const { app } = testEmulator();
    const created: Json = await (
      await app.request(
        '/api/v4/leads',
        send('POST', [
          { name: 'A', price: 10, _embedded: { tags: [{ name: 'new' }], contacts: [{ id: 2001 }] } },
          { name: 'B', status_id: 80013, pipeline_id: DEMO_ACCOUNT.pipelineId, request_id: 'b' },
        ]),
      )
    ).json();
    const [a, b] = created._embedded.leads;
    expect(b.id).toBeGreaterThan(a.id);
    expect(a.id).toBeGreaterThan(1004);
    expect(b.request_id).toBe('b');

    const from = SEED_TIME + 1;
    const recent: Json = await (
      await app.request(
        `/api/v4/leads?filter[updated_at][from]=${from}&order[updated_at]=asc&with=contacts`,
        {
          headers: auth,
        },
      )
    ).json();
    expect(recent._embedded.leads.map((l: Json) => l.name)).toEqual(['A', 'B']);
    expect(recent._embedded.leads[0]._embedded.contacts[0].id).toBe(2001);
    expect(recent._embedded.leads[0]._embedded.tags[0].name).toBe('new');

    const old = await app.request(`/api/v4/leads?filter[updated_at][to]=${SEED_TIME}&limit=2`, {
      headers: auth,
    });
    const page1: Json = await old.json();
    expect(page1._embedded.leads).toHaveLength(2);
    expect(page1._links.next.href).toContain('page=2');
    const page2: Json = await (await app.request(page1._links.next.href, { headers: auth })).json();
    expect(page2._embedded.leads).toHaveLength(2);
    expect(page2._links.next).toBeUndefined();
  });

  it('rejects limit above 250', async () => {
    const { app } = testEmulator();
    expect((await app.request('/api/v4/leads?limit=251', { headers: auth })).status).toBe(400);
  });
});
