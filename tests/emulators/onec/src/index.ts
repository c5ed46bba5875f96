import type { Hono } from 'hono';
import { AnswerFaults } from '../../answer-faults.js';
import { type ListenOptions, type Started, startEmulator } from '../../listen.js';
import { buildApp } from './app.js';
import type { CallLogEntry } from './call-log.js';
import { createFaults, type OneCFaults, type OneCLoopFaults } from './faults.js';
import { addLoopEntities } from './loop-entities.js';
import { type OneCEmulatorOptions, resolveOptions } from './options.js';
import { createLoopControls, type OneCLoopControls } from './payments.js';
import { seedState } from './seed.js';
import type { OneCState } from './state.js';

export type { CallLogEntry } from './call-log.js';
export type { FaultTarget, OneCFaults, OneCLoopFaults } from './faults.js';
export { stableGuid } from './ids.js';
export { PAYMENT_DOCUMENT } from './loop-entities.js';
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
  const loopFaults: OneCLoopFaults = new AnswerFaults();
  const calls: CallLogEntry[] = [];
  const app = buildApp(opts, state, faultState, calls, loopFaults);
  return { app, calls, faults, state, loop: createLoopControls(state), loopFaults };
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
