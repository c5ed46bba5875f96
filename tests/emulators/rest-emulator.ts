import type { Hono } from 'hono';
import type { CallLogEntry } from './call-log.js';
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

/** An ERP behind a REST API (ERPNext, Odoo): its app, what it holds, what it was asked, its faults. */
export interface RestEmulator<S extends RestFaultState, E extends CallLogEntry = CallLogEntry> {
  app: Hono;
  state: S;
  calls: E[];
  faults: RestFaults;
}

/** Builds the emulator around its seeded state, every fault off. */
export function restEmulator<S extends RestFaultState, E extends CallLogEntry>(
  seeded: Omit<S, keyof RestFaultState>,
  buildApp: (state: S, calls: E[]) => Hono,
): RestEmulator<S, E> {
  const state = { ...seeded, outage: false, corruptNext: false, proxy: new ProxyRateLimit() } as S;
  const calls: E[] = [];
  const faults: RestFaults = {
    outage: (on) => {
      state.outage = on;
    },
    corruptNext: () => {
      state.corruptNext = true;
    },
    rateLimitNext: (n, waitMs) => state.proxy.next(n, waitMs),
  };
  return { app: buildApp(state, calls), state, calls, faults };
}
