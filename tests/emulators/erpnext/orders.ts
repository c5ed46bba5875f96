import type { Context } from 'hono';
import { type ErpNextState, frappeError, siteNow } from './app.js';
import { amountOf, customerAndRows } from './rows.js';
import type { Doc } from './seed.js';

const round = (n: number) => Math.round(n * 1e6) / 1e6;
const docsOf = (state: ErpNextState, doctype: string) => {
  const list = state.docs.get(doctype) ?? [];
  state.docs.set(doctype, list);
  return list;
};

/**
 * A submitted Sales Order's effect on stock. ERPNext's Bin keeps `reserved_qty` = quantity ordered
 * on submitted, undelivered Sales Orders, and projected_qty = actual + ordered - reserved
 * (https://docs.frappe.io/erpnext/user/manual/en/projected-quantity). With stock reservation on
 * (v15, Stock Settings "Enable Stock Reservation") and the order's `reserve_stock` checked, submit
 * also creates Stock Reservation Entries for what is in stock, counted in Bin.reserved_stock; cancel
 * cancels them (https://docs.frappe.io/erpnext/user/manual/en/stock-reservation).
 */
function applyToBins(state: ErpNextState, order: Doc, sign: 1 | -1) {
  const bins = docsOf(state, 'Bin');
  const sres = docsOf(state, 'Stock Reservation Entry');
  for (const line of order.items as Record<string, unknown>[]) {
    const bin = bins.find((b) => b.item_code === line.item_code && b.warehouse === line.warehouse);
    if (!bin) continue;
    const qty = Number(line.stock_qty);
    bin.reserved_qty = round(Number(bin.reserved_qty) + sign * qty);
    bin.projected_qty = round(
      Number(bin.actual_qty) + Number(bin.ordered_qty ?? 0) - Number(bin.reserved_qty),
    );
    if (!order.reserve_stock) continue;
    if (sign === 1) {
      const free = Number(bin.actual_qty) - Number(bin.reserved_stock ?? 0);
      const reserved = Math.max(0, Math.min(qty, free));
      line.stock_reserved_qty = reserved;
      if (reserved === 0) continue;
      bin.reserved_stock = round(Number(bin.reserved_stock ?? 0) + reserved);
      sres.push({
        name: `MAT-SRE-${String(sres.length + 1).padStart(5, '0')}`,
        doctype: 'Stock Reservation Entry',
        docstatus: 1,
        status: 'Reserved',
        item_code: line.item_code as string,
        warehouse: line.warehouse as string,
        voucher_type: 'Sales Order',
        voucher_no: order.name,
        voucher_detail_no: `${order.name}-${line.idx}`,
        reserved_qty: reserved,
        creation: order.modified,
        modified: order.modified,
      });
    } else {
      for (const sre of sres) {
        if (sre.voucher_no !== order.name || sre.item_code !== line.item_code || sre.docstatus !== 1)
          continue;
        sre.docstatus = 2;
        sre.status = 'Cancelled';
        bin.reserved_stock = round(Number(bin.reserved_stock ?? 0) - Number(sre.reserved_qty));
      }
      line.stock_reserved_qty = 0;
    }
  }
}

/** POST /api/resource/Sales Order: insert, and submit at once when the body says docstatus 1. */
export function insertSalesOrder(c: Context, state: ErpNextState, body: Record<string, unknown>): Response {
  const checked = customerAndRows(c, state, 'Sales Order', body);
  if (checked instanceof Response) return checked;
  const { customer } = checked;
  // One order per customer's PO number: SalesOrder.validate_po throws unless Selling Settings
  // allow multiple (erpnext/selling/doctype/sales_order/sales_order.py, validate_po).
  const poNo = typeof body.po_no === 'string' && body.po_no ? body.po_no : null;
  const orders = docsOf(state, 'Sales Order');
  const twin =
    poNo && orders.find((o) => o.po_no === poNo && o.customer === customer && Number(o.docstatus) < 2);
  if (twin)
    return frappeError(
      c,
      417,
      'ValidationError',
      `Sales Order ${twin.name} already exists against Customer's Purchase Order ${poNo}. To allow multiple Sales Orders, Enable 'Allow Multiple Sales Orders Against a Customer's Purchase Order' in Selling Settings`,
    );
  const lines: Record<string, unknown>[] = [];
  for (const { i, row, item, qty, rate } of checked.rows) {
    const deliveryDate = row.delivery_date ?? body.delivery_date;
    // Sales Order Item's delivery_date is mandatory (the header's fills the rows).
    if (!deliveryDate)
      return frappeError(
        c,
        417,
        'MandatoryError',
        `Error: Value missing for Sales Order Item: Delivery Date (row ${i + 1})`,
      );
    const warehouse = row.warehouse ?? body.set_warehouse;
    // SalesOrder.validate_warehouse: "Delivery warehouse required for stock item {0}".
    if (item.is_stock_item && !warehouse)
      return frappeError(
        c,
        417,
        'WarehouseRequired',
        `Delivery warehouse required for stock item ${item.name}`,
      );
    if (warehouse && !state.docs.get('Warehouse')?.some((w) => w.name === warehouse && !w.is_group))
      return frappeError(
        c,
        417,
        'LinkValidationError',
        `Could not find Row #${i + 1}: Warehouse: ${String(warehouse)}`,
      );
    lines.push({
      idx: i + 1,
      item_code: item.name,
      item_name: item.item_name,
      qty,
      stock_qty: qty,
      rate,
      amount: amountOf(qty, rate),
      warehouse: warehouse ?? null,
      delivery_date: deliveryDate,
      stock_reserved_qty: 0,
    });
  }
  const total = Math.round(lines.reduce((s, l) => s + (l.amount as number), 0) * 100) / 100;
  const now = siteNow();
  const submitted = body.docstatus === 1;
  const order: Doc = {
    name: `SAL-ORD-${now.slice(0, 4)}-${String(orders.length + 1).padStart(5, '0')}`,
    doctype: 'Sales Order',
    owner: 'erp-bridge@example.com',
    docstatus: submitted ? 1 : 0,
    customer,
    po_no: poNo,
    remarks: typeof body.remarks === 'string' ? body.remarks : null,
    transaction_date: now.slice(0, 10),
    delivery_date: body.delivery_date ?? lines[0]?.delivery_date ?? null,
    set_warehouse: body.set_warehouse ?? null,
    reserve_stock: body.reserve_stock ? 1 : 0,
    creation: now,
    modified: now,
    currency: 'RUB',
    grand_total: total,
    status: submitted ? 'To Deliver and Bill' : 'Draft',
    items: lines,
  };
  orders.push(order);
  if (submitted) applyToBins(state, order, 1);
  return c.json({ data: order });
}

/**
 * POST /api/method/frappe.client.cancel {doctype, name}: docstatus 1 -> 2. Only a submitted
 * document can be cancelled (Frappe's docstatus transitions: 0 -> 2 is refused, and a cancelled
 * document cannot be changed; https://docs.frappe.io/framework/user/en/api/rest and
 * frappe/model/document.py check_docstatus_transition).
 */
export function cancelDocument(c: Context, state: ErpNextState, body: Record<string, unknown>): Response {
  const doctype = String(body.doctype ?? '');
  const name = String(body.name ?? '');
  const doc = state.docs.get(doctype)?.find((d) => d.name === name);
  if (!doc) return frappeError(c, 404, 'DoesNotExistError', `${doctype} ${name} not found`);
  if (doc.docstatus === 2) return frappeError(c, 417, 'ValidationError', 'Cannot edit cancelled document');
  if (doc.docstatus !== 1)
    return frappeError(c, 417, 'DocstatusTransitionError', 'Cannot change docstatus from 0 to 2');
  doc.docstatus = 2;
  doc.status = 'Cancelled';
  doc.modified = siteNow();
  if (doctype === 'Sales Order') applyToBins(state, doc, -1);
  return c.json({ message: doc });
}
