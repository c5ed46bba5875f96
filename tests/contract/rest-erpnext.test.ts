import { fileURLToPath } from 'node:url';
import type { ErpError } from '@erp-bridge/server/erp';
import { describe, expect, it } from 'vitest';
import { createRestConnector, loadRestMapping } from '../../server/src/erp/rest/connector.js';
import { ERPNEXT_API_KEY, ERPNEXT_API_SECRET, startErpNextEmulator } from '../emulators/erpnext/index.js';
import { ITEMS } from '../fixtures/erp-dataset.js';
import { describeErpConnectorContract } from './erp-connector.contract.js';
import { restSubject } from './rest-subject.js';

const EXAMPLE = fileURLToPath(new URL('../../server/src/erp/rest/examples/erpnext.json', import.meta.url));

describeErpConnectorContract('rest:erpnext', async () => {
  const erp = await startErpNextEmulator();
  return restSubject(
    erp,
    EXAMPLE,
    { ERPNEXT_API_KEY, ERPNEXT_API_SECRET },
    { ERPNEXT_API_KEY, ERPNEXT_API_SECRET: 'revoked-secret' },
    { payInvoice: async (id, amount) => erp.loop.pay(id, amount) },
  );
});

describe('REST connector on ERPNext, beyond the contract', () => {
  const setup = async () => {
    const erp = await startErpNextEmulator();
    const mapping = loadRestMapping(EXAMPLE, { ERPNEXT_API_KEY, ERPNEXT_API_SECRET });
    return { erp, connector: createRestConnector({ ...mapping, baseUrl: erp.url }, { retries: 0 }) };
  };

  it('reads a deal’s stock in one Bin request plus the items’ kinds and one warehouse list, then from cache', async () => {
    const { erp, connector } = await setup();
    try {
      await connector.getStock(ITEMS.map((i) => i.sku));
      await connector.getStock(['DRL-18V']);
      // The Item request tells services (is_stock_item = 0) from goods; kinds are remembered.
      expect(erp.calls.map((c) => c.path)).toEqual([
        '/api/resource/Item',
        '/api/resource/Bin',
        '/api/resource/Warehouse',
        '/api/resource/Bin',
      ]);
    } finally {
      await erp.close();
    }
  });

  it('reports an unknown customer as not_found and a wrong key as auth', async () => {
    const { erp, connector } = await setup();
    try {
      const missing = (await connector.getCustomerSummary('Nobody').catch((e: unknown) => e)) as ErpError;
      expect([missing.code, missing.retryable]).toEqual(['not_found', false]);
      const mapping = loadRestMapping(EXAMPLE, { ERPNEXT_API_KEY, ERPNEXT_API_SECRET: 'wrong' });
      const wrong = createRestConnector({ ...mapping, baseUrl: erp.url }, { retries: 0 });
      const err = (await wrong.listWarehouses().catch((e: unknown) => e)) as ErpError;
      expect(err.code).toBe('auth');
      expect(err.message).toContain('Invalid API key or secret');
      expect(err.message).not.toContain('wrong');
      expect((await wrong.health()).ok).toBe(false);
    } finally {
      await erp.close();
    }
  });

  it('stores the idempotency key in po_no and writes ISO dates with the site offset', async () => {
    const { erp, connector } = await setup();
    try {
      const [customer] = await connector.findCustomers({ inn: '7701234567' });
      const invoice = await connector.createInvoice({
        idempotencyKey: 'po-key-1',
        customerId: customer?.id ?? '',
        positions: [{ sku: 'TAPE-50', quantity: 4, price: { amount: 200, currency: 'RUB' } }],
      });
      expect(invoice.sum.amount).toBe(800);
      expect(invoice.created).toMatch(/\+03:00$/);
      expect(invoice.link).toBe(`${erp.url}/app/sales-invoice/${encodeURIComponent(invoice.number)}`);
      expect(erp.state.docs.get('Sales Invoice')?.find((d) => d.name === invoice.id)?.po_no).toBe('po-key-1');
      const summary = await connector.getCustomerSummary(customer?.id ?? '');
      expect(summary.recentOrders[0]?.date).toBe('2026-11-12T15:05:00+03:00');
      expect(summary.link).toBe(`${erp.url}/app/customer/${encodeURIComponent('ООО «Ромашка»')}`);
    } finally {
      await erp.close();
    }
  });
});
