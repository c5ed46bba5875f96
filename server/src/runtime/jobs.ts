import { defineAlertJobs } from '../alerts/jobs.js';
import type { Config } from '../config.js';
import { vacuumEmbedded } from '../db/vacuum.js';
import { defineErpLoopJobs } from '../erp-loop/jobs.js';
import { defineGuardJobs, guardEventHandlers } from '../guard/jobs.js';
import { defineInvoiceJob } from '../invoices/job.js';
import { defineHousekeepingJobs } from '../jobs/housekeeping.js';
import { installLongLived } from '../jobs/long-lived-install.js';
import { definePlatformJobs, type EventHandler } from '../jobs/platform-jobs.js';
import { attributeEventsToJournal } from '../journal/event-attribution.js';
import type { Logger } from '../log.js';
import type { CoreServices } from './services.js';

export interface JobOptions {
  log: Logger;
  fetch?: typeof fetch;
  eventHandlers?: EventHandler[];
  guardLeaseMs?: number;
}

/**
 * Every queue and its handler, each defined by its capability (`<capability>/jobs.ts`); here only
 * the wiring. Defined in every role: a web instance needs the queues to exist to send to them;
 * only a process whose queue works (ROLE all | worker) runs handlers and schedules.
 */
export async function defineJobs(s: CoreServices, config: Config, opts: JobOptions) {
  const { queue, installations, access } = s;
  const { log } = opts;
  const platform = await definePlatformJobs({
    queue,
    inbox: s.inbox,
    installations,
    access,
    publicUrl: config.publicUrl,
    log,
    metrics: s.metrics,
    // In order, for every batch of amoCRM events.
    handlers: [
      attributeEventsToJournal,
      async (inst, events) =>
        s.leadReaderFor(inst).invalidate(events.filter((e) => e.entity === 'leads').map((e) => e.record.id)),
      ...guardEventHandlers(s.guard, s.guardCheckOnly),
      (inst, events) => s.erpLoop.handleEvents(inst, events),
      ...(opts.eventHandlers ?? []),
    ],
  });
  await defineErpLoopJobs(queue, s.erpLoop, log);
  if (config.amo.longLivedToken)
    await installLongLived({
      token: config.amo.longLivedToken,
      subdomain: config.amo.subdomain ?? '',
      publicUrl: config.publicUrl,
      access,
      installations,
      queue,
      log,
      fetch: opts.fetch,
    });
  const guard = await defineGuardJobs({
    queue,
    installations,
    guard: s.guard,
    log,
    leaseMs: opts.guardLeaseMs,
  });
  const embedded = s.database.pglite;
  const housekeeping = await defineHousekeepingJobs({
    queue,
    retentionDays: config.retentionDays,
    inbox: s.inbox,
    journal: s.operator.journal,
    replayStore: s.replayStore,
    ...(embedded && { vacuum: () => vacuumEmbedded(embedded) }),
    log,
  });
  await defineInvoiceJob(queue, s.invoices);
  await defineAlertJobs(
    queue,
    s.operator.startAlerts({
      listActive: () => installations.listActive(),
      findActive: (accountId) => installations.findActive(accountId),
      clientFor: (inst) => access.clientFor(inst),
      send: (name, data, o) => queue.send(name, data, o),
      fetch: opts.fetch,
    }),
  );

  return {
    enqueueEvents: platform.enqueueEvents,
    reconcile: platform.reconcile,
    stop() {
      guard.stop();
      housekeeping.stop();
      platform.stop();
    },
  };
}

export type Jobs = Awaited<ReturnType<typeof defineJobs>>;
