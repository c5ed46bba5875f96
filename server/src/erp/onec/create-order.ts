import type { CallOptions, CreateOrderInput, ErpOrder } from '../connector.js';
import { ErpError } from '../connector.js';
import type { OneCContext } from './context.js';
import { nowLocal } from './dates.js';
import { documentInputError } from './document-input.js';
import { createOnce, findMarked, perKey, postOnce, withMarker } from './idempotent-write.js';
import type { SkuResolver } from './items.js';
import { type OrderDocument, orderDocument, toErpOrder } from './order-document.js';
import { goodsRows, planLines } from './order-lines.js';
import { readStock } from './stock.js';
import type { WarehouseDirectory } from './warehouses.js';

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * A customer order with a reserve (UT 11 Document_ЗаказКлиента), idempotent by a marker in the
 * order itself, as invoices are: look for `erp-bridge:<key>` in `orderKeyField` first, create
 * only when absent, then Post() (which writes the reserve). A lost answer to the create is looked
 * for before the error is returned; a failed Post() leaves an unposted order the next attempt
 * finds and posts; a duplicated create (a balancer retried the POST) leaves a second, unposted,
 * document that never reserves, since every attempt settles on the first.
 */
export function oneCCreateOrder(ctx: OneCContext, skus: SkuResolver, warehouses: WarehouseDirectory) {
  const { opts } = ctx;
  const { row, select } = orderDocument(opts);
  const serialised = perKey<ErpOrder>();

  const find = async (key: string, signal?: AbortSignal) =>
    (
      await findMarked(ctx, {
        document: opts.orderDocument,
        field: opts.orderKeyField,
        key,
        select,
        row,
        signal,
      })
    )[0];

  const post = (doc: OrderDocument, signal?: AbortSignal) => postOnce(ctx, opts.orderDocument, doc, signal);

  async function create(input: CreateOrderInput, signal?: AbortSignal): Promise<ErpOrder> {
    const asked = input.positions.map((p) => p.sku);
    const items = await skus.resolve(asked, signal);
    const skuOf = new Map([...items].map(([sku, item]) => [item.id, sku]));
    const existing = await find(input.idempotencyKey, signal);
    if (existing) return toErpOrder(opts, await post(existing, signal), skuOf);

    const unknown = input.positions.filter((p) => !items.has(p.sku.trim())).map((p) => p.sku);
    if (unknown.length) throw new ErpError('validation', `1C has no item with article ${unknown.join(', ')}`);
    const stock = await readStock(ctx, skus, warehouses, asked, signal);
    const lines = planLines(opts, input.positions, items, stock);
    const header = lines.find((l) => l.warehouseId)?.warehouseId;
    const body = {
      ...opts.orderDefaults,
      Date: nowLocal(opts.utcOffset),
      [opts.documentCustomerField]: input.customerId.toLowerCase(),
      [opts.documentSumField]: round2(lines.reduce((s, l) => s + l.quantity * l.price, 0)),
      [opts.orderKeyField]: withMarker(input.idempotencyKey, input.comment),
      ...(opts.orderStatusField && { [opts.orderStatusField]: opts.orderOpenStatus }),
      ...(header && { [opts.lineWarehouseField]: header }),
      [opts.goodsSection]: goodsRows(opts, lines),
    };
    const created = await createOnce(ctx, { document: opts.orderDocument, body, row, signal }, () =>
      find(input.idempotencyKey, signal),
    );
    // The first document with the marker is the order, whichever POST wrote it.
    const first = (await find(input.idempotencyKey, signal)) ?? created;
    return toErpOrder(opts, await post(first, signal), skuOf);
  }

  return (input: CreateOrderInput, call?: CallOptions): Promise<ErpOrder> => {
    const refusal = documentInputError(input, 'an order');
    if (refusal) return Promise.reject(refusal);
    return serialised(input.idempotencyKey, () => create(input, call?.signal));
  };
}
