import type { CreatedInvoice, CreateInvoiceInput } from '../connector.js';
import { ErpError } from '../connector.js';
import type { OneCContext } from './context.js';
import { nowLocal } from './dates.js';
import type { SkuResolver } from './items.js';
import { links } from './links.js';
import { GUID_RE, guid, str } from './odata.js';
import { collection, type DocumentRow, documentRow } from './schemas.js';
import { toErpDocument } from './summary.js';

const round2 = (n: number) => Math.round(n * 100) / 100;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const idempotencyMarker = (key: string) => `erp-bridge:${key}`;

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
  const { opts, http } = ctx;
  const inFlight = new Map<string, Promise<CreatedInvoice>>();
  const docSchema = documentRow(opts.documentSumField, opts.markerField);
  const select = `Ref_Key,Number,Date,Posted,${opts.documentSumField},${opts.markerField}`;

  async function findMarked(key: string): Promise<DocumentRow | undefined> {
    const marker = idempotencyMarker(key);
    const page = await http.get(
      opts.invoiceDocument,
      {
        $filter: `substringof(${str(marker)}, ${opts.markerField}) and DeletionMark eq false`,
        $select: select,
      },
      collection(docSchema),
    );
    // substringof('erp-bridge:k') also matches 'erp-bridge:k-b': only a whole token counts.
    const exact = new RegExp(`(^|\\s)${escapeRe(marker)}(\\s|$)`);
    return page.value.find((d) => exact.test(d.marker));
  }

  async function post(doc: DocumentRow): Promise<DocumentRow> {
    if (doc.posted) return doc;
    await http.post(`${opts.invoiceDocument}(${guid(doc.id)})/Post()`, undefined, null, {
      idempotent: true,
      query: { PostingModeOperational: 'false' },
    });
    return { ...doc, posted: true };
  }

  function result(doc: DocumentRow): CreatedInvoice {
    const d = toErpDocument(ctx, doc);
    return { id: d.id, number: d.number, sum: d.sum, created: d.date, link: links(opts).invoice(d.id) };
  }

  async function create(input: CreateInvoiceInput): Promise<CreatedInvoice> {
    const existing = await findMarked(input.idempotencyKey);
    if (existing) return result(await post(existing));

    const items = await skus.resolve(input.positions.map((p) => p.sku));
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
    const marker = idempotencyMarker(input.idempotencyKey);
    const body = {
      ...opts.invoiceDefaults,
      Date: nowLocal(opts.utcOffset),
      [opts.documentCustomerField]: input.customerId.toLowerCase(),
      [opts.documentSumField]: round2(lines.reduce((s, l) => s + l.Сумма, 0)),
      [opts.markerField]: input.comment ? `${input.comment}\n${marker}` : marker,
      [opts.goodsSection]: lines,
    };

    let created: DocumentRow | undefined;
    try {
      created = await http.post(opts.invoiceDocument, body, docSchema, { idempotent: false });
    } catch (err) {
      // The answer may be lost after 1C wrote the document: look before giving up.
      if (!(err instanceof ErpError) || !err.retryable) throw err;
      created = await findMarked(input.idempotencyKey).catch(() => undefined);
      if (!created) throw err;
    }
    if (!created) throw new ErpError('invalid_response', '1C answered the invoice creation with no document');
    return result(await post(created));
  }

  return {
    create(input: CreateInvoiceInput): Promise<CreatedInvoice> {
      if (!/^\S{1,128}$/.test(input.idempotencyKey)) {
        return Promise.reject(
          new ErpError('validation', 'idempotency key must be 1-128 characters without spaces'),
        );
      }
      if (!GUID_RE.test(input.customerId)) {
        return Promise.reject(new ErpError('validation', `1C customer ${input.customerId}: not a Ref_Key`));
      }
      if (input.positions.length === 0)
        return Promise.reject(new ErpError('validation', 'an invoice needs positions'));
      const bad = input.positions.find((p) => !(Number.isFinite(p.quantity) && p.quantity > 0));
      if (bad) return Promise.reject(new ErpError('validation', `quantity of ${bad.sku} must be positive`));

      const previous = inFlight.get(input.idempotencyKey) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(() => create(input));
      inFlight.set(input.idempotencyKey, next);
      const forget = () => {
        if (inFlight.get(input.idempotencyKey) === next) inFlight.delete(input.idempotencyKey);
      };
      next.then(forget, forget);
      return next;
    },
  };
}
