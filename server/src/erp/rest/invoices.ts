import type { CallOptions, CreatedInvoice, CreateInvoiceInput } from '../connector.js';
import type { RestContext } from './context.js';
import type { ItemResolver } from './items.js';
import type { FieldSpec } from './mapping.js';
import { checkDocumentInput, renderPositions } from './positions.js';
import { FieldError, readCurrency, readDate, readNumber, readString } from './values.js';

/** createInvoice through the mapping: idempotent by a lookup or by a header, then optionally re-read. */
export function createInvoiceWriter(ctx: RestContext, resolveSkus: ItemResolver) {
  const { mapping, r, opt } = ctx;
  const ci = mapping.createInvoice;
  const invoiceFieldReaders = (f: {
    id: FieldSpec;
    number?: FieldSpec | undefined;
    sum?: FieldSpec | undefined;
    created?: FieldSpec | undefined;
    currency?: FieldSpec | undefined;
  }) => ({
    id: r(f.id),
    number: opt(f.number),
    sum: opt(f.sum),
    created: opt(f.created),
    currency: opt(f.currency),
  });

  function readInvoice(
    operation: string,
    rec: unknown,
    f: ReturnType<typeof invoiceFieldReaders>,
  ): CreatedInvoice {
    return ctx.parse(operation, () => {
      if (!f.number || !f.sum || !f.created) {
        throw new FieldError('the mapping reads no number, sum or date here: add createInvoice.fetch');
      }
      const id = readString(rec, f.id, true);
      return {
        id,
        number: readString(rec, f.number, true),
        sum: ctx.money(readNumber(rec, f.sum, true), f.currency ? readCurrency(rec, f.currency) : null),
        created: readDate(rec, f.created),
        link: ctx.linkTo(ci.link, { invoiceId: id }),
      };
    });
  }

  return async function createInvoice(
    input: CreateInvoiceInput,
    call: CallOptions = {},
  ): Promise<CreatedInvoice> {
    const signal = call.signal;
    checkDocumentInput('createInvoice', input);
    const base = {
      idempotencyKey: input.idempotencyKey,
      customerId: input.customerId,
      comment: input.comment,
      currency: mapping.currency,
    };

    if (ci.idempotency.type === 'lookup') {
      const lookup = ci.idempotency;
      const body = await ctx.send('invoice lookup', lookup.request, base, { retry: true, signal });
      const [existing] = ctx.list('invoice lookup', body, lookup.response.records);
      if (existing !== undefined)
        return readInvoice('invoice lookup', existing, invoiceFieldReaders(lookup.response.fields));
    }

    const positions = await renderPositions(ctx, 'createInvoice', ci, input.positions, resolveSkus, call);
    const vars = { ...base, positions };
    const headers =
      ci.idempotency.type === 'header' ? { [ci.idempotency.name]: input.idempotencyKey } : undefined;
    const created = await ctx.send('create invoice', ci.request, vars, {
      retry: ci.idempotency.type === 'header',
      signal,
      ...(headers ? { headers } : {}),
    });
    const record = ctx.one('create invoice', created, ci.response.record);
    const createdReaders = invoiceFieldReaders(ci.response.fields);
    const invoiceId = ctx.parse('create invoice', () => readString(record, createdReaders.id, true));
    for (const after of ci.afterCreate ?? []) {
      await ctx.send('after invoice', after, { ...vars, invoiceId }, { retry: false, signal });
    }
    if (!ci.fetch) return readInvoice('create invoice', record, createdReaders);
    const fetched = await ctx.send(
      'read invoice',
      ci.fetch.request,
      { ...vars, invoiceId },
      { retry: true, signal },
    );
    return readInvoice(
      'read invoice',
      ctx.one('read invoice', fetched, ci.fetch.response.record),
      invoiceFieldReaders(ci.fetch.response.fields),
    );
  };
}
