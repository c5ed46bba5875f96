import { describe, expect, it } from 'vitest';
import { createErpNextEmulator, ERPNEXT_API_KEY, ERPNEXT_API_SECRET, warehouseDocName } from './index.js';

const headers = {
  Authorization: `token ${ERPNEXT_API_KEY}:${ERPNEXT_API_SECRET}`,
  'Content-Type': 'application/json',
};

function client() {
  const emu = createErpNextEmulator();
  const post = (path: string, body: unknown) =>
    emu.app.fetch(new Request(`http://erp${path}`, { method: 'POST', headers, body: JSON.stringify(body) }));
  const bin = () =>
    emu.state.docs
      .get('Bin')
      ?.find((b) => b.item_code === 'DRL-18V' && b.warehouse === warehouseDocName('msk'));
  const order = (extra: Record<string, unknown> = {}) =>
    post('/api/resource/Sales%20Order', {
      customer: 'ООО «Ромашка»',
      po_no: 'po-1',
      delivery_date: '2026-12-10',
      set_warehouse: warehouseDocName('msk'),
      reserve_stock: 1,
      docstatus: 1,
      items: [{ item_code: 'DRL-18V', qty: 30 }],
      ...extra,
    });
  return { ...emu, post, bin, order };
}

describe('ERPNext emulator: Sales Orders and the reserve', () => {
  it('submitting raises the Bin reserved_qty by the ordered quantity, reserves what is in stock, and cancel gives both back', async () => {
    const { order, bin, post, state } = client();
    const res = await order();
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { name: string; status: string; docstatus: number } };
    expect([data.status, data.docstatus]).toEqual(['To Deliver and Bill', 1]);
    // 24 on hand: all 30 ordered count as reserved_qty, only 24 can be held by a reservation entry.
    expect([bin()?.reserved_qty, bin()?.projected_qty, bin()?.reserved_stock]).toEqual([34, -10, 24]);
    expect(state.docs.get('Stock Reservation Entry')?.map((s) => s.reserved_qty)).toEqual([24]);

    const cancel = await post('/api/method/frappe.client.cancel', {
      doctype: 'Sales Order',
      name: data.name,
    });
    expect(cancel.status).toBe(200);
    expect([bin()?.reserved_qty, bin()?.reserved_stock]).toEqual([4, 0]);
    expect(state.docs.get('Stock Reservation Entry')?.[0]?.status).toBe('Cancelled');
    const again = await post('/api/method/frappe.client.cancel', { doctype: 'Sales Order', name: data.name });
    expect(again.status).toBe(417);
  });

  it('refuses a second order on the same customer PO number, a missing delivery date and a missing warehouse', async () => {
    const { order, bin } = client();
    expect((await order()).status).toBe(200);
    const twin = await order();
    expect(twin.status).toBe(417);
    expect(JSON.stringify(await twin.json())).toContain(
      "already exists against Customer's Purchase Order po-1",
    );
    expect((await order({ po_no: 'po-2', delivery_date: undefined })).status).toBe(417);
    const noWarehouse = await order({ po_no: 'po-3', set_warehouse: undefined });
    expect(((await noWarehouse.json()) as { exc_type: string }).exc_type).toBe('WarehouseRequired');
    // A draft (docstatus 0) reserves nothing.
    expect((await order({ po_no: 'po-4', docstatus: 0 })).status).toBe(200);
    expect(bin()?.reserved_qty).toBe(34);
  });

  it('a payment lowers outstanding_amount and moves the status: Partly Paid, Overdue, Paid; cancel is Cancelled', async () => {
    const { post, loop, state } = client();
    const res = await post('/api/resource/Sales%20Invoice', {
      customer: 'ООО «Ромашка»',
      docstatus: 1,
      items: [{ item_code: 'TAPE-50', qty: 4 }],
    });
    const { data } = (await res.json()) as { data: { name: string; modified: string } };
    const inv = () => state.docs.get('Sales Invoice')?.find((d) => d.name === data.name);
    loop.pay(data.name, 96);
    expect([inv()?.status, inv()?.outstanding_amount]).toEqual(['Partly Paid', 900]);
    loop.makeOverdue(data.name);
    expect(inv()?.status).toBe('Overdue');
    loop.pay(data.name, 900);
    expect([inv()?.status, inv()?.outstanding_amount]).toEqual(['Paid', 0]);
    expect(String(inv()?.modified) >= data.modified).toBe(true);
    loop.cancel(data.name);
    expect([inv()?.status, inv()?.docstatus]).toEqual(['Cancelled', 2]);
  });

  it('faults: a lost answer is carried out and answered 502; a duplicate reaches Frappe twice', async () => {
    const { order, faults, calls, state } = client();
    faults.loseNextAnswer(1, { method: 'POST', pathIncludes: 'Sales%20Order' });
    const lost = await order();
    expect(lost.status).toBe(502);
    expect(state.docs.get('Sales Order')?.filter((o) => o.po_no === 'po-1')).toHaveLength(1);
    faults.duplicateNext(1, { method: 'POST' });
    const dup = await order({ po_no: 'po-2' });
    expect(dup.status).toBe(417);
    expect(calls.slice(-2).map((c) => c.status)).toEqual([200, 417]);
  });
});
