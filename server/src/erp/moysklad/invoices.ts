import { createHash } from 'node:crypto';
import { type CallOptions, type CreatedInvoice, type CreateInvoiceInput, ErpError } from '../connector.js';
import { SingleFlight } from './cache.js';
import type { MoySkladContext } from './context.js';
import type { Directory } from './directory.js';
import { isoOrThrow } from './documents.js';
import { fromKopecks, toKopecks } from './mapping.js';
import type { ProductEntry, ProductLookup } from './products.js';
import * as S from './schemas.js';

/** Idempotency keys go into a filter and a 255-char field: anything unsafe is hashed. */
export function externalCodeFor(key: string): string {
  return /^[\w.:-]{1,200}$/.test(key) ? key : `idem-${createHash('sha256').update(key).digest('hex')}`;
}

/** invoiceout creation, idempotent by externalCode (looked up first, since MoySklad does not enforce it). */
/** The meta that names a counterparty in a document's `agent` (invoices and customer orders). */
export const counterpartyMetaFor = (apiBase: string, id: string): S.Meta => ({
  href: `${apiBase}/entity/counterparty/${encodeURIComponent(id)}`,
  type: 'counterparty',
  mediaType: 'application/json',
});

export function createInvoiceWriter(
  ctx: MoySkladContext,
  lookupProducts: ProductLookup,
  directory: Directory,
) {
  const { http, currency, uiBase, skuField, apiBase } = ctx;
  const invoiceFlights = new SingleFlight<string, CreatedInvoice>();

  const toCreated = (d: S.Document): CreatedInvoice => ({
    id: d.id,
    number: d.name,
    sum: fromKopecks(d.sum, currency),
    created: isoOrThrow(d.created ?? d.moment, 'created'),
    link: `${uiBase}/app/#invoiceout/edit?id=${d.id}`,
  });

  /** Invoices carrying our idempotency key; MoySklad does not enforce externalCode uniqueness. */
  async function findInvoice(externalCode: string, signal?: AbortSignal): Promise<S.Document | undefined> {
    const page = await http.request({
      path: '/entity/invoiceout',
      query: { filter: `externalCode=${externalCode}`, order: 'created,asc', limit: 100 },
      schema: S.list(S.Document),
      signal,
    });
    return page.rows[0];
  }

  const counterpartyMeta = (id: string) => counterpartyMetaFor(apiBase, id);

  async function createInvoiceOnce(input: CreateInvoiceInput, signal?: AbortSignal): Promise<CreatedInvoice> {
    const externalCode = externalCodeFor(input.idempotencyKey);
    const existing = await findInvoice(externalCode, signal);
    if (existing) return toCreated(existing);

    const products = await lookupProducts(input.positions.map((p) => p.sku));
    const unknown = input.positions.filter((p) => !products.has(p.sku)).map((p) => p.sku);
    if (unknown.length) {
      throw new ErpError(
        'validation',
        `MoySklad has no product with ${skuField} ${unknown.join(', ')}`,
        false,
      );
    }
    const positions = input.positions.map((p) => {
      const product = products.get(p.sku) as ProductEntry;
      const price = p.price ?? product.price;
      if (!price) throw new ErpError('validation', `${p.sku} has no sale price in MoySklad; give one`, false);
      if (price.currency !== currency) {
        throw new ErpError(
          'validation',
          `${p.sku}: price in ${price.currency}, the account invoices in ${currency}`,
          false,
        );
      }
      return { assortment: { meta: product.meta }, quantity: p.quantity, price: toKopecks(price.amount) };
    });
    // The POST itself is not cut off by the caller: a lost answer is found again by externalCode.
    const created = await http.request({
      method: 'POST',
      path: '/entity/invoiceout',
      body: {
        organization: { meta: await directory.organization() },
        agent: { meta: counterpartyMeta(input.customerId) },
        positions,
        externalCode,
        ...(input.comment ? { description: input.comment } : {}),
      },
      schema: S.Document,
    });
    return toCreated(created);
  }

  return async function createInvoice(
    input: CreateInvoiceInput,
    call: CallOptions = {},
  ): Promise<CreatedInvoice> {
    if (!input.idempotencyKey) throw new ErpError('validation', 'An invoice needs an idempotency key', false);
    if (input.positions.length === 0)
      throw new ErpError('validation', 'An invoice needs at least one position', false);
    const bad = input.positions.find((p) => !(Number.isFinite(p.quantity) && p.quantity > 0));
    if (bad) throw new ErpError('validation', `${bad.sku}: quantity must be positive`, false);
    // Two concurrent calls with one key in this process share one attempt; across processes
    // the lookup by externalCode is what keeps creation single.
    return invoiceFlights.run(input.idempotencyKey, () => createInvoiceOnce(input, call.signal));
  };
}
