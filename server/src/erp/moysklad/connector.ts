import type { ErpConnector, Warehouse } from '../connector.js';
import { probeHealth } from '../health.js';
import { createMoySkladContext, type MoySkladConnectorOptions } from './context.js';
import { counterpartyOps } from './counterparties.js';
import { findCustomers } from './customers.js';
import { createDirectory } from './directory.js';
import { counterpartyMetaFor, createInvoiceWriter, externalCodeFor } from './invoices.js';
import { moySkladLoop } from './loop.js';
import { createProductLookup } from './products.js';
import { readStock } from './stock.js';
import { readCustomerSummary } from './summary.js';

export type { MoySkladConnectorOptions } from './context.js';
export { externalCodeFor };

/**
 * MoySklad JSON API 1.2 behind the ErpConnector interface: a context (context.ts), one module
 * per operation, and this facade.
 */
export function createMoySkladConnector(options: MoySkladConnectorOptions): ErpConnector & {
  /** Peak requests in flight through this connector (tests assert the limit with it). */
  readonly peakInFlight: number;
} {
  const ctx = createMoySkladContext(options);
  const lookupProducts = createProductLookup(ctx);
  const directory = createDirectory(ctx);
  const createInvoice = createInvoiceWriter(ctx, lookupProducts, directory);

  return {
    kind: 'moysklad',
    ...moySkladLoop({
      http: ctx.http,
      uiBase: ctx.uiBase,
      currency: ctx.currency,
      lookupProducts,
      organization: directory.organization,
      counterpartyMeta: (id) => counterpartyMetaFor(ctx.apiBase, id),
      externalCodeFor,
    }),

    get peakInFlight() {
      return ctx.http.limiter.peak;
    },

    async resolveSkus(skus) {
      const products = await lookupProducts(skus);
      return new Map([...products].map(([sku, { meta: _meta, ...item }]) => [sku, item]));
    },

    getStock: (skus, opts) => readStock(ctx, lookupProducts, directory, skus, opts?.signal),

    async listWarehouses(): Promise<Warehouse[]> {
      const names = await directory.loadStores();
      return [...names].map(([id, name]) => ({ id, name }));
    },

    ...counterpartyOps(ctx.http),

    findCustomers: (query, call) => findCustomers(ctx, query, call),
    getCustomerSummary: (customerId, call) => readCustomerSummary(ctx, customerId, call),
    createInvoice,

    // A real round trip (token, network, account), never the cache.
    health: () => probeHealth(() => directory.loadOrganization()),
  };
}
