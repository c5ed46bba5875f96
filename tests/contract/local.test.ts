import { openDatabase } from '@erp-bridge/server/db';
import { createLocalConnector, loadDemoData, payLocalInvoice } from '@erp-bridge/server/local-stock';
import { describeErpConnectorContract } from './erp-connector.contract.js';

// The embedded store's demo data (stock CSV + customers JSON) is the dataset the contract asserts.
describeErpConnectorContract('local', async () => {
  const database = await openDatabase({ dataDir: 'memory://' });
  await loadDemoData(database.db);
  return {
    connector: createLocalConnector(database.db),
    payInvoice: (id, amount) => payLocalInvoice(database.db, id, amount),
    close: () => database.close(),
  };
});
