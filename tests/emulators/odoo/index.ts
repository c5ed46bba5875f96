import { type ListenOptions, type Started, startEmulator } from '../listen.js';
import { type RestEmulator, type RestFaults, restEmulator } from '../rest-emulator.js';
import { buildApp, type CallLogEntry, type OdooState } from './app.js';
import { createOdooLoop, type OdooLoop } from './orders.js';
import { seedRecords } from './seed.js';

export type { CallLogEntry, OdooState } from './app.js';
export type { OdooRecord } from './seed.js';
export { SERVICE_ITEMS } from './seed.js';

export const ODOO_API_KEY = 'odoo-emulator-api-key-0123456789';
export const ODOO_DATABASE = 'erp-bridge';

export interface OdooEmulatorOptions {
  apiKey?: string;
  database?: string;
}

export type OdooFaults = RestFaults;

/** `loop`: what Odoo's users do to invoices (payments, reconciliation, cancellation), orders.ts. */
export type OdooEmulator = RestEmulator<OdooState, OdooLoop, CallLogEntry>;

/**
 * A small Odoo 19 speaking the JSON-2 API (POST /json/2/<model>/<method>, bearer API key), with
 * the models the REST connector's example mapping uses, seeded with tests/fixtures/erp-dataset.ts.
 */
export function createOdooEmulator(options: OdooEmulatorOptions = {}): OdooEmulator {
  return restEmulator(
    {
      db: seedRecords(),
      apiKey: options.apiKey ?? ODOO_API_KEY,
      database: options.database ?? ODOO_DATABASE,
      invoiceSeq: 0,
    },
    buildApp,
    createOdooLoop,
  );
}

export type StartedOdooEmulator = Started<OdooEmulator>;

export function startOdooEmulator(
  options: OdooEmulatorOptions & ListenOptions = {},
): Promise<StartedOdooEmulator> {
  return startEmulator(options, createOdooEmulator);
}
