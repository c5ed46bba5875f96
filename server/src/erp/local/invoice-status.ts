import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { localDocuments } from '../../db/schema.js';
import type { InvoiceState, InvoiceStatus } from '../connector.js';

const STATES = ['issued', 'partially_paid', 'paid', 'cancelled'] as const;
const isState = (s: string | null): s is InvoiceState => STATES.includes(s as InvoiceState);

/**
 * The embedded store's invoice states. An invoice created here starts issued; the demo (and tests)
 * pay or cancel it with setLocalInvoicePayment / cancelLocalInvoice, so the whole loop runs without
 * an external ERP. `version` is the change time with microseconds, ISO: it orders as changes happen.
 */
export function localInvoiceStatus(db: Db, storeId: string) {
  return async (invoiceIds: readonly string[]): Promise<Map<string, InvoiceStatus>> => {
    const out = new Map<string, InvoiceStatus>();
    if (invoiceIds.length === 0) return out;
    const rows = await db
      .select()
      .from(localDocuments)
      .where(
        and(
          eq(localDocuments.storeId, storeId),
          eq(localDocuments.kind, 'invoice'),
          inArray(localDocuments.id, [...new Set(invoiceIds)]),
        ),
      );
    for (const r of rows) {
      const paid = r.paidSum ?? 0;
      const state: InvoiceState = isState(r.state) ? r.state : derive(paid, r.sum);
      out.set(r.id, {
        id: r.id,
        state,
        sum: { amount: r.sum, currency: r.currency },
        paidSum: { amount: paid, currency: r.currency },
        version: r.changedAt.toISOString(),
        link: null,
      });
    }
    return out;
  };
}

const derive = (paid: number, sum: number): InvoiceState =>
  paid <= 0 ? 'issued' : paid + 1e-9 >= sum ? 'paid' : 'partially_paid';

/** Records a payment of `amount` against a local invoice (the demo's "customer paid"). */
export async function payLocalInvoice(db: Db, invoiceId: string, amount: number): Promise<void> {
  const [row] = await db.select().from(localDocuments).where(eq(localDocuments.id, invoiceId));
  if (row?.kind !== 'invoice') throw new Error(`no local invoice ${invoiceId}`);
  const paid = Math.round(((row.paidSum ?? 0) + amount) * 100) / 100;
  await db
    .update(localDocuments)
    .set({ paidSum: paid, state: derive(paid, row.sum), changedAt: sql`clock_timestamp()` })
    .where(eq(localDocuments.id, invoiceId));
}

export async function cancelLocalInvoice(db: Db, invoiceId: string): Promise<void> {
  await db
    .update(localDocuments)
    .set({ state: 'cancelled', changedAt: sql`clock_timestamp()` })
    .where(and(eq(localDocuments.id, invoiceId), eq(localDocuments.kind, 'invoice')));
}
