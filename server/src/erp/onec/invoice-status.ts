import { z } from 'zod';
import type { CallOptions, InvoiceState, InvoiceStatus } from '../connector.js';
import type { OneCContext } from './context.js';
import { navigationLink } from './links.js';
import { chunkByEncodedLength, GUID_RE, guid, refersTo } from './odata.js';
import { collection, guidSchema } from './schemas.js';

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Invoice states from 1C, in a few requests per batch: the invoices (sum, deletion mark, the
 * annulled flag), then per payment document type its payment-breakdown rows naming these invoices
 * and which of their documents are posted and not deleted. Paid = the sum of those rows.
 *
 * 1C documents carry no change stamp the standard interface publishes (DataVersion is an opaque
 * tag, not an order), so `version` is the moment this read began, kept increasing within the
 * process: a read that began later saw at least as much, and an older one finishing last is stale.
 */
export function oneCInvoiceStatus(ctx: OneCContext) {
  const { opts, http } = ctx;
  const cancelled = opts.invoiceCancelledField;
  const invoiceRow = z.looseObject({
    Ref_Key: guidSchema,
    DeletionMark: z.boolean(),
    [opts.documentSumField]: z.number(),
    ...(cancelled ? { [cancelled]: z.boolean().nullish() } : {}),
  });
  const paymentRow = z.looseObject({
    Ref_Key: guidSchema,
    [opts.paymentInvoiceField]: guidSchema,
    [opts.paymentSumField]: z.number(),
  });
  const ownerRow = z.looseObject({ Ref_Key: guidSchema });
  let lastRead = 0;

  /** GETs `resource` once per chunk of `terms` that fits a URL, ORed, with `suffix` ANDed on. */
  async function byTerms<S extends z.ZodType>(
    resource: string,
    terms: string[],
    suffix: string,
    select: string,
    row: S,
    signal?: AbortSignal,
  ): Promise<z.output<S>[]> {
    const budget = ctx.filterBudget(resource) - encodeURIComponent(`()${suffix}&$select=${select}`).length;
    const pages = await Promise.all(
      chunkByEncodedLength(terms, budget).map((chunk) =>
        http.get(
          resource,
          { $filter: `(${chunk.join(' or ')})${suffix}`, $select: select },
          collection(row),
          {
            signal,
          },
        ),
      ),
    );
    return pages.flatMap((p) => p.value);
  }

  async function paidSums(ids: string[], signal?: AbortSignal): Promise<Map<string, number>> {
    const paid = new Map<string, number>();
    const field = opts.paymentInvoiceField;
    for (const document of opts.paymentDocuments) {
      const terms = ids.map((id) => refersTo(field, id, opts.invoiceDocument));
      const rows = await byTerms(
        `${document}_${opts.paymentSection}`,
        terms,
        '',
        `Ref_Key,${field},${opts.paymentSumField}`,
        paymentRow,
        signal,
      );
      if (rows.length === 0) continue;
      const owners = [...new Set(rows.map((r) => (r.Ref_Key as string).toLowerCase()))];
      const live = new Set(
        (
          await byTerms(
            document,
            owners.map((id) => `Ref_Key eq ${guid(id)}`),
            ' and Posted eq true and DeletionMark eq false',
            'Ref_Key',
            ownerRow,
            signal,
          )
        ).map((r) => (r.Ref_Key as string).toLowerCase()),
      );
      for (const r of rows) {
        if (!live.has((r.Ref_Key as string).toLowerCase())) continue;
        const invoice = (r[field] as string).toLowerCase();
        paid.set(invoice, round2((paid.get(invoice) ?? 0) + (r[opts.paymentSumField] as number)));
      }
    }
    return paid;
  }

  return async (invoiceIds: readonly string[], call?: CallOptions): Promise<Map<string, InvoiceStatus>> => {
    lastRead = Math.max(Date.now(), lastRead + 1);
    const version = new Date(lastRead).toISOString();
    const out = new Map<string, InvoiceStatus>();
    const asked = new Map<string, string>();
    for (const id of invoiceIds) if (GUID_RE.test(id)) asked.set(id.toLowerCase(), id);
    if (asked.size === 0) return out;
    const signal = call?.signal;
    const select = ['Ref_Key', 'DeletionMark', opts.documentSumField, cancelled].filter(Boolean).join(',');
    const invoices = await byTerms(
      opts.invoiceDocument,
      [...asked.keys()].map((id) => `Ref_Key eq ${guid(id)}`),
      '',
      select,
      invoiceRow,
      signal,
    );
    if (invoices.length === 0) return out;
    const paid = await paidSums(
      invoices.map((i) => (i.Ref_Key as string).toLowerCase()),
      signal,
    );
    for (const inv of invoices) {
      const id = (inv.Ref_Key as string).toLowerCase();
      const sum = inv[opts.documentSumField] as number;
      const paidSum = paid.get(id) ?? 0;
      const state: InvoiceState =
        inv.DeletionMark === true || (cancelled && inv[cancelled] === true)
          ? 'cancelled'
          : paidSum <= 0
            ? 'issued'
            : paidSum + 0.005 >= sum
              ? 'paid'
              : 'partially_paid';
      out.set(asked.get(id) ?? id, {
        id: asked.get(id) ?? id,
        state,
        sum: { amount: sum, currency: opts.currency },
        paidSum: { amount: paidSum, currency: opts.currency },
        version,
        link: navigationLink(opts.linkBase, opts.invoiceDocument, id),
      });
    }
    return out;
  };
}
