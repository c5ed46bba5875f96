import { type CreateOrderInput, ErpError, type ErpOrder } from '../connector.js';
import { round } from './batching.js';
import type { RestContext } from './context.js';
import type { ItemResolver } from './items.js';
import { createOrderRecords, type OrderRecord, type OrderSpec } from './order-records.js';
import { checkDocumentInput, renderPositions } from './positions.js';
import { formatInZone } from './values.js';

/** What the order reserves: its positions per SKU (the ERP's partial reservations are not read). */
const reservedOf = (input: CreateOrderInput) => {
  const out: Record<string, number> = {};
  for (const p of input.positions) out[p.sku] = round((out[p.sku] ?? 0) + p.quantity);
  return out;
};

/**
 * createOrder through the mapping, idempotent by the deal's key: look the key up first (a retry
 * after a lost answer finds the first order), create only when nothing is found, and confirm a
 * draft whichever attempt made it. A create the ERP refuses as a duplicate (ERPNext's one order
 * per customer's PO number) is looked up again: a parallel or replayed attempt won.
 */
export function createOrderWriter(ctx: RestContext, spec: OrderSpec, resolveSkus: ItemResolver) {
  const orders = createOrderRecords(ctx, spec);

  async function settle(found: OrderRecord, input: CreateOrderInput): Promise<ErpOrder> {
    let order = found;
    if (order.state === 'draft') {
      await orders.confirm(order.id);
      order = await orders.fetch(order.id);
    } else if (order.number === null) order = await orders.fetch(order.id);
    if (order.state !== 'reserved') {
      throw new ErpError(
        'invalid_response',
        `${ctx.mapping.name} create order: order ${order.id} is ${order.state} after confirmation`,
      );
    }
    return orders.toOrder(order, reservedOf(input));
  }

  return async function createOrder(input: CreateOrderInput): Promise<ErpOrder> {
    checkDocumentInput('createOrder', input);
    const base = {
      idempotencyKey: input.idempotencyKey,
      customerId: input.customerId,
      comment: input.comment,
      currency: ctx.mapping.currency,
      today: formatInZone(Date.now(), ctx.mapping.timeZone).slice(0, 10),
    };
    const existing = await orders.lookup(base);
    if (existing) return settle(existing, input);

    const positions = await renderPositions(ctx, 'createOrder', spec, input.positions, resolveSkus);
    let body: unknown;
    try {
      // Never repeated blindly: a lost answer is resolved by the lookup of the next attempt.
      body = await ctx.send('create order', spec.request, { ...base, positions }, { retry: false });
    } catch (err) {
      if (!(err instanceof ErpError && (err.code === 'validation' || err.code === 'conflict'))) throw err;
      const winner = await orders.lookup(base);
      if (!winner) throw err;
      return settle(winner, input);
    }
    const id = orders.createdId(body);
    const created = await orders.fetch(id);
    return settle(created, input);
  };
}
