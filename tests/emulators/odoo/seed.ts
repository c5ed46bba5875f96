import { CUSTOMERS, ITEMS, WAREHOUSES, type WarehouseKey } from '../../fixtures/erp-dataset.js';

/** An Odoo record: `id` plus stored fields; many2one fields hold the related id or false. */
export type OdooRecord = Record<string, unknown> & { id: number };

export interface ModelDef {
  /** many2one field -> comodel. */
  many2one: Record<string, string>;
  /** How the record is named in many2one pairs ([id, display_name]). */
  displayName: (r: OdooRecord) => string;
}

export const MODELS: Record<string, ModelDef> = {
  'res.currency': { many2one: {}, displayName: (r) => String(r.name) },
  'res.partner': { many2one: {}, displayName: (r) => String(r.name) },
  'product.product': {
    many2one: {},
    displayName: (r) => (r.default_code ? `[${r.default_code}] ${r.name}` : String(r.name)),
  },
  'stock.warehouse': { many2one: { lot_stock_id: 'stock.location' }, displayName: (r) => String(r.name) },
  'stock.location': {
    many2one: { location_id: 'stock.location', warehouse_id: 'stock.warehouse' },
    displayName: (r) => String(r.complete_name),
  },
  'stock.quant': {
    many2one: {
      product_id: 'product.product',
      location_id: 'stock.location',
      warehouse_id: 'stock.warehouse',
    },
    displayName: (r) => `quant ${r.id}`,
  },
  'sale.order': {
    many2one: { partner_id: 'res.partner', currency_id: 'res.currency', warehouse_id: 'stock.warehouse' },
    displayName: (r) => String(r.name),
  },
  'sale.order.line': {
    many2one: { order_id: 'sale.order', product_id: 'product.product' },
    displayName: (r) => String(r.name ?? r.id),
  },
  'account.move': {
    many2one: { partner_id: 'res.partner', currency_id: 'res.currency' },
    displayName: (r) => String(r.name),
  },
  'account.move.line': {
    many2one: { move_id: 'account.move', product_id: 'product.product' },
    displayName: (r) => String(r.name ?? r.id),
  },
};

const RUB = 1;

/** Products sold as services: no stock kept. */
export const SERVICE_ITEMS = [{ sku: 'SRV-DELIVERY', name: 'Доставка по городу', price: 1500 }];

/** Odoo stores datetimes naive in UTC; the dataset's moments are Moscow time (UTC+3). */
export const moscowToUtc = (moment: string) => {
  const utc = new Date(Date.parse(`${moment.replace(' ', 'T')}+03:00`)).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 19)}`;
};

export function seedRecords(): Map<string, OdooRecord[]> {
  const db = new Map<string, OdooRecord[]>(Object.keys(MODELS).map((m) => [m, []]));
  const add = (model: string, rec: Omit<OdooRecord, 'id'>): number => {
    const list = db.get(model) as OdooRecord[];
    const id = list.length + 1;
    list.push({ id, active: true, ...rec });
    return id;
  };

  add('res.currency', { name: 'RUB', symbol: '₽' });

  // Each warehouse: a view location, its stock location and a shelf inside it.
  const stockLocation: Partial<Record<WarehouseKey, number>> = {};
  const shelf: Partial<Record<WarehouseKey, number>> = {};
  const warehouseId: Partial<Record<WarehouseKey, number>> = {};
  for (const key of Object.keys(WAREHOUSES) as WarehouseKey[]) {
    const code = key.toUpperCase();
    const view = add('stock.location', {
      name: code,
      complete_name: code,
      usage: 'view',
      location_id: false,
    });
    const stock = add('stock.location', {
      name: 'Stock',
      complete_name: `${code}/Stock`,
      usage: 'internal',
      location_id: view,
    });
    const wh = add('stock.warehouse', { name: WAREHOUSES[key], code, lot_stock_id: stock });
    for (const loc of db.get('stock.location') as OdooRecord[])
      if (loc.id === view || loc.id === stock) loc.warehouse_id = wh;
    shelf[key] = add('stock.location', {
      name: 'Shelf 1',
      complete_name: `${code}/Stock/Shelf 1`,
      usage: 'internal',
      location_id: stock,
      warehouse_id: wh,
    });
    stockLocation[key] = stock;
    warehouseId[key] = wh;
  }
  const customersLocation = add('stock.location', {
    name: 'Customers',
    complete_name: 'Partners/Customers',
    usage: 'customer',
    location_id: false,
    warehouse_id: false,
  });

  const quant = (product: number, key: WarehouseKey, location: number, quantity: number, reserved: number) =>
    add('stock.quant', {
      product_id: product,
      location_id: location,
      warehouse_id: warehouseId[key] as number,
      quantity,
      reserved_quantity: reserved,
      available_quantity: quantity - reserved,
    });

  for (const item of ITEMS) {
    const product = add('product.product', {
      name: item.name,
      default_code: item.sku,
      lst_price: item.price,
      list_price: item.price,
      type: 'consu',
      is_storable: true,
      currency_id: RUB,
    });
    for (const key of Object.keys(WAREHOUSES) as WarehouseKey[]) {
      const { stock, reserve } = item.stock[key];
      // Nothing on hand and nothing reserved: Odoo keeps no quant at all (unknown, not zero).
      if (stock === 0 && reserve === 0) continue;
      // Stock split across two internal locations of one warehouse, as real warehouses do.
      const onShelf = Math.min(Math.floor(stock / 4), stock - reserve);
      quant(product, key, stockLocation[key] as number, stock - onShelf, reserve);
      if (onShelf > 0) quant(product, key, shelf[key] as number, onShelf, 0);
    }
    // Delivered goods sit in the customers' virtual location: never stock of ours.
    add('stock.quant', {
      product_id: product,
      location_id: customersLocation,
      warehouse_id: false,
      quantity: 5,
      reserved_quantity: 0,
      available_quantity: 5,
    });
  }

  // A service product: product type "Service" (type = 'service', no inventory tracking:
  // is_storable = false), so Odoo never holds a quant for it
  // (https://www.odoo.com/documentation/19.0/applications/inventory_and_mrp/inventory/product_management/configure/type.html:
  // goods, service and combo types; only goods with "Track Inventory" have stock).
  for (const service of SERVICE_ITEMS)
    add('product.product', {
      name: service.name,
      default_code: service.sku,
      lst_price: service.price,
      list_price: service.price,
      type: 'service',
      is_storable: false,
      currency_id: RUB,
    });

  for (const c of CUSTOMERS) {
    const partner = add('res.partner', {
      name: c.name,
      is_company: c.inn.length === 10,
      vat: c.inn,
      phone: c.phone,
      email: c.email,
      // credit = Total Receivable: what they owe us, negative when they prepaid.
      // debit = Total Payable: what we owe them as a vendor (none of these customers sells to us).
      credit: c.balance === 0 ? 0 : -c.balance,
      debit: 0,
      customer_rank: 1,
    });
    for (const o of c.orders) {
      add('sale.order', {
        name: `S${o.number}`,
        partner_id: partner,
        date_order: moscowToUtc(o.moment),
        create_date: moscowToUtc(o.moment),
        amount_total: o.sum,
        currency_id: RUB,
        client_order_ref: false,
        state: 'sale',
      });
    }
    for (const inv of c.invoices) {
      add('account.move', {
        name: inv.number,
        move_type: 'out_invoice',
        partner_id: partner,
        ref: false,
        narration: false,
        state: 'posted',
        payment_state: 'not_paid',
        invoice_date: inv.moment.slice(0, 10),
        create_date: moscowToUtc(inv.moment),
        amount_total: inv.sum,
        amount_residual: inv.sum,
        write_date: moscowToUtc(inv.moment),
        currency_id: RUB,
        invoice_line_ids: [],
      });
    }
  }
  return db;
}
