import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/open.js';
import { testBackends } from '../../db/test-databases.js';
import { DEMO_STOCK_CSV } from '../../runtime.js';
import { createLocalConnector } from './connector.js';
import { importStockCsv } from './csv-import.js';

describe.each(testBackends)('embedded stock store on $name', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(() => database.close());

  it('imports the demo CSV and reports free stock = stock - reserve per warehouse', async () => {
    const summary = await importStockCsv(database.db, readFileSync(DEMO_STOCK_CSV, 'utf8'));
    expect(summary.rejected).toEqual([]);
    expect(summary.imported).toBe(12);
    const snap = await createLocalConnector(database.db).getStock(['DRL-18V', 'CBL-VVG-2.5', 'MISSING']);
    expect(snap.items.get('DRL-18V')).toMatchObject({
      name: 'Дрель-шуруповёрт 18 В',
      price: { amount: 8990, currency: 'RUB' },
      warehouses: [
        { warehouseId: 'msk', warehouseName: 'Москва, основной', free: 20 },
        { warehouseId: 'spb', warehouseName: 'Санкт-Петербург', free: 6 },
      ],
    });
    expect(snap.items.get('CBL-VVG-2.5')?.warehouses[0]?.free).toBe(400.5);
    expect(snap.items.has('MISSING')).toBe(false);
  });

  it('rejects bad rows with their line numbers and keeps the good ones', async () => {
    const csv = [
      'sku,name,warehouse_id,warehouse_name,stock,reserve,price,currency',
      'OK-1,Good,msk,Москва,"10,5",0.5,100,rub',
      ',No sku,msk,Москва,1,0,1,RUB',
      'BAD-2,Bad stock,msk,Москва,lots,0,1,RUB',
      'BAD-3,Negative,msk,Москва,-1,0,1,RUB',
      'BAD-4,Reserve too big,msk,Москва,1,5,1,RUB',
      'OK-1,Duplicate,msk,Москва,3,0,1,RUB',
    ].join('\n');
    const summary = await importStockCsv(database.db, csv);
    expect(summary.imported).toBe(1);
    expect(summary.rejected.map((r) => r.line)).toEqual([3, 4, 5, 6, 7]);
    expect(summary.rejected[1]?.reason).toMatch(/stock/);
    const snap = await createLocalConnector(database.db).getStock(['OK-1', 'BAD-2']);
    expect(snap.items.get('OK-1')?.warehouses[0]?.free).toBe(10);
    expect(snap.items.get('OK-1')?.price).toEqual({ amount: 100, currency: 'RUB' });
    expect(snap.items.has('BAD-2')).toBe(false);
  });

  it('updates existing rows on re-import instead of duplicating them', async () => {
    await importStockCsv(database.db, 'sku,name,warehouse_id,stock\nUPD-1,Item,msk,5\n');
    await importStockCsv(database.db, 'sku,name,warehouse_id,stock\nUPD-1,Item,msk,7\n');
    const snap = await createLocalConnector(database.db).getStock(['UPD-1']);
    expect(snap.items.get('UPD-1')?.warehouses).toEqual([
      { warehouseId: 'msk', warehouseName: 'msk', free: 7, stock: 7, reserve: 0 },
    ]);
  });

  it('refuses a file without the required columns', async () => {
    await expect(importStockCsv(database.db, 'code,qty\nA,1\n')).rejects.toThrow(/sku/);
  });
});
