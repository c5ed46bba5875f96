import type { ErpLoopSettings } from '@erp-bridge/shared';
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { erpInvoiceStates, invoiceRequests } from '../db/schema.js';
import type { InvoiceStatus } from '../erp/connector.js';
import { invoiceNote, type LoopLanguage } from './messages.js';
import { recordWrites } from './outbox.js';

export type InvoiceStateRow = typeof erpInvoiceStates.$inferSelect;

const OPEN = ['issued', 'partially_paid'] as const;

/** Invoices erp-bridge created (invoice_requests 'created') start being followed here. */
export async function adoptCreatedInvoices(db: Db, accountId: number): Promise<void> {
  await db.execute(sql`
    insert into erp_invoice_states (request_id, account_id, lead_id, erp_invoice_id, state, sum, currency, link, checked_at)
    select r.id, r.account_id, r.lead_id, r.erp_invoice_id, 'issued', coalesce(r.sum, r.total), r.currency, r.link,
           to_timestamp(0)
      from ${invoiceRequests} r
     where r.account_id = ${accountId} and r.status = 'created' and r.erp_invoice_id is not null
       and not exists (select 1 from erp_invoice_states s where s.request_id = r.id)
    on conflict do nothing`);
}

/** Open invoices not checked for `minAgeMs`, least recently checked first: the poller's bounded share. */
export function dueForPoll(db: Db, accountId: number, limit: number, minAgeMs: number) {
  return db
    .select()
    .from(erpInvoiceStates)
    .where(
      and(
        eq(erpInvoiceStates.accountId, accountId),
        inArray(erpInvoiceStates.state, [...OPEN]),
        lt(erpInvoiceStates.checkedAt, new Date(Date.now() - minAgeMs)),
      ),
    )
    .orderBy(asc(erpInvoiceStates.checkedAt))
    .limit(limit);
}

export function byErpIds(db: Db, accountId: number, erpIds: readonly string[]) {
  if (erpIds.length === 0) return Promise.resolve([] as InvoiceStateRow[]);
  return db
    .select()
    .from(erpInvoiceStates)
    .where(
      and(eq(erpInvoiceStates.accountId, accountId), inArray(erpInvoiceStates.erpInvoiceId, [...erpIds])),
    );
}

export function openOf(db: Db, accountId: number, limit: number) {
  return db
    .select()
    .from(erpInvoiceStates)
    .where(and(eq(erpInvoiceStates.accountId, accountId), inArray(erpInvoiceStates.state, [...OPEN])))
    .orderBy(asc(erpInvoiceStates.checkedAt))
    .limit(limit);
}

/**
 * Applies what the ERP said about one invoice. Out-of-order safe: a read whose version is not
 * newer than the stored one changes nothing (a late webhook, a poll racing a webhook), and a paid
 * invoice never goes back to issued. A real change records its amoCRM writes in the same
 * transaction (one note; the mapped move or tag), keyed by invoice, state and paid sum.
 */
export async function applyStatus(
  db: Db,
  row: InvoiceStateRow,
  status: InvoiceStatus,
  ctx: { settings: ErpLoopSettings; language: LoopLanguage; number: string | null },
): Promise<'changed' | 'same' | 'stale'> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(erpInvoiceStates)
      .where(eq(erpInvoiceStates.requestId, row.requestId))
      .for('update');
    if (!current) return 'stale';
    const now = new Date();
    if (current.version !== '' && status.version <= current.version) {
      await tx
        .update(erpInvoiceStates)
        .set({ checkedAt: now })
        .where(eq(erpInvoiceStates.requestId, row.requestId));
      return 'stale';
    }
    const regress =
      current.state === 'paid' && (status.state === 'issued' || status.state === 'partially_paid');
    const state = regress ? current.state : status.state;
    const changed = state !== current.state || (!regress && status.paidSum.amount !== current.paidSum);
    await tx
      .update(erpInvoiceStates)
      .set({
        state,
        paidSum: regress ? current.paidSum : status.paidSum.amount,
        sum: status.sum.amount,
        version: status.version,
        link: status.link ?? current.link,
        checkedAt: now,
        ...(changed && { updatedAt: now }),
      })
      .where(eq(erpInvoiceStates.requestId, row.requestId));
    if (!changed) return 'same';
    const key = `inv:${current.accountId}:${current.requestId}:${state}:${status.paidSum.amount}`;
    const { paidStage, cancelledTag } = ctx.settings;
    await recordWrites(tx, {
      accountId: current.accountId,
      leadId: current.leadId,
      dedupeKey: key,
      writes: {
        note: invoiceNote(
          ctx.language,
          {
            number: ctx.number,
            state,
            paid: status.paidSum.amount,
            sum: status.sum.amount,
            currency: status.sum.currency,
            link: status.link ?? current.link,
          },
          key,
        ),
        ...(state === 'paid' && paidStage && { move: paidStage }),
        ...(state === 'cancelled' && cancelledTag && { tag: cancelledTag }),
      },
    });
    return 'changed';
  });
}
