import { CUSTOMERS, ITEMS, WAREHOUSES, type WarehouseKey } from '../../fixtures/erp-dataset.js';

/** A Frappe document: `name` is its primary key, every other field is a column. */
export type Doc = Record<string, unknown> & { name: string };

export const COMPANY = 'ERP Bridge Demo';

/** Items sold as services: no stock kept. */
export const SERVICE_ITEMS = [{ sku: 'SRV-DELIVERY', name: 'Доставка по городу', price: 1500 }];
export const ABBR = 'EB';

/** ERPNext suffixes warehouse names with the company abbreviation: "Stores - EB". */
export const warehouseDocName = (key: WarehouseKey) => `${WAREHOUSES[key]} - ${ABBR}`;

/** Frappe stores datetimes in the site time zone (Europe/Moscow here) with microseconds. */
const frappeDatetime = (moment: string) => `${moment}.000000`;

export function seedDocs(): Map<string, Doc[]> {
  const docs = new Map<string, Doc[]>();
  const put = (doctype: string, doc: Doc) => {
    const list = docs.get(doctype) ?? [];
    list.push({ doctype, docstatus: 0, owner: 'Administrator', ...doc });
    docs.set(doctype, list);
  };

  put('Warehouse', {
    name: `All Warehouses - ${ABBR}`,
    warehouse_name: 'All Warehouses',
    is_group: 1,
    company: COMPANY,
  });
  for (const key of Object.keys(WAREHOUSES) as WarehouseKey[]) {
    put('Warehouse', {
      name: warehouseDocName(key),
      warehouse_name: WAREHOUSES[key],
      is_group: 0,
      parent_warehouse: `All Warehouses - ${ABBR}`,
      company: COMPANY,
    });
  }

  let bin = 0;
  for (const item of ITEMS) {
    put('Item', {
      name: item.sku,
      item_code: item.sku,
      item_name: item.name,
      item_group: 'Products',
      stock_uom: 'Nos',
      standard_rate: item.price,
      is_stock_item: 1,
      disabled: 0,
    });
    for (const key of Object.keys(WAREHOUSES) as WarehouseKey[]) {
      const { stock, reserve } = item.stock[key];
      bin += 1;
      put('Bin', {
        name: `bin-${bin.toString(36).padStart(6, '0')}`,
        item_code: item.sku,
        warehouse: warehouseDocName(key),
        actual_qty: stock,
        reserved_qty: reserve,
        ordered_qty: 0,
        // projected = actual + ordered + planned + indented - reserved - reserved for production...
        projected_qty: stock - reserve,
        // v15: quantity held by Stock Reservation Entries (orders.ts).
        reserved_stock: 0,
        stock_uom: 'Nos',
      });
    }
  }

  // A service: an Item with "Maintain Stock" unchecked (is_stock_item = 0). ERPNext keeps no Bin
  // for it, since Bins exist only for stock items, and sells it on a Sales Invoice like any item
  // (https://docs.frappe.io/erpnext/user/manual/en/item: "Maintain Stock" is unchecked for
  // non-stock items such as services).
  for (const service of SERVICE_ITEMS) {
    put('Item', {
      name: service.sku,
      item_code: service.sku,
      item_name: service.name,
      item_group: 'Services',
      stock_uom: 'Nos',
      standard_rate: service.price,
      is_stock_item: 0,
      disabled: 0,
    });
  }

  for (const c of CUSTOMERS) {
    put('Customer', {
      name: c.name,
      customer_name: c.name,
      customer_type: c.inn.length === 12 ? 'Individual' : 'Company',
      customer_group: 'Commercial',
      territory: 'Russia',
      tax_id: c.inn,
      mobile_no: c.phone,
      email_id: c.email,
      default_currency: 'RUB',
    });
    for (const o of c.orders) {
      put('Sales Order', {
        name: `SAL-ORD-${o.moment.slice(0, 4)}-${o.number}`,
        customer: c.name,
        transaction_date: o.moment.slice(0, 10),
        creation: frappeDatetime(o.moment),
        grand_total: o.sum,
        currency: 'RUB',
        status: 'To Deliver and Bill',
        po_no: null,
        reserve_stock: 0,
        docstatus: 1,
      });
    }
    for (const inv of c.invoices) {
      put('Sales Invoice', {
        name: inv.number,
        customer: c.name,
        posting_date: inv.moment.slice(0, 10),
        posting_time: inv.moment.slice(11),
        creation: frappeDatetime(inv.moment),
        grand_total: inv.sum,
        outstanding_amount: inv.sum,
        currency: 'RUB',
        status: 'Unpaid',
        po_no: null,
        docstatus: 1,
        items: [],
      });
    }
  }
  return docs;
}

/** What get_balance_on answers per customer: positive = the customer owes us. */
export function seedBalances(): Map<string, number> {
  return new Map(CUSTOMERS.map((c) => [c.name, -c.balance]));
}
