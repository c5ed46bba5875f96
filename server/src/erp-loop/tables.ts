import { bigint, index, numeric, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * What erp-bridge knows of each invoice it created, as the ERP last said (issue 15). `version` is the
 * ERP's own document version: a read older than the stored one changes nothing.
 */
export const erpInvoiceStates = pgTable(
  'erp_invoice_states',
  {
    requestId: text('request_id').primaryKey(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    leadId: bigint('lead_id', { mode: 'number' }).notNull(),
    erpInvoiceId: text('erp_invoice_id').notNull(),
    state: text('state', { enum: ['issued', 'partially_paid', 'paid', 'cancelled'] }).notNull(),
    sum: numeric('sum', { mode: 'number' }).notNull(),
    paidSum: numeric('paid_sum', { mode: 'number' }).notNull().default(0),
    currency: text('currency').notNull().default('RUB'),
    version: text('version').notNull().default(''),
    link: text('link'),
    /** Polling cursor: the least recently checked open invoices go first. */
    checkedAt: timestamp('checked_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('erp_invoice_states_poll').on(t.accountId, t.checkedAt),
    index('erp_invoice_states_erp_id').on(t.accountId, t.erpInvoiceId),
  ],
);

/**
 * amoCRM writes the ERP loop owes (a note per state change, a stage move, a tag), recorded before
 * they are sent. `dedupe_key` is unique: a duplicate or replayed change records nothing new; the
 * key rides in the note, so a send a crash interrupted is found in amoCRM instead of repeated.
 */
export const erpLoopOutbox = pgTable(
  'erp_loop_outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    leadId: bigint('lead_id', { mode: 'number' }).notNull(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    /** JSON: { note, statusId?, pipelineId?, tag? }. */
    writes: text('writes').notNull(),
    attemptedAt: timestamp('attempted_at', { withTimezone: true }),
    doneAt: timestamp('done_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('erp_loop_outbox_pending').on(t.doneAt, t.accountId)],
);

/**
 * The deal's customer order with its reserve. The row (with its key) is written before the ERP is
 * called, so a crash between the ERP's answer and our commit re-runs with the same key and the
 * connector finds the first order instead of creating a second.
 */
export const erpOrders = pgTable(
  'erp_orders',
  {
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    leadId: bigint('lead_id', { mode: 'number' }).notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    status: text('status', { enum: ['pending', 'reserved', 'releasing', 'released', 'kept', 'failed'] })
      .notNull()
      .default('pending'),
    erpOrderId: text('erp_order_id'),
    number: text('number'),
    link: text('link'),
    /** JSON: { sku: quantity } reserved for this deal (what the guard counts as the deal's own). */
    reserved: text('reserved').notNull().default('{}'),
    error: text('error'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.leadId] })],
);

/** Per account: the unguessable key of the ERP's webhook URL (POST /webhooks/erp/:key). */
export const erpHookKeys = pgTable('erp_hook_keys', {
  accountId: bigint('account_id', { mode: 'number' }).primaryKey(),
  hookKey: text('hook_key').notNull().unique(),
  subscribedUrl: text('subscribed_url'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
