import { missingError, type OdooState, userError, utcNow, valueError } from './app.js';
import { productLines, valsListOf } from './lines.js';
import type { OdooRecord } from './seed.js';

type Kwargs = Record<string, unknown>;

/** Quants each confirmed order reserved, to give back on cancel. */
const reservations = new WeakMap<OdooState, Map<number, { quant: OdooRecord; qty: number }[]>>();
const reservedBy = (state: OdooState) => {
  const map = reservations.get(state) ?? new Map<number, { quant: OdooRecord; qty: number }[]>();
  reservations.set(state, map);
  return map;
};

const table = (state: OdooState, model: string) => {
  const list = state.db.get(model) ?? [];
  state.db.set(model, list);
  return list;
};
const find = (state: OdooState, model: string, id: unknown) =>
  typeof id === 'number' ? table(state, model).find((r) => r.id === id) : undefined;
const missing = (model: string, id?: unknown) =>
  missingError(`${model}${id === undefined ? '' : `(${String(id)},)`}`);
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** The sale.order records a method is called on (`ids`), every one of them existing. */
function ordersOf(state: OdooState, kw: Kwargs): OdooRecord[] {
  if (!Array.isArray(kw.ids) || kw.ids.some((i) => typeof i !== 'number'))
    throw valueError('ids must be a list of integers');
  return (kw.ids as number[]).map((id) => {
    const order = find(state, 'sale.order', id);
    if (!order) throw missing('sale.order', id);
    return order;
  });
}

/**
 * sale.order create: a quotation (state 'draft') named from the sale.order sequence, its lines
 * from one2many commands [0, 0, vals] (https://www.odoo.com/documentation/19.0/developer/reference/backend/orm.html#odoo.fields.Command).
 */
function createOrders(state: OdooState, kw: Kwargs): number[] {
  const valsList = valsListOf(kw);
  const orders = table(state, 'sale.order');
  const lines = table(state, 'sale.order.line');
  const [defaultWarehouse] = table(state, 'stock.warehouse');
  return valsList.map((vals) => {
    if (!find(state, 'res.partner', vals.partner_id)) throw missing('res.partner');
    const warehouse =
      vals.warehouse_id === undefined ? defaultWarehouse : find(state, 'stock.warehouse', vals.warehouse_id);
    if (!warehouse) throw missing('stock.warehouse', vals.warehouse_id);
    const commands = Array.isArray(vals.order_line) ? (vals.order_line as unknown[]) : [];
    const id = orders.length + 1;
    const lineIds: number[] = [];
    let total = 0;
    for (const { product, quantity, price, subtotal } of productLines(
      state.db,
      commands,
      'product_uom_qty',
    )) {
      total += subtotal;
      const lineId = lines.length + 1;
      lines.push({
        id: lineId,
        active: true,
        order_id: id,
        product_id: product.id,
        name: product.name,
        product_uom_qty: quantity,
        price_unit: price,
        price_subtotal: subtotal,
      });
      lineIds.push(lineId);
    }
    const now = utcNow();
    orders.push({
      id,
      active: true,
      name: `S${String(id).padStart(5, '0')}`,
      partner_id: vals.partner_id as number,
      client_order_ref: typeof vals.client_order_ref === 'string' ? vals.client_order_ref : false,
      note: typeof vals.note === 'string' ? vals.note : false,
      warehouse_id: warehouse.id,
      state: 'draft',
      date_order: now,
      create_date: now,
      write_date: now,
      amount_total: Math.round(total * 100) / 100,
      currency_id: 1,
      order_line: lineIds,
    });
    return id;
  });
}

/**
 * action_confirm: quotation -> sales order (state 'sale'); anything else is refused with
 * UserError (addons/sale/models/sale_order.py, _can_be_confirmed). The delivery it creates is
 * reserved at once: the Delivery Orders type reserves "At Confirmation" by default
 * (https://www.odoo.com/documentation/19.0/applications/inventory_and_mrp/inventory/shipping_receiving/reservation_methods.html),
 * from the quants of the order's warehouse, as far as they have available quantity.
 */
function confirmOrders(state: OdooState, kw: Kwargs): boolean {
  const orders = ordersOf(state, kw);
  const wrong = orders.filter((o) => o.state !== 'draft' && o.state !== 'sent');
  if (wrong.length)
    throw userError(
      `The following orders are not in a state requiring confirmation: ${wrong.map((o) => String(o.name)).join(', ')}`,
    );
  for (const order of orders) {
    const held: { quant: OdooRecord; qty: number }[] = [];
    for (const lineId of order.order_line as number[]) {
      const line = find(state, 'sale.order.line', lineId) as OdooRecord;
      const product = find(state, 'product.product', line.product_id);
      if (!product?.is_storable) continue;
      let remaining = Number(line.product_uom_qty);
      const quants = table(state, 'stock.quant').filter((q) => {
        const loc = find(state, 'stock.location', q.location_id);
        return (
          q.product_id === product.id && q.warehouse_id === order.warehouse_id && loc?.usage === 'internal'
        );
      });
      for (const quant of quants) {
        const take = Math.min(remaining, Number(quant.available_quantity));
        if (take <= 0) continue;
        quant.reserved_quantity = round(Number(quant.reserved_quantity) + take);
        quant.available_quantity = round(Number(quant.quantity) - Number(quant.reserved_quantity));
        held.push({ quant, qty: take });
        remaining = round(remaining - take);
        if (remaining <= 0) break;
      }
    }
    reservedBy(state).set(order.id, held);
    order.state = 'sale';
    order.write_date = utcNow();
  }
  return true;
}

/**
 * action_cancel: on anything but a quotation, without `disable_cancel_warning` in the context it
 * cancels nothing and answers the window action of the sale.order.cancel wizard (the "send a
 * cancellation email?" dialog; addons/sale/models/sale_order.py action_cancel / _show_cancel_wizard).
 * With it, the order is cancelled and its delivery's reservation released.
 */
function cancelOrders(state: OdooState, kw: Kwargs): unknown {
  const orders = ordersOf(state, kw);
  const context = (kw.context ?? {}) as Kwargs;
  if (!context.disable_cancel_warning && orders.some((o) => o.state !== 'draft')) {
    return {
      type: 'ir.actions.act_window',
      name: 'Cancel Sales Order',
      res_model: 'sale.order.cancel',
      view_mode: 'form',
      views: [[false, 'form']],
      target: 'new',
      context: { default_order_id: orders[0]?.id },
    };
  }
  for (const order of orders) {
    for (const { quant, qty } of reservedBy(state).get(order.id) ?? []) {
      quant.reserved_quantity = round(Number(quant.reserved_quantity) - qty);
      quant.available_quantity = round(Number(quant.quantity) - Number(quant.reserved_quantity));
    }
    reservedBy(state).delete(order.id);
    order.state = 'cancel';
    order.write_date = utcNow();
  }
  return true;
}

/** The sale.order methods of the loop; undefined for every other call (app.ts handles those). */
export function saleOrderCall(state: OdooState, model: string, method: string, kw: Kwargs): unknown {
  if (model !== 'sale.order') return undefined;
  if (method === 'create') return createOrders(state, kw);
  if (method === 'action_confirm') return confirmOrders(state, kw);
  if (method === 'action_cancel') return cancelOrders(state, kw);
  return undefined;
}

/**
 * Test controls for invoices (what an accountant does in Odoo). A registered payment makes a
 * fully paid invoice "In Payment" until the bank statement is reconciled, then "Paid"; a partial
 * one "Partially Paid" (https://www.odoo.com/documentation/19.0/applications/finance/accounting/payments.html);
 * amount_residual is what is still due. Odoo stamps write_date to the second.
 */
export function createOdooLoop(state: OdooState) {
  const move = (id: number) => {
    const m = find(state, 'account.move', id);
    if (!m) throw new Error(`no account.move ${id}`);
    return m;
  };
  return {
    pay(id: number, amount: number) {
      const m = move(id);
      if (m.state !== 'posted') throw new Error(`account.move ${id} is not posted`);
      m.amount_residual = Math.round((Number(m.amount_residual) - amount) * 100) / 100;
      m.payment_state = Number(m.amount_residual) <= 0 ? 'in_payment' : 'partial';
      m.write_date = utcNow();
    },
    /** The payment matched on a bank statement. */
    reconcile(id: number) {
      const m = move(id);
      if (m.payment_state === 'in_payment') m.payment_state = 'paid';
      m.write_date = utcNow();
    },
    /** Reset to draft, then cancelled (button_draft, button_cancel). */
    cancel(id: number) {
      const m = move(id);
      m.state = 'cancel';
      m.payment_state = 'not_paid';
      m.write_date = utcNow();
    },
    /** A full credit note reconciled with it. */
    reverse(id: number) {
      const m = move(id);
      m.payment_state = 'reversed';
      m.amount_residual = 0;
      m.write_date = utcNow();
    },
  };
}

export type OdooLoop = ReturnType<typeof createOdooLoop>;
