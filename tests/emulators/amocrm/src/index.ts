import type { Hono } from 'hono';
import { type ListenOptions, type Started, startEmulator } from '../../listen.js';
import { buildApp } from './app.js';
import type { CallLogEntry } from './call-log.js';
import { Faults } from './faults.js';
import { type AmoEmulatorOptions, resolveOptions } from './options.js';
import { createState, type EmulatorState } from './state.js';
import { WebhookSender } from './webhooks/sender.js';

export type { CallLogEntry, CallNote } from './call-log.js';
export { type FaultMatch, Faults } from './faults.js';
export { BLOCKED_PAGE } from './limits/rate-limit.js';
export { OAUTH_PROBLEM_TYPE } from './oauth/routes.js';
export type { AmoEmulatorOptions } from './options.js';
export { signDisposableToken } from './sandbox/token.js';
export { WIDGET_CODE, WIDGET_PATH } from './sandbox/widget-files.js';
export * from './seed.js';
export type * from './state.js';
export {
  type AmoWebhookAccount,
  type AmoWebhookEvent,
  encodeAmoWebhookBody,
  type WebhookRecord,
  type WebhookValue,
} from './webhooks/encode.js';
export { leadRecord, WEBHOOK_SETTINGS } from './webhooks/lead-events.js';
export { WebhookSender } from './webhooks/sender.js';

export interface AmoEmulator {
  app: Hono;
  state: EmulatorState;
  calls: CallLogEntry[];
  faults: Faults;
  /** Outgoing webhooks: `flush()`, `send(destination, events)`, `pending`, `deliveries`. */
  webhooks: WebhookSender;
}

export function createAmoEmulator(options: AmoEmulatorOptions): AmoEmulator {
  const opts = resolveOptions(options);
  const state = createState(opts);
  const calls: CallLogEntry[] = [];
  const faults = new Faults();
  const webhooks = new WebhookSender(state, {
    timeoutMs: opts.webhookTimeoutMs,
    retries: opts.webhookRetries,
    retryBaseMs: opts.webhookRetryBaseMs,
    fetch: opts.fetch,
  });
  return { app: buildApp(opts, state, calls, faults), state, calls, faults, webhooks };
}

export type StartedAmoEmulator = Started<AmoEmulator>;

export function startAmoEmulator(options: AmoEmulatorOptions & ListenOptions): Promise<StartedAmoEmulator> {
  return startEmulator(options, createAmoEmulator);
}
