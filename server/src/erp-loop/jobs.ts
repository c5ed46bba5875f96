import type { JobDefinition } from '../jobs/queue.js';
import type { OrderAction } from './orders.js';
import { type ErpLoop, LOOP_CHECK_JOB, LOOP_ORDER_JOB, LOOP_POLL_JOB } from './service.js';

interface Queue {
  define<T extends object>(def: JobDefinition<T>): Promise<void>;
  schedule(name: string, cron: string, data?: object): Promise<void>;
}

/**
 * The ERP loop's jobs: the webhook-driven check, the per-minute poll (a bounded share of each
 * account's open invoices) and the order job. Every handler is idempotent: the check compares the
 * ERP's version, the order job keys its ERP call, the outbox keys its notes.
 */
export async function defineErpLoopJobs(queue: Queue, loop: ErpLoop) {
  await queue.define<{ accountId: number; invoiceIds?: string[]; payment?: boolean }>({
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
}
