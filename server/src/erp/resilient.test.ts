import { describe, expect, it } from 'vitest';
import type { ErpConnector, StockSnapshot } from './connector.js';
import { ErpError } from './connector.js';
import { withResilience } from './resilient.js';

function fakeErp(latencyMs = 20) {
  let calls = 0;
  let down = false;
  let free = 5;
  const erp: ErpConnector = {
    kind: 'local',
    async getStock(skus): Promise<StockSnapshot> {
      calls++;
      await new Promise((r) => setTimeout(r, latencyMs));
      if (down) throw new ErpError('unavailable', 'ERP down');
      return {
        asOf: new Date(),
        items: new Map(
          skus.map((s) => [
            s,
            { sku: s, name: s, price: null, warehouses: [{ warehouseId: 'w', warehouseName: 'W', free }] },
          ]),
        ),
      };
    },
    resolveSkus: async () => new Map(),
    listWarehouses: async () => [],
    findCustomers: async () => [],
    getCustomerSummary: async () => {
      throw new ErpError('not_found', 'x');
    },
    createInvoice: async () => {
      throw new ErpError('validation', 'bad');
    },
    health: async () => ({ ok: true }),
  };
  return {
    erp,
    calls: () => calls,
    setDown: (d: boolean) => {
      down = d;
    },
    setFree: (n: number) => {
      free = n;
    },
  };
}

describe('resilient ERP access', () => {
  it('makes one ERP call for 100 concurrent loads of one deal', async () => {
    const f = fakeErp();
    const erp = withResilience(f.erp);
    const results = await Promise.all(Array.from({ length: 100 }, () => erp.getStock(['B', 'A', 'A'])));
    expect(f.calls()).toBe(1);
    expect(results.every((r) => r.value.items.get('A')?.warehouses[0]?.free === 5 && !r.stale)).toBe(true);
  });

  it('serves from cache within the TTL and asks the ERP again after it', async () => {
    let t = 1_000_000;
    const f = fakeErp(0);
    const erp = withResilience(f.erp, { stockTtlMs: 30_000, now: () => t });
    await erp.getStock(['A']);
    t += 29_000;
    await erp.getStock(['A']);
    expect(f.calls()).toBe(1);
    t += 2_000;
    f.setFree(7);
    expect((await erp.getStock(['A'])).value.items.get('A')?.warehouses[0]?.free).toBe(7);
    expect(f.calls()).toBe(2);
  });

  it('answers with the last known stock, flagged stale with its time, while the ERP is down', async () => {
    let t = 1_000_000;
    const f = fakeErp(0);
    const erp = withResilience(f.erp, { stockTtlMs: 1000, now: () => t });
    const fresh = await erp.getStock(['A']);
    t += 5000;
    f.setDown(true);
    const stale = await erp.getStock(['A']);
    expect(stale.stale).toBe(true);
    expect(stale.asOf.getTime()).toBe(fresh.asOf.getTime());
    expect(stale.value.items.get('A')?.warehouses[0]?.free).toBe(5);
    await expect(erp.getStock(['NEVER-SEEN'])).rejects.toBeInstanceOf(ErpError);
  });

  it('opens the circuit after repeated failures, fails fast, and closes after a good trial', async () => {
    let t = 1_000_000;
    const f = fakeErp(0);
    const erp = withResilience(f.erp, { failureThreshold: 3, openMs: 10_000, stockTtlMs: 0, now: () => t });
    f.setDown(true);
    for (let i = 0; i < 3; i++) await expect(erp.getStock([`X${i}`])).rejects.toThrow();
    expect(erp.circuitState()).toBe('open');
    const before = f.calls();
    await expect(erp.getStock(['Y'])).rejects.toThrow(/paused/);
    expect(f.calls()).toBe(before);
    t += 10_000;
    f.setDown(false);
    expect(erp.circuitState()).toBe('half-open');
    await erp.getStock(['Z']);
    expect(erp.circuitState()).toBe('closed');
  });

  it('does not count a refusal of our request (4xx) as the ERP failing', async () => {
    const f = fakeErp(0);
    const erp = withResilience(f.erp, { failureThreshold: 1 });
    await expect(erp.createInvoice({ idempotencyKey: 'k', customerId: 'c', positions: [] })).rejects.toThrow(
      'bad',
    );
    expect(erp.circuitState()).toBe('closed');
  });

  it('times out a hanging ERP call', async () => {
    const f = fakeErp(200);
    const erp = withResilience(f.erp, { timeoutMs: 50 });
    await expect(erp.getStock(['A'])).rejects.toMatchObject({ code: 'timeout', retryable: true });
  });

  it('never counts bad customer ids toward the circuit: our validation, the ERP not_found or validation', async () => {
    const f = fakeErp(0);
    let summaries = 0;
    f.erp.getCustomerSummary = async (id) => {
      summaries++;
      throw new ErpError(id.startsWith('v') ? 'validation' : 'not_found', `no ${id}`);
    };
    const erp = withResilience(f.erp, { failureThreshold: 2 });
    const bad = ['nul\u0000id', '\ud800lone', 'x'.repeat(300), '', 'v-invalid', 'missing', 'v2', 'gone'];
    for (const id of bad) await expect(erp.getCustomerSummary(id)).rejects.toBeInstanceOf(ErpError);
    expect(summaries).toBe(4); // the first four never reached the ERP
    expect(erp.circuitState()).toBe('closed');
    expect((await erp.getStock(['A'])).value.items.get('A')).toBeDefined();
  });

  it('keeps at most maxEntries answers however many distinct customer ids are asked for', async () => {
    const f = fakeErp(0);
    f.erp.getCustomerSummary = async (id) => ({
      customer: { id, name: id, inn: null, phone: null, email: null },
      balance: null,
      recentOrders: [],
      recentInvoices: [],
      link: null,
    });
    const erp = withResilience(f.erp, { maxEntries: 50 });
    for (let i = 0; i < 500; i++) await erp.getCustomerSummary(`c-${i}`);
    let calls = 0;
    f.erp.getCustomerSummary = async () => {
      calls++;
      throw new ErpError('not_found', 'x');
    };
    // The first ids were evicted (asked again), the latest are still served from the cache.
    await expect(erp.getCustomerSummary('c-0')).rejects.toThrow();
    await erp.getCustomerSummary('c-499');
    expect(calls).toBe(1);
  });
});
