import { z } from 'zod';
import { cleanString } from '../../lib/clean-text.js';
import type { ErpOrder } from '../connector.js';
import { navigationLink } from './links.js';
import type { OneCOptions } from './options.js';
import { guidSchema } from './schemas.js';

export interface OrderLine {
  itemId: string;
  quantity: number;
  variant: string | null;
  cancelled: boolean;
}

export interface OrderDocument {
  id: string;
  number: string;
  posted: boolean;
  status: string | null;
  marker: string;
  lines: OrderLine[];
}

/** The order properties the loop reads, by the configured names; a wrong shape is an error, never a wrong reserve. */
export function orderDocument(opts: OneCOptions) {
  const status = opts.orderStatusField;
  const line = z
    .looseObject({
      Номенклатура_Key: guidSchema,
      Количество: z.number(),
      [opts.reserveField]: cleanString().nullish(),
      Отменено: z.boolean().nullish(),
    })
    .transform(
      (l): OrderLine => ({
        itemId: (l.Номенклатура_Key as string).toLowerCase(),
        quantity: l.Количество as number,
        variant: (l[opts.reserveField] as string | null | undefined) ?? null,
        cancelled: l.Отменено === true,
      }),
    );
  const select = ['Ref_Key', 'Number', 'Posted', opts.orderKeyField, status, opts.goodsSection]
    .filter(Boolean)
    .join(',');
  const row = z
    .looseObject({
      Ref_Key: guidSchema,
      Number: cleanString(),
      Posted: z.boolean(),
      [opts.orderKeyField]: cleanString(),
      ...(status ? { [status]: cleanString().nullish() } : {}),
      [opts.goodsSection]: z.array(line).optional(),
    })
    .transform(
      (r): OrderDocument => ({
        id: (r.Ref_Key as string).toLowerCase(),
        number: (r.Number as string).trim(),
        posted: r.Posted as boolean,
        status: status ? ((r[status] as string | null | undefined) ?? null) : null,
        marker: r[opts.orderKeyField] as string,
        lines: (r[opts.goodsSection] ?? []) as OrderLine[],
      }),
    );
  return { row, select };
}

/**
 * What the order holds in reserve now, per SKU: lines of the reserving variant, not cancelled, of
 * a posted order in the open status. 1C writes reserve records only when it posts the order.
 */
export function toErpOrder(opts: OneCOptions, doc: OrderDocument, skuOf: Map<string, string>): ErpOrder {
  const reserved: Record<string, number> = {};
  const open = !opts.orderStatusField || doc.status === opts.orderOpenStatus;
  if (doc.posted && open) {
    for (const l of doc.lines) {
      if (l.cancelled || l.variant !== opts.reserveValues.reserve) continue;
      const sku = skuOf.get(l.itemId) ?? l.itemId;
      reserved[sku] = Math.round(((reserved[sku] ?? 0) + l.quantity) * 1e6) / 1e6;
    }
  }
  return {
    id: doc.id,
    number: doc.number,
    reserved,
    link: navigationLink(opts.linkBase, opts.orderDocument, doc.id),
  };
}
