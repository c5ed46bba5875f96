import type { Hono } from 'hono';
import { listen } from '../../listen.js';
import { buildApp } from './app.js';
import type { CallLogEntry } from './call-log.js';
import { createFaults, type OneCFaults } from './faults.js';
import { addLoopEntities } from './loop-entities.js';
import { createLoopFaults, type OneCLoopFaults } from './loop-faults.js';
import { type OneCEmulatorOptions, resolveOptions } from './options.js';
import { createLoopControls, type OneCLoopControls } from './payments.js';
import { seedState } from './seed.js';
import type { OneCState } from './state.js';

export type { CallLogEntry } from './call-log.js';
export type { FaultTarget, OneCFaults } from './faults.js';
export { stableGuid } from './ids.js';
export { PAYMENT_DOCUMENT } from './loop-entities.js';
export type { OneCLoopFaults } from './loop-faults.js';
export type { OneCEmulatorOptions } from './options.js';
export { reservedBy } from './orders.js';
export type { OneCLoopControls } from './payments.js';
export { ORDER_DOCUMENT, PRICE_REGISTER, SERVICE_ITEMS, SETTLEMENTS_REGISTER } from './seed.js';
export type { EntitySet, OneCState, Register } from './state.js';

export interface OneCEmulator {
  app: Hono;
  calls: CallLogEntry[];
  faults: OneCFaults;
  state: OneCState;
  /** Issue 15: payments and cancellations made in the infobase. */
  loop: OneCLoopControls;
  /** Issue 15: lost answers and duplicated creates between the client and 1C. */
  loopFaults: OneCLoopFaults;
}

/** A 1C:Enterprise infobase's standard OData interface, seeded with tests/fixtures/erp-dataset.ts. */
export function createOneCEmulator(options: OneCEmulatorOptions): OneCEmulator {
  const opts = resolveOptions(options);
  const state = seedState(opts);
  addLoopEntities(state);
  const { faults, state: faultState } = createFaults(opts.latencyMs);
  const loopFaults = createLoopFaults();
  const calls: CallLogEntry[] = [];
  const app = buildApp(opts, state, faultState, calls, loopFaults);
  return { app, calls, faults, state, loop: createLoopControls(state), loopFaults };
}

export interface StartedOneCEmulator extends OneCEmulator {
  /** The OData root, e.g. http://127.0.0.1:PORT/trade/odata/standard.odata */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startOneCEmulator(
  options: OneCEmulatorOptions & { port?: number; host?: string },
): Promise<StartedOneCEmulator> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const opts = resolveOptions(rest);
  const emulator = createOneCEmulator(rest);
  const server = await listen(emulator.app.fetch, { port, host });
  return {
    ...emulator,
    url: `${server.origin}${opts.basePath}`,
    port: server.port,
    close: server.close,
  };
}
