import { ProxyRateLimit } from './proxy-rate-limit.js';

/** What the ERPNext and Odoo apps read on every request; the fault switches below flip it. */
export interface RestFaultState {
  outage: boolean;
  corruptNext: boolean;
  /** The nginx in front of the ERP turning requests away with 429. */
  proxy: ProxyRateLimit;
}

export interface RestFaults {
  /** Every request answers the server's outage page while on (ERPNext: nginx's 502; Odoo: 503). */
  outage(on: boolean): void;
  /** The next stock read (Bin list, stock.quant search_read) answers rows without numeric quantities. */
  corruptNext(): void;
  /** The next `n` requests get the proxy's 429 with Retry-After (see proxy-rate-limit.ts). */
  rateLimitNext(n: number, waitMs: number): void;
}

export function restFaults(state: RestFaultState): RestFaults {
  return {
    outage: (on) => {
      state.outage = on;
    },
    corruptNext: () => {
      state.corruptNext = true;
    },
    rateLimitNext: (n, waitMs) => state.proxy.next(n, waitMs),
  };
}

/** Every fault off. */
export function restFaultState(): RestFaultState {
  return { outage: false, corruptNext: false, proxy: new ProxyRateLimit() };
}
