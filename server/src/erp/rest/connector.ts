import { BoundedCache } from '../../lib/bounded-cache.js';
import {
  type CallOptions,
  type CreatedInvoice,
  type Customer,
  type CustomerQuery,
  type ErpConnector,
  type ErpDocument,
  ErpError,
  type ErpItem,
  type ErpItemStock,
  type Warehouse,
} from '../connector.js';
import { type FetchFn, type HttpOptions, send } from './http.js';
import type { FieldSpec, RestMapping } from './mapping.js';
import { getList, getValue, PathSyntaxError } from './path.js';
import { renderJson, renderString, type Vars } from './template.js';
import {
  FieldError,
  type FieldReader,
  invalid,
  readCurrency,
  readDate,
  reader,
  readNumber,
  readString,
} from './values.js';

export { loadRestMapping, parseRestMapping, type RestMapping, RestMappingError } from './mapping.js';

export interface RestConnectorOptions {
  fetch?: FetchFn;
  onExchange?: HttpOptions['onExchange'];
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Extra attempts of reads after a retryable failure (default 2; 0 in tests that count calls). */
  retries?: number;
  retryBaseMs?: number;
  maxRetryWaitMs?: number;
  /** How long the warehouse list used to name stock records is reused (default 5 min). */
  warehouseTtlMs?: number;
  /** Parallel requests when the ERP takes one SKU per request (default 4). */
  concurrency?: number;
}

/** Last 10 digits: +7 (495) 123-45-67, 8 495 1234567 and 4951234567 are one phone. */
const phoneKey = (phone: string) => phone.replace(/\D/g, '').slice(-10);

const uniq = (values: readonly string[]) => [...new Set(values.filter((v) => v !== ''))];

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

async function mapLimit<T, R>(list: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      out[i] = await fn(list[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  return out;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6 || 0;

/**
 * A connector for any ERP with a JSON REST API, described by a mapping (see mapping.ts and
 * docs/rest-mapping.md): Odoo, ERPNext or a home-grown ERP connect by configuration alone.
 */
export function createRestConnector(mapping: RestMapping, opts: RestConnectorOptions = {}): ErpConnector {
  const http: HttpOptions = {
    fetch: opts.fetch ?? ((input, init) => fetch(input, init)),
    timeoutMs: opts.timeoutMs ?? 10_000,
    retries: opts.retries ?? 2,
    retryBaseMs: opts.retryBaseMs ?? 200,
    maxRetryWaitMs: opts.maxRetryWaitMs ?? 5_000,
    onExchange: opts.onExchange,
  };
  const concurrency = opts.concurrency ?? 4;
  const warehouseTtlMs = opts.warehouseTtlMs ?? 5 * 60_000;
  const tz = mapping.timeZone;
  const r = (spec: FieldSpec) => reader(spec, tz);
  const opt = (spec: FieldSpec | undefined) => (spec === undefined ? undefined : r(spec));

  const bad = (operation: string, detail: string) => invalid(`${mapping.name} ${operation}`, detail);

  /** Reading an answer: a path or field that does not fit is an invalid_response naming the operation. */
  function parse<T>(operation: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof FieldError || e instanceof PathSyntaxError) throw bad(operation, e.message);
      throw e;
    }
  }

  function list(operation: string, body: unknown, path: string): unknown[] {
    const records = getList(body, path);
    if (!records) throw bad(operation, `no list at "${path || '$'}"`);
    return records;
  }

  function one(operation: string, body: unknown, path: string): unknown {
    const record = parse(operation, () => getValue(body, path));
    if (record === undefined || record === null || typeof record !== 'object') {
      throw bad(operation, `no record at "${path || '$'}"`);
    }
    return record;
  }

  const money = (amount: number, currency: string | null) => ({
    amount,
    currency: currency ?? mapping.currency,
  });

  // --- items -------------------------------------------------------------------------------
  const itemFields = mapping.items.response.fields;
  const itemReaders = {
    sku: r(itemFields.sku),
    id: r(itemFields.id),
    name: r(itemFields.name),
    price: opt(itemFields.price),
    currency: opt(itemFields.currency),
  };

  /** Batched ({skus}, split by batchSize) or one request per SKU ({sku}), a few at a time. */
  async function fetchBySku<T>(
    block: { batch: boolean; batchSize: number },
    skus: string[],
    extraVars: (skus: string[]) => Vars,
    request: (vars: Vars) => Promise<T[]>,
  ): Promise<T[]> {
    const groups = block.batch ? chunks(skus, block.batchSize) : skus.map((s) => [s]);
    const results = await mapLimit(groups, concurrency, (group) =>
      request({ skus: group, ...(block.batch ? {} : { sku: group[0] }), ...extraVars(group) }),
    );
    return results.flat();
  }

  async function resolveSkus(skus: readonly string[]): Promise<Map<string, ErpItem>> {
    const wanted = uniq(skus);
    const out = new Map<string, ErpItem>();
    if (wanted.length === 0) return out;
    const records = await fetchBySku(
      mapping.items,
      wanted,
      () => ({}),
      async (vars) => {
        const body = await send(mapping, http, 'items', mapping.items.request, vars, { retry: true });
        return list('items', body, mapping.items.response.records);
      },
    );
    const asked = new Set(wanted);
    parse('items', () => {
      for (const rec of records) {
        const sku = readString(rec, itemReaders.sku, true);
        // ERPs may answer more than asked (a LIKE match, a shared code): keep only what was asked.
        if (!asked.has(sku) || out.has(sku)) continue;
        const price = itemReaders.price ? readNumber(rec, itemReaders.price, false) : null;
        const currency = itemReaders.currency ? readCurrency(rec, itemReaders.currency) : null;
        out.set(sku, {
          sku,
          id: readString(rec, itemReaders.id, true),
          name: readString(rec, itemReaders.name, true),
          price: price === null ? null : money(price, currency),
        });
      }
    });
    return out;
  }

  // --- warehouses --------------------------------------------------------------------------
  const whReaders = {
    id: r(mapping.warehouses.response.fields.id),
    name: r(mapping.warehouses.response.fields.name),
  };
  const warehouseCache = new BoundedCache<Map<string, string>>({
    max: 1,
    ttlMs: Math.max(warehouseTtlMs, 1),
  });

  async function listWarehouses(): Promise<Warehouse[]> {
    const body = await send(mapping, http, 'warehouses', mapping.warehouses.request, {}, { retry: true });
    const records = list('warehouses', body, mapping.warehouses.response.records);
    const warehouses = parse('warehouses', () =>
      records.map((rec) => ({
        id: readString(rec, whReaders.id, true),
        name: readString(rec, whReaders.name, true),
      })),
    );
    warehouseCache.set('all', new Map(warehouses.map((w) => [w.id, w.name])), { ttlMs: warehouseTtlMs });
    return warehouses;
  }

  /** Names for warehouse ids, from the cached list; refreshed once when an id is new or the list is old. */
  async function warehouseNames(ids: Iterable<string>): Promise<Map<string, string>> {
    const known = warehouseCache.get('all');
    if (known && [...ids].every((id) => known.has(id))) return known;
    return new Map((await listWarehouses()).map((w) => [w.id, w.name]));
  }

  // --- stock -------------------------------------------------------------------------------
  const stockFields = mapping.stock.response.fields;
  const stockReaders = {
    sku: opt(stockFields.sku),
    itemId: opt(stockFields.itemId),
    warehouseId: r(stockFields.warehouseId),
    warehouseName: opt(stockFields.warehouseName),
    quantity: opt(stockFields.quantity),
    onHand: opt(stockFields.onHand),
    reserve: opt(stockFields.reserve),
    name: opt(stockFields.name),
    price: opt(stockFields.price),
  };

  function freeOf(rec: unknown): number {
    if (stockReaders.quantity) return readNumber(rec, stockReaders.quantity, true);
    const onHand = readNumber(rec, stockReaders.onHand as FieldReader, true);
    const reserve = stockReaders.reserve ? readNumber(rec, stockReaders.reserve, true) : 0;
    return onHand - reserve;
  }

  async function getStock(skus: readonly string[], call: CallOptions = {}) {
    const wanted = uniq(skus);
    const items = new Map<string, ErpItemStock>();
    if (wanted.length === 0) return { items, asOf: new Date() };

    let known: Map<string, ErpItem> | null = null;
    let skuOfItem = new Map<string, string>();
    let asking = wanted;
    if (mapping.stock.keyBy === 'itemId') {
      known = await resolveSkus(wanted);
      skuOfItem = new Map([...known.values()].map((i) => [i.id, i.sku]));
      asking = [...known.keys()];
      if (asking.length === 0) return { items, asOf: new Date() };
    }
    const idsOf = (group: string[]) => {
      const ids = group.map((s) => known?.get(s)?.id).filter((id): id is string => id !== undefined);
      return known ? { itemIds: ids, itemId: ids[0] } : {};
    };
    const records = await fetchBySku(mapping.stock, asking, idsOf, async (vars) => {
      const body = await send(mapping, http, 'stock', mapping.stock.request, vars, {
        retry: true,
        signal: call.signal,
      });
      return list('stock', body, mapping.stock.response.records);
    });
    const asked = new Set(asking);
    const rows = parse('stock', () =>
      records.flatMap((rec) => {
        const sku = stockReaders.sku
          ? readString(rec, stockReaders.sku, true)
          : skuOfItem.get(readString(rec, stockReaders.itemId as FieldReader, true));
        if (sku === undefined || !asked.has(sku)) return [];
        const price = stockReaders.price ? readNumber(rec, stockReaders.price, false) : null;
        return [
          {
            sku,
            warehouseId: readString(rec, stockReaders.warehouseId, true),
            warehouseName: stockReaders.warehouseName
              ? readString(rec, stockReaders.warehouseName, true)
              : null,
            free: freeOf(rec),
            name: stockReaders.name ? readString(rec, stockReaders.name, false) : null,
            price,
          },
        ];
      }),
    );
    const names = stockReaders.warehouseName
      ? null
      : await warehouseNames(rows.map((row) => row.warehouseId));
    for (const row of rows) {
      const item = known?.get(row.sku);
      const entry = items.get(row.sku) ?? {
        sku: row.sku,
        name: row.name ?? item?.name ?? null,
        price: row.price !== null ? money(row.price, null) : (item?.price ?? null),
        warehouses: [],
      };
      items.set(row.sku, entry);
      // Several records per warehouse (Odoo quants per location and lot) add up.
      const existing = entry.warehouses.find((w) => w.warehouseId === row.warehouseId);
      if (existing) existing.free = round((existing.free ?? 0) + row.free);
      else {
        const warehouseName = row.warehouseName ?? names?.get(row.warehouseId) ?? row.warehouseId;
        entry.warehouses.push({ warehouseId: row.warehouseId, warehouseName, free: round(row.free) });
      }
    }
    return { items, asOf: new Date() };
  }

  // --- customers ---------------------------------------------------------------------------
  const customerReadersOf = (f: RestMapping['customers']['response']['fields']) => ({
    id: r(f.id),
    name: r(f.name),
    inn: opt(f.inn),
    email: opt(f.email),
    phones: f.phone === undefined ? [] : (Array.isArray(f.phone) ? f.phone : [f.phone]).map(r),
  });
  type CustomerReaders = ReturnType<typeof customerReadersOf>;

  function readCustomer(rec: unknown, c: CustomerReaders): Customer & { phones: string[] } {
    const phones = c.phones.map((p) => readString(rec, p, false)).filter((p): p is string => p !== null);
    return {
      id: readString(rec, c.id, true),
      name: readString(rec, c.name, true),
      inn: c.inn ? readString(rec, c.inn, false) : null,
      phone: phones[0] ?? null,
      email: c.email ? readString(rec, c.email, false) : null,
      phones,
    };
  }
  const strip = ({ phones: _, ...customer }: Customer & { phones: string[] }): Customer => customer;

  const listReaders = customerReadersOf(mapping.customers.response.fields);

  async function findCustomers(query: CustomerQuery): Promise<Customer[]> {
    const vars = { inn: query.inn?.trim(), email: query.email?.trim(), phone: query.phone?.trim() };
    const kinds = (['inn', 'email', 'phone'] as const).filter(
      (k) => vars[k] && mapping.customers.requests[k],
    );
    const found = new Map<string, Customer>();
    const batches = await Promise.all(
      kinds.map(async (kind) => {
        const spec = mapping.customers.requests[kind];
        if (!spec) return [];
        const body = await send(mapping, http, `customers by ${kind}`, spec, vars, { retry: true });
        const records = list('customers', body, mapping.customers.response.records);
        const customers = parse('customers', () => records.map((rec) => readCustomer(rec, listReaders)));
        if (kind !== 'phone' || mapping.customers.phoneMatch === 'server') return customers;
        const key = phoneKey(vars.phone ?? '');
        return key ? customers.filter((c) => c.phones.some((p) => phoneKey(p) === key)) : [];
      }),
    );
    for (const c of batches.flat()) if (!found.has(c.id)) found.set(c.id, strip(c));
    return [...found.values()];
  }

  // --- customer summary --------------------------------------------------------------------
  const cs = mapping.customerSummary;
  const summaryReaders = customerReadersOf(cs.customer.response.fields);
  const docReaders = (f: NonNullable<typeof cs.orders>['response']['fields']) => ({
    id: r(f.id),
    number: r(f.number),
    date: r(f.date),
    sum: r(f.sum),
    status: opt(f.status),
    currency: opt(f.currency),
  });
  const orderReaders = cs.orders ? docReaders(cs.orders.response.fields) : null;
  const invoiceReaders = cs.invoices ? docReaders(cs.invoices.response.fields) : null;

  async function documents(
    operation: string,
    block: RestMapping['customerSummary']['orders'],
    readers: ReturnType<typeof docReaders> | null,
    vars: Vars,
  ): Promise<ErpDocument[]> {
    if (!block || !readers) return [];
    const body = await send(mapping, http, operation, block.request, vars, { retry: true });
    const records = list(operation, body, block.response.records);
    return parse(operation, () =>
      records.map((rec) => ({
        id: readString(rec, readers.id, true),
        number: readString(rec, readers.number, true),
        date: readDate(rec, readers.date),
        sum: money(
          readNumber(rec, readers.sum, true),
          readers.currency ? readCurrency(rec, readers.currency) : null,
        ),
        status: readers.status ? readString(rec, readers.status, false) : null,
      })),
    );
  }

  const linkTo = (template: string | undefined, vars: Vars) =>
    template
      ? renderString(template, { baseUrl: mapping.baseUrl.replace(/\/+$/, ''), ...vars }, (v, name) =>
          name === 'baseUrl' ? v : encodeURIComponent(v),
        )
      : null;

  async function getCustomerSummary(customerId: string) {
    const vars = { customerId, currency: mapping.currency };
    const customerBody = send(mapping, http, 'customer', cs.customer.request, vars, { retry: true });
    const balanceBody = cs.balance?.request
      ? send(mapping, http, 'balance', cs.balance.request, vars, { retry: true })
      : customerBody;
    const settled = await Promise.allSettled([
      customerBody,
      balanceBody,
      documents('orders', cs.orders, orderReaders, vars),
      documents('invoices', cs.invoices, invoiceReaders, vars),
    ]);
    // An unknown customer fails every request, each in its own way: report the customer's failure.
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [customerAnswer, balanceAnswer, recentOrders, recentInvoices] = settled.map((s) =>
      s.status === 'fulfilled' ? s.value : undefined,
    ) as [unknown, unknown, ErpDocument[], ErpDocument[]];
    const customer = parse('customer', () =>
      strip(readCustomer(one('customer', customerAnswer, cs.customer.response.record), summaryReaders)),
    );
    let balance = null;
    if (cs.balance) {
      const b = cs.balance.response;
      const record = b.record === '' ? balanceAnswer : one('balance', balanceAnswer, b.record);
      const amount = parse('balance', () => {
        const receivable = b.fields.receivable ? readNumber(record, r(b.fields.receivable), true) : 0;
        const payable = b.fields.payable ? readNumber(record, r(b.fields.payable), true) : 0;
        return round(payable - receivable);
      });
      balance = money(amount, null);
    }
    return { customer, balance, recentOrders, recentInvoices, link: linkTo(cs.link, { customerId }) };
  }

  // --- invoices ----------------------------------------------------------------------------
  const ci = mapping.createInvoice;
  const invoiceFieldReaders = (f: {
    id: FieldSpec;
    number?: FieldSpec | undefined;
    sum?: FieldSpec | undefined;
    created?: FieldSpec | undefined;
    currency?: FieldSpec | undefined;
  }) => ({
    id: r(f.id),
    number: opt(f.number),
    sum: opt(f.sum),
    created: opt(f.created),
    currency: opt(f.currency),
  });

  function readInvoice(
    operation: string,
    rec: unknown,
    f: ReturnType<typeof invoiceFieldReaders>,
  ): CreatedInvoice {
    return parse(operation, () => {
      if (!f.number || !f.sum || !f.created) {
        throw new FieldError('the mapping reads no number, sum or date here: add createInvoice.fetch');
      }
      const id = readString(rec, f.id, true);
      return {
        id,
        number: readString(rec, f.number, true),
        sum: money(readNumber(rec, f.sum, true), f.currency ? readCurrency(rec, f.currency) : null),
        created: readDate(rec, f.created),
        link: linkTo(ci.link, { invoiceId: id }),
      };
    });
  }

  async function createInvoice(input: Parameters<ErpConnector['createInvoice']>[0]): Promise<CreatedInvoice> {
    if (!input.idempotencyKey)
      throw new ErpError('validation', 'createInvoice: an idempotency key is required');
    if (input.positions.length === 0) throw new ErpError('validation', 'createInvoice: no positions');
    for (const p of input.positions) {
      if (!(Number.isFinite(p.quantity) && p.quantity > 0)) {
        throw new ErpError('validation', `createInvoice: quantity of ${p.sku} must be a positive number`);
      }
    }
    const base = {
      idempotencyKey: input.idempotencyKey,
      customerId: input.customerId,
      comment: input.comment,
      currency: mapping.currency,
    };

    if (ci.idempotency.type === 'lookup') {
      const lookup = ci.idempotency;
      const body = await send(mapping, http, 'invoice lookup', lookup.request, base, { retry: true });
      const [existing] = list('invoice lookup', body, lookup.response.records);
      if (existing !== undefined)
        return readInvoice('invoice lookup', existing, invoiceFieldReaders(lookup.response.fields));
    }

    let items = new Map<string, ErpItem>();
    if (ci.resolveItems) {
      items = await resolveSkus(input.positions.map((p) => p.sku));
      const unknown = uniq(input.positions.map((p) => p.sku)).filter((s) => !items.has(s));
      if (unknown.length) {
        throw new ErpError(
          'validation',
          `createInvoice: ${mapping.name} does not know SKU ${unknown.join(', ')}`,
        );
      }
    }
    const positions = input.positions.map((p) =>
      renderJson(ci.position, {
        sku: p.sku,
        quantity: p.quantity,
        price: p.price?.amount,
        itemId: items.get(p.sku)?.id,
        name: items.get(p.sku)?.name,
        currency: p.price?.currency ?? mapping.currency,
      }),
    );
    const vars = { ...base, positions };
    const headers =
      ci.idempotency.type === 'header' ? { [ci.idempotency.name]: input.idempotencyKey } : undefined;
    const created = await send(mapping, http, 'create invoice', ci.request, vars, {
      retry: ci.idempotency.type === 'header',
      ...(headers ? { headers } : {}),
    });
    const record = one('create invoice', created, ci.response.record);
    const createdReaders = invoiceFieldReaders(ci.response.fields);
    const invoiceId = parse('create invoice', () => readString(record, createdReaders.id, true));
    for (const after of ci.afterCreate ?? []) {
      await send(mapping, http, 'after invoice', after, { ...vars, invoiceId }, { retry: false });
    }
    if (!ci.fetch) return readInvoice('create invoice', record, createdReaders);
    const fetched = await send(
      mapping,
      http,
      'read invoice',
      ci.fetch.request,
      { ...vars, invoiceId },
      { retry: true },
    );
    return readInvoice(
      'read invoice',
      one('read invoice', fetched, ci.fetch.response.record),
      invoiceFieldReaders(ci.fetch.response.fields),
    );
  }

  // --- health ------------------------------------------------------------------------------
  async function health() {
    try {
      await send(mapping, http, 'health', mapping.health.request, {}, { retry: false });
      return { ok: true };
    } catch (e) {
      return {
        ok: false,
        detail: e instanceof Error ? e.message : String(e),
        ...(e instanceof ErpError && { code: e.code }),
      };
    }
  }

  return {
    kind: 'rest',
    resolveSkus,
    getStock,
    listWarehouses,
    findCustomers,
    getCustomerSummary,
    createInvoice,
    health,
  };
}
