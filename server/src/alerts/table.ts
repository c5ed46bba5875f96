import { bigint, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** One incident per row (migration 0009_operator_journal); at most one open per account, rule and key. */
export const operatorAlerts = pgTable('operator_alerts', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  accountId: bigint('account_id', { mode: 'number' }).notNull(),
  rule: text('rule').notNull(),
  incidentKey: text('incident_key').notNull(),
  message: text('message').notNull(),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  lastNotifiedAt: timestamp('last_notified_at', { withTimezone: true }).notNull(),
  notifications: integer('notifications').notNull().default(1),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  resolution: text('resolution'),
});

/** Where an account's alerts go; the webhook secret is sealed with the secret box. */
export const alertSettings = pgTable('alert_settings', {
  accountId: bigint('account_id', { mode: 'number' }).primaryKey(),
  adminUserId: bigint('admin_user_id', { mode: 'number' }),
  webhookUrl: text('webhook_url'),
  webhookSecretEnc: text('webhook_secret_enc'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
