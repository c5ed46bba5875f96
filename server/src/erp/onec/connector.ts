import { z } from 'zod';
import type { ErpConnector } from '../connector.js';
import { ErpError } from '../connector.js';
import type { OneCContext } from './context.js';
import { oneCCreateOrder } from './create-order.js';
import { oneCCustomerSearch } from './customer-search.js';
import { createCustomerFinder } from './customers.js';
import { createODataClient } from './http.js';
import { oneCInvoiceStatus } from './invoice-status.js';
import { createInvoiceWriter } from './invoices.js';
import { createSkuResolver } from './items.js';
import { type OneCConnectorInput, resolveOneCOptions } from './options.js';
import { oneCReleaseOrder } from './release-order.js';
import { collection, guidSchema } from './schemas.js';
import { readStock } from './stock.js';
import { readCustomerSummary } from './summary.js';
import { createWarehouseDirectory } from './warehouses.js';

/**
 * 1C:Enterprise through its standard OData interface (v3). Options name the catalogs, registers
 * and documents, which differ between configurations; defaults fit UT 11 / KA / ERP.
 */
export function createOneCConnector(input: OneCConnectorInput): ErpConnector {
  const opts = resolveOneCOptions(input);
  const http = createODataClient(opts, input.fetch, input.onExchange);
  const ctx: OneCContext = {
    opts,
    http,
    filterBudget: (resource) => opts.maxUrlLength - http.url(resource, { $filter: '' }).length - 200,
  };
  const skus = createSkuResolver(ctx);
  const warehouses = createWarehouseDirectory(ctx);
  const customers = createCustomerFinder(ctx);
  const invoices = createInvoiceWriter(ctx, skus);

  return {
    kind: 'onec',
    resolveSkus: (list, call) => skus.resolve(list, call?.signal),
    getStock: (list, call) => readStock(ctx, skus, warehouses, list, call?.signal),
    listWarehouses: (call) => warehouses.list(call?.signal),
    findCustomers: (query, call) => customers.find(query, call?.signal),
    searchCustomers: oneCCustomerSearch(ctx),
    getCustomerSummary: (id, call) => readCustomerSummary(ctx, id, call?.signal),
    createInvoice: (invoice, call) => invoices.create(invoice, call?.signal),
    // Issue 15. 1C has no webhooks: `subscribe` is absent and the loop polls invoiceStatus.
    invoiceStatus: oneCInvoiceStatus(ctx),
    createOrder: oneCCreateOrder(ctx, skus, warehouses),
    releaseOrder: oneCReleaseOrder(ctx),
    async health() {
      try {
        await http.get(
          opts.itemCatalog,
          { $top: 1, $select: 'Ref_Key' },
          collection(z.object({ Ref_Key: guidSchema })),
        );
        return { ok: true };
      } catch (err) {
        if (err instanceof ErpError)
          return { ok: false, detail: `${err.code}: ${err.message}`, code: err.code };
        throw err;
      }
    },
  };
}
