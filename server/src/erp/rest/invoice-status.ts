import type { InvoiceState, InvoiceStatus } from '../connector.js';
import { round, uniq } from './batching.js';
import type { RestContext } from './context.js';
import type { RestMapping } from './mapping.js';
import { stateReader } from './state-rules.js';
import { readCurrency, readNumber, readString } from './values.js';

type Spec = NonNullable<RestMapping['invoiceStatus']>;

const RANK: Record<InvoiceState, number> = { issued: 0, partially_paid: 1, paid: 2, cancelled: 3 };

/**
 * The ERP's version of a document, made strict: ERPs that stamp changes by the second (Odoo's
 * write_date) give two payments in one second the same stamp, and the loop ignores a read that is
 * not newer. Within one stamp, progress (state, then paid sum) orders the reads.
 */
export function strictVersion(stamp: string, state: InvoiceState, paid: number): string {
  const cents = Math.max(0, Math.round(paid * 100));
  return `${stamp}#${RANK[state]}${String(cents).padStart(15, '0')}`;
}

/** invoiceStatus through the mapping: one request per `batchSize` invoices. */
export function createInvoiceStatusReader(ctx: RestContext, spec: Spec) {
  const f = spec.response.fields;
  const read = {
    id: ctx.r(f.id),
    sum: ctx.r(f.sum),
    paid: ctx.opt(f.paid),
    outstanding: ctx.opt(f.outstanding),
    version: ctx.r(f.version),
    currency: ctx.opt(f.currency),
  };
  const stateOf = stateReader(ctx, spec.states);
  const link = spec.link ?? ctx.mapping.createInvoice.link;

  function status(rec: unknown): InvoiceStatus | null {
    const mapped = stateOf(rec);
    if (mapped === null) return null;
    const id = readString(rec, read.id, true);
    const sum = readNumber(rec, read.sum, true);
    const paid = read.paid
      ? readNumber(rec, read.paid, true)
      : round(sum - readNumber(rec, read.outstanding as NonNullable<typeof read.outstanding>, true));
    // ERPNext says "Overdue" for a partly paid invoice past its due date: the amounts tell.
    const state = mapped === 'issued' && paid > 0 ? 'partially_paid' : mapped;
    const currency = read.currency ? readCurrency(rec, read.currency) : null;
    return {
      id,
      state,
      sum: ctx.money(sum, currency),
      paidSum: ctx.money(paid, currency),
      version: strictVersion(readString(rec, read.version, true), state, paid),
      link: ctx.linkTo(link, { invoiceId: id }),
    };
  }

  return async function invoiceStatus(invoiceIds: readonly string[]): Promise<Map<string, InvoiceStatus>> {
    const wanted = uniq(invoiceIds);
    const out = new Map<string, InvoiceStatus>();
    for (let i = 0; i < wanted.length; i += spec.batchSize) {
      const group = wanted.slice(i, i + spec.batchSize);
      const vars = { invoiceIds: group, currency: ctx.mapping.currency };
      const body = await ctx.send('invoice status', spec.request, vars, { retry: true });
      const asked = new Set(group);
      ctx.parse('invoice status', () => {
        for (const rec of ctx.list('invoice status', body, spec.response.records)) {
          const s = status(rec);
          if (s && asked.has(s.id)) out.set(s.id, s);
        }
      });
    }
    return out;
  };
}
