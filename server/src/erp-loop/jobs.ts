import { randomUUID } from 'node:crypto';
import { resendTakenJobs } from '../jobs/platform-jobs.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Logger } from '../log.js';
import type { OrderAction } from './orders.js';
import { type CheckJob, type ErpLoop, LOOP_CHECK_JOB, LOOP_ORDER_JOB, LOOP_POLL_JOB } from './service.js';

/**
 * The ERP loop's jobs: the webhook-driven check, the per-minute poll (a bounded share of each
 * account's open invoices) and the order job. Every handler is idempotent: the check compares the
 * ERP's version, the order job keys its ERP call, the outbox keys its notes.
 *
 * At start, the jobs a killed process had taken go back to the queue (pg-boss keeps them active
 * until they expire, minutes later): an order whose ERP call a kill -9 interrupted is finished
 * within seconds of the restart, with the same key, so it finds the order the ERP made; a check
 * or poll interrupted mid-flush sends what the outbox still owes. (With several instances on one
 * PostgreSQL, a job a live instance is running runs once more; the order job's lookup by key
 * makes that a second read, unless both calls reach MoySklad within the same instant.)
 */
export async function defineErpLoopJobs(queue: JobQueue, loop: ErpLoop, log: Logger) {
  await queue.define<CheckJob>({
    name: LOOP_CHECK_JOB,
    concurrency: 2,
    handler: (job) => loop.runCheck(job),
  });
  await queue.define<object>({ name: LOOP_POLL_JOB, concurrency: 1, handler: () => loop.poll() });
  await queue.schedule(LOOP_POLL_JOB, '* * * * *');
  await queue.define<{ accountId: number; leadId: number; action: OrderAction }>({
    name: LOOP_ORDER_JOB,
    concurrency: 1,
    retryLimit: 5,
    retryDelaySeconds: 2,
    handler: (job) => loop.runOrder(job),
  });
  if (!queue.works) return;
  const boot = randomUUID();
  for (const name of [LOOP_ORDER_JOB, LOOP_CHECK_JOB, LOOP_POLL_JOB])
    void resendTakenJobs(queue, name, boot).catch((err: unknown) =>
      log.warn({ err, queue: name }, 're-enqueue of interrupted ERP loop jobs failed'),
    );
}
