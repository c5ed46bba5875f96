import type { JobQueue } from '../../server/src/jobs/queue.js';

/**
 * Brings a queue's waiting retries due now: what sleeping out pg-boss's backoff (2 s doubling,
 * with jitter: 30 to 60 s for an invoice's four retries) would bring, without the sleep. Only the
 * start time moves (pg-boss's own `update`, which refuses a job already running); the attempt
 * count, the retry limit and the dead letter stay pg-boss's, so a job still fails as many times
 * as its definition allows before it counts as failed for good.
 */
export async function retriesDueNow(queue: Pick<JobQueue, 'boss'>, name: string): Promise<number> {
  let moved = 0;
  for (const job of await queue.boss.findJobs(name, { queued: true })) {
    if (job.state !== 'retry') continue;
    moved += (await queue.boss.update(name, undefined, { id: job.id, startAfter: 0 })).updated;
  }
  return moved;
}

/**
 * Keeps bringing `name`'s retries due (every 100 ms) until the returned stop() is called: for a
 * test that waits on the outcome of a job failing several times in a row.
 */
export function hurryRetries(queue: Pick<JobQueue, 'boss'>, name: string): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      await retriesDueNow(queue, name).catch(() => 0); // the queue closing under a last pass
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}
