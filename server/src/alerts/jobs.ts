import type { JobQueue } from '../jobs/queue.js';
import { ALERT_JOBS, type AlertEngine } from './engine.js';
import type { AlertEvent } from './store.js';

/**
 * Alerts: one evaluation pass a minute (workers), and one durable job per notice and channel,
 * retried with backoff (2 s doubling up to 10 min) so a channel that is down gets it later.
 * The job names are ALERT_JOBS (engine.ts), which the engine sends to.
 */
export async function defineAlertJobs(
  queue: Pick<JobQueue, 'define' | 'schedule'>,
  engine: Pick<AlertEngine, 'evaluate' | 'deliverTask' | 'deliverWebhook'>,
) {
  await queue.define<object>({
    name: ALERT_JOBS.evaluate,
    concurrency: 1,
    retryLimit: 0,
    handler: () => engine.evaluate(),
  });
  await queue.schedule(ALERT_JOBS.evaluate, '* * * * *');
  const channel = { retryLimit: 8, retryDelaySeconds: 2, retryDelayMaxSeconds: 600, concurrency: 2 };
  await queue.define<{ event: AlertEvent }>({
    name: ALERT_JOBS.task,
    ...channel,
    handler: ({ event }) => engine.deliverTask(event),
  });
  await queue.define<{ event: AlertEvent }>({
    name: ALERT_JOBS.webhook,
    ...channel,
    handler: ({ event }) => engine.deliverWebhook(event),
  });
}
