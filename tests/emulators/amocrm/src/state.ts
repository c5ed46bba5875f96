import {
  DEMO_ACCOUNT,
  DEMO_CONTACTS,
  DEMO_LEADS,
  DEMO_PIPELINE,
  DEMO_PRODUCTS,
  DEMO_USERS,
  PRODUCT_FIELDS,
  SEED_TIME,
} from './seed.js';

export interface CustomFieldValue {
  field_id: number;
  values: { value: string | number | boolean }[];
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
  createdAt: number;
  updatedAt: number;
  contactIds: number[];
  tags: { id: number; name: string }[];
  products: LeadProduct[];
}

export interface Contact {
  id: number;
  name: string;
  company: string;
}

export interface User {
  id: number;
  name: string;
  email: string;
  isAdmin: boolean;
}

export interface Pipeline {
  id: number;
  name: string;
  statuses: { id: number; name: string; color: string; sort: number }[];
}

/** Everything the emulator knows. Mutable on purpose: tests and future write routes change it. */
export interface EmulatorState {
  account: { id: number; subdomain: string; name: string; currency: string; country: string };
  /** Bearer tokens the API accepts. A Set so OAuth can add issued tokens later. */
  accessTokens: Set<string>;
  /** Runtime knobs a test may turn while the emulator runs. */
  config: { latencyMs: number };
  users: Map<number, User>;
  pipelines: Map<number, Pipeline>;
  catalogs: Map<number, Catalog>;
  catalogFields: Map<number, CatalogField[]>;
  elements: Map<number, CatalogElement>;
  leads: Map<number, Lead>;
  contacts: Map<number, Contact>;
}

export interface StateOptions {
  accountId: number;
  subdomain: string;
  accessToken: string;
  latencyMs: number;
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

  return {
    account: {
      id: opts.accountId,
      subdomain: opts.subdomain,
      name: DEMO_ACCOUNT.name,
      currency: DEMO_ACCOUNT.currency,
      country: DEMO_ACCOUNT.country,
    },
    accessTokens: new Set([opts.accessToken]),
    config: { latencyMs: opts.latencyMs },
    users: new Map(DEMO_USERS.map((u) => [u.id, { ...u }])),
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
          createdAt: SEED_TIME,
          updatedAt: SEED_TIME,
          contactIds: [...l.contactIds],
          tags: [],
          products: l.products.map((p) => ({
            elementId: p.elementId,
            catalogId,
            quantity: p.quantity,
            priceId: DEMO_ACCOUNT.priceFieldId,
          })),
        },
      ]),
    ),
    contacts: new Map(DEMO_CONTACTS.map((c) => [c.id, { ...c }])),
  };
}

function productFieldValues(sku: string | null, price: number, unit: string): CustomFieldValue[] {
  const values: CustomFieldValue[] = [];
  if (sku !== null) values.push({ field_id: DEMO_ACCOUNT.skuFieldId, values: [{ value: sku }] });
  values.push({ field_id: DEMO_ACCOUNT.priceFieldId, values: [{ value: price }] });
  values.push({ field_id: 710006, values: [{ value: unit }] });
  return values;
}
