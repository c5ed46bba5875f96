import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpConnector } from '../../server/src/erp/connector.js';
import { createOneCConnector } from '../../server/src/erp/onec/index.js';
import { createRestConnector, loadRestMapping } from '../../server/src/erp/rest/connector.js';
import { availabilityOf } from '../../server/src/stock/lead-stock.js';
import { ERPNEXT_API_KEY, ERPNEXT_API_SECRET, startErpNextEmulator } from '../emulators/erpnext/index.js';
import { ODOO_API_KEY, ODOO_DATABASE, startOdooEmulator } from '../emulators/odoo/index.js';
import { startOneCEmulator } from '../emulators/onec/src/index.js';
import { amoApi, createLead, linkProducts } from '../support/amo-api.js';
import { expectServiceInvoicedAtItsPrice } from '../support/erp-service-line.js';
import { type Stack, startStack } from '../support/stack.js';
import { enableGuard, installationOf } from '../support/stack-state.js';
import { widgetCall } from '../support/widget-api.js';

const ACCOUNT = 31000001;
const PIPELINE = 8001;
const INVOICED = 80013; // the gated stage
const CATALOG = 7001;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ emulator: { rateLimitPerSecond: 7 } });
  await enableGuard(stack, ACCOUNT, [{ pipelineId: PIPELINE, statusId: INVOICED }], {
    unknownStock: 'block',
  });
});
afterAll(() => stack?.close());

describe('a service line (catalog element without an SKU) is not a stock line', () => {
  it('is shown as a service, never unknown, and does not block the guard even when unknown stock blocks', async () => {
    // "Доставка" in the products catalog, with no SKU field: a service.
    const created = await amoApi(stack, `/catalogs/${CATALOG}/elements`, 'POST', [{ name: 'Доставка' }]);
    const serviceId = created._embedded.elements[0].id as number;
    const leadId = await createLead(stack, {
      name: 'Deal with delivery',
      pipeline_id: PIPELINE,
      status_id: INVOICED,
    });
    await linkProducts(
      stack,
      leadId,
      [
        [500101, 1],
        [serviceId, 1],
      ],
      CATALOG,
    );

    const report = await (
      await widgetCall(stack.backend, 'GET', `/api/v1/leads/${leadId}/stock`, { user: { userId: 5 } })
    ).json();
    const service = report.lines.find((l: { elementId: number }) => l.elementId === serviceId);
    expect(service).toMatchObject({ kind: 'service', status: 'ok', sku: null });
    expect(report.status).toBe('ok');

    const inst = await installationOf(stack, ACCOUNT);
    const record = await stack.server.services.guard.checkNow(inst, leadId);
    expect(record?.verdict).toBe('ok');
    expect(record?.reasons).toEqual([]);
  });
});

/**
 * An ERP item of a service type (issue 9.13) for the 1C and REST connectors, as their emulators
 * document it: 1C's ТипНоменклатуры = Услуга, ERPNext's is_stock_item = 0, Odoo's type
 * 'service'. None has stock records; the line must be a service, not unknown and not zero.
 */
describe.each(erpsWithServices())('an ERP service item on $name', ({ start }) => {
  it('is a service line: no stock, never unknown or zero, not blocking, invoiced at its price', async () => {
    const { connector, close } = await start();
    try {
      const snapshot = await connector.getStock(['SRV-DELIVERY', 'DRL-18V']);
      expect(snapshot.items.get('SRV-DELIVERY')).toMatchObject({
        kind: 'service',
        price: { amount: 1500, currency: 'RUB' },
        warehouses: [],
      });
      expect(snapshot.items.get('DRL-18V')?.warehouses.length).toBeGreaterThan(0);
      const verdict = availabilityOf(
        [
          { elementId: 1, sku: 'SRV-DELIVERY', name: 'Доставка', quantity: 1, price: null },
          { elementId: 2, sku: 'DRL-18V', name: 'Дрель', quantity: 1, price: null },
        ],
        snapshot,
      );
      expect(verdict.lines[0]).toMatchObject({ kind: 'service', status: 'ok' });
      // The guard decides on this verdict: nothing short, nothing unknown.
      expect(verdict.status).toBe('ok');
      await expectServiceInvoicedAtItsPrice(connector);
    } finally {
      await close();
    }
  });
});

function erpsWithServices() {
  const onecUser = 'Администратор';
  const onecPassword = 'пароль-1С';
  const example = (name: string) =>
    fileURLToPath(new URL(`../../server/src/erp/rest/examples/${name}.json`, import.meta.url));
  return [
    {
      name: '1C (Catalog_Номенклатура, ТипНоменклатуры = Услуга)',
      start: async () => {
        const erp = await startOneCEmulator({ user: onecUser, password: onecPassword });
        const connector = createOneCConnector({ odataUrl: erp.url, user: onecUser, password: onecPassword });
        return { connector: connector as ErpConnector, close: () => erp.close() };
      },
    },
    {
      name: 'ERPNext (Item is_stock_item = 0)',
      start: async () => {
        const erp = await startErpNextEmulator();
        const mapping = loadRestMapping(example('erpnext'), { ERPNEXT_API_KEY, ERPNEXT_API_SECRET });
        return { connector: createRestConnector({ ...mapping, baseUrl: erp.url }), close: () => erp.close() };
      },
    },
    {
      name: "Odoo (product type 'service')",
      start: async () => {
        const erp = await startOdooEmulator();
        const mapping = loadRestMapping(example('odoo'), { ODOO_API_KEY, ODOO_DATABASE });
        return { connector: createRestConnector({ ...mapping, baseUrl: erp.url }), close: () => erp.close() };
      },
    },
  ];
}
