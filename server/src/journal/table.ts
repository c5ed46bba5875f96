import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** One request sent or received (migrations 0009_operator_journal, 0010_journal_purge_by_id, 0011_operator_signal_indexes). */
export const exchangeJournal = pgTable(
  'exchange_journal',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    accountId: bigint('account_id', { mode: 'number' }),
    direction: text('direction').notNull(),
    system: text('system').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    status: integer('status').notNull(),
    latencyMs: integer('latency_ms').notNull(),
    attempt: integer('attempt').notNull(),
    requestId: text('request_id'),
    jobId: text('job_id'),
    widgetRequestId: text('widget_request_id'),
    leadId: bigint('lead_id', { mode: 'number' }),
  },
  (t) => [
    index('exchange_journal_account_at').on(t.accountId, t.at),
    // The ERP's last good and first failing call (alerts/signals.ts) without walking widget rows.
    index('exchange_journal_erp').on(t.accountId, t.at).where(sql`${t.system} = 'erp'`),
  ],
);
