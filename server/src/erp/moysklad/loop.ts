import type { ErpConnector } from '../connector.js';
import type { HttpClient } from './http.js';
import { moySkladInvoiceStatus } from './invoice-status.js';
import { moySkladOrders, type OrderDeps } from './orders.js';
import { moySkladPaymentLinks } from './payment-links.js';
import { moySkladSubscribe } from './webhooks.js';

/** The issue-15 capabilities of the MoySklad connector, one module per operation. */
export function moySkladLoop(
  deps: OrderDeps & { http: HttpClient; cancelledStates?: readonly string[] },
): Pick<
  Required<ErpConnector>,
  'invoiceStatus' | 'createOrder' | 'releaseOrder' | 'subscribe' | 'paymentInvoices'
> {
  return {
    invoiceStatus: moySkladInvoiceStatus(deps),
    ...moySkladOrders(deps),
    subscribe: moySkladSubscribe(deps.http),
    paymentInvoices: moySkladPaymentLinks(deps.http),
  };
}
