import type { Context } from 'hono';
import { type ErpNextState, frappeError } from './app.js';
import type { Doc } from './seed.js';

export interface ItemRow {
  /** 0-based position in the request. */
  i: number;
  row: Record<string, unknown>;
  item: Doc;
  qty: number;
  /** The row's rate, else the item's standard rate. */
  rate: number;
}

/**
 * What every selling document (Sales Invoice, Sales Order) validates first: a known customer and
 * at least one row, each a known item with a positive quantity (Frappe's MandatoryError and
 * LinkValidationError wording). A Response is the refusal.
 */
export function customerAndRows(
  c: Context,
  state: ErpNextState,
  doctype: string,
  body: Record<string, unknown>,
): Response | { customer: string; rows: ItemRow[] } {
  const customer = body.customer;
  if (typeof customer !== 'string' || !customer)
    return frappeError(c, 417, 'MandatoryError', `Error: Value missing for ${doctype}: Customer`);
  if (!state.docs.get('Customer')?.some((d) => d.name === customer))
    return frappeError(c, 417, 'LinkValidationError', `Could not find Customer: ${customer}`);
  const raw = Array.isArray(body.items) ? (body.items as Record<string, unknown>[]) : [];
  if (raw.length === 0)
    return frappeError(c, 417, 'MandatoryError', `Error: Value missing for ${doctype}: Items`);
  const items = state.docs.get('Item') ?? [];
  const rows: ItemRow[] = [];
  for (const [i, row] of raw.entries()) {
    const item = items.find((d) => d.name === row.item_code);
    if (!item)
      return frappeError(
        c,
        417,
        'LinkValidationError',
        `Could not find Row #${i + 1}: Item Code: ${String(row.item_code)}`,
      );
    const qty = Number(row.qty);
    if (!(qty > 0))
      return frappeError(c, 417, 'ValidationError', `Row #${i + 1}: Quantity must be greater than zero`);
    const rate = row.rate === undefined || row.rate === null ? Number(item.standard_rate) : Number(row.rate);
    rows.push({ i, row, item, qty, rate });
  }
  return { customer, rows };
}

export const amountOf = (qty: number, rate: number) => Math.round(qty * rate * 100) / 100;
