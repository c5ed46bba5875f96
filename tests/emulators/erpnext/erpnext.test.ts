import { describe, expect, it } from 'vitest';
import { createErpNextEmulator, ERPNEXT_API_KEY, ERPNEXT_API_SECRET, warehouseDocName } from './index.js';

const auth = { Authorization: `token ${ERPNEXT_API_KEY}:${ERPNEXT_API_SECRET}` };
const q = (params: Record<string, unknown>) =>
  new URLSearchParams(
    Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  ).toString();

describe('ERPNext emulator', () => {
  it('refuses requests without a token (403) and with a wrong one (401), Frappe-style', async () => {
    const { app } = createErpNextEmulator();
    const anon = await app.request('/api/resource/Item');
    expect(anon.status).toBe(403);
    const wrong = await app.request('/api/resource/Item', { headers: { Authorization: 'token a:b' } });
    expect(wrong.status).toBe(401);
    const body = (await wrong.json()) as Record<string, string>;
    expect(body.exc_type).toBe('AuthenticationError');
    expect(JSON.parse(JSON.parse(body._server_messages ?? '[]')[0]).message).toBe(
      'Invalid API key or secret',
    );
    const basic = await app.request('/api/method/frappe.auth.get_logged_user', {
      headers: { Authorization: `Basic ${btoa(`${ERPNEXT_API_KEY}:${ERPNEXT_API_SECRET}`)}` },
    });
    expect(basic.status).toBe(200);
  });

  it('lists with filters, fields, order and paging; default fields are just the name', async () => {
    const { app } = createErpNextEmulator();
    const res = await app.request(
      `/api/resource/Bin?${q({
        filters: [
          ['item_code', 'in', ['DRL-18V', 'TAPE-50']],
          ['warehouse', 'like', 'Москва%'],
        ],
        fields: ['item_code', 'actual_qty', 'reserved_qty'],
        order_by: 'item_code asc',
      })}`,
      { headers: auth },
    );
    expect(await res.json()).toEqual({
      data: [
        { item_code: 'DRL-18V', actual_qty: 24, reserved_qty: 4 },
        { item_code: 'TAPE-50', actual_qty: 75, reserved_qty: 5 },
      ],
    });
    const names = (await (
      await app.request('/api/resource/Item?limit_page_length=2', { headers: auth })
    ).json()) as {
      data: unknown[];
    };
    expect(names.data).toHaveLength(2);
    expect(Object.keys(names.data[0] as object)).toEqual(['name']);
    const dict = await app.request(
      `/api/resource/Customer?${q({ filters: { tax_id: '7701234567' }, fields: ['name'] })}`,
      {
        headers: auth,
      },
    );
    expect(((await dict.json()) as { data: unknown[] }).data).toEqual([{ name: 'ООО «Ромашка»' }]);
  });

  it('names warehouses with the company abbreviation and keeps group warehouses apart', async () => {
    const { app } = createErpNextEmulator();
    const res = await app.request(
      `/api/resource/Warehouse?${q({ fields: ['name', 'warehouse_name', 'is_group'] })}`,
      { headers: auth },
    );
    const { data } = (await res.json()) as { data: { name: string; is_group: number }[] };
    expect(data.filter((w) => !w.is_group).map((w) => w.name)).toContain(warehouseDocName('msk'));
    expect(data.some((w) => w.is_group)).toBe(true);
  });

  it('rejects unknown fields and doctypes', async () => {
    const { app } = createErpNextEmulator();
    const res = await app.request(`/api/resource/Item?${q({ fields: ['nope'] })}`, { headers: auth });
    expect(res.status).toBe(417);
    expect(((await res.json()) as { exc_type: string }).exc_type).toBe('DataError');
    expect((await app.request('/api/resource/Nope', { headers: auth })).status).toBe(404);
    expect((await app.request('/api/resource/Customer/Nobody', { headers: auth })).status).toBe(404);
  });

  it('inserts a Sales Invoice with item prices and refuses unknown links with 417', async () => {
    const { app, state } = createErpNextEmulator();
    const post = (body: unknown) =>
      app.request('/api/resource/Sales%20Invoice', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await post({
      customer: 'ИП Петров Пётр Петрович',
      po_no: 'key-1',
      docstatus: 1,
      items: [
        { item_code: 'DRL-18V', qty: 2 },
        { item_code: 'BIT-SET-32', qty: 3, rate: 700 },
      ],
    });
    const { data } = (await ok.json()) as { data: Record<string, unknown> };
    expect(data.grand_total).toBe(2 * 8990 + 3 * 700);
    expect(data.name).toMatch(/^ACC-SINV-\d{4}-00001$/);
    expect(data.creation).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(data.status).toBe('Unpaid');
    expect(state.docs.get('Sales Invoice')?.some((d) => d.po_no === 'key-1')).toBe(true);

    const bad = await post({
      customer: 'ИП Петров Пётр Петрович',
      items: [{ item_code: 'NO-SUCH-SKU', qty: 1 }],
    });
    expect(bad.status).toBe(417);
    expect(((await bad.json()) as { exc_type: string }).exc_type).toBe('LinkValidationError');
    expect((await post({ items: [] })).status).toBe(417);
  });

  it('answers get_balance_on with positive = the customer owes us', async () => {
    const { app } = createErpNextEmulator();
    const res = await app.request(
      `/api/method/erpnext.accounts.utils.get_balance_on?${q({ party_type: 'Customer', party: 'ООО «Ромашка»' })}`,
      { headers: auth },
    );
    expect(await res.json()).toEqual({ message: 15000.5 });
  });

  it('injects an outage and one corrupt Bin answer, and logs calls', async () => {
    const { app, faults, calls } = createErpNextEmulator();
    faults.outage(true);
    const down = await app.request('/api/resource/Bin', { headers: auth });
    expect(down.status).toBe(502);
    expect(down.headers.get('Content-Type')).toMatch(/text\/html/);
    faults.outage(false);
    faults.corruptNext();
    const fields = q({ fields: ['item_code', 'actual_qty'] });
    const corrupt = (await (await app.request(`/api/resource/Bin?${fields}`, { headers: auth })).json()) as {
      data: { actual_qty: unknown }[];
    };
    expect(corrupt.data[0]?.actual_qty).toBe('n/a');
    const fine = (await (await app.request(`/api/resource/Bin?${fields}`, { headers: auth })).json()) as {
      data: { actual_qty: unknown }[];
    };
    expect(typeof fine.data[0]?.actual_qty).toBe('number');
    expect(calls.map((c) => c.status)).toEqual([502, 200, 200]);
  });
});
