import type { RequestSpec, RestMapping } from './mapping-schema.js';

type RequestCheck = (path: string, r: RequestSpec | undefined, vars: string[]) => void;
type TemplateCheck = (path: string, template: unknown, vars: string[]) => void;

/** {today}: the date in the mapping's time zone (ERPNext wants a delivery date on an order). */
export const ORDER_VARS = ['idempotencyKey', 'customerId', 'positions', 'comment', 'currency', 'today'];
export const POSITION_VARS = ['sku', 'quantity', 'price', 'itemId', 'name', 'currency'];

/** The placeholders each loop template may use (issue 15's blocks; the rest is in mapping.ts). */
export function checkLoopTemplates(m: RestMapping, request: RequestCheck, template: TemplateCheck) {
  const is = m.invoiceStatus;
  if (is) {
    request('invoiceStatus.request', is.request, ['invoiceIds', 'currency']);
    if (is.link) template('invoiceStatus.link', is.link, ['baseUrl', 'invoiceId']);
  }
  const co = m.createOrder;
  if (co) {
    request('createOrder.lookup.request', co.lookup.request, ORDER_VARS);
    template('createOrder.position', co.position, POSITION_VARS);
    request('createOrder.request', co.request, ORDER_VARS);
    co.confirm?.forEach((r, i) => {
      request(`createOrder.confirm[${i}]`, r, ['orderId', 'currency']);
    });
    request('createOrder.fetch.request', co.fetch.request, ['orderId', 'currency']);
    if (co.link) template('createOrder.link', co.link, ['baseUrl', 'orderId']);
  }
  m.releaseOrder?.requests.forEach((r, i) => {
    request(`releaseOrder.requests[${i}]`, r, ['orderId', 'currency']);
  });
}
