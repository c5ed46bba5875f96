import { createBatcher } from '../../db/batcher.js';

/**
 * The hand-off of stored inbox rows to the queue (a pg-boss insert and the rows' enqueued stamp:
 * two statements). Rows stored while a hand-off is in flight wait for it and go together in the
 * next one (db/batcher.ts), so under load the statements per second stay about flat instead of
 * following the hooks: at 500 hooks/s on PGlite one hand-off per group commit was a third of
 * the database's time. Each caller's promise settles with the hand-off that carried its rows; a
 * failed one is retried list by list, so one bad list cannot fail the others.
 */
export function createHandOff(send: (ids: readonly number[]) => Promise<void>, maxLists = 500) {
  const batcher = createBatcher<readonly number[], void>({
    maxBatch: maxLists,
    // The start-up sweep and a hook can hand over one row together: one job per row.
    write: async (lists) => {
      await send([...new Set(lists.flat())]);
      return lists.map(() => undefined);
    },
    single: send,
  });
  return (ids: readonly number[]): Promise<void> => batcher.add(ids);
}
