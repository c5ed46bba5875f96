import type { ExchangeObserver } from '../../lib/exchange.js';
import type { ErpConnector } from '../connector.js';
import { probeHealth } from '../health.js';
import { createRestContext } from './context.js';
import { createOrderWriter } from './create-order.js';
import { createCustomerFinder } from './customers.js';
import type { FetchFn, HttpOptions } from './http.js';
import { createInvoiceStatusReader } from './invoice-status.js';
import { createInvoiceWriter } from './invoices.js';
import { createItemResolver } from './items.js';
import type { RestMapping } from './mapping.js';
import { createOrderReleaser } from './release-order.js';
import { createStockReader } from './stock.js';
import { createSummaryReader } from './summary.js';
import { createWarehouseDirectory } from './warehouses.js';

export { loadRestMapping, parseRestMapping, type RestMapping, RestMappingError } from './mapping.js';

export interface RestConnectorOptions {
  fetch?: FetchFn;
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
  /** Sees every request sent to the ERP (the request journal). */
  onExchange?: ExchangeObserver;
}

/**
 * A connector for any ERP with a JSON REST API, described by a mapping (see mapping.ts and
 * docs/rest-mapping.md): Odoo, ERPNext or a home-grown ERP connect by configuration alone.
 * A context (context.ts), one module per operation, and this facade.
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
  const ctx = createRestContext(mapping, http, opts.concurrency ?? 4);
  const resolveSkus = createItemResolver(ctx);
  const warehouses = createWarehouseDirectory(ctx, opts.warehouseTtlMs ?? 5 * 60_000);

  return {
    kind: 'rest',
    resolveSkus,
    getStock: createStockReader(ctx, resolveSkus, warehouses),
    listWarehouses: (call) => warehouses.list(call),
    findCustomers: createCustomerFinder(ctx),
    getCustomerSummary: createSummaryReader(ctx),
    createInvoice: createInvoiceWriter(ctx, resolveSkus),
    health: () => probeHealth(() => ctx.send('health', mapping.health.request, {}, { retry: false })),
    // Issue 15's capabilities exist only where the mapping describes them.
    ...(mapping.invoiceStatus && { invoiceStatus: createInvoiceStatusReader(ctx, mapping.invoiceStatus) }),
    ...(mapping.createOrder && { createOrder: createOrderWriter(ctx, mapping.createOrder, resolveSkus) }),
    ...(mapping.createOrder &&
      mapping.releaseOrder && {
        releaseOrder: createOrderReleaser(ctx, mapping.createOrder, mapping.releaseOrder),
      }),
  };
}
