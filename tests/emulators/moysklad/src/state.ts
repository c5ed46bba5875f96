import { createHash } from 'node:crypto';
import { CUSTOMERS, ITEMS, WAREHOUSES, type WarehouseKey } from '../../../fixtures/erp-dataset.js';
import { moscowTime, withMillis } from './wire.js';

export interface Product {
  id: string;
  name: string;
  article: string;
  code: string;
  externalCode: string;
  /** Kopecks, price type "Цена продажи". */
  salePrice: number;
  archived: boolean;
  /** Name of the unit of measure (шт, м, ...), sent with expand=uom. */
  uomName?: string;
}

/**
 * A service (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-usluga): "a special
 * kind of product" with code and externalCode but no article, and no stock in any report.
 */
export interface Service {
  id: string;
  name: string;
  code: string;
  externalCode: string;
  /** Kopecks, price type "Цена продажи". */
  salePrice: number;
  archived: boolean;
}

/**
 * Reserve (and in-transit) of an item tied to no store: a customer order without a store. The short
 * report writes it as a row with "storeId": null (negative in freeStock). Source:
 * https://dev.moysklad.ru/doc/api/remap/1.2/reports/#otchety-otchet-ostatki-kratkij-otchet-ob-ostatkah
 */
export interface UnassignedRecord {
  assortmentId: string;
  reserve: number;
  inTransit: number;
}

export interface Store {
  id: string;
  name: string;
}

/** One recalculated stock record; items never moved through a store have none. */
export interface StockRecord {
  assortmentId: string;
  storeId: string;
  stock: number;
  reserve: number;
  inTransit: number;
}

export interface Counterparty {
  id: string;
  name: string;
  inn: string;
  phone: string;
  email: string;
  companyType: 'legal' | 'entrepreneur' | 'individual';
  externalCode: string;
  /** Kopecks; negative = the counterparty owes us (sign as in the shared dataset). */
  balance: number;
  created: string;
}

export interface DocumentPosition {
  assortmentId: string;
  quantity: number;
  /** Kopecks per unit. */
  price: number;
  /** Position id (customer order positions are addressable: .../positions/{id}). */
  id?: string;
  /** Customer orders: the reserved quantity of this position. */
  reserve?: number;
}

export interface Document {
  id: string;
  type: 'customerorder' | 'invoiceout' | 'paymentin';
  name: string;
  /** Moscow "YYYY-MM-DD HH:mm:ss.SSS". */
  moment: string;
  created: string;
  updated: string;
  /** Kopecks. */
  sum: number;
  externalCode: string;
  agentId: string;
  organizationId: string;
  description?: string;
  positions: DocumentPosition[];
  /** Kopecks paid against an invoice (invoiceout.payedSum). */
  payedSum?: number;
  /** Name of the document's user-defined status (`state`), if one is set. */
  stateName?: string;
  /** paymentin: the documents the payment pays (`operations`). */
  operations?: { type: 'invoiceout' | 'customerorder'; id: string; linkedSum: number }[];
}

export interface Organization {
  id: string;
  name: string;
  inn: string;
}

export interface EmulatorState {
  accountId: string;
  organization: Organization;
  products: Product[];
  stores: Store[];
  stock: StockRecord[];
  /** Store-less reserve / in-transit rows (none in the seed; tests add them). */
  unassigned: UnassignedRecord[];
  /** Items whose stock MoySklad has not recalculated yet: absent from the short report, even with zeroLines. */
  notRecalculated: Set<string>;
  services: Service[];
  counterparties: Counterparty[];
  documents: Document[];
  /** Last auto-assigned invoice number. */
  invoiceCounter: number;
  /** Registered webhooks (POST /entity/webhook). */
  webhooks: {
    id: string;
    url: string;
    action: string;
    entityType: string;
    enabled: boolean;
    /** UPDATE hooks only: FIELDS adds `updatedFields` to each event (default NONE). */
    diffType?: 'NONE' | 'FIELDS';
  }[];
  /** Highest number of requests in flight at once, over all tokens (tests assert limiters with it). */
  peakInFlight: number;
}

/** Stable UUID-shaped ids, so a seeded id is the same in every run. */
export function seededId(key: string): string {
  const h = createHash('sha1').update(`moysklad:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const kopecks = (roubles: number) => Math.round(roubles * 100);

/** Services of the seeded account; their code is what a deal line's SKU names. */
export const SERVICES = [{ code: 'SRV-DELIVERY', name: 'Доставка по городу', price: 1500 }];

/** The shared dataset in MoySklad's terms: article = SKU, prices and balances in kopecks. */
export function createState(): EmulatorState {
  const created = moscowTime(new Date('2026-01-10T06:00:00Z'));
  const organization: Organization = {
    id: seededId('organization'),
    name: 'ООО «Инструмент-Опт»',
    inn: '7700000001',
  };
  const stores = (Object.entries(WAREHOUSES) as [WarehouseKey, string][]).map(([key, name]) => ({
    id: seededId(`store:${key}`),
    name,
  }));
  const products: Product[] = ITEMS.map((item, i) => ({
    id: seededId(`product:${item.sku}`),
    name: item.name,
    article: item.sku,
    code: String(i + 1).padStart(5, '0'),
    externalCode: `ext-${item.sku}`,
    salePrice: kopecks(item.price),
    archived: false,
    uomName: /\(м\)$/.test(item.name) ? 'м' : 'шт',
  }));
  const stock: StockRecord[] = [];
  for (const item of ITEMS) {
    for (const key of Object.keys(WAREHOUSES) as WarehouseKey[]) {
      const { stock: qty, reserve } = item.stock[key];
      // Zero records exist too: the short report leaves them out unless include=zeroLines is sent.
      stock.push({
        assortmentId: seededId(`product:${item.sku}`),
        storeId: seededId(`store:${key}`),
        stock: qty,
        reserve,
        inTransit: 0,
      });
    }
  }
  const counterparties: Counterparty[] = CUSTOMERS.map((c) => ({
    id: seededId(`counterparty:${c.key}`),
    name: c.name,
    inn: c.inn,
    phone: c.phone,
    email: c.email,
    companyType: c.inn.length === 12 ? 'entrepreneur' : 'legal',
    externalCode: `ext-${c.key}`,
    balance: kopecks(c.balance),
    created,
  }));
  const documents: Document[] = CUSTOMERS.flatMap((c) => [
    ...c.orders.map((d) => seedDocument('customerorder', c.key, d, organization.id)),
    ...c.invoices.map((d) => seedDocument('invoiceout', c.key, d, organization.id)),
  ]);
  return {
    accountId: seededId('account'),
    organization,
    products,
    stores,
    stock,
    unassigned: [],
    notRecalculated: new Set(),
    services: SERVICES.map((svc) => ({
      id: seededId(`service:${svc.code}`),
      name: svc.name,
      code: svc.code,
      externalCode: `ext-${svc.code}`,
      salePrice: kopecks(svc.price),
      archived: false,
    })),
    counterparties,
    documents,
    invoiceCounter: 0,
    webhooks: [],
    peakInFlight: 0,
  };
}

function seedDocument(
  type: Document['type'],
  customerKey: string,
  d: { number: string; moment: string; sum: number },
  organizationId: string,
): Document {
  const moment = withMillis(d.moment);
  return {
    id: seededId(`${type}:${d.number}`),
    type,
    name: d.number,
    moment,
    created: moment,
    updated: moment,
    sum: kopecks(d.sum),
    externalCode: `ext-${type}-${d.number}`,
    agentId: seededId(`counterparty:${customerKey}`),
    organizationId,
    positions: [],
  };
}
