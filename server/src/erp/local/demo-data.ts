import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../db/open.js';
import { importStockCsv } from './csv-import.js';
import { upsertLocalCustomers } from './customers.js';
import demoCustomers from './demo-customers.json' with { type: 'json' };

const here = dirname(fileURLToPath(import.meta.url));
export const DEMO_STOCK_CSV = join(here, 'demo-stock.csv');

/** MoySklad-style "YYYY-MM-DD HH:mm:ss" Moscow time -> ISO with offset. */
const moscowIso = (moment: string) => `${moment.replace(' ', 'T')}+03:00`;

/** The demo's ERP: stock from the demo CSV and a handful of customers with their history. */
export async function loadDemoData(db: Db) {
  const stock = await importStockCsv(db, readFileSync(DEMO_STOCK_CSV, 'utf8'));
  await upsertLocalCustomers(
    db,
    demoCustomers.map((c) => ({
      name: c.name,
      inn: c.inn,
      phone: c.phone,
      email: c.email,
      balance: c.balance,
      orders: c.orders.map((d) => ({ number: d.number, date: moscowIso(d.moment), sum: d.sum })),
      invoices: c.invoices.map((d) => ({ number: d.number, date: moscowIso(d.moment), sum: d.sum })),
    })),
  );
  return { stockRows: stock.imported, customers: demoCustomers.length };
}
