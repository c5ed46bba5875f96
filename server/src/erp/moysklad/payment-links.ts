import type { PaymentLinks } from '../connector.js';
import { ErpError } from '../connector.js';
import type { HttpClient } from './http.js';
import * as L from './loop-schemas.js';

/** Payments read per notification batch: a flood of payment webhooks cannot become a flood of reads. */
const MAX_PAYMENTS = 20;
const ID = /\/entity\/([a-z]+)\/([0-9a-f-]{36})(?:[/?#]|$)/i;

/**
 * The invoices incoming payments pay. A paymentin names what it pays in `operations`, links in
 * meta form with `linkedSum` (allowed: customerorder, purchasereturn, demand, invoiceout,
 * commissionreportin, retailshift): https://dev.moysklad.ru/doc/api/remap/1.2/documents/#dokumenty-vhodqschij-platezh
 * (github.com/moysklad/api-remap-1.2-doc, source/includes/documents/_payment_in.md).
 * A payment linked to anything but an invoice (an order, a shipment), one that cannot be read, or
 * more payments than one batch reads, is `unresolved`: the caller then re-reads the open invoices.
 * A payment with no operations pays no invoice yet (linking it later is a paymentin UPDATE).
 */
export function moySkladPaymentLinks(http: HttpClient) {
  return async (paymentIds: readonly string[]): Promise<PaymentLinks> => {
    const ids = [...new Set(paymentIds)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    const invoiceIds = new Set<string>();
    let unresolved = Math.max(0, ids.length - MAX_PAYMENTS);
    for (const id of ids.slice(0, MAX_PAYMENTS)) {
      let payment: L.PaymentIn;
      try {
        payment = await http.request({ path: `/entity/paymentin/${id}`, schema: L.PaymentIn });
      } catch (err) {
        if (!(err instanceof ErpError)) throw err;
        unresolved++;
        continue;
      }
      for (const op of payment.operations ?? []) {
        const [, type, opId] = ID.exec(op.meta.href) ?? [];
        if ((op.meta.type ?? type) === 'invoiceout' && opId) invoiceIds.add(opId.toLowerCase());
        else unresolved++;
      }
    }
    return { invoiceIds: [...invoiceIds], unresolved };
  };
}
