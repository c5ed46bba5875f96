import type { Hono } from 'hono';
import { AnswerFaults, nginxBadGateway } from '../answer-faults.js';
import { listen } from '../listen.js';
import { ProxyRateLimit } from '../proxy-rate-limit.js';
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

export interface OdooFaults {
  /** Every request answers 503 while on. */
  outage(on: boolean): void;
  /** The next stock.quant search_read answers `false` where quantities should be. */
  corruptNext(): void;
  /** The next `n` requests get the proxy's 429 with Retry-After (see proxy-rate-limit.ts). */
  rateLimitNext(n: number, waitMs: number): void;
  /** The next matching request is carried out, then its answer is lost (the proxy's 502). */
  loseNextAnswer: AnswerFaults['loseNextAnswer'];
  /** The next matching request reaches Odoo twice; the client sees the second answer. */
  duplicateNext: AnswerFaults['duplicateNext'];
}

export interface OdooEmulator {
  app: Hono;
  state: OdooState;
  calls: CallLogEntry[];
  faults: OdooFaults;
  /** What Odoo's users do to invoices (payments, reconciliation, cancellation): orders.ts. */
  loop: OdooLoop;
  /** The app behind the answer faults: what a client reaching the emulator over HTTP meets. */
  fetch(req: Request): Promise<Response>;
}

/**
 * A small Odoo 19 speaking the JSON-2 API (POST /json/2/<model>/<method>, bearer API key), with
 * the models the REST connector's example mapping uses, seeded with tests/fixtures/erp-dataset.ts.
 */
export function createOdooEmulator(options: OdooEmulatorOptions = {}): OdooEmulator {
  const state: OdooState = {
    db: seedRecords(),
    apiKey: options.apiKey ?? ODOO_API_KEY,
    database: options.database ?? ODOO_DATABASE,
    outage: false,
    corruptNext: false,
    invoiceSeq: 0,
    proxy: new ProxyRateLimit(),
  };
  const calls: CallLogEntry[] = [];
  const app = buildApp(state, calls);
  const answers = new AnswerFaults();
  const fetch = answers.wrap((req) => app.fetch(req), nginxBadGateway);
  return {
    app,
    state,
    calls,
    loop: createOdooLoop(state),
    fetch: async (req) => fetch(req),
    faults: {
      loseNextAnswer: (n, match) => answers.loseNextAnswer(n, match),
      duplicateNext: (n, match) => answers.duplicateNext(n, match),
      outage: (on) => {
        state.outage = on;
      },
      corruptNext: () => {
        state.corruptNext = true;
      },
      rateLimitNext: (n, waitMs) => state.proxy.next(n, waitMs),
    },
  };
}

export interface StartedOdooEmulator extends OdooEmulator {
  url: string;
  close(): Promise<void>;
}

export async function startOdooEmulator(
  options: OdooEmulatorOptions & { port?: number; host?: string } = {},
): Promise<StartedOdooEmulator> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const emulator = createOdooEmulator(rest);
  const server = await listen(emulator.fetch, { port, host });
  return {
    ...emulator,
    url: server.origin,
    close: server.close,
  };
}
