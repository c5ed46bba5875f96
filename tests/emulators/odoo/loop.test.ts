import { describe, expect, it } from 'vitest';
import { createOdooEmulator, ODOO_API_KEY } from './index.js';

function client() {
  const emu = createOdooEmulator();
  const rpc = (model: string, method: string, body: unknown) =>
    emu.app.fetch(
      new Request(`http://odoo/json/2/${model}/${method}`, {
        method: 'POST',
        headers: { Authorization: `bearer ${ODOO_API_KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  const call = async <T>(model: string, method: string, body: unknown) => {
    const res = await rpc(model, method, body);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as T;
  };
  const drill = emu.state.db.get('product.product')?.find((p) => p.default_code === 'DRL-18V')?.id as number;
  const quants = () =>
    (emu.state.db.get('stock.quant') ?? []).filter((q) => q.product_id === drill && q.warehouse_id === 1);
  const reserved = () => quants().reduce((n, q) => n + Number(q.reserved_quantity), 0);
  const available = () => quants().reduce((n, q) => n + Number(q.available_quantity), 0);
  const create = (qty: number) =>
    call<number[]>('sale.order', 'create', {
      vals_list: [
        {
          partner_id: 1,
          client_order_ref: 'key-1',
          order_line: [[0, 0, { product_id: drill, product_uom_qty: qty }]],
        },
      ],
    });
  return { ...emu, rpc, call, reserved, available, create };
}

describe('Odoo emulator: sale.order and the reserve', () => {
  it('create makes a quotation; action_confirm reserves from the warehouse quants at once; confirming twice is refused', async () => {
    const { call, rpc, create, reserved, available } = client();
    const [id] = await create(3);
    const [draft] = await call<{ state: string; name: string }[]>('sale.order', 'read', {
      ids: [id],
      fields: ['name', 'state'],
    });
    expect(draft).toMatchObject({ state: 'draft', name: expect.stringMatching(/^S\d{5}$/) });
    const [r0, a0] = [reserved(), available()];
    expect(await call('sale.order', 'action_confirm', { ids: [id] })).toBe(true);
    expect([reserved() - r0, a0 - available()]).toEqual([3, 3]);
    const twice = await rpc('sale.order', 'action_confirm', { ids: [id] });
    expect(twice.status).toBe(422);
    expect(((await twice.json()) as { name: string }).name).toBe('odoo.exceptions.UserError');
  });

  it('action_cancel on a confirmed order answers the cancel wizard unless disable_cancel_warning; then it unreserves', async () => {
    const { call, create, reserved } = client();
    const [id] = await create(2);
    const r0 = reserved();
    await call('sale.order', 'action_confirm', { ids: [id] });
    const wizard = await call<{ res_model: string }>('sale.order', 'action_cancel', { ids: [id] });
    expect(wizard.res_model).toBe('sale.order.cancel');
    expect(reserved() - r0).toBe(2);
    expect(
      await call('sale.order', 'action_cancel', { ids: [id], context: { disable_cancel_warning: true } }),
    ).toBe(true);
    const [order] = await call<{ state: string }[]>('sale.order', 'read', { ids: [id], fields: ['state'] });
    expect(order?.state).toBe('cancel');
    expect(reserved()).toBe(r0);
  });

  it('a reservation never exceeds what is available; an unknown partner is a MissingError', async () => {
    const { call, rpc, create, available } = client();
    const [id] = await create(1000);
    await call('sale.order', 'action_confirm', { ids: [id] });
    expect(available()).toBe(0);
    const bad = await rpc('sale.order', 'create', { vals_list: [{ partner_id: 999, order_line: [] }] });
    expect(bad.status).toBe(404);
  });

  it('payments: partial, In Payment, Paid after reconciliation, with amount_residual and write_date', async () => {
    const { call, loop, state } = client();
    const move = state.db.get('account.move')?.find((m) => m.state === 'posted');
    const id = move?.id as number;
    const total = Number(move?.amount_total);
    const read = async () =>
      (
        await call<Record<string, unknown>[]>('account.move', 'read', {
          ids: [id],
          fields: ['payment_state', 'amount_residual', 'write_date'],
        })
      )[0];
    loop.pay(id, 100);
    expect(await read()).toMatchObject({ payment_state: 'partial', amount_residual: total - 100 });
    loop.pay(id, total - 100);
    expect(await read()).toMatchObject({ payment_state: 'in_payment', amount_residual: 0 });
    loop.reconcile(id);
    expect((await read())?.payment_state).toBe('paid');
    expect(String((await read())?.write_date)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('faults: a lost create answer leaves the quotation behind; a duplicate creates two', async () => {
    const { create, rpc, faults, state } = client();
    faults.loseNextAnswer(1, { pathIncludes: '/sale.order/create' });
    const lost = await rpc('sale.order', 'create', { vals_list: [{ partner_id: 1, order_line: [] }] });
    expect(lost.status).toBe(502);
    const count = () => state.db.get('sale.order')?.filter((o) => o.client_order_ref !== undefined).length;
    const before = count() ?? 0;
    faults.duplicateNext(1, { pathIncludes: '/sale.order/create' });
    await create(1);
    expect(count()).toBe(before + 2);
  });
});
