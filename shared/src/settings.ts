import { z } from 'zod';
import { LookupKey } from './customer.js';
import { ErpLoopSettings } from './erp-loop.js';
import { GuardRules } from './guard.js';
import { ProblemCode } from './problem.js';

/** An ERP connection as written by the settings page. Secret fields are write-only. */
export const ErpConnectionInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), storeId: z.string().min(1).max(64).default('default') }),
  z.object({ kind: z.literal('moysklad'), apiBase: z.url().optional(), token: z.string().min(1).optional() }),
  z.object({
    kind: z.literal('onec'),
    odataUrl: z.url(),
    user: z.string().min(1),
    password: z.string().optional(),
    stockRegister: z.string().min(1).optional(),
    invoiceDocument: z.string().min(1).optional(),
  }),
  /** The mapping JSON carries auth values, so all of it is a secret. */
  z.object({ kind: z.literal('rest'), mapping: z.string().min(2).optional() }),
]);
export type ErpConnectionInput = z.infer<typeof ErpConnectionInput>;

export const SecretStatus = z.enum(['set', 'not set']);

/** The same connection as the API shows it: public fields, and only "set" / "not set" for secrets. */
export const ErpConnectionView = z
  .object({
    kind: z.enum(['local', 'moysklad', 'onec', 'rest']),
    secrets: z.record(z.string(), SecretStatus),
  })
  .catchall(z.unknown());
export type ErpConnectionView = z.infer<typeof ErpConnectionView>;

export const InvoiceSettings = z.object({
  /** amoCRM users and groups who may request invoices; both empty = everyone. */
  allowedUserIds: z.array(z.number().int().positive()).max(500).default([]),
  allowedGroupIds: z.array(z.number().int().nonnegative()).max(100).default([]),
  /** Deal field that receives the invoice number (optional). */
  numberFieldId: z.number().int().positive().nullable().default(null),
  /** Also add an element to amoCRM's invoices catalog. */
  addToInvoicesCatalog: z.boolean().default(false),
});
export type InvoiceSettings = z.infer<typeof InvoiceSettings>;

export const FieldMappings = z.object({
  /** Code of the products catalog field that holds the SKU. */
  skuFieldCode: z.string().min(1).max(64).default('SKU'),
  priceFieldCode: z.string().min(1).max(64).default('PRICE'),
  /** Order in which a contact/company is looked up in the ERP. */
  customerLookupOrder: z.array(LookupKey).min(1).max(3).default(['inn', 'phone', 'email']),
  /** Company custom field holding the INN (amoCRM has no standard code for it). */
  innFieldId: z.number().int().positive().nullable().default(null),
});
export type FieldMappings = z.infer<typeof FieldMappings>;

/**
 * The guard of an installation that has saved no settings yet: on, so every new deal is checked
 * from the first webhook, but it only flags (tag, one note, one task): moving a deal back needs
 * stages an admin chose to gate. An installation that saved settings keeps what it saved.
 */
export const NEW_INSTALLATION_GUARD: GuardRules = GuardRules.parse({
  enabled: true,
  action: { type: 'flag_only' },
});

export const AccountSettings = z.object({
  guard: GuardRules,
  invoices: InvoiceSettings,
  fields: FieldMappings,
  /** Issue 15: paid -> stage, cancelled -> tag, reserve / release / keep stages. */
  loop: ErpLoopSettings.optional(),
});
export type AccountSettings = z.infer<typeof AccountSettings>;

/** GET /api/v1/settings */
export const SettingsView = AccountSettings.extend({
  erp: ErpConnectionView,
  health: z.object({
    installation: z.object({
      accountId: z.number().int(),
      subdomain: z.string(),
      status: z.string(),
      authError: z.string().nullable(),
      /** Where amoCRM posts this account's webhooks (registered automatically). */
      webhookUrl: z.string(),
      /** The Digital Pipeline action URL (one static URL for every account, as in the manifest). */
      dpWebhookUrl: z.string(),
    }),
    webhooks: z.object({
      received: z.number().int(),
      pending: z.number().int(),
      lastReceivedAt: z.string().nullable(),
    }),
    amocrm: z.object({ blockedUntil: z.string().nullable() }),
    erp: z.object({ circuit: z.enum(['closed', 'open', 'half-open']) }),
  }),
});
export type SettingsView = z.infer<typeof SettingsView>;

type PatchShape<T extends z.ZodRawShape> = {
  [K in keyof T]: z.ZodOptional<T[K] extends z.ZodDefault<infer Inner> ? Inner : T[K]>;
};

/**
 * A section's patch: every field optional and without its default. zod's `.partial()` keeps
 * `.default()`, which would fill every field a PUT leaves out and reset it; a patch must name only
 * what it changes. Fields are replaced whole when named (arrays and the action included).
 */
export function patchOf<T extends z.ZodRawShape>(section: z.ZodObject<T>): z.ZodObject<PatchShape<T>> {
  const shape = Object.fromEntries(
    Object.entries(section.shape).map(([key, field]) => [
      key,
      ((field instanceof z.ZodDefault ? field.unwrap() : field) as z.ZodType).optional(),
    ]),
  );
  return z.object(shape) as unknown as z.ZodObject<PatchShape<T>>;
}

/** PUT /api/v1/settings: any subset; a PUT changes exactly the fields it names. */
export const SettingsUpdate = z.object({
  erp: ErpConnectionInput.optional(),
  guard: patchOf(GuardRules).optional(),
  invoices: patchOf(InvoiceSettings).optional(),
  fields: patchOf(FieldMappings).optional(),
  loop: patchOf(ErpLoopSettings).optional(),
});
export type SettingsUpdate = z.infer<typeof SettingsUpdate>;

/** POST /api/v1/settings/test-connection (body: a connection to try, or none = the saved one). */
export const ConnectionTestResult = z.object({
  ok: z.boolean(),
  /** Our own sentence; never the remote host's answer. */
  detail: z.string(),
  /** Why it failed, for the widget to word (erp.auth_failed, erp.unavailable, ...). */
  code: ProblemCode.optional(),
  warehouses: z.array(z.string()).optional(),
});
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>;

/** POST /api/v1/settings/test-connection body: the connection to try (absent: the saved one). */
export const ConnectionTestInput = z.object({ erp: ErpConnectionInput.optional() });
export type ConnectionTestInput = z.infer<typeof ConnectionTestInput>;

/** POST /api/v1/settings/guard-setup: set up (true) or lift (false) the native stage gate. */
export const GuardSetupInput = z.object({ enable: z.boolean() });
export type GuardSetupInput = z.infer<typeof GuardSetupInput>;

/** The gate's "stock checked" deal field and how many stages now require it. */
export const GuardSetupResult = z.object({ fieldId: z.number().int(), requiredStatuses: z.number().int() });
export type GuardSetupResult = z.infer<typeof GuardSetupResult>;
