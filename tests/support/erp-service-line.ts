import { expect } from 'vitest';
import type { ErpConnector } from '../../server/src/erp/connector.js';

/**
 * The connector invoices an ERP service at the ERP's price: one DRL-18V (8 990 ₽) and one
 * SRV-DELIVERY (a service, 1 500 ₽) for the customer with INN 500100732259 (the shared dataset).
 */
export async function expectServiceInvoicedAtItsPrice(connector: ErpConnector): Promise<void> {
  const [customer] = await connector.findCustomers({ inn: '500100732259' });
  const invoice = await connector.createInvoice({
    idempotencyKey: `svc-${Date.now()}`,
    customerId: customer?.id ?? '',
    positions: [
      { sku: 'DRL-18V', quantity: 1 },
      { sku: 'SRV-DELIVERY', quantity: 1 },
    ],
  });
  expect(invoice.sum.amount).toBe(8990 + 1500);
}
