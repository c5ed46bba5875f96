import type { Hono } from 'hono';
import { AnswerFaults, nginxBadGateway } from '../answer-faults.js';
import { listen } from '../listen.js';
import { ProxyRateLimit } from '../proxy-rate-limit.js';
import { buildApp, type CallLogEntry, type ErpNextState } from './app.js';
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

export interface ErpNextFaults {
  /** Every request answers 502 (nginx in front of a dead Frappe) while on. */
  outage(on: boolean): void;
  /** The next Bin list answers rows without numeric quantities. */
  corruptNext(): void;
  /** The next `n` requests get the proxy's 429 with Retry-After (see proxy-rate-limit.ts). */
  rateLimitNext(n: number, waitMs: number): void;
  /** The next matching request is carried out, then its answer is lost (nginx's 502). */
  loseNextAnswer: AnswerFaults['loseNextAnswer'];
  /** The next matching request reaches Frappe twice; the client sees the second answer. */
  duplicateNext: AnswerFaults['duplicateNext'];
}

export interface ErpNextEmulator {
  app: Hono;
  state: ErpNextState;
  calls: CallLogEntry[];
  faults: ErpNextFaults;
  /** What ERPNext's users do to invoices (payments, cancellation): payments.ts. */
  loop: ErpNextLoop;
  /** The app behind the answer faults: what a client reaching the emulator over HTTP meets. */
  fetch(req: Request): Promise<Response>;
}

/**
 * A small Frappe/ERPNext: the REST resource API (/api/resource/<DocType>) and the whitelisted
 * methods the REST connector's example mapping calls, seeded with tests/fixtures/erp-dataset.ts.
 */
export function createErpNextEmulator(options: ErpNextEmulatorOptions = {}): ErpNextEmulator {
  const state: ErpNextState = {
    docs: seedDocs(),
    balances: seedBalances(),
    apiKey: options.apiKey ?? ERPNEXT_API_KEY,
    apiSecret: options.apiSecret ?? ERPNEXT_API_SECRET,
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
    loop: createErpNextLoop(state),
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

export interface StartedErpNextEmulator extends ErpNextEmulator {
  url: string;
  close(): Promise<void>;
}

export async function startErpNextEmulator(
  options: ErpNextEmulatorOptions & { port?: number; host?: string } = {},
): Promise<StartedErpNextEmulator> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const emulator = createErpNextEmulator(rest);
  const server = await listen(emulator.fetch, { port, host });
  return {
    ...emulator,
    url: server.origin,
    close: server.close,
  };
}
