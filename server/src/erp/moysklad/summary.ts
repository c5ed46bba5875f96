import { type CallOptions, type CustomerSummary, ErpError } from '../connector.js';
import type { MoySkladContext } from './context.js';
import { toCustomer } from './customers.js';
import { recentDocuments } from './documents.js';
import { MoySkladError } from './http.js';
import { fromKopecks } from './mapping.js';
import * as S from './schemas.js';

/** The contact / company panel: the counterparty, its balance report, recent orders and invoices. */
export async function readCustomerSummary(
  ctx: MoySkladContext,
  customerId: string,
  call: CallOptions = {},
): Promise<CustomerSummary> {
  const { http, currency, uiBase } = ctx;
  const signal = call.signal;
  const counterparty = await http.request({
    path: `/entity/counterparty/${encodeURIComponent(customerId)}`,
    schema: S.Counterparty,
    signal,
  });
  const unavailable: NonNullable<CustomerSummary['unavailable']> = [];
  // The customer exists: a failing part (orders list, invoices list, report) is that part
  // unavailable, never the whole customer "not found".
  const part = <T>(name: (typeof unavailable)[number], load: Promise<T>, fallback: T) =>
    load.catch((err: unknown) => {
      if (err instanceof ErpError && err.code === 'aborted') throw err;
      unavailable.push(name);
      return fallback;
    });
  const [report, recentOrders, recentInvoices] = await Promise.all([
    part(
      'balance',
      http
        .request({
          path: `/report/counterparty/${encodeURIComponent(counterparty.id)}`,
          schema: S.CounterpartyReport,
          signal,
        })
        .catch((err: unknown) => {
          // Without the CRM tariff option the report is refused; the balance is then unknown.
          if (err instanceof MoySkladError && (err.status === 403 || err.status === 412)) return null;
          throw err;
        }),
      null,
    ),
    part('orders', recentDocuments(ctx, 'customerorder', counterparty.meta.href, signal), []),
    part('invoices', recentDocuments(ctx, 'invoiceout', counterparty.meta.href, signal), []),
  ]);
  return {
    customer: toCustomer(counterparty),
    // Sign as MoySklad reports it (negative = the customer owes us); unconfirmed on a live account.
    balance: report?.balance == null ? null : fromKopecks(report.balance, currency),
    recentOrders,
    recentInvoices,
    link: `${uiBase}/app/#Company/edit?id=${counterparty.id}`,
    ...(unavailable.length && { unavailable }),
  };
}
