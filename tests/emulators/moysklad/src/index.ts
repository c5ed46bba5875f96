import type { Hono } from 'hono';
import { type ListenOptions, type Started, startEmulator } from '../../listen.js';
import { loopControl } from './api/loop.js';
import { buildApp } from './app.js';
import type { CallLogEntry } from './call-log.js';
import { Faults } from './faults.js';
import { type MoySkladEmulatorOptions, resolveOptions } from './options.js';
import { createState, type EmulatorState } from './state.js';
import { WebhookSender } from './webhook-sender.js';
import { API_PREFIX } from './wire.js';

export { phoneMatches } from './api/counterparty.js';
export type { CallLogEntry } from './call-log.js';
export type { FailOptions, Faults } from './faults.js';
export type { MoySkladEmulatorOptions } from './options.js';
export type { EmulatorState } from './state.js';
export { seededId } from './state.js';
export { API_PREFIX } from './wire.js';

export interface MoySkladEmulator {
  app: Hono;
  calls: CallLogEntry[];
  faults: Faults;
  state: EmulatorState;
  /** Webhooks MoySklad sends (with lost / duplicate / out-of-order faults). */
  hooks: WebhookSender;
  /** What a person does in MoySklad: pay an invoice, change its status. */
  loop: ReturnType<typeof loopControl>;
}

/** A MoySklad JSON API 1.2 emulator seeded with tests/fixtures/erp-dataset.ts. */
export function createMoySkladEmulator(options: MoySkladEmulatorOptions): MoySkladEmulator {
  const opts = resolveOptions(options);
  const state = createState();
  const calls: CallLogEntry[] = [];
  const faults = new Faults(opts.latencyMs);
  // Webhook hrefs name the API base the emulator listens on (known once it listens).
  const where = { base: `http://127.0.0.1${API_PREFIX}` };
  const hooks = new WebhookSender(state, () => where.base);
  return {
    app: buildApp(opts, state, calls, faults, hooks),
    calls,
    faults,
    state,
    hooks,
    loop: loopControl(state, hooks),
    setBase: (base: string) => {
      where.base = base;
    },
  } as MoySkladEmulator & { setBase(base: string): void };
}

/** `url` is the API base, e.g. http://127.0.0.1:PORT/api/remap/1.2 */
export type StartedMoySkladEmulator = Started<MoySkladEmulator>;

export function startMoySkladEmulator(
  options: MoySkladEmulatorOptions & ListenOptions,
): Promise<StartedMoySkladEmulator> {
  const create = (rest: MoySkladEmulatorOptions) =>
    createMoySkladEmulator(rest) as MoySkladEmulator & { setBase(base: string): void };
  return startEmulator(options, create, (origin, emulator) => {
    emulator.setBase(`${origin}${API_PREFIX}`);
    return `${origin}${API_PREFIX}`;
  });
}
