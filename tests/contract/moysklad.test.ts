import { createMoySkladConnector } from '../../server/src/erp/moysklad/index.js';
import { startMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { describeErpConnectorContract } from './erp-connector.contract.js';

const TOKEN = 'contract-moysklad-token';

describeErpConnectorContract('moysklad', async () => {
  const emulator = await startMoySkladEmulator({ token: TOKEN });
  const connector = createMoySkladConnector({ token: TOKEN, apiBase: emulator.url, retryBaseMs: 20 });
  return {
    connector,
    breakErp: () => emulator.faults.outage(true),
    restoreErp: () => emulator.faults.outage(false),
    corruptNextResponse: () => emulator.faults.corruptNext(),
    close: () => emulator.close(),
  };
});
