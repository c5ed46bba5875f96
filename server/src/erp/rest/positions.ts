import { type CallOptions, ErpError, type ErpItem, type InvoicePosition } from '../connector.js';
import { uniq } from './batching.js';
import type { RestContext } from './context.js';
import type { ItemResolver } from './items.js';
import { renderJson } from './template.js';

/** What every document the connector writes (invoice, order) refuses before anything is sent. */
export function checkDocumentInput(
  operation: string,
  input: { idempotencyKey: string; positions: readonly InvoicePosition[] },
) {
  if (!input.idempotencyKey) throw new ErpError('validation', `${operation}: an idempotency key is required`);
  if (input.positions.length === 0) throw new ErpError('validation', `${operation}: no positions`);
  for (const p of input.positions) {
    if (!(Number.isFinite(p.quantity) && p.quantity > 0)) {
      throw new ErpError('validation', `${operation}: quantity of ${p.sku} must be a positive number`);
    }
  }
}

/**
 * The positions rendered through the mapping's one-position template; with `resolveItems`, every
 * SKU is looked up first (an unknown one is refused) and {itemId} / {name} are filled in.
 */
export async function renderPositions(
  ctx: RestContext,
  operation: string,
  block: { resolveItems: boolean; position: unknown },
  positions: readonly InvoicePosition[],
  resolveSkus: ItemResolver,
  call: CallOptions = {},
): Promise<unknown[]> {
  let items = new Map<string, ErpItem>();
  if (block.resolveItems) {
    items = await resolveSkus(
      positions.map((p) => p.sku),
      call,
    );
    const unknown = uniq(positions.map((p) => p.sku)).filter((s) => !items.has(s));
    if (unknown.length) {
      throw new ErpError(
        'validation',
        `${operation}: ${ctx.mapping.name} does not know SKU ${unknown.join(', ')}`,
      );
    }
  }
  return positions.map((p) =>
    renderJson(block.position, {
      sku: p.sku,
      quantity: p.quantity,
      price: p.price?.amount,
      itemId: items.get(p.sku)?.id,
      name: items.get(p.sku)?.name,
      currency: p.price?.currency ?? ctx.mapping.currency,
    }),
  );
}
