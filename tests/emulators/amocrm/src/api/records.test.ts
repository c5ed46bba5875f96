import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../seed.js';
import { auth, send, testEmulator } from '../test-helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: test reads loosely typed JSON
type Json = any;
const PIPELINE = DEMO_ACCOUNT.pipelineId;

describe('notes', () => {
  it('adds common and service notes and lists them by lead', async () => {
    const { app } = testEmulator();
    const res = await app.request(
      '/api/v4/leads/notes',
      send('POST', [
        { entity_id: 1001, note_type: 'common', params: { text: 'Нет на складе: DRL-18V' } },
        {
          entity_id: 1002,
          note_type: 'service_message',
          params: { service: 'ERP Bridge', text: 'Счёт создан' },
        },
      ]),
    );
    expect(res.status).toBe(200);
    const notes = (await res.json())._embedded.notes;
    expect(notes).toEqual([
      expect.objectContaining({ id: expect.any(Number), entity_id: 1001, request_id: '0' }),
      expect.objectContaining({ entity_id: 1002, request_id: '1' }),
    ]);
    const list: Json = await (
      await app.request('/api/v4/leads/notes?filter[entity_id][]=1002', { headers: auth })
    ).json();
    expect(list._embedded.notes).toEqual([
      expect.objectContaining({
        note_type: 'service_message',
        params: { service: 'ERP Bridge', text: 'Счёт создан' },
      }),
    ]);
    const byLead: Json = await (await app.request('/api/v4/leads/1001/notes', { headers: auth })).json();
    expect(byLead._embedded.notes[0].params.text).toBe('Нет на складе: DRL-18V');
    expect((await app.request('/api/v4/leads/1003/notes', { headers: auth })).status).toBe(204);
  });

  it('rejects a note for a missing lead and a service message without service', async () => {
    const { app } = testEmulator();
    const res = await app.request(
      '/api/v4/leads/notes',
      send('POST', [
        { entity_id: 4242, note_type: 'common', params: { text: 'x' } },
        { entity_id: 1001, note_type: 'service_message', params: { text: 'x' } },
      ]),
    );
    expect(res.status).toBe(400);
    expect((await res.json())['validation-errors'].map((e: Json) => e.request_id)).toEqual(['0', '1']);
  });
});

describe('tasks', () => {
  it('creates a task on a lead and lists it by entity', async () => {
    const { app } = testEmulator();
    const till = Math.floor(Date.now() / 1000) + 3600;
    const res = await app.request(
      '/api/v4/tasks',
      send('POST', [
        { text: 'Проверить остатки', complete_till: till, entity_id: 1001, entity_type: 'leads' },
      ]),
    );
    expect(res.status).toBe(200);
    const [created] = (await res.json())._embedded.tasks;
    const list: Json = await (
      await app.request('/api/v4/tasks?filter[entity_id][]=1001&filter[entity_type]=leads', { headers: auth })
    ).json();
    expect(list._embedded.tasks).toEqual([
      expect.objectContaining({
        id: created.id,
        text: 'Проверить остатки',
        complete_till: till,
        task_type_id: 1,
        is_completed: false,
      }),
    ]);
    expect((await app.request('/api/v4/tasks?filter[entity_id][]=1002', { headers: auth })).status).toBe(204);
  });
});

describe('lead custom fields', () => {
  it('creates, pages, changes required_statuses and deletes a field', async () => {
    const { app, state } = testEmulator();
    const created = await app.request(
      '/api/v4/leads/custom_fields',
      send('POST', [{ name: 'Склад проверен', type: 'checkbox', code: 'ERP_CHECKED', is_api_only: true }]),
    );
    expect(created.status).toBe(200);
    const field = (await created.json())._embedded.custom_fields[0];
    expect(field).toMatchObject({
      name: 'Склад проверен',
      type: 'checkbox',
      code: 'ERP_CHECKED',
      is_api_only: true,
      required_statuses: [],
    });

    const page1: Json = await (
      await app.request('/api/v4/leads/custom_fields?limit=2', { headers: auth })
    ).json();
    expect(page1._embedded.custom_fields).toHaveLength(2);
    expect(page1._links.next).toBeDefined();

    const patched = await app.request(
      '/api/v4/leads/custom_fields',
      send('PATCH', [{ id: field.id, required_statuses: [{ pipeline_id: PIPELINE, status_id: 80013 }] }]),
    );
    expect(patched.status).toBe(200);
    expect(state.leadFields.get(field.id)?.requiredStatuses).toEqual([
      { pipeline_id: PIPELINE, status_id: 80013 },
    ]);

    const badStage = await app.request(
      '/api/v4/leads/custom_fields',
      send('PATCH', [{ id: field.id, required_statuses: [{ pipeline_id: PIPELINE, status_id: 1 }] }]),
    );
    expect(badStage.status).toBe(400);

    await app.request(
      '/api/v4/leads/1001',
      send('PATCH', { custom_fields_values: [{ field_id: field.id, values: [{ value: true }] }] }),
    );
    const del = await app.request(`/api/v4/leads/custom_fields/${field.id}`, {
      method: 'DELETE',
      headers: auth,
    });
    expect(del.status).toBe(204);
    expect(state.leads.get(1001)?.customFieldsValues).toEqual([]);
    expect((await app.request(`/api/v4/leads/custom_fields/${field.id}`, { headers: auth })).status).toBe(
      404,
    );
  });

  it('refuses a non-boolean value for a checkbox field', async () => {
    const { app } = testEmulator();
    const [field] = (
      await (
        await app.request('/api/v4/leads/custom_fields', send('POST', [{ name: 'Флаг', type: 'checkbox' }]))
      ).json()
    )._embedded.custom_fields;
    const res = await app.request(
      '/api/v4/leads/1001',
      send('PATCH', { custom_fields_values: [{ field_id: field.id, values: [{ value: 'yes' }] }] }),
    );
    expect(res.status).toBe(400);
  });
});

describe('links', () => {
  it('links a product with a quantity, relinks to change it and unlinks', async () => {
    const { app } = testEmulator();
    const catalog_id = DEMO_ACCOUNT.productsCatalogId;
    const linked = await app.request(
      '/api/v4/leads/1003/link',
      send('POST', [
        { to_entity_id: 500105, to_entity_type: 'catalog_elements', metadata: { quantity: 3, catalog_id } },
      ]),
    );
    expect(linked.status).toBe(200);
    expect((await linked.json())._embedded.links[0]).toMatchObject({ entity_id: 1003, to_entity_id: 500105 });
    const items = async () =>
      (
        (await (
          await app.request('/api/v4/leads/1003?with=catalog_elements', { headers: auth })
        ).json()) as Json
      )._embedded.catalog_elements;
    expect(await items()).toEqual([{ id: 500105, metadata: { quantity: 3, catalog_id } }]);
    await app.request(
      '/api/v4/leads/1003/link',
      send('POST', [
        { to_entity_id: 500105, to_entity_type: 'catalog_elements', metadata: { quantity: 7, catalog_id } },
      ]),
    );
    expect((await items())[0].metadata.quantity).toBe(7);
    const unlinked = await app.request(
      '/api/v4/leads/1003/unlink',
      send('POST', [{ to_entity_id: 500105, to_entity_type: 'catalog_elements', metadata: { catalog_id } }]),
    );
    expect(unlinked.status).toBe(204);
    expect(await items()).toEqual([]);
  });

  it('rejects an unknown element', async () => {
    const { app } = testEmulator();
    const res = await app.request(
      '/api/v4/leads/1003/link',
      send('POST', [{ to_entity_id: 1, to_entity_type: 'catalog_elements' }]),
    );
    expect(res.status).toBe(400);
  });
});

describe('tags, contacts, companies, pipelines', () => {
  it('creates and lists tags', async () => {
    const { app } = testEmulator();
    const res = await app.request(
      '/api/v4/leads/tags',
      send('POST', [{ name: 'нет в наличии' }, { name: 'vip', color: 'FF0000' }]),
    );
    const [a] = (await res.json())._embedded.tags;
    const again: Json = await (
      await app.request('/api/v4/leads/tags', send('POST', [{ name: 'нет в наличии' }]))
    ).json();
    expect(again._embedded.tags[0].id).toBe(a.id);
    const list: Json = await (await app.request('/api/v4/leads/tags', { headers: auth })).json();
    expect(list._embedded.tags.map((t: Json) => t.name)).toEqual(['нет в наличии', 'vip']);
  });

  it('serves contacts with PHONE/EMAIL and companies with ИНН, linked from leads', async () => {
    const { app } = testEmulator();
    const lead: Json = await (
      await app.request('/api/v4/leads/1001?with=contacts', { headers: auth })
    ).json();
    expect(lead._embedded.companies).toEqual([expect.objectContaining({ id: 3001 })]);
    const contact: Json = await (await app.request('/api/v4/contacts/2001', { headers: auth })).json();
    const phone = contact.custom_fields_values.find((v: Json) => v.field_code === 'PHONE');
    expect(phone.values[0]).toEqual({ value: '+7 916 000-00-01', enum_code: 'WORK' });
    expect(contact.custom_fields_values.find((v: Json) => v.field_code === 'EMAIL').values[0].value).toBe(
      'zakaz@romashka.example',
    );
    const company: Json = await (
      await app.request('/api/v4/companies/3001?with=leads', { headers: auth })
    ).json();
    expect(company.custom_fields_values.find((v: Json) => v.field_name === 'ИНН').values[0].value).toBe(
      '7701234567',
    );
    expect(company._embedded.leads.map((l: Json) => l.id)).toEqual([1001]);
    expect((await app.request('/api/v4/contacts/9', { headers: auth })).status).toBe(404);
  });

  it('lists pipelines with statuses', async () => {
    const { app } = testEmulator();
    const body: Json = await (await app.request('/api/v4/leads/pipelines', { headers: auth })).json();
    const [p] = body._embedded.pipelines;
    expect(p).toMatchObject({ id: PIPELINE, is_main: true });
    expect(p._embedded.statuses.map((s: Json) => s.id)).toEqual([80011, 80012, 80013, 142, 143]);
  });
});
