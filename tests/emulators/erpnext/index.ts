import { type ListenOptions, type Started, startEmulator } from '../listen.js';
import { type RestEmulator, type RestFaults, restEmulator } from '../rest-emulator.js';
import { buildApp, type ErpNextState } from './app.js';
import { createErpNextLoop, type ErpNextLoop } from './payments.js';
import { seedBalances, seedDocs } from './seed.js';

export type { CallLogEntry, ErpNextState } from './app.js';
export { COMPANY, SERVICE_ITEMS, warehouseDocName } from './seed.js';

export const ERPNEXT_API_KEY = 'erpbridge0key';
export const ERPNEXT_API_SECRET = 'erpbridge0secret';

export interface ErpNextEmulatorOptions {
  apiKey?: string;
  apiSecret?: string;
}

export type ErpNextFaults = RestFaults;

/** `loop`: what ERPNext's users do to invoices (payments, cancellation), payments.ts. */
export type ErpNextEmulator = RestEmulator<ErpNextState, ErpNextLoop>;

/**
 * A small Frappe/ERPNext: the REST resource API (/api/resource/<DocType>) and the whitelisted
 * methods the REST connector's example mapping calls, seeded with tests/fixtures/erp-dataset.ts.
 */
export function createErpNextEmulator(options: ErpNextEmulatorOptions = {}): ErpNextEmulator {
  return restEmulator(
    {
      docs: seedDocs(),
      balances: seedBalances(),
      apiKey: options.apiKey ?? ERPNEXT_API_KEY,
      apiSecret: options.apiSecret ?? ERPNEXT_API_SECRET,
      invoiceSeq: 0,
    },
    buildApp,
    createErpNextLoop,
  );
}

export type StartedErpNextEmulator = Started<ErpNextEmulator>;

export function startErpNextEmulator(
  options: ErpNextEmulatorOptions & ListenOptions = {},
): Promise<StartedErpNextEmulator> {
  return startEmulator(options, createErpNextEmulator);
}
