import { z } from 'zod';

/** The rules an operator alert comes from. */
export const AlertRule = z.enum([
  'job_failed',
  'erp_circuit_open',
  'amocrm_blocked',
  'amocrm_tokens_revoked',
  'webhooks_silent',
  'backlog_stale',
]);
export type AlertRule = z.infer<typeof AlertRule>;

export const AlertView = z.object({
  id: z.number().int(),
  rule: AlertRule,
  /** A sentence without secrets or personal data. */
  message: z.string(),
  openedAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolution: z.string().nullable(),
});
export type AlertView = z.infer<typeof AlertView>;

export const AlertList = z.object({ open: z.array(AlertView), recent: z.array(AlertView) });
export type AlertList = z.infer<typeof AlertList>;

/** Where alerts go. The secret is write-only: the view says only whether it is set. */
export const AlertSettingsInput = z
  .object({
    adminUserId: z.number().int().positive().nullable().optional(),
    webhookUrl: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .nullable()
      .optional(),
    webhookSecret: z.string().min(16).max(200).nullable().optional(),
  })
  .strict();
export type AlertSettingsInput = z.infer<typeof AlertSettingsInput>;

export const AlertSettingsView = z.object({
  adminUserId: z.number().int().nullable(),
  webhookUrl: z.string().nullable(),
  webhookSecret: z.enum(['set', 'not set']),
});
export type AlertSettingsView = z.infer<typeof AlertSettingsView>;

/** The body of the outgoing alert webhook (signed: X-Erpb-Signature: sha256=<hex HMAC of the body>). */
export const AlertWebhookBody = z.object({
  event: z.enum(['alert.raised', 'alert.repeated', 'alert.resolved']),
  accountId: z.number().int(),
  alertId: z.number().int(),
  rule: AlertRule,
  message: z.string(),
  at: z.string(),
});
export type AlertWebhookBody = z.infer<typeof AlertWebhookBody>;

/** What the health section shows for the account. */
export const OperatorHealth = z.object({
  amocrm: z.object({
    connected: z.boolean(),
    blockedUntil: z.string().nullable(),
    /** Seconds since the access token was issued; null for a long-lived token or none. */
    tokenAgeSeconds: z.number().int().nullable(),
  }),
  erp: z.object({
    kind: z.string(),
    circuit: z.enum(['closed', 'open', 'half-open', 'unknown']),
    lastSuccessAt: z.string().nullable(),
  }),
  webhooks: z.object({
    lastReceivedAt: z.string().nullable(),
    lagSeconds: z.number().int().nullable(),
    backlog: z.number().int(),
    oldestPendingSeconds: z.number().int().nullable(),
  }),
  guardToday: z.object({ blocked: z.number().int(), unblocked: z.number().int(), warned: z.number().int() }),
  alerts: z.array(AlertView),
});
export type OperatorHealth = z.infer<typeof OperatorHealth>;
