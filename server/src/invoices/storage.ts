import type { InvoicePositionView, InvoiceRequest } from '@erp-bridge/shared';
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { invoiceRequests } from '../db/schema.js';

export type InvoiceRow = typeof invoiceRequests.$inferSelect;
export type NewInvoiceRow = typeof invoiceRequests.$inferInsert;

/** A stored request as the widget sees it. */
export function toView(row: InvoiceRow): InvoiceRequest {
  return {
    id: row.id,
    leadId: row.leadId,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    attempts: row.attempts,
    positions: JSON.parse(row.positions) as InvoicePositionView[],
    total: { amount: row.total, currency: row.currency },
    invoice:
      row.erpInvoiceId && row.number
        ? {
            id: row.erpInvoiceId,
            number: row.number,
            sum: { amount: row.sum ?? row.total, currency: row.currency },
            link: row.link,
          }
        : null,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
  };
}

/** The invoice_requests table: one row per Idempotency-Key and account. */
export function invoiceStore(db: Db) {
  return {
    /** The deal's latest requests, newest first. */
    forLead: (accountId: number, leadId: number) =>
      db
        .select()
        .from(invoiceRequests)
        .where(and(eq(invoiceRequests.accountId, accountId), eq(invoiceRequests.leadId, leadId)))
        .orderBy(desc(invoiceRequests.createdAt))
        .limit(20),
    async byKey(accountId: number, key: string): Promise<InvoiceRow | undefined> {
      const [row] = await db
        .select()
        .from(invoiceRequests)
        .where(and(eq(invoiceRequests.accountId, accountId), eq(invoiceRequests.idempotencyKey, key)));
      return row;
    },
    async byId(id: string): Promise<InvoiceRow | undefined> {
      const [row] = await db.select().from(invoiceRequests).where(eq(invoiceRequests.id, id));
      return row;
    },
    /** The new row, or undefined when a concurrent request with the same key stored its own first. */
    async insert(row: NewInvoiceRow): Promise<InvoiceRow | undefined> {
      const [inserted] = await db.insert(invoiceRequests).values(row).onConflictDoNothing().returning();
      return inserted;
    },
    async update(id: string, change: Partial<NewInvoiceRow>): Promise<void> {
      await db.update(invoiceRequests).set(change).where(eq(invoiceRequests.id, id));
    },
  };
}

export type InvoiceStore = ReturnType<typeof invoiceStore>;
