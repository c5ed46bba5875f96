import type { ErpConnector } from './connector.js';

type Guard = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * The optional capabilities of issue 15 (invoice status, orders, subscriptions), passed through the
 * resilient wrapper's circuit. Only what the connector has is present, so `erp.createOrder` being
 * undefined still means "this ERP cannot".
 */
export function loopCapabilities(
  inner: ErpConnector,
  guarded: Guard,
): Pick<ErpConnector, 'invoiceStatus' | 'createOrder' | 'releaseOrder' | 'subscribe' | 'paymentInvoices'> {
  const { invoiceStatus, createOrder, releaseOrder, subscribe, paymentInvoices } = inner;
  return {
    ...(invoiceStatus && { invoiceStatus: (ids) => guarded(() => invoiceStatus.call(inner, ids)) }),
    ...(createOrder && { createOrder: (input) => guarded(() => createOrder.call(inner, input)) }),
    ...(releaseOrder && { releaseOrder: (id) => guarded(() => releaseOrder.call(inner, id)) }),
    ...(subscribe && { subscribe: (input) => guarded(() => subscribe.call(inner, input)) }),
    ...(paymentInvoices && {
      paymentInvoices: (ids) => guarded(() => paymentInvoices.call(inner, ids)),
    }),
  };
}
