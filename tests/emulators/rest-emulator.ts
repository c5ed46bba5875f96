import type { Hono } from 'hono';
import { AnswerFaults } from './answer-faults.js';
import type { CallLogEntry } from './call-log.js';
import { ProxyRateLimit } from './proxy-rate-limit.js';

/** What the ERPNext and Odoo apps read on every request; the fault switches below flip it. */
export interface RestFaultState {
  outage: boolean;
  corruptNext: boolean;
  /** The nginx in front of the ERP turning requests away with 429. */
  proxy: ProxyRateLimit;
  /** Lost and duplicated answers on the way through that nginx (the app's outermost middleware). */
  answers: AnswerFaults;
}

export interface RestFaults {
  /** Every request answers the server's outage page while on (ERPNext: nginx's 502; Odoo: 503). */
  outage(on: boolean): void;
  /** The next stock read (Bin list, stock.quant search_read) answers rows without numeric quantities. */
  corruptNext(): void;
  /** The next `n` requests get the proxy's 429 with Retry-After (see proxy-rate-limit.ts). */
  rateLimitNext(n: number, waitMs: number): void;
  /** The next matching requests are carried out, then their answer is lost (the proxy's 502). */
  loseNextAnswer: AnswerFaults['loseNextAnswer'];
  /** The next matching requests reach the ERP twice; the client sees the second answer. */
  duplicateNext: AnswerFaults['duplicateNext'];
}

/** An ERP behind a REST API (ERPNext, Odoo): its app, what it holds, what it was asked, its faults. */
export interface RestEmulator<S extends RestFaultState, L, E extends CallLogEntry = CallLogEntry> {
  app: Hono;
  state: S;
  calls: E[];
  faults: RestFaults;
  /** What the ERP's users do to its documents (payments, cancellation), for tests to drive. */
  loop: L;
}

/** Builds the emulator around its seeded state, every fault off. */
export function restEmulator<S extends RestFaultState, L, E extends CallLogEntry>(
  seeded: Omit<S, keyof RestFaultState>,
  buildApp: (state: S, calls: E[]) => Hono,
  buildLoop: (state: S) => L,
): RestEmulator<S, L, E> {
  const answers = new AnswerFaults();
  const state = { ...seeded, outage: false, corruptNext: false, proxy: new ProxyRateLimit(), answers } as S;
  const calls: E[] = [];
  const app = buildApp(state, calls);
  const faults: RestFaults = {
    loseNextAnswer: (n, match) => answers.loseNextAnswer(n, match),
    duplicateNext: (n, match) => answers.duplicateNext(n, match),
    outage: (on) => {
      state.outage = on;
    },
    corruptNext: () => {
      state.corruptNext = true;
    },
    rateLimitNext: (n, waitMs) => state.proxy.next(n, waitMs),
  };
  return { app, state, calls, faults, loop: buildLoop(state) };
}
