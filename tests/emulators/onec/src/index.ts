import type { Hono } from 'hono';
import { type ListenOptions, type Started, startEmulator } from '../../listen.js';
import { buildApp } from './app.js';
import type { CallLogEntry } from './call-log.js';
import { createFaults, type OneCFaults } from './faults.js';
import { type OneCEmulatorOptions, resolveOptions } from './options.js';
import { seedState } from './seed.js';
import type { OneCState } from './state.js';

export type { CallLogEntry } from './call-log.js';
export type { FaultTarget, OneCFaults } from './faults.js';
export { stableGuid } from './ids.js';
export type { OneCEmulatorOptions } from './options.js';
export { ORDER_DOCUMENT, PRICE_REGISTER, SERVICE_ITEMS, SETTLEMENTS_REGISTER } from './seed.js';
export type { EntitySet, OneCState, Register } from './state.js';

export interface OneCEmulator {
  app: Hono;
  calls: CallLogEntry[];
  faults: OneCFaults;
  state: OneCState;
}

/** A 1C:Enterprise infobase's standard OData interface, seeded with tests/fixtures/erp-dataset.ts. */
export function createOneCEmulator(options: OneCEmulatorOptions): OneCEmulator {
  const opts = resolveOptions(options);
  const state = seedState(opts);
  const { faults, state: faultState } = createFaults(opts.latencyMs);
  const calls: CallLogEntry[] = [];
  return { app: buildApp(opts, state, faultState, calls), calls, faults, state };
}

/** `url` is the OData root, e.g. http://127.0.0.1:PORT/trade/odata/standard.odata */
export type StartedOneCEmulator = Started<OneCEmulator>;

export function startOneCEmulator(
  options: OneCEmulatorOptions & ListenOptions,
): Promise<StartedOneCEmulator> {
  // The schema ignores port and host: they are the listener's, not the infobase's.
  return startEmulator(
    options,
    createOneCEmulator,
    (origin) => `${origin}${resolveOptions(options).basePath}`,
  );
}
