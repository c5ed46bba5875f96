import { describe, expect, it } from 'vitest';
import { createAmoEmulator } from '../index.js';

const TOKEN = 'catalog-test-token';
const emulator = () =>
  createAmoEmulator({
    clientSecret: 'secret',
    backendUrl: 'http://127.0.0.1:1',
    widgetDir: '/nonexistent',
    accessToken: TOKEN,
    rateLimitPerSecond: 0,
  });
const get = async (e: ReturnType<typeof emulator>, path: string) => {
  const res = await e.app.request(`/api/v4${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
};

describe('what a settings page reads from amoCRM', () => {
  it('GET /users lists users with rights (admin flag, group), paged, 204 past the end', async () => {
    const e = emulator();
    const { status, body } = await get(e, '/users?limit=250');
    expect(status).toBe(200);
    expect(body._embedded.users).toHaveLength(2);
    expect(body._embedded.users[1]).toMatchObject({
      id: 5100002,
      name: 'Олег Ковалёв',
      rights: { is_admin: true, is_active: true, group_id: 350001 },
    });
    expect((await get(e, '/users?page=2&limit=250')).status).toBe(204);
    expect((await get(e, '/users/5100001')).body.rights.group_id).toBe(0);
  });

  it('GET /account?with=users_groups embeds the user groups; without it, none', async () => {
    const e = emulator();
    expect((await get(e, '/account?with=users_groups')).body._embedded.users_groups).toEqual([
      { id: 0, name: 'Отдел продаж', uuid: null },
      { id: 350001, name: 'Склад', uuid: null },
    ]);
    expect((await get(e, '/account')).body._embedded).toBeUndefined();
  });

  it('GET /contacts/custom_fields and /companies/custom_fields list the entity fields', async () => {
    const e = emulator();
    const companies = (await get(e, '/companies/custom_fields')).body._embedded.custom_fields;
    expect(companies.map((f: { name: string }) => f.name)).toEqual(['Телефон', 'ИНН']);
    expect(companies[1]).toMatchObject({ id: 740002, code: null, type: 'text', entity_type: 'companies' });
    const contacts = (await get(e, '/contacts/custom_fields')).body._embedded.custom_fields;
    expect(contacts.map((f: { code: string }) => f.code)).toEqual(['PHONE', 'EMAIL']);
  });

  it('GET /leads/pipelines carries each stage with its colour', async () => {
    const e = emulator();
    const [pipeline] = (await get(e, '/leads/pipelines')).body._embedded.pipelines;
    expect(pipeline._embedded.statuses[0]).toMatchObject({ id: 80011, color: '#99ccff' });
  });
});
