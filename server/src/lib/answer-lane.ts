import { exchangeContext } from './exchange.js';

/**
 * Which work someone is waiting on: an HTTP request until its answer is written. A resource that
 * runs one thing at a time (the embedded database: db/pglite-lanes.ts) serves that work before
 * background work (jobs, queue polls, journal flushes, the hand-off after a webhook's 204), so a
 * hook's ack or a card's read does not queue behind a job's chain of statements. The mark rides
 * on the exchange context (lib/exchange.ts) rather than a storage of its own: on Node 20 every
 * AsyncLocalStorage adds its own work to every promise created.
 */

/** Runs `fn` (and everything it awaits or schedules) as work an answer waits for. */
export function whileAnswering<T>(fn: () => T): T {
  return exchangeContext.run({ ...exchangeContext.getStore(), answering: true }, fn);
}

/** Runs `fn` as background work, also when a request started it (its answer does not wait). */
export function inBackground<T>(fn: () => T): T {
  const context = exchangeContext.getStore();
  return context?.answering ? exchangeContext.run({ ...context, answering: false }, fn) : fn();
}

/** True inside work an answer waits for. */
export function someoneWaits(): boolean {
  return exchangeContext.getStore()?.answering === true;
}
