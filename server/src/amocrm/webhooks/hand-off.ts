import { createBatcher } from '../../db/batcher.js';
import { inBackground } from '../../lib/answer-lane.js';

export interface HandOffOptions {
  /** Most hook lists per hand-off (default 500). */
  maxLists?: number;
  /**
   * How long the first stored list waits for others before its hand-off starts (default 20 ms).
   * The hand-off runs after the 204, so this only delays enforcement (budget: hook → enforcement
   * p95 ≤ 300 ms), and at a steady 500 hooks/s it turns ~10 hand-offs into one.
   */
  lingerMs?: number;
}

/**
 * The hand-off of stored inbox rows to the queue (a pg-boss insert and the rows' enqueued stamp:
 * two statements). At a steady rate every group commit carries a hook or two, and one hand-off
 * each was a third of PGlite's statement time and most of a web instance's database round trips.
 * So lists wait `lingerMs` for company, and lists stored while a hand-off is in flight wait for
 * it and then `lingerMs` more, and go together in the next one (db/batcher.ts): at a steady
 * 500 hooks/s on PGlite that was 124 hand-offs a second, of 4 lists each, before the second
 * wait. Each caller's promise settles with the hand-off that carried its rows; a failed one is
 * retried list by list, so one bad list cannot fail the others. A process killed before its hand-off loses nothing: the rows are stored, and
 * the inbox sweep enqueues rows never enqueued.
 */
export function createHandOff(send: (ids: readonly number[]) => Promise<void>, opts: HandOffOptions = {}) {
  const batcher = createBatcher<readonly number[], void>({
    maxBatch: opts.maxLists ?? 500,
    lingerMs: opts.lingerMs ?? 20,
    lingerAfterWrite: true,
    // The start-up sweep and a hook can hand over one row together: one job per row.
    write: async (lists) => {
      await send([...new Set(lists.flat())]);
      return lists.map(() => undefined);
    },
    single: send,
  });
  // No answer waits for a hand-off (it follows the 204): the embedded database serves answers first.
  return (ids: readonly number[]): Promise<void> => inBackground(() => batcher.add(ids));
}
