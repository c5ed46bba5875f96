import { ALERT_JOBS } from '../alerts/engine.js';
import type { AlertEvent } from '../alerts/store.js';
import type { CoreServices } from './services.js';

/**
 * Alerts: one evaluation pass a minute (workers), and one durable job per notice and channel,
 * retried with backoff (2 s doubling up to 10 min) so a channel that is down gets it later.
 */
export async function defineAlertJobs(s: CoreServices, opts: { fetch?: typeof fetch }) {
  const engine = s.operator.startAlerts({
    listActive: () => s.installations.listActive(),
    findActive: (accountId) => s.installations.findActive(accountId),
    clientFor: (inst) => s.access.clientFor(inst),
    send: (queue, data, o) => s.queue.send(queue, data, o),
    fetch: opts.fetch,
  });
  await s.queue.define<object>({
    name: ALERT_JOBS.evaluate,
    concurrency: 1,
    retryLimit: 0,
    handler: () => engine.evaluate(),
  });
  await s.queue.schedule(ALERT_JOBS.evaluate, '* * * * *');
  const channel = { retryLimit: 8, retryDelaySeconds: 2, retryDelayMaxSeconds: 600, concurrency: 2 };
  await s.queue.define<{ event: AlertEvent }>({
    name: ALERT_JOBS.task,
    ...channel,
    handler: ({ event }) => engine.deliverTask(event),
  });
  await s.queue.define<{ event: AlertEvent }>({
    name: ALERT_JOBS.webhook,
    ...channel,
    handler: ({ event }) => engine.deliverWebhook(event),
  });
  return engine;
}
