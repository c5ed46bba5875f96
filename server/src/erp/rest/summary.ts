import type { CallOptions, CustomerSummary, ErpDocument } from '../connector.js';
import { round } from './batching.js';
import type { RestContext } from './context.js';
import { customerReadersOf, readCustomer, strip } from './customers.js';
import type { RestMapping } from './mapping.js';
import type { Vars } from './template.js';
import { readCurrency, readDate, readNumber, readString } from './values.js';

type DocumentBlock = RestMapping['customerSummary']['orders'];

/** The contact / company panel: customer, balance, recent orders and invoices, each its own request. */
export function createSummaryReader(ctx: RestContext) {
  const { mapping, r, opt } = ctx;
  const cs = mapping.customerSummary;
  const summaryReaders = customerReadersOf(ctx, cs.customer.response.fields);
  const docReaders = (f: NonNullable<DocumentBlock>['response']['fields']) => ({
    id: r(f.id),
    number: r(f.number),
    date: r(f.date),
    sum: r(f.sum),
    status: opt(f.status),
    currency: opt(f.currency),
  });
  const orderReaders = cs.orders ? docReaders(cs.orders.response.fields) : null;
  const invoiceReaders = cs.invoices ? docReaders(cs.invoices.response.fields) : null;

  async function documents(
    operation: string,
    block: DocumentBlock,
    readers: ReturnType<typeof docReaders> | null,
    vars: Vars,
    signal: AbortSignal | undefined,
  ): Promise<ErpDocument[]> {
    if (!block || !readers) return [];
    const body = await ctx.send(operation, block.request, vars, { retry: true, signal });
    const records = ctx.list(operation, body, block.response.records);
    return ctx.parse(operation, () =>
      records.map((rec) => ({
        id: readString(rec, readers.id, true),
        number: readString(rec, readers.number, true),
        date: readDate(rec, readers.date),
        sum: ctx.money(
          readNumber(rec, readers.sum, true),
          readers.currency ? readCurrency(rec, readers.currency) : null,
        ),
        status: readers.status ? readString(rec, readers.status, false) : null,
      })),
    );
  }

  return async function getCustomerSummary(
    customerId: string,
    call: CallOptions = {},
  ): Promise<CustomerSummary> {
    const signal = call.signal;
    const vars = { customerId, currency: mapping.currency };
    const customerBody = ctx.send('customer', cs.customer.request, vars, { retry: true, signal });
    const balanceBody = cs.balance?.request
      ? ctx.send('balance', cs.balance.request, vars, { retry: true, signal })
      : customerBody;
    const settled = await Promise.allSettled([
      customerBody,
      balanceBody,
      documents('orders', cs.orders, orderReaders, vars, signal),
      documents('invoices', cs.invoices, invoiceReaders, vars, signal),
    ]);
    // An unknown customer fails every request, each in its own way: report the customer's failure.
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [customerAnswer, balanceAnswer, recentOrders, recentInvoices] = settled.map((s) =>
      s.status === 'fulfilled' ? s.value : undefined,
    ) as [unknown, unknown, ErpDocument[], ErpDocument[]];
    const customer = ctx.parse('customer', () =>
      strip(readCustomer(ctx.one('customer', customerAnswer, cs.customer.response.record), summaryReaders)),
    );
    let balance = null;
    if (cs.balance) {
      const b = cs.balance.response;
      const record = b.record === '' ? balanceAnswer : ctx.one('balance', balanceAnswer, b.record);
      const amount = ctx.parse('balance', () => {
        const receivable = b.fields.receivable ? readNumber(record, r(b.fields.receivable), true) : 0;
        const payable = b.fields.payable ? readNumber(record, r(b.fields.payable), true) : 0;
        return round(payable - receivable);
      });
      balance = ctx.money(amount, null);
    }
    return { customer, balance, recentOrders, recentInvoices, link: ctx.linkTo(cs.link, { customerId }) };
  };
}
