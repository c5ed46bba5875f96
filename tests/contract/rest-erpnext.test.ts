import { fileURLToPath } from 'node:url';
import { createRestConnector, loadRestMapping } from '../../server/src/erp/rest/connector.js';
import { ERPNEXT_API_KEY, ERPNEXT_API_SECRET, startErpNextEmulator } from '../emulators/erpnext/index.js';
import { describeErpConnectorContract } from './erp-connector.contract.js';

const EXAMPLE = fileURLToPath(new URL('../../server/src/erp/rest/examples/erpnext.json', import.meta.url));

describeErpConnectorContract('rest:erpnext', async () => {
  const erp = await startErpNextEmulator();
  const mapping = loadRestMapping(EXAMPLE, { ERPNEXT_API_KEY, ERPNEXT_API_SECRET });
  const connector = createRestConnector({ ...mapping, baseUrl: erp.url }, { retries: 1, retryBaseMs: 10 });
  return {
    connector,
    breakErp: () => erp.faults.outage(true),
    restoreErp: () => erp.faults.outage(false),
    corruptNextResponse: () => erp.faults.corruptNext(),
    close: () => erp.close(),
  };
});
