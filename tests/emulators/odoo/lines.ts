import { missingError, valueError } from './app.js';
import type { OdooRecord } from './seed.js';

type Kwargs = Record<string, unknown>;

/** create()'s `vals_list`: a list of dicts, or one dict. */
export function valsListOf(kw: Kwargs): Kwargs[] {
  const v = kw.vals_list;
  const list = Array.isArray(v) ? (v as Kwargs[]) : v ? [v as Kwargs] : [];
  if (list.length === 0) throw valueError("create() missing 'vals_list'");
  return list;
}

export interface ProductLine {
  vals: Kwargs;
  product: OdooRecord;
  quantity: number;
  price: number;
  subtotal: number;
}

/**
 * Product lines of a one2many given as create commands [0, 0, vals]
 * (https://www.odoo.com/documentation/19.0/developer/reference/backend/orm.html#odoo.fields.Command):
 * the product must exist, the price defaults to its sales price. `quantityField` is the model's
 * (account.move.line `quantity`, sale.order.line `product_uom_qty`).
 */
export function productLines(
  db: Map<string, OdooRecord[]>,
  commands: unknown[],
  quantityField: string,
): ProductLine[] {
  return commands.map((cmd) => {
    if (!Array.isArray(cmd) || cmd[0] !== 0 || typeof cmd[2] !== 'object')
      throw valueError(`Invalid command ${JSON.stringify(cmd)}`);
    const vals = cmd[2] as Kwargs;
    const product = db.get('product.product')?.find((p) => p.id === vals.product_id);
    if (typeof vals.product_id !== 'number' || !product) throw missingError('product.product');
    const quantity = Number(vals[quantityField] ?? 1);
    const price = vals.price_unit === undefined ? Number(product.lst_price) : Number(vals.price_unit);
    return { vals, product, quantity, price, subtotal: Math.round(quantity * price * 100) / 100 };
  });
}
