import type { CustomerSummary, ErpDocument } from '../connector.js';
import { ErpError } from '../connector.js';
import type { OneCContext } from './context.js';
import { localToIso } from './dates.js';
import { links } from './links.js';
import { GUID_RE, guid, virtualTable } from './odata.js';
import { collection, customerRow, type DocumentRow, documentRow, settlementRow } from './schemas.js';

const RECENT = 5;
const round2 = (n: number) => Math.round(n * 100) / 100;

export function toErpDocument(ctx: OneCContext, row: DocumentRow): ErpDocument {
  const date = localToIso(row.date, ctx.opts.utcOffset);
  if (!date) throw new ErpError('invalid_response', `1C document ${row.id}: unreadable date ${row.date}`);
  return {
    id: row.id.toLowerCase(),
    number: row.number.trim(),
    date,
    sum: { amount: row.sum, currency: ctx.opts.currency },
    status: row.posted ? 'posted' : 'draft',
  };
}

/** null when the summary cannot have it: a resource left out of the publication answers 404. */
async function orNullIfUnpublished<T>(run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ErpError && err.code === 'not_found') return null;
    throw err;
  }
}

export async function readCustomerSummary(
  ctx: OneCContext,
  customerId: string,
  signal?: AbortSignal,
): Promise<CustomerSummary> {
  const { opts, http } = ctx;
  if (!GUID_RE.test(customerId)) throw new ErpError('not_found', `1C customer ${customerId}: not a Ref_Key`);
  const id = customerId.toLowerCase();

  const customerSchema = customerRow(opts.innField, opts.contactSection);
  const customerP = http.get(
    `${opts.customerCatalog}(${guid(id)})`,
    { $select: `Ref_Key,Description,${opts.innField},${opts.contactSection}` },
    customerSchema,
    { signal },
  );

  const balanceP = opts.settlementsRegister
    ? orNullIfUnpublished(async () => {
        const condition = `${opts.settlementsDimension} eq ${guid(id)}`;
        const page = await http.get(
          `${opts.settlementsRegister}/${virtualTable('Balance', { condition }, opts.conditionQuoting)}`,
          { $select: `${opts.settlementsDimension},${opts.settlementsColumn}` },
          collection(settlementRow(opts.settlementsColumn)),
          { signal },
        );
        // 1C: positive = the client owes us. Ours: negative = debt.
        const owed = page.value.reduce((sum, r) => sum + r.amount, 0);
        return { amount: round2(-owed) || 0, currency: opts.currency };
      })
    : Promise.resolve(null);

  const recent = (document: string) =>
    orNullIfUnpublished(async () => {
      const page = await http.get(
        document,
        {
          $filter: `${opts.documentCustomerField} eq ${guid(id)} and DeletionMark eq false`,
          $orderby: 'Date desc',
          $top: RECENT,
          $select: `Ref_Key,Number,Date,Posted,${opts.documentSumField}`,
        },
        collection(documentRow(opts.documentSumField)),
        { signal },
      );
      return page.value.map((row) => toErpDocument(ctx, row));
    });

  const [customer, balance, orders, invoices] = await Promise.all([
    customerP,
    balanceP,
    recent(opts.orderDocument),
    recent(opts.invoiceDocument),
  ]);
  const phoneType = opts.contactTypes.phone;
  const emailType = opts.contactTypes.email;
  return {
    customer: {
      id,
      name: customer.name,
      inn: customer.inn,
      phone: customer.contacts.find((c) => c.type === phoneType)?.text || null,
      email: customer.contacts.find((c) => c.type === emailType)?.text || null,
    },
    balance,
    recentOrders: orders ?? [],
    recentInvoices: invoices ?? [],
    link: links(opts).customer(id),
  };
}
