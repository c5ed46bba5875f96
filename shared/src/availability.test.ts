import { describe, expect, it } from 'vitest';
import { computeAvailability, type DealLineInput, type StockBySku } from './availability.js';

const line = (sku: string | null, quantity: number, elementId = 1): DealLineInput => ({
  elementId,
  sku,
  name: sku ?? 'no sku',
  quantity,
  price: null,
});
const wh = (warehouseId: string, free: number | null) => ({ warehouseId, warehouseName: warehouseId, free });

describe('computeAvailability', () => {
  it('reports a deal without products as empty', () => {
    expect(computeAvailability([], new Map())).toEqual({ status: 'empty', lines: [] });
  });

  it('sums free stock over warehouses', () => {
    const stock: StockBySku = new Map([['A', [wh('msk', 3), wh('spb', 2)]]]);
    const r = computeAvailability([line('A', 5)], stock);
    expect(r.status).toBe('ok');
    expect(r.lines[0]).toMatchObject({ status: 'ok', freeTotal: 5, requested: 5 });
    expect(computeAvailability([line('A', 6)], stock).lines[0]?.status).toBe('short');
  });

  it('shares one SKU pool between duplicate lines', () => {
    const stock: StockBySku = new Map([['A', [wh('msk', 5)]]]);
    const r = computeAvailability([line('A', 3, 1), line('A', 3, 2)], stock);
    expect(r.status).toBe('short');
    expect(r.lines.map((l) => l.status)).toEqual(['short', 'short']);
    expect(r.lines.map((l) => l.requested)).toEqual([3, 3]);
    expect(computeAvailability([line('A', 2, 1), line('A', 3, 2)], stock).status).toBe('ok');
  });

  it('compares fractional quantities without float drift', () => {
    const stock: StockBySku = new Map([['CABLE', [wh('msk', 0.1), wh('spb', 0.2)]]]);
    expect(computeAvailability([line('CABLE', 0.3)], stock).status).toBe('ok');
    expect(computeAvailability([line('CABLE', 0.31)], stock).status).toBe('short');
    expect(computeAvailability([line('CABLE', 0.1), line('CABLE', 0.2)], stock).status).toBe('ok');
  });

  it('treats a SKU the ERP did not report as unknown, never as zero', () => {
    const r = computeAvailability([line('GHOST', 1)], new Map());
    expect(r.lines[0]).toMatchObject({ status: 'unknown', freeTotal: null, warehouses: [] });
    expect(r.status).toBe('unknown');
  });

  it('treats a line whose SKU the catalog could not give as unknown', () => {
    expect(computeAvailability([line(null, 1)], new Map()).lines[0]?.status).toBe('unknown');
  });

  it('treats a catalog service (no SKU) or a service in the ERP as a service: never unknown, never short', () => {
    const report = computeAvailability(
      [{ ...line(null, 1), kind: 'service' }, line('SRV', 2), line('A', 1)],
      new Map([['A', [wh('msk', 5)]]]),
      {},
      new Map([['SRV', { kind: 'service' as const }]]),
    );
    expect(report.lines.map((l) => [l.status, l.kind])).toEqual([
      ['ok', 'service'],
      ['ok', 'service'],
      ['ok', undefined],
    ]);
    expect(report.status).toBe('ok');
  });

  it('counts reserve tied to no warehouse against the total free stock', () => {
    const stock: StockBySku = new Map([['A', [wh('msk', 4), wh('spb', 7)]]]);
    const details = new Map([['A', { unassignedReserve: 5 }]]);
    const [ok] = computeAvailability([line('A', 6)], stock, {}, details).lines;
    expect(ok).toMatchObject({ status: 'ok', freeTotal: 6, unassignedReserve: 5 });
    expect(computeAvailability([line('A', 7)], stock, {}, details).lines[0]?.status).toBe('short');
  });

  it('says zero is short, not unknown', () => {
    const stock: StockBySku = new Map([['A', [wh('msk', 0)]]]);
    expect(computeAvailability([line('A', 1)], stock).lines[0]).toMatchObject({
      status: 'short',
      freeTotal: 0,
    });
  });

  it('is unknown when known warehouses fall short but another warehouse has no data', () => {
    const stock: StockBySku = new Map([['A', [wh('msk', 2), wh('spb', null)]]]);
    expect(computeAvailability([line('A', 3)], stock).lines[0]).toMatchObject({
      status: 'unknown',
      freeTotal: 2,
    });
    // ...but known stock that already covers the demand is enough.
    expect(computeAvailability([line('A', 2)], stock).lines[0]?.status).toBe('ok');
  });

  it('is unknown, not zero, when every warehouse lacks data', () => {
    const stock: StockBySku = new Map([['A', [wh('msk', null)]]]);
    expect(computeAvailability([line('A', 1)], stock).lines[0]).toMatchObject({
      status: 'unknown',
      freeTotal: null,
    });
  });

  it('counts only the warehouses the rule names', () => {
    const stock: StockBySku = new Map([['A', [wh('msk', 1), wh('spb', 10)]]]);
    const r = computeAvailability([line('A', 5)], stock, { warehouseIds: ['msk'] });
    expect(r.lines[0]).toMatchObject({ status: 'short', freeTotal: 1 });
    expect(r.lines[0]?.warehouses).toHaveLength(2);
  });

  it('lets short outrank unknown in the deal status', () => {
    const stock: StockBySku = new Map([['A', [wh('msk', 0)]]]);
    expect(computeAvailability([line('A', 1), line('B', 1, 2)], stock).status).toBe('short');
  });

  it('treats a zero-quantity line as ok even without stock data', () => {
    expect(computeAvailability([line('A', 0)], new Map()).lines[0]?.status).toBe('ok');
  });

  it('treats negative free stock (oversold) as short', () => {
    const stock: StockBySku = new Map([['A', [wh('msk', -2)]]]);
    expect(computeAvailability([line('A', 1)], stock).lines[0]).toMatchObject({
      status: 'short',
      freeTotal: -2,
    });
  });
});
