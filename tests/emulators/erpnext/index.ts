import type { Hono } from 'hono';
import { listen } from '../listen.js';
import { ProxyRateLimit } from '../proxy-rate-limit.js';
import { buildApp, type CallLogEntry, type ErpNextState } from './app.js';
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
}

export interface ErpNextEmulator {
  app: Hono;
  state: ErpNextState;
  calls: CallLogEntry[];
  faults: ErpNextFaults;
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
  return {
    app: buildApp(state, calls),
    state,
    calls,
    faults: {
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
  const server = await listen(emulator.app.fetch, { port, host });
  return {
    ...emulator,
    url: server.origin,
    close: server.close,
  };
}
