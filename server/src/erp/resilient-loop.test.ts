import { describe, expect, it } from 'vitest';
import type { ErpConnector, ErpOrder, StockSnapshot } from './connector.js';
import { withResilience } from './resilient.js';

/** An ERP whose free stock drops when an order reserves it and comes back when it is released. */
function reservingErp() {
  let free = 10;
  const order: ErpOrder = { id: 'o1', number: '1', reserved: { A: 4 }, link: null };
  const erp: ErpConnector = {
    kind: 'local',
    async getStock(skus): Promise<StockSnapshot> {
      const item = (sku: string) => ({
        sku,
        name: sku,
        price: null,
        warehouses: [{ warehouseId: 'w', warehouseName: 'W', free }],
      });
      return { asOf: new Date(), items: new Map(skus.map((sku) => [sku, item(sku)])) };
    },
    resolveSkus: async () => new Map(),
    listWarehouses: async () => [],
    findCustomers: async () => [],
    getCustomerSummary: async () => ({ customerId: 'c', balance: null, documents: [] }) as never,
    createInvoice: async () => ({}) as never,
    createOrder: async () => {
      free -= 4;
      return order;
    },
    releaseOrder: async () => {
      free += 4;
      return { ...order, reserved: { A: 0 } };
    },
    health: async () => ({ ok: true }),
  };
  return erp;
}

const freeOf = (snapshot: { value: StockSnapshot }) => snapshot.value.items.get('A')?.warehouses[0]?.free;

describe('resilient ERP access around the loop', () => {
  it('forgets cached stock once an order reserved it, and again once it is released', async () => {
    const erp = withResilience(reservingErp());
    expect(freeOf(await erp.getStock(['A']))).toBe(10);
    await erp.createOrder?.({ idempotencyKey: 'deal-1', customerId: 'c', positions: [] });
    expect(freeOf(await erp.getStock(['A']))).toBe(6);
    await erp.releaseOrder?.('o1');
    expect(freeOf(await erp.getStock(['A']))).toBe(10);
  });
});
