import type { InvoiceState, InvoiceStatus } from '../connector.js';
import type { HttpClient } from './http.js';
import * as L from './loop-schemas.js';
import { fromKopecks } from './mapping.js';
import { list } from './schemas.js';

/** ids per request: 40 UUIDs keep the filter URL under 2,000 characters. */
const IDS_PER_REQUEST = 40;

/**
 * Status names meaning "cancelled". MoySklad's invoice statuses are defined per account (there is
 * no built-in cancelled flag), so this list is UNCONFIRMED per account and configurable.
 */
export const DEFAULT_CANCELLED_STATES = ['Отменен', 'Отменён', 'Отменено', 'Cancelled', 'Canceled'];

export interface InvoiceStatusDeps {
  http: HttpClient;
  currency: string;
  uiBase: string;
  cancelledStates?: readonly string[];
}

/** Reads many invoices in few requests (`filter=id=a;id=b`, ORed), with their status names. */
export function moySkladInvoiceStatus(deps: InvoiceStatusDeps) {
  const cancelled = new Set((deps.cancelledStates ?? DEFAULT_CANCELLED_STATES).map((s) => s.toLowerCase()));
  return async (invoiceIds: readonly string[]): Promise<Map<string, InvoiceStatus>> => {
    const out = new Map<string, InvoiceStatus>();
    const ids = [...new Set(invoiceIds)].filter((id) => /^[0-9a-f-]{1,64}$/i.test(id));
    for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
      const chunk = ids.slice(i, i + IDS_PER_REQUEST);
      const page = await deps.http.request({
        path: '/entity/invoiceout',
        query: { filter: chunk.map((id) => `id=${id}`).join(';'), expand: 'state', limit: 100 },
        schema: list(L.InvoiceOut),
      });
      for (const d of page.rows) {
        const paid = d.payedSum ?? 0;
        const state: InvoiceState = cancelled.has((d.state?.name ?? '').toLowerCase())
          ? 'cancelled'
          : paid <= 0
            ? 'issued'
            : paid >= d.sum
              ? 'paid'
              : 'partially_paid';
        out.set(d.id, {
          id: d.id,
          state,
          sum: fromKopecks(d.sum, deps.currency),
          paidSum: fromKopecks(paid, deps.currency),
          // "YYYY-MM-DD HH:mm:ss.SSS" orders as a string, like the changes it stamps.
          version: d.updated,
          link: d.meta.uuidHref ?? `${deps.uiBase}/app/#invoiceout/edit?id=${d.id}`,
        });
      }
    }
    return out;
  };
}
