import type { ErpConnector } from './connector.js';

type Guard = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * The optional capabilities of issue 15 (invoice status, orders, subscriptions), passed through the
 * resilient wrapper's circuit. Only what the connector has is present, so `erp.createOrder` being
 * undefined still means "this ERP cannot". A created or released order moves stock into or out of
 * reserve, so `stockMoved` runs after either succeeds: the card and the guard must not see the free
 * stock from before the reserve for the rest of the cache's TTL.
 */
export function loopCapabilities(
  inner: ErpConnector,
  guarded: Guard,
  stockMoved: () => void,
): Pick<ErpConnector, 'invoiceStatus' | 'createOrder' | 'releaseOrder' | 'subscribe' | 'paymentInvoices'> {
  const { invoiceStatus, createOrder, releaseOrder, subscribe, paymentInvoices } = inner;
  const movingStock = async <T>(fn: () => Promise<T>): Promise<T> => {
    const result = await guarded(fn);
    stockMoved();
    return result;
  };
  return {
    ...(invoiceStatus && { invoiceStatus: (ids) => guarded(() => invoiceStatus.call(inner, ids)) }),
    ...(createOrder && { createOrder: (input) => movingStock(() => createOrder.call(inner, input)) }),
    ...(releaseOrder && { releaseOrder: (id) => movingStock(() => releaseOrder.call(inner, id)) }),
    ...(subscribe && { subscribe: (input) => guarded(() => subscribe.call(inner, input)) }),
    ...(paymentInvoices && {
      paymentInvoices: (ids) => guarded(() => paymentInvoices.call(inner, ids)),
    }),
  };
}
