import { fileURLToPath } from 'node:url';
import { createRestConnector, loadRestMapping } from '../../server/src/erp/rest/connector.js';
import { ODOO_API_KEY, ODOO_DATABASE, startOdooEmulator } from '../emulators/odoo/index.js';
import { describeErpConnectorContract } from './erp-connector.contract.js';

const EXAMPLE = fileURLToPath(new URL('../../server/src/erp/rest/examples/odoo.json', import.meta.url));

describeErpConnectorContract('rest:odoo', async () => {
  const erp = await startOdooEmulator();
  const mapping = loadRestMapping(EXAMPLE, { ODOO_API_KEY, ODOO_DATABASE });
  const connector = createRestConnector({ ...mapping, baseUrl: erp.url }, { retries: 1, retryBaseMs: 10 });
  return {
    connector,
    breakErp: () => erp.faults.outage(true),
    restoreErp: () => erp.faults.outage(false),
    corruptNextResponse: () => erp.faults.corruptNext(),
    close: () => erp.close(),
  };
});
