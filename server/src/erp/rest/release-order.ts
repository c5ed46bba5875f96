import { ErpError, type ErpOrder } from '../connector.js';
import type { RestContext } from './context.js';
import type { RestMapping } from './mapping.js';
import { createOrderRecords, type OrderSpec } from './order-records.js';

/**
 * releaseOrder through the mapping: read the order first (already released: nothing is sent, so
 * releasing twice is harmless), send the release requests, and read it again. An order that is
 * not released afterwards is an error, not a success: Odoo's action_cancel without
 * `disable_cancel_warning` answers a wizard and cancels nothing.
 */
export function createOrderReleaser(
  ctx: RestContext,
  spec: OrderSpec,
  release: NonNullable<RestMapping['releaseOrder']>,
) {
  const orders = createOrderRecords(ctx, spec);
  return async function releaseOrder(orderId: string): Promise<ErpOrder> {
    const before = await orders.fetch(orderId);
    if (before.state === 'released') return orders.toOrder(before, {});
    for (const r of release.requests) {
      await ctx.send('release order', r, { orderId, currency: ctx.mapping.currency }, { retry: false });
    }
    const after = await orders.fetch(orderId);
    if (after.state !== 'released') {
      throw new ErpError(
        'invalid_response',
        `${ctx.mapping.name} release order: order ${orderId} is still ${after.state} after the release requests`,
      );
    }
    return orders.toOrder(after, {});
  };
}
