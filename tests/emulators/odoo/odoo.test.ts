import { describe, expect, it } from 'vitest';
import { createOdooEmulator, ODOO_API_KEY, ODOO_DATABASE } from './index.js';

function client() {
  const emu = createOdooEmulator();
  const rpc = (model: string, method: string, body: unknown = {}, headers: Record<string, string> = {}) =>
    emu.app.request(`/json/2/${model}/${method}`, {
      method: 'POST',
      headers: { Authorization: `bearer ${ODOO_API_KEY}`, 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const call = async <T>(model: string, method: string, body: unknown = {}) => {
    const res = await rpc(model, method, body);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as T;
  };
  return { ...emu, rpc, call };
}

describe('Odoo JSON-2 emulator', () => {
  it('needs the bearer API key and a known database, answering errors as JSON', async () => {
    const { rpc } = client();
    const res = await rpc('res.partner', 'search_read', {}, { Authorization: 'bearer wrong' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      name: 'werkzeug.exceptions.Unauthorized',
      message: 'Invalid apikey',
    });
    expect((await rpc('res.partner', 'search_count', {}, { 'X-Odoo-Database': ODOO_DATABASE })).status).toBe(
      200,
    );
    expect((await rpc('res.partner', 'search_count', {}, { 'X-Odoo-Database': 'other' })).status).toBe(404);
    expect((await rpc('no.model', 'search_read')).status).toBe(404);
    expect((await rpc('res.partner', 'unlink_all')).status).toBe(404);
    const badField = await rpc('res.partner', 'search_read', { fields: ['nope'] });
    expect(badField.status).toBe(422);
    expect(await badField.json()).toMatchObject({
      name: 'builtins.ValueError',
      arguments: expect.any(Array),
      debug: expect.any(String),
    });
  });

  it('answers many2one fields as [id, display name] pairs and empty values as false', async () => {
    const { call } = client();
    const [product] = await call<{ id: number }[]>('product.product', 'search_read', {
      domain: [['default_code', '=', 'DRL-18V']],
      fields: ['id'],
    });
    const quants = await call<Record<string, unknown>[]>('stock.quant', 'search_read', {
      domain: [
        ['product_id', 'in', [product?.id]],
        ['location_id.usage', '=', 'internal'],
      ],
      fields: ['product_id', 'location_id', 'warehouse_id', 'available_quantity'],
    });
    expect(quants.map((q) => q.location_id)).toEqual([
      [expect.any(Number), 'MSK/Stock'],
      [expect.any(Number), 'MSK/Stock/Shelf 1'],
      [expect.any(Number), 'SPB/Stock'],
      [expect.any(Number), 'SPB/Stock/Shelf 1'],
    ]);
    expect(quants[0]?.product_id).toEqual([product?.id, '[DRL-18V] Дрель-шуруповёрт 18 В']);
    expect(
      quants
        .filter((q) => (q.warehouse_id as [number, string])[1] === 'Москва, основной')
        .reduce((s, q) => s + (q.available_quantity as number), 0),
    ).toBe(20);
    const all = await call<unknown[]>('stock.quant', 'search_read', {
      domain: [['product_id', '=', product?.id]],
      fields: ['warehouse_id'],
    });
    expect(all).toContainEqual({ id: expect.any(Number), warehouse_id: false });
  });

  it("evaluates '|', '!' and =ilike in domains", async () => {
    const { call } = client();
    const names = async (domain: unknown) =>
      (
        await call<{ name: string }[]>('res.partner', 'search_read', {
          domain,
          fields: ['name'],
          order: 'name asc',
        })
      ).map((p) => p.name);
    expect(await names(['|', ['vat', '=', '7701234567'], ['vat', '=', '7801111111']])).toHaveLength(2);
    expect(await names([['phone', '=ilike', '%5%5%5%0%0%0%0%']])).toEqual([
      'ООО «СтройМонтаж СПб»',
      'ООО «СтройМонтаж Север»',
    ]);
    expect(await names(['!', ['vat', '=', '7701234567']])).toHaveLength(3);
    expect(await names([['email', '=ilike', 'ZAKAZ@romashka.example']])).toEqual(['ООО «Ромашка»']);
  });

  it('creates a draft invoice priced from the product and posts it with a number', async () => {
    const { call, rpc } = client();
    const [partner] = await call<{ id: number }[]>('res.partner', 'search_read', {
      domain: [['vat', '=', '500100732259']],
      fields: ['id'],
    });
    const [product] = await call<{ id: number }[]>('product.product', 'search_read', {
      domain: [['default_code', '=', 'TAPE-50']],
      fields: ['id'],
    });
    const ids = await call<number[]>('account.move', 'create', {
      vals_list: [
        {
          move_type: 'out_invoice',
          partner_id: partner?.id,
          ref: 'k-1',
          invoice_line_ids: [[0, 0, { product_id: product?.id, quantity: 2 }]],
        },
      ],
    });
    const read = () =>
      call<Record<string, unknown>[]>('account.move', 'read', {
        ids,
        fields: ['name', 'state', 'amount_total', 'ref'],
      });
    expect((await read())[0]).toMatchObject({ name: '/', state: 'draft', amount_total: 498, ref: 'k-1' });
    expect(await call('account.move', 'action_post', { ids })).toBe(true);
    expect((await read())[0]).toMatchObject({
      name: expect.stringMatching(/^INV\/\d{4}\/00001$/),
      state: 'posted',
    });
    const again = await rpc('account.move', 'action_post', { ids });
    expect(again.status).toBe(422);
    expect(await again.json()).toMatchObject({ name: 'odoo.exceptions.UserError' });
  });

  it('keeps the balance in credit (receivable) and debit (payable)', async () => {
    const { call } = client();
    const [romashka, spb] = await call<{ credit: number; debit: number }[]>('res.partner', 'search_read', {
      domain: [['vat', 'in', ['7701234567', '7801111111']]],
      fields: ['credit', 'debit'],
      order: 'id asc',
    });
    expect(romashka).toMatchObject({ credit: 15000.5, debit: 0 });
    expect(spb).toMatchObject({ credit: -2500, debit: 0 });
  });

  it('injects an outage and one corrupt quant answer', async () => {
    const { rpc, faults, calls } = client();
    faults.outage(true);
    expect((await rpc('stock.quant', 'search_read', { fields: ['quantity'] })).status).toBe(503);
    faults.outage(false);
    faults.corruptNext();
    const corrupt = (await (
      await rpc('stock.quant', 'search_read', { fields: ['quantity'], limit: 1 })
    ).json()) as { quantity: unknown }[];
    expect(corrupt[0]?.quantity).toBe(false);
    const fine = (await (
      await rpc('stock.quant', 'search_read', { fields: ['quantity'], limit: 1 })
    ).json()) as { quantity: unknown }[];
    expect(typeof fine[0]?.quantity).toBe('number');
    expect(calls.map((c) => [c.model, c.rpc, c.status])).toEqual([
      ['stock.quant', 'search_read', 503],
      ['stock.quant', 'search_read', 200],
      ['stock.quant', 'search_read', 200],
    ]);
  });
});
