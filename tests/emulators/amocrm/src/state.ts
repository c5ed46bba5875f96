import type {
  Company,
  EntityFieldValue,
  FieldValue,
  LeadField,
  Note,
  Tag,
  Task,
  Webhook,
  WebhookDelivery,
} from './entities.js';
import type { LeadChange } from './leads/changes.js';
import { createLimitState, type LimitState } from './limits/rate-limit.js';
import { OAuthStore } from './oauth/store.js';
import {
  COMPANY_FIELDS,
  CONTACT_FIELDS,
  DEMO_ACCOUNT,
  DEMO_COMPANIES,
  DEMO_CONTACTS,
  DEMO_LEAD_FIELDS,
  DEMO_LEADS,
  DEMO_PIPELINE,
  DEMO_PRODUCTS,
  DEMO_USER_GROUPS,
  DEMO_USERS,
  PRODUCT_FIELDS,
  SEED_TIME,
} from './seed.js';
import { type UiLeadInput, type UiResult, uiCreateLead, uiMoveLead } from './ui.js';

export type * from './entities.js';
export type { LeadChange } from './leads/changes.js';
export type { UiLeadInput, UiResult } from './ui.js';

export interface CustomFieldValue {
  field_id: number;
  values: FieldValue[];
}

export interface CatalogField {
  id: number;
  catalogId: number;
  name: string;
  code: string;
  type: string;
  sort: number;
}

export interface Catalog {
  id: number;
  name: string;
  type: 'regular' | 'invoices' | 'products';
  sort: number;
  createdAt: number;
  updatedAt: number;
}

export interface CatalogElement {
  id: number;
  catalogId: number;
  name: string;
  customFieldsValues: CustomFieldValue[];
  createdAt: number;
  updatedAt: number;
}

export interface LeadProduct {
  elementId: number;
  catalogId: number;
  quantity: number;
  priceId: number | null;
}

export interface Lead {
  id: number;
  name: string;
  price: number;
  statusId: number;
  pipelineId: number;
  responsibleUserId: number;
  createdBy: number;
  updatedBy: number;
  createdAt: number;
  updatedAt: number;
  contactIds: number[];
  companyId: number | null;
  tags: { id: number; name: string }[];
  customFieldsValues: CustomFieldValue[];
  products: LeadProduct[];
}

export interface Contact {
  id: number;
  name: string;
  /** The company's name (the sandbox card shows it). */
  company: string;
  companyId: number | null;
  responsibleUserId: number;
  customFieldsValues: EntityFieldValue[];
}

export interface User {
  id: number;
  name: string;
  email: string;
  isAdmin: boolean;
  /** rights.group_id: the user's group (0 = the main group). */
  groupId: number;
}

export interface Pipeline {
  id: number;
  name: string;
  statuses: { id: number; name: string; color: string; sort: number }[];
}

export interface RuntimeConfig {
  latencyMs: number;
  rateLimitPerSecond: number;
  abuseThreshold: number;
  abuseBlockMs: number;
  apiHonoursRequiredStatuses: boolean;
  autoDeliverWebhooks: boolean;
}

type IdKind = 'lead' | 'note' | 'task' | 'field' | 'tag' | 'webhook' | 'enum' | 'element';

/** Everything the emulator knows. Mutable on purpose: tests and the write routes change it. */
export interface EmulatorState {
  account: { id: number; subdomain: string; name: string; currency: string; country: string };
  /** Long-lived bearer tokens the API accepts forever (OAuth-issued ones live in `oauth`). */
  accessTokens: Set<string>;
  oauth: OAuthStore;
  /** Runtime knobs a test may turn while the emulator runs. */
  config: RuntimeConfig;
  limits: LimitState;
  users: Map<number, User>;
  userGroups: Map<number, { id: number; name: string }>;
  pipelines: Map<number, Pipeline>;
  catalogs: Map<number, Catalog>;
  catalogFields: Map<number, CatalogField[]>;
  elements: Map<number, CatalogElement>;
  leads: Map<number, Lead>;
  leadFields: Map<number, LeadField>;
  tags: Map<number, Tag>;
  notes: Map<number, Note>;
  tasks: Map<number, Task>;
  contacts: Map<number, Contact>;
  companies: Map<number, Company>;
  /** Registered webhooks by destination. */
  webhooks: Map<string, Webhook>;
  /** Every webhook POST attempt, in order. */
  webhookDeliveries: WebhookDelivery[];
  /** Called with each batch of lead changes (one API request or UI action = one batch). */
  leadListeners: Set<(batch: LeadChange[]) => void>;
  /** The user id API writes are attributed to (the one who installed the integration). */
  apiUserId: number;

  nextId(kind: IdKind): number;
  emitLeadChanges(batch: LeadChange[]): void;
  /** A fresh authorization code (single use, 20 minutes), as amoCRM sends to the redirect URI. */
  issueAuthCode(): string;
  /** Expires every OAuth-issued access token now (the static `accessToken` stays valid). */
  expireAccessTokens(): void;
  revokeRefreshTokens(): void;
  /** Successful refresh_token grants so far. */
  refreshCount(): number;
  /** Blocks the account as after abuse: every API request answers 403 HTML for `ms`. */
  blockAccount(ms?: number): void;
  unblockAccount(): void;
  /** A manager drags the lead to a stage in amoCRM's UI: refused when a required field is empty. */
  uiMoveLead(leadId: number, statusId: number, pipelineId?: number, userId?: number): UiResult;
  /** A manager creates a lead in the UI: refused when a field required in its stage is empty. */
  uiCreateLead(input: UiLeadInput): UiResult;
}

export interface StateOptions {
  accountId: number;
  subdomain: string;
  accessToken: string;
  latencyMs: number;
  clientId?: string;
  accessTokenTtlSeconds?: number;
  rateLimitPerSecond?: number;
  abuseThreshold?: number;
  abuseBlockMs?: number;
  apiHonoursRequiredStatuses?: boolean;
  autoDeliverWebhooks?: boolean;
}

type SeedField = { id: number; name: string; code: string | null; type: string };

const multitext = (field: SeedField, value: string) => ({
  field_id: field.id,
  field_name: field.name,
  field_code: field.code,
  field_type: field.type,
  values: [field.type === 'multitext' ? { value, enum_code: 'WORK' } : { value }],
});

/** A seeded contact's or company's values: one per field of its entity, read from the seed by the field's key. */
function seededValues<F extends Record<string, SeedField>>(fields: F, seed: Record<keyof F, string>) {
  return Object.entries(fields).map(([key, field]) => multitext(field, seed[key] as string));
}

export function createState(opts: StateOptions): EmulatorState {
  const catalogId = DEMO_ACCOUNT.productsCatalogId;
  const elements = new Map<number, CatalogElement>(
    DEMO_PRODUCTS.map((p) => [
      p.id,
      {
        id: p.id,
        catalogId,
        name: p.name,
        customFieldsValues: productFieldValues(p.sku, p.price, p.unit),
        createdAt: SEED_TIME,
        updatedAt: SEED_TIME,
      },
    ]),
  );
  const priceOf = (elementId: number) => DEMO_PRODUCTS.find((p) => p.id === elementId)?.price ?? 0;
  const counters: Record<IdKind, number> = {
    lead: 1100,
    note: 60_000,
    task: 70_000,
    field: 720_100,
    tag: 90_000,
    webhook: 10,
    enum: 800_000,
    element: 510_000,
  };
  const config: RuntimeConfig = {
    latencyMs: opts.latencyMs,
    rateLimitPerSecond: opts.rateLimitPerSecond ?? 7,
    abuseThreshold: opts.abuseThreshold ?? 30,
    abuseBlockMs: opts.abuseBlockMs ?? 60_000,
    apiHonoursRequiredStatuses: opts.apiHonoursRequiredStatuses ?? false,
    autoDeliverWebhooks: opts.autoDeliverWebhooks ?? true,
  };
  const oauth = new OAuthStore({
    clientId: opts.clientId ?? 'demo-client-id',
    accountId: opts.accountId,
    userId: DEMO_ACCOUNT.adminUserId,
    ttlSeconds: () => opts.accessTokenTtlSeconds ?? 86_400,
  });

  const state: EmulatorState = {
    account: {
      id: opts.accountId,
      subdomain: opts.subdomain,
      name: DEMO_ACCOUNT.name,
      currency: DEMO_ACCOUNT.currency,
      country: DEMO_ACCOUNT.country,
    },
    accessTokens: new Set([opts.accessToken]),
    oauth,
    config,
    limits: createLimitState(),
    users: new Map(DEMO_USERS.map((u) => [u.id, { ...u }])),
    userGroups: new Map(DEMO_USER_GROUPS.map((g) => [g.id, { ...g }])),
    pipelines: new Map([
      [
        DEMO_PIPELINE.id,
        {
          id: DEMO_PIPELINE.id,
          name: DEMO_PIPELINE.name,
          statuses: DEMO_PIPELINE.statuses.map((s) => ({ ...s })),
        },
      ],
    ]),
    catalogs: new Map([
      [
        catalogId,
        {
          id: catalogId,
          name: 'Товары',
          type: 'products',
          sort: 10,
          createdAt: SEED_TIME,
          updatedAt: SEED_TIME,
        },
      ],
      // amoCRM's invoices list (one per account); elements are added through the API.
      [
        DEMO_ACCOUNT.invoicesCatalogId,
        {
          id: DEMO_ACCOUNT.invoicesCatalogId,
          name: 'Счета/покупки',
          type: 'invoices',
          sort: 20,
          createdAt: SEED_TIME,
          updatedAt: SEED_TIME,
        },
      ],
    ]),
    catalogFields: new Map([[catalogId, PRODUCT_FIELDS.map((f) => ({ ...f, catalogId }))]]),
    elements,
    leads: new Map(
      DEMO_LEADS.map((l): [number, Lead] => [
        l.id,
        {
          id: l.id,
          name: l.name,
          // amoCRM budgets are whole numbers.
          price: Math.round(l.products.reduce((sum, p) => sum + p.quantity * priceOf(p.elementId), 0)),
          statusId: l.statusId,
          pipelineId: DEMO_PIPELINE.id,
          responsibleUserId: l.responsibleUserId,
          createdBy: l.responsibleUserId,
          updatedBy: l.responsibleUserId,
          createdAt: SEED_TIME,
          updatedAt: SEED_TIME,
          contactIds: [...l.contactIds],
          companyId: l.companyId,
          tags: [],
          customFieldsValues: [],
          products: l.products.map((p) => ({
            elementId: p.elementId,
            catalogId,
            quantity: p.quantity,
            priceId: DEMO_ACCOUNT.priceFieldId,
          })),
        },
      ]),
    ),
    leadFields: new Map(
      DEMO_LEAD_FIELDS.map((f): [number, LeadField] => [
        f.id,
        { ...f, isApiOnly: false, requiredStatuses: [], enums: null },
      ]),
    ),
    tags: new Map(),
    notes: new Map(),
    tasks: new Map(),
    contacts: new Map(
      DEMO_CONTACTS.map((c): [number, Contact] => [
        c.id,
        {
          id: c.id,
          name: c.name,
          company: c.company,
          companyId: c.companyId,
          responsibleUserId: DEMO_ACCOUNT.userId,
          customFieldsValues: seededValues(CONTACT_FIELDS, c),
        },
      ]),
    ),
    companies: new Map(
      DEMO_COMPANIES.map((c): [number, Company] => [
        c.id,
        {
          id: c.id,
          name: c.name,
          responsibleUserId: DEMO_ACCOUNT.userId,
          customFieldsValues: seededValues(COMPANY_FIELDS, c),
        },
      ]),
    ),
    webhooks: new Map(),
    webhookDeliveries: [],
    leadListeners: new Set(),
    apiUserId: DEMO_ACCOUNT.adminUserId,

    nextId: (kind) => ++counters[kind],
    emitLeadChanges(batch) {
      if (batch.length === 0) return;
      for (const listener of state.leadListeners) listener(batch);
    },
    issueAuthCode: () => oauth.issueCode(),
    expireAccessTokens: () => oauth.expireAccessTokens(),
    revokeRefreshTokens: () => oauth.revokeRefreshTokens(),
    refreshCount: () => oauth.refreshGrants,
    blockAccount(ms = config.abuseBlockMs) {
      state.limits.blockedUntil = Date.now() + ms;
    },
    unblockAccount() {
      state.limits.blockedUntil = 0;
      state.limits.rejected = [];
      state.limits.admitted = [];
    },
    uiMoveLead: (leadId, statusId, pipelineId, userId) =>
      uiMoveLead(state, leadId, statusId, pipelineId, userId),
    uiCreateLead: (input) => uiCreateLead(state, input),
  };
  return state;
}

function productFieldValues(sku: string | null, price: number, unit: string): CustomFieldValue[] {
  const values: CustomFieldValue[] = [];
  if (sku !== null) values.push({ field_id: DEMO_ACCOUNT.skuFieldId, values: [{ value: sku }] });
  values.push({ field_id: DEMO_ACCOUNT.priceFieldId, values: [{ value: price }] });
  values.push({ field_id: 710006, values: [{ value: unit }] });
  return values;
}
