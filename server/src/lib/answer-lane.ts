import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which work someone is waiting on: an HTTP request until its answer is written. A resource that
 * runs one thing at a time (the embedded database: db/pglite-lanes.ts) serves that work before
 * background work (jobs, queue polls, journal flushes, the hand-off after a webhook's 204), so a
 * hook's ack or a card's read does not queue behind a job's chain of statements.
 */
const lane = new AsyncLocalStorage<'answer'>();

/** Runs `fn` (and everything it awaits or schedules) as work an answer waits for. */
export function whileAnswering<T>(fn: () => T): T {
  return lane.run('answer', fn);
}

/** Runs `fn` as background work, also when a request started it (its answer does not wait). */
export function inBackground<T>(fn: () => T): T {
  return lane.exit(fn);
}

/** True inside work an answer waits for. */
export function someoneWaits(): boolean {
  return lane.getStore() === 'answer';
}
