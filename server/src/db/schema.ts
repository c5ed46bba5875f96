import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** One amoCRM account that installed the widget. Tokens are stored encrypted (crypto/secret-box). */
export const installations = pgTable('installations', {
  id: serial('id').primaryKey(),
  accountId: bigint('account_id', { mode: 'number' }).notNull().unique(),
  subdomain: text('subdomain').notNull(),
  /** amocrm.ru | amocrm.com | kommo.com */
  domain: text('domain').notNull().default('amocrm.ru'),
  status: text('status', { enum: ['active', 'disabled'] })
    .notNull()
    .default('active'),
  accessTokenEnc: text('access_token_enc'),
  refreshTokenEnc: text('refresh_token_enc'),
  tokenExpiresAt: timestamp('token_expires_at', { withTimezone: true }),
  /** When the stored refresh token was obtained: it dies unused after about 3 months. */
  refreshTokenIssuedAt: timestamp('refresh_token_issued_at', { withTimezone: true }),
  /** Cross-process refresh lease: only the holder may spend the single-use refresh token. */
  refreshLeaseOwner: text('refresh_lease_owner'),
  refreshLeaseUntil: timestamp('refresh_lease_until', { withTimezone: true }),
  /** Set when amoCRM refused our refresh token: the account must reinstall (never retried blindly). */
  authError: text('auth_error'),
  /** Open after amoCRM blocked the account for abuse (403): no calls until then. */
  circuitOpenUntil: timestamp('circuit_open_until', { withTimezone: true }),
  circuitReason: text('circuit_reason'),
  /** Unguessable path segment of this installation's webhook URL. */
  hookKey: text('hook_key').notNull().unique(),
  /** Reconciliation cursor: leads updated after this were polled. */
  reconciledUntil: timestamp('reconciled_until', { withTimezone: true }),
  /** When reconciliation last stored a change no webhook had brought (the webhooks-silent alert). */
  reconcileFoundAt: timestamp('reconcile_found_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** jti of every disposable token accepted, kept until the token expires, so a replay is refused. */
export const usedTokenIds = pgTable(
  'used_token_ids',
  {
    jti: text('jti').primaryKey(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('used_token_ids_expires_at').on(t.expiresAt)],
);

/** The embedded stock store ("local" connector): free stock = stock - reserve. */
export const localStock = pgTable(
  'local_stock',
  {
    storeId: text('store_id').notNull().default('default'),
    sku: text('sku').notNull(),
    warehouseId: text('warehouse_id').notNull(),
    warehouseName: text('warehouse_name').notNull(),
    name: text('name').notNull(),
    stock: numeric('stock', { mode: 'number' }).notNull(),
    reserve: numeric('reserve', { mode: 'number' }).notNull().default(0),
    price: numeric('price', { mode: 'number' }),
    currency: text('currency').notNull().default('RUB'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.sku, t.warehouseId] })],
);

/** Customers of the embedded store (the demo's and small shops' "ERP"). */
export const localCustomers = pgTable(
  'local_customers',
  {
    id: text('id').primaryKey(),
    storeId: text('store_id').notNull().default('default'),
    name: text('name').notNull(),
    inn: text('inn'),
    phone: text('phone'),
    /** Last 10 digits of the phone, so any written form matches. */
    phoneKey: text('phone_key'),
    email: text('email'),
    balance: numeric('balance', { mode: 'number' }),
    currency: text('currency').notNull().default('RUB'),
  },
  (t) => [
    index('local_customers_inn').on(t.storeId, t.inn),
    index('local_customers_phone').on(t.storeId, t.phoneKey),
  ],
);

/** Orders and invoices of the embedded store. idempotency_key makes invoice creation exactly-once. */
export const localDocuments = pgTable(
  'local_documents',
  {
    id: text('id').primaryKey(),
    storeId: text('store_id').notNull().default('default'),
    customerId: text('customer_id').notNull(),
    kind: text('kind', { enum: ['order', 'invoice'] }).notNull(),
    number: text('number').notNull(),
    date: timestamp('date', { withTimezone: true }).notNull(),
    sum: numeric('sum', { mode: 'number' }).notNull(),
    currency: text('currency').notNull().default('RUB'),
    idempotencyKey: text('idempotency_key').unique(),
    positions: text('positions'),
    /** Invoices: issued | partially_paid | paid | cancelled; orders: reserved | released (issue 15). */
    state: text('state'),
    paidSum: numeric('paid_sum', { mode: 'number' }),
    /** Orders: the reserve taken per SKU and warehouse (JSON), so a release gives back exactly that. */
    reserved: text('reserved'),
    /** Bumped on every change: the version invoiceStatus reports. */
    changedAt: timestamp('changed_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  },
  (t) => [index('local_documents_customer').on(t.customerId, t.kind, t.date)],
);

/** Recent amoCRM requests per account, shared by every instance: the rate limit's sliding window. */
export const amoRateSends = pgTable(
  'amo_rate_sends',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true, precision: 6 }).notNull(),
  },
  (t) => [index('amo_rate_sends_account').on(t.accountId, t.sentAt)],
);

/**
 * Every webhook amoCRM sent us, stored before we answer. One row per event (entity, action, id,
 * modification time): a duplicate delivery hits the unique dedupe key and is dropped.
 */
export const webhookInbox = pgTable(
  'webhook_inbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    entity: text('entity').notNull(),
    action: text('action').notNull(),
    entityId: bigint('entity_id', { mode: 'number' }).notNull(),
    event: text('event').notNull(),
    rawBodyId: bigint('raw_body_id', { mode: 'number' }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    enqueuedAt: timestamp('enqueued_at', { withTimezone: true }),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    index('webhook_inbox_pending').on(t.processedAt, t.receivedAt),
    index('webhook_inbox_account_received').on(t.accountId, t.receivedAt),
  ],
);

/** Raw webhook bodies as received, for audit and replay. */
export const webhookBodies = pgTable('webhook_bodies', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  accountId: bigint('account_id', { mode: 'number' }).notNull(),
  body: text('body').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Per-account ERP connection. Secrets (tokens, passwords, REST mappings) are sealed; the rest is plain. */
export const erpSettings = pgTable('erp_settings', {
  accountId: bigint('account_id', { mode: 'number' }).primaryKey(),
  kind: text('kind', { enum: ['local', 'moysklad', 'onec', 'rest'] }).notNull(),
  publicJson: text('public_json').notNull(),
  secretsEnc: text('secrets_enc'),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Guard, invoice and field settings of an account (validated by the shared AccountSettings schema). */
export const accountSettings = pgTable('account_settings', {
  accountId: bigint('account_id', { mode: 'number' }).primaryKey(),
  json: text('json').notNull(),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** What the guard knows about a deal: its last verdict, the last stage it held with stock OK, a work lease. */
export const guardLeads = pgTable(
  'guard_leads',
  {
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    leadId: bigint('lead_id', { mode: 'number' }).notNull(),
    lastVerdict: text('last_verdict'),
    /** Hash of the blocking reasons, so an unchanged block writes no second note. */
    reasonsHash: text('reasons_hash'),
    lastGoodPipelineId: bigint('last_good_pipeline_id', { mode: 'number' }),
    lastGoodStatusId: bigint('last_good_status_id', { mode: 'number' }),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    /** Who holds the lease (one token per enforcement run). */
    leaseOwner: text('lease_owner'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** A decision written ahead of its amoCRM writes (JSON), cleared once its outcome is stored. */
    pendingDecision: text('pending_decision'),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.leadId] })],
);

/** Audit: every guard decision with its numbers, rule, actions and cause. */
export const guardDecisions = pgTable(
  'guard_decisions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    leadId: bigint('lead_id', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    cause: text('cause').notNull(),
    causeEvent: text('cause_event'),
    verdict: text('verdict').notNull(),
    reasons: text('reasons').notNull(),
    actions: text('actions').notNull(),
    pipelineId: bigint('pipeline_id', { mode: 'number' }).notNull(),
    statusId: bigint('status_id', { mode: 'number' }).notNull(),
    rules: text('rules').notNull(),
  },
  (t) => [index('guard_decisions_lead').on(t.accountId, t.leadId, t.at)],
);

/** Invoice requests from the deal card: one per idempotency key, followed until created or failed. */
export const invoiceRequests = pgTable(
  'invoice_requests',
  {
    id: text('id').primaryKey(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    leadId: bigint('lead_id', { mode: 'number' }).notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: text('status', { enum: ['pending', 'created', 'failed'] })
      .notNull()
      .default('pending'),
    positions: text('positions').notNull(),
    total: numeric('total', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    customerId: text('customer_id').notNull(),
    requestedBy: bigint('requested_by', { mode: 'number' }).notNull(),
    erpInvoiceId: text('erp_invoice_id'),
    number: text('number'),
    sum: numeric('sum', { mode: 'number' }),
    link: text('link'),
    noteWritten: boolean('note_written').notNull().default(false),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('invoice_requests_key').on(t.accountId, t.idempotencyKey),
    index('invoice_requests_lead').on(t.accountId, t.leadId),
  ],
);

/** Which ERP customer a contact or company card is, once a person picked it among several. */
export const customerLinks = pgTable(
  'customer_links',
  {
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    entityType: text('entity_type', { enum: ['contacts', 'companies'] }).notNull(),
    entityId: bigint('entity_id', { mode: 'number' }).notNull(),
    customerId: text('customer_id').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.entityType, t.entityId] })],
);

// The ERP loop's tables (invoice states, the amoCRM write outbox, orders, ERP hook keys) live with it.
export * from '../erp-loop/tables.js';
