import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  type CreatedInvoice,
  type CreateInvoiceInput,
  type Customer,
  type CustomerQuery,
  type CustomerSummary,
  type ErpConnector,
  type ErpDocument,
  ErpError,
  type ErpItem,
  type ErpItemStock,
  type Warehouse,
} from '../connector.js';
import { SingleFlight, TtlCache } from './cache.js';
import { HttpClient, MoySkladError } from './http.js';
import { chunkByUrlLength, fromKopecks, isFilterSafe, moscowToIso, phoneKey, toKopecks } from './mapping.js';
import * as S from './schemas.js';
import { readStoreStock } from './stock-report.js';

export interface MoySkladConnectorOptions {
  token: string;
  onExchange?: import('./http.js').HttpClientOptions['onExchange'];
  /** Default https://api.moysklad.ru/api/remap/1.2 */
  apiBase?: string;
  fetch?: typeof fetch;
  /** Per request, default 10 s. */
  timeoutMs?: number;
  /** MoySklad allows 5 parallel requests per user or solution token. */
  maxInFlight?: number;
  currency?: 'RUB';
  /** Where people open MoySklad in a browser, default https://online.moysklad.ru */
  uiBase?: string;
  /** How long a SKU -> product lookup is remembered, default 10 min. */
  skuCacheTtlMs?: number;
  /** How long an unknown SKU is remembered as unknown, default 1 min. */
  missingSkuTtlMs?: number;
  /** How long the store list is remembered, default 10 min. */
  storeCacheTtlMs?: number;
  /** The product field that holds the SKU, default article. */
  skuField?: 'article' | 'code' | 'externalCode';
  /** The price type used when an invoice position has no price, default "Цена продажи". */
  priceType?: string;
  /** URLs longer than this are split into several requests, default 2000. */
  maxUrlLength?: number;
  maxRateLimitRetries?: number;
  maxServerRetries?: number;
  retryBaseMs?: number;
  maxRetryWaitMs?: number;
}

interface ProductEntry extends ErpItem {
  meta: S.Meta;
}

/** expand works only on pages of at most 100 rows (MoySklad JSON API 1.2, "expand"). */
const EXPAND_LIMIT = 100;

const DEFAULT_API_BASE = 'https://api.moysklad.ru/api/remap/1.2';
const SALE_PRICE = 'Цена продажи';
const RECENT_DOCUMENTS = 5;
const PAGE_LIMIT = 1000;

/** MoySklad JSON API 1.2 behind the ErpConnector interface. */
export function createMoySkladConnector(options: MoySkladConnectorOptions): ErpConnector & {
  /** Peak requests in flight through this connector (tests assert the limit with it). */
  readonly peakInFlight: number;
} {
  if (!options.token) throw new Error('MoySklad connector: token is required');
  const apiBase = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  const uiBase = (options.uiBase ?? 'https://online.moysklad.ru').replace(/\/+$/, '');
  const currency = options.currency ?? 'RUB';
  const skuField = options.skuField ?? 'article';
  const priceType = options.priceType ?? SALE_PRICE;
  const maxUrlLength = options.maxUrlLength ?? 2000;
  const http = new HttpClient({
    token: options.token,
    apiBase,
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxInFlight: options.maxInFlight ?? 5,
    maxRateLimitRetries: options.maxRateLimitRetries ?? 5,
    maxServerRetries: options.maxServerRetries ?? 2,
    retryBaseMs: options.retryBaseMs ?? 150,
    maxRetryWaitMs: options.maxRetryWaitMs ?? 15_000,
    onExchange: options.onExchange,
  });

  const skuCache = new TtlCache<string, ProductEntry | null>(options.skuCacheTtlMs ?? 10 * 60_000);
  const missingTtl = options.missingSkuTtlMs ?? 60_000;
  const skuFlight = new Map<string, Promise<ProductEntry | null>>();
  const storeCache = new TtlCache<'all', Map<string, string>>(options.storeCacheTtlMs ?? 10 * 60_000);
  const orgCache = new TtlCache<'first', S.Meta>(options.storeCacheTtlMs ?? 10 * 60_000);
  const flights = new SingleFlight<string, unknown>();
  const invoiceFlights = new SingleFlight<string, CreatedInvoice>();

  /** Every row of a list, following offset paging. */
  async function listAll<T>(
    path: string,
    query: Record<string, string>,
    row: z.ZodType<T>,
    opts: { limit?: number; signal?: AbortSignal } = {},
  ): Promise<T[]> {
    const schema = S.list(row);
    const rows: T[] = [];
    const limit = opts.limit ?? PAGE_LIMIT;
    for (let offset = 0; ; offset += limit) {
      const page = await http.request({
        path,
        query: { ...query, limit, offset },
        schema,
        signal: opts.signal,
      });
      rows.push(...(page.rows as T[]));
      if (page.rows.length === 0 || offset + page.rows.length >= page.meta.size) return rows;
    }
  }

  const skuOf = (p: S.Product) => p[skuField];

  function toEntry(sku: string, p: S.Service, kind: 'product' | 'service'): ProductEntry {
    const prices = p.salePrices ?? [];
    const price = prices.find((x) => x.priceType?.name === priceType) ?? prices[0];
    return {
      sku,
      id: p.id,
      name: p.name,
      price: price ? fromKopecks(price.value, currency) : null,
      meta: p.meta,
      kind,
      unit: p.uom?.name ?? null,
      link: p.meta.uuidHref ?? `${uiBase}/app/#good/edit?id=${p.id}`,
    };
  }

  /** Services have no article: with the default SKU field they are found by code. */
  const serviceField = skuField === 'article' ? 'code' : skuField;

  function pickRow<R extends S.Service>(rows: R[], sku: string, field: (r: R) => string | undefined) {
    // Several items may share an SKU; archived ones never win.
    const live = rows.filter((r) => !r.archived);
    return (
      live.find((r) => field(r) === sku) ?? live.find((r) => field(r)?.toLowerCase() === sku.toLowerCase())
    );
  }

  async function fetchProducts(skus: string[]): Promise<Map<string, ProductEntry>> {
    const filter = skus.map((sku) => `${skuField}=${sku}`).join(';');
    const rows = await listAll('/entity/product', { filter, expand: 'uom' }, S.Product, {
      limit: EXPAND_LIMIT,
    });
    const found = new Map<string, ProductEntry>();
    for (const sku of skus) {
      const row = pickRow(rows, sku, skuOf);
      if (row) found.set(sku, toEntry(sku, row, 'product'));
    }
    // A deal line that is not a product may be a service (delivery, assembly): no stock to check.
    const rest = skus.filter((sku) => !found.has(sku));
    if (rest.length) {
      const services = await listAll(
        '/entity/service',
        { filter: rest.map((sku) => `${serviceField}=${sku}`).join(';') },
        S.Service,
      );
      for (const sku of rest) {
        const row = pickRow(services, sku, (r) => r[serviceField]);
        if (row) found.set(sku, toEntry(sku, row, 'service'));
      }
    }
    for (const sku of skus) {
      const entry = found.get(sku);
      if (entry) skuCache.set(sku, entry);
      else skuCache.set(sku, null, missingTtl);
    }
    return found;
  }

  /** SKU -> product, from the cache or in as few lookups as the URL length allows. */
  async function lookupProducts(skus: readonly string[]): Promise<Map<string, ProductEntry>> {
    const result = new Map<string, ProductEntry>();
    const waits: Promise<void>[] = [];
    const missing: string[] = [];
    for (const sku of new Set(skus)) {
      if (!isFilterSafe(sku)) continue;
      const cached = skuCache.lookup(sku);
      const pending = skuFlight.get(sku);
      if (cached) {
        if (cached.value) result.set(sku, cached.value);
      } else if (pending) {
        waits.push(pending.then((entry) => void (entry && result.set(sku, entry))));
      } else {
        missing.push(sku);
      }
    }
    const render = (chunk: string[]) =>
      http.url('/entity/product', {
        filter: chunk.map((sku) => `${skuField}=${sku}`).join(';'),
        expand: 'uom',
        limit: EXPAND_LIMIT,
        offset: 0,
      });
    for (const chunk of chunkByUrlLength(missing, render, maxUrlLength)) {
      const lookup = fetchProducts(chunk);
      for (const sku of chunk) {
        const one = lookup.then((found) => found.get(sku) ?? null);
        skuFlight.set(sku, one);
        const forget = () => void skuFlight.delete(sku);
        one.then(forget, forget);
        waits.push(one.then((entry) => void (entry && result.set(sku, entry))));
      }
    }
    await Promise.all(waits);
    return result;
  }

  async function loadStores(): Promise<Map<string, string>> {
    return (await flights.run('stores', async () => {
      const rows = await listAll('/entity/store', {}, S.Store);
      const names = new Map(rows.map((s) => [s.id, s.name]));
      storeCache.set('all', names);
      return names;
    })) as Map<string, string>;
  }

  const storeNames = async () => storeCache.lookup('all')?.value ?? loadStores();

  /** The first organization (юрлицо): invoices are issued from it. */
  async function loadOrganization(): Promise<S.Meta> {
    return (await flights.run('organization', async () => {
      const page = await http.request({
        path: '/entity/organization',
        query: { limit: 1 },
        schema: S.list(S.Organization),
      });
      const org = page.rows[0];
      if (!org)
        throw new ErpError(
          'validation',
          'MoySklad: the account has no organization (юрлицо) to invoice from',
          false,
        );
      orgCache.set('first', org.meta);
      return org.meta;
    })) as S.Meta;
  }

  const organization = async () => orgCache.lookup('first')?.value ?? loadOrganization();

  const toCustomer = (c: S.Counterparty): Customer => ({
    id: c.id,
    name: c.name,
    inn: c.inn || null,
    phone: c.phone || null,
    email: c.email || null,
  });

  const toDocument = (d: S.Document): ErpDocument => ({
    id: d.id,
    number: d.name,
    date: isoOrThrow(d.moment, 'moment'),
    sum: fromKopecks(d.sum, currency),
    status: d.state?.name ?? null,
  });

  const toCreated = (d: S.Document): CreatedInvoice => ({
    id: d.id,
    number: d.name,
    sum: fromKopecks(d.sum, currency),
    created: isoOrThrow(d.created ?? d.moment, 'created'),
    link: `${uiBase}/app/#invoiceout/edit?id=${d.id}`,
  });

  async function recentDocuments(
    type: 'customerorder' | 'invoiceout',
    agentHref: string,
  ): Promise<ErpDocument[]> {
    const page = await http.request({
      path: `/entity/${type}`,
      query: { filter: `agent=${agentHref}`, order: 'moment,desc', limit: RECENT_DOCUMENTS, expand: 'state' },
      schema: S.list(S.Document),
    });
    return page.rows.map(toDocument);
  }

  /** Invoices carrying our idempotency key; MoySklad does not enforce externalCode uniqueness. */
  async function findInvoice(externalCode: string): Promise<S.Document | undefined> {
    const page = await http.request({
      path: '/entity/invoiceout',
      query: { filter: `externalCode=${externalCode}`, order: 'created,asc', limit: 100 },
      schema: S.list(S.Document),
    });
    return page.rows[0];
  }

  async function createInvoiceOnce(input: CreateInvoiceInput): Promise<CreatedInvoice> {
    const externalCode = externalCodeFor(input.idempotencyKey);
    const existing = await findInvoice(externalCode);
    if (existing) return toCreated(existing);

    const products = await lookupProducts(input.positions.map((p) => p.sku));
    const unknown = input.positions.filter((p) => !products.has(p.sku)).map((p) => p.sku);
    if (unknown.length) {
      throw new ErpError(
        'validation',
        `MoySklad has no product with ${skuField} ${unknown.join(', ')}`,
        false,
      );
    }
    const positions = input.positions.map((p) => {
      const product = products.get(p.sku) as ProductEntry;
      const price = p.price ?? product.price;
      if (!price) throw new ErpError('validation', `${p.sku} has no sale price in MoySklad; give one`, false);
      if (price.currency !== currency) {
        throw new ErpError(
          'validation',
          `${p.sku}: price in ${price.currency}, the account invoices in ${currency}`,
          false,
        );
      }
      return { assortment: { meta: product.meta }, quantity: p.quantity, price: toKopecks(price.amount) };
    });
    const created = await http.request({
      method: 'POST',
      path: '/entity/invoiceout',
      body: {
        organization: { meta: await organization() },
        agent: { meta: counterpartyMeta(input.customerId) },
        positions,
        externalCode,
        ...(input.comment ? { description: input.comment } : {}),
      },
      schema: S.Document,
    });
    return toCreated(created);
  }

  const counterpartyMeta = (id: string): S.Meta => ({
    href: `${apiBase}/entity/counterparty/${encodeURIComponent(id)}`,
    type: 'counterparty',
    mediaType: 'application/json',
  });

  return {
    kind: 'moysklad',

    get peakInFlight() {
      return http.limiter.peak;
    },

    async resolveSkus(skus) {
      const products = await lookupProducts(skus);
      return new Map([...products].map(([sku, { meta: _meta, ...item }]) => [sku, item]));
    },

    async getStock(skus, opts) {
      const items = new Map<string, ErpItemStock>();
      const products = await lookupProducts(skus);
      const skusById = new Map<string, string[]>();
      for (const [sku, p] of products) {
        const base = { sku, name: p.name, price: p.price, kind: p.kind, unit: p.unit, link: p.link };
        if (p.kind === 'service') items.set(sku, { ...base, warehouses: [] });
        else skusById.set(p.id, [...(skusById.get(p.id) ?? []), sku]);
      }
      if (skusById.size === 0) return { items, asOf: new Date() };

      const [stores, figures] = await Promise.all([
        storeNames(),
        readStoreStock(http, [...skusById.keys()], maxUrlLength, opts?.signal),
      ]);
      const asOf = new Date();
      // A store created since the list was cached: refresh once rather than show a bare id.
      const storeIds = [...figures.values()].flatMap((f) => [...f.stores.keys()]);
      const names = storeIds.some((id) => !stores.has(id)) ? await loadStores() : stores;
      const pending: string[] = [];
      for (const [id, skusOfId] of skusById) {
        const f = figures.get(id);
        for (const sku of skusOfId) {
          const p = products.get(sku) as ProductEntry;
          // Known product, no figures yet: MoySklad has not recalculated it. Unknown, asked again soon.
          if (!f) {
            pending.push(sku);
            continue;
          }
          items.set(sku, {
            sku,
            name: p.name,
            price: p.price,
            kind: 'product',
            unit: p.unit,
            link: p.link,
            unassignedReserve: f.unassignedReserve,
            inTransit: f.inTransit,
            warehouses: [...f.stores].map(([storeId, w]) => ({
              warehouseId: storeId,
              warehouseName: names.get(storeId) ?? storeId,
              free: w.free,
              stock: w.stock,
              reserve: w.reserve,
              inTransit: w.inTransit,
            })),
          });
        }
      }
      return { items, asOf, ...(pending.length && { pending }) };
    },

    async listWarehouses(): Promise<Warehouse[]> {
      const names = await loadStores();
      return [...names].map(([id, name]) => ({ id, name }));
    },

    async findCustomers(query: CustomerQuery) {
      const searches: { filter: string; keep: (c: S.Counterparty) => boolean }[] = [];
      const inn = query.inn?.trim();
      const email = query.email?.trim();
      const phone = query.phone ? phoneKey(query.phone) : '';
      if (inn && isFilterSafe(inn)) searches.push({ filter: `inn=${inn}`, keep: () => true });
      if (email && isFilterSafe(email)) searches.push({ filter: `email=${email}`, keep: () => true });
      // MoySklad matches phones loosely; send the bare digits and keep only the same number.
      if (phone.length >= 5) {
        searches.push({
          filter: `phone=${phone}`,
          keep: (c) => !!c.phone && phoneKey(c.phone).endsWith(phone),
        });
      }
      const found = await Promise.all(
        searches.map(async ({ filter, keep }) =>
          (await listAll('/entity/counterparty', { filter }, S.Counterparty)).filter(keep),
        ),
      );
      const byId = new Map<string, Customer>();
      for (const c of found.flat()) if (!byId.has(c.id)) byId.set(c.id, toCustomer(c));
      return [...byId.values()];
    },

    async getCustomerSummary(customerId) {
      const counterparty = await http.request({
        path: `/entity/counterparty/${encodeURIComponent(customerId)}`,
        schema: S.Counterparty,
      });
      const unavailable: NonNullable<CustomerSummary['unavailable']> = [];
      // The customer exists: a failing part (orders list, invoices list, report) is that part
      // unavailable, never the whole customer "not found".
      const part = <T>(name: (typeof unavailable)[number], load: Promise<T>, fallback: T) =>
        load.catch((err: unknown) => {
          if (err instanceof ErpError && err.code === 'aborted') throw err;
          unavailable.push(name);
          return fallback;
        });
      const [report, recentOrders, recentInvoices] = await Promise.all([
        part(
          'balance',
          http
            .request({
              path: `/report/counterparty/${encodeURIComponent(counterparty.id)}`,
              schema: S.CounterpartyReport,
            })
            .catch((err: unknown) => {
              // Without the CRM tariff option the report is refused; the balance is then unknown.
              if (err instanceof MoySkladError && (err.status === 403 || err.status === 412)) return null;
              throw err;
            }),
          null,
        ),
        part('orders', recentDocuments('customerorder', counterparty.meta.href), []),
        part('invoices', recentDocuments('invoiceout', counterparty.meta.href), []),
      ]);
      return {
        customer: toCustomer(counterparty),
        // Sign as MoySklad reports it (negative = the customer owes us); unconfirmed on a live account.
        balance: report?.balance == null ? null : fromKopecks(report.balance, currency),
        recentOrders,
        recentInvoices,
        link: `${uiBase}/app/#Company/edit?id=${counterparty.id}`,
        ...(unavailable.length && { unavailable }),
      };
    },

    async createInvoice(input) {
      if (!input.idempotencyKey)
        throw new ErpError('validation', 'An invoice needs an idempotency key', false);
      if (input.positions.length === 0)
        throw new ErpError('validation', 'An invoice needs at least one position', false);
      const bad = input.positions.find((p) => !(Number.isFinite(p.quantity) && p.quantity > 0));
      if (bad) throw new ErpError('validation', `${bad.sku}: quantity must be positive`, false);
      // Two concurrent calls with one key in this process share one attempt; across processes
      // the lookup by externalCode is what keeps creation single.
      return invoiceFlights.run(input.idempotencyKey, () => createInvoiceOnce(input));
    },

    async health() {
      try {
        // A real round trip (token, network, account), never the cache.
        await loadOrganization();
        return { ok: true };
      } catch (err) {
        return {
          ok: false,
          detail: err instanceof Error ? err.message : String(err),
          ...(err instanceof ErpError && { code: err.code }),
        };
      }
    },
  };
}

/** Idempotency keys go into a filter and a 255-char field: anything unsafe is hashed. */
export function externalCodeFor(key: string): string {
  return /^[\w.:-]{1,200}$/.test(key) ? key : `idem-${createHash('sha256').update(key).digest('hex')}`;
}

function isoOrThrow(value: string, field: string): string {
  const iso = moscowToIso(value);
  if (!iso)
    throw new ErpError('invalid_response', `MoySklad: ${field} "${value}" is not a MoySklad datetime`);
  return iso;
}
