import { openDatabase } from '@erp-bridge/server/db';
import { createLocalConnector, importStockCsv, upsertLocalCustomers } from '@erp-bridge/server/local-stock';
import { CUSTOMERS, ITEMS, WAREHOUSES, type WarehouseKey } from '../fixtures/erp-dataset.js';
import { describeErpConnectorContract } from './erp-connector.contract.js';

const moscowIso = (moment: string) => `${moment.replace(' ', 'T')}+03:00`;

describeErpConnectorContract('local', async () => {
  const database = await openDatabase({ dataDir: 'memory://' });
  const csv = [
    'sku,name,warehouse_id,warehouse_name,stock,reserve,price,currency',
    ...ITEMS.flatMap((item) =>
      (Object.keys(WAREHOUSES) as WarehouseKey[]).map(
        (wh) =>
          `${item.sku},"${item.name}",${wh},"${WAREHOUSES[wh]}",${item.stock[wh].stock},${item.stock[wh].reserve},${item.price},RUB`,
      ),
    ),
  ].join('\n');
  const summary = await importStockCsv(database.db, csv);
  if (summary.rejected.length) throw new Error(`dataset rejected: ${JSON.stringify(summary.rejected)}`);
  await upsertLocalCustomers(
    database.db,
    CUSTOMERS.map((c) => ({
      name: c.name,
      inn: c.inn,
      phone: c.phone,
      email: c.email,
      balance: c.balance,
      orders: c.orders.map((d) => ({ number: d.number, date: moscowIso(d.moment), sum: d.sum })),
      invoices: c.invoices.map((d) => ({ number: d.number, date: moscowIso(d.moment), sum: d.sum })),
    })),
  );
  return { connector: createLocalConnector(database.db), close: () => database.close() };
});
