import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRestConnector, loadRestMapping } from '../../server/src/erp/rest/connector.js';
import { ODOO_API_KEY, ODOO_DATABASE, startOdooEmulator } from '../emulators/odoo/index.js';
import { ITEMS } from '../fixtures/erp-dataset.js';
import { describeErpConnectorContract } from './erp-connector.contract.js';
import { restSubject } from './rest-subject.js';

const EXAMPLE = fileURLToPath(new URL('../../server/src/erp/rest/examples/odoo.json', import.meta.url));

describeErpConnectorContract('rest:odoo', async () => {
  const erp = await startOdooEmulator();
  return restSubject(
    erp,
    EXAMPLE,
    { ODOO_API_KEY, ODOO_DATABASE },
    { ODOO_API_KEY: 'revoked-key', ODOO_DATABASE },
    { payInvoice: async (id, amount) => erp.loop.pay(Number(id), amount) },
  );
});

describe('REST connector on Odoo, beyond the contract', () => {
  const setup = async () => {
    const erp = await startOdooEmulator();
    const mapping = loadRestMapping(EXAMPLE, { ODOO_API_KEY, ODOO_DATABASE });
    return { erp, connector: createRestConnector({ ...mapping, baseUrl: erp.url }, { retries: 0 }) };
  };

  it('reads stock in two calls: products by SKU, then their quants', async () => {
    const { erp, connector } = await setup();
    try {
      const snapshot = await connector.getStock(ITEMS.map((i) => i.sku));
      expect(erp.calls.map((c) => `${c.model}/${c.rpc}`)).toEqual([
        'product.product/search_read',
        'stock.quant/search_read',
      ]);
      // Nothing on hand at SPB: Odoo keeps no quant, so the warehouse is absent (unknown), not zero.
      expect(snapshot.items.get('CBL-VVG-2.5')?.warehouses.map((w) => w.warehouseName)).toEqual([
        'Москва, основной',
      ]);
      expect(snapshot.items.get('DRL-18V')?.name).toBe('Дрель-шуруповёрт 18 В');
    } finally {
      await erp.close();
    }
  });

  it('posts the invoice and reads its number; a retry finds it by ref', async () => {
    const { erp, connector } = await setup();
    try {
      const [customer] = await connector.findCustomers({ email: 'PETROV@example.ru' });
      const input = {
        idempotencyKey: 'odoo-key-1',
        customerId: customer?.id ?? '',
        positions: [{ sku: 'GLV-NIT-L', quantity: 10 }],
      };
      const first = await connector.createInvoice(input);
      expect(first.number).toMatch(/^INV\/\d{4}\/\d{5}$/);
      expect(first.sum.amount).toBeCloseTo(359, 6);
      expect(first.created).toMatch(/\+00:00$/);
      const before = erp.calls.length;
      expect((await connector.createInvoice(input)).id).toBe(first.id);
      expect(erp.calls.slice(before).map((c) => c.rpc)).toEqual(['search_read']);
    } finally {
      await erp.close();
    }
  });

  it('reads the balance sign from credit and debit, and dates in their zones', async () => {
    const { erp, connector } = await setup();
    try {
      const [spb] = await connector.findCustomers({ inn: '7801111111' });
      const summary = await connector.getCustomerSummary(spb?.id ?? '');
      expect(summary.balance).toEqual({ amount: 2500, currency: 'RUB' });
      expect(summary.recentOrders[0]?.date).toBe('2026-09-15T06:00:00+00:00');
      const missing = (await connector.getCustomerSummary('9999').catch((e: unknown) => e)) as {
        code: string;
      };
      expect(missing.code).toBe('not_found');
    } finally {
      await erp.close();
    }
  });
});
