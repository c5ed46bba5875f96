import type { CreatedInvoice, CreateInvoiceInput } from '../connector.js';
import { ErpError } from '../connector.js';
import type { OneCContext } from './context.js';
import { nowLocal } from './dates.js';
import { documentInputError } from './document-input.js';
import { createOnce, findMarked as findMarkedIn, perKey, postOnce, withMarker } from './idempotent-write.js';
import type { SkuResolver } from './items.js';
import { links } from './links.js';
import { type DocumentRow, documentRow } from './schemas.js';
import { toErpDocument } from './summary.js';

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Invoices are made idempotent by a marker in the document itself (1C has no idempotency key):
 * `erp-bridge:<key>` in Комментарий. Creation is: find a document carrying the marker, else POST
 * one with it; then Post() it. A crash or error between the two steps leaves an unposted document
 * that the next attempt finds and posts, so a retry never creates a second invoice.
 *
 * Two attempts racing in different processes can both miss and both create: the invoice job
 * queue runs one attempt per key at a time; within this process attempts per key are chained.
 */
export function createInvoiceWriter(ctx: OneCContext, skus: SkuResolver) {
  const { opts } = ctx;
  const serialised = perKey<CreatedInvoice>();
  const docSchema = documentRow(opts.documentSumField, opts.markerField);
  const select = `Ref_Key,Number,Date,Posted,${opts.documentSumField},${opts.markerField}`;

  async function findMarked(key: string, signal?: AbortSignal): Promise<DocumentRow | undefined> {
    const [first] = await findMarkedIn(ctx, {
      document: opts.invoiceDocument,
      field: opts.markerField,
      key,
      select,
      row: docSchema,
      signal,
    });
    return first;
  }

  const post = (doc: DocumentRow, signal?: AbortSignal) => postOnce(ctx, opts.invoiceDocument, doc, signal);

  function result(doc: DocumentRow): CreatedInvoice {
    const d = toErpDocument(ctx, doc);
    return { id: d.id, number: d.number, sum: d.sum, created: d.date, link: links(opts).invoice(d.id) };
  }

  async function create(input: CreateInvoiceInput, signal?: AbortSignal): Promise<CreatedInvoice> {
    const existing = await findMarked(input.idempotencyKey, signal);
    if (existing) return result(await post(existing, signal));

    const items = await skus.resolve(
      input.positions.map((p) => p.sku),
      signal,
    );
    const unknown = input.positions.filter((p) => !items.has(p.sku.trim())).map((p) => p.sku);
    if (unknown.length) throw new ErpError('validation', `1C has no item with article ${unknown.join(', ')}`);
    const lines = input.positions.map((p) => {
      const item = items.get(p.sku.trim());
      const price = p.price ?? item?.price;
      if (!item || !price) throw new ErpError('validation', `1C has no price for ${p.sku}; pass one`);
      if (price.currency !== opts.currency) {
        throw new ErpError(
          'validation',
          `price of ${p.sku} is in ${price.currency}, the infobase bills in ${opts.currency}`,
        );
      }
      return {
        Номенклатура_Key: item.id,
        Количество: p.quantity,
        Цена: price.amount,
        Сумма: round2(p.quantity * price.amount),
      };
    });
    const body = {
      ...opts.invoiceDefaults,
      Date: nowLocal(opts.utcOffset),
      [opts.documentCustomerField]: input.customerId.toLowerCase(),
      [opts.documentSumField]: round2(lines.reduce((s, l) => s + l.Сумма, 0)),
      [opts.markerField]: withMarker(input.idempotencyKey, input.comment),
      [opts.goodsSection]: lines,
    };

    const created = await createOnce(
      ctx,
      { document: opts.invoiceDocument, body, row: docSchema, signal },
      () => findMarked(input.idempotencyKey, signal),
    );
    return result(await post(created, signal));
  }

  return {
    create(input: CreateInvoiceInput, signal?: AbortSignal): Promise<CreatedInvoice> {
      const refusal = documentInputError(input, 'an invoice');
      if (refusal) return Promise.reject(refusal);
      return serialised(input.idempotencyKey, () => create(input, signal));
    },
  };
}
