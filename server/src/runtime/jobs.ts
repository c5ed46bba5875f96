import { randomUUID } from 'node:crypto';
import { ensureLongLivedInstallation } from '../amocrm/install.js';
import { checkOnlyEvents } from '../amocrm/webhooks/dp-check-only.js';
import type { Config } from '../config.js';
import { defineErpLoopJobs } from '../erp-loop/jobs.js';
import type { EnforceItem } from '../guard/enforcer.js';
import { GUARD_JOB } from '../guard/service.js';
import { defineInvoiceJob } from '../invoices/job.js';
import { definePlatformJobs, type EventHandler, JOBS, resendTakenJobs } from '../jobs/platform-jobs.js';
import { exchangeContext } from '../lib/exchange.js';
import type { Logger } from '../log.js';
import { defineAlertJobs } from './operator-jobs.js';
import type { CoreServices } from './services.js';

export interface JobOptions {
  log: Logger;
  fetch?: typeof fetch;
  eventHandlers?: EventHandler[];
  guardLeaseMs?: number;
}

/**
 * Every queue and its handler. Defined in every role: a web instance needs the queues to exist to
 * send to them; only a process whose queue works (ROLE all | worker) runs handlers and schedules.
 */
export async function defineJobs(s: CoreServices, config: Config, opts: JobOptions) {
  const { queue, installations, guard, invoices, leadReaderFor, access } = s;
  const platform = await definePlatformJobs({
    queue,
    inbox: s.inbox,
    installations,
    access,
    publicUrl: config.publicUrl,
    log: opts.log,
    metrics: s.metrics,
    handlers: [
      // The journal attributes the calls these events cause to their account (and deal, when one).
      async (inst, events) => {
        const context = exchangeContext.getStore();
        const leads = new Set(events.filter((e) => e.entity === 'leads').map((e) => e.record.id));
        if (context)
          Object.assign(
            context,
            { accountId: inst.accountId },
            leads.size === 1 && { leadId: [...leads][0] },
          );
      },
      async (inst, events) =>
        leadReaderFor(inst).invalidate(events.filter((e) => e.entity === 'leads').map((e) => e.record.id)),
      (inst, events) => guard.handleEvents(inst, events),
      async (inst, events) => {
        const checkOnly = checkOnlyEvents(events);
        if (checkOnly.length) await s.guardCheckOnly.handleEvents(inst, checkOnly);
      },
      (inst, events) => s.erpLoop.handleEvents(inst, events),
      ...(opts.eventHandlers ?? []),
    ],
  });
  await defineErpLoopJobs(queue, s.erpLoop, opts.log);

  if (config.amo.longLivedToken) {
    const inst = await ensureLongLivedInstallation({
      token: config.amo.longLivedToken,
      base: access.accountBase({ subdomain: config.amo.subdomain ?? '', domain: 'amocrm.ru' }),
      installations,
      fetch: opts.fetch,
    });
    opts.log.info(
      { accountId: inst.accountId, subdomain: inst.subdomain },
      'installation ready (long-lived token)',
    );
    // Subscribe once per destination (idempotent at amoCRM too): hooks drive the guard.
    await queue.send(
      JOBS.install,
      { installationId: inst.id, accountId: inst.accountId },
      { key: `install-${inst.accountId}-${config.publicUrl.origin}` },
    );
  }

  await queue.define<{ accountId: number; items: EnforceItem[] }>({
    name: GUARD_JOB,
    handler: async ({ accountId, items }) => {
      const inst = await installations.findActive(accountId);
      const context = exchangeContext.getStore();
      if (context && new Set(items.map((i) => i.leadId)).size === 1) context.leadId = items[0]?.leadId;
      if (inst) await guard.enforceItems(inst, items);
    },
  });
  // Guard jobs a killed process had taken are handed to the queue again (see resendTakenJobs).
  if (queue.works)
    void resendTakenJobs(queue, GUARD_JOB, randomUUID()).catch((err: unknown) =>
      opts.log.warn({ err }, 're-enqueue of unfinished guard jobs failed'),
    );
  await queue.define<object>({
    name: 'guard.recheck',
    concurrency: 1,
    handler: async () => {
      for (const inst of await installations.listActive()) await guard.recheckShort(inst);
    },
  });
  await queue.schedule('guard.recheck', '*/5 * * * *');
  // Retention: processed webhook events and their bodies go after RETENTION_DAYS (hourly pass).
  await queue.define<object>({
    name: 'webhooks.retention',
    concurrency: 1,
    handler: async () => {
      const purged = await s.inbox.purgeExpired(config.retentionDays);
      if (purged.events || purged.bodies) opts.log.info(purged, 'old webhook events purged');
      const journal = await s.operator.journal.purgeExpired(config.retentionDays);
      if (journal) opts.log.info({ journal }, 'old request journal rows purged');
    },
  });
  await queue.schedule('webhooks.retention', '41 * * * *');
  await defineInvoiceJob(queue, invoices);

  await defineAlertJobs(s, { fetch: opts.fetch });

  // Housekeeping belongs to the processes that run jobs: one sweep per deployment is enough.
  const purge = queue.works
    ? setInterval(() => {
        s.replayStore.purgeExpired().catch((err: unknown) => opts.log.warn({ err }, 'jti purge failed'));
      }, 60_000)
    : undefined;
  purge?.unref();

  // Decisions a crash interrupted are finished once their lease runs out (even if no event comes).
  const recovery = queue.works
    ? setInterval(
        () => {
          installations
            .listActive()
            .then(async (list) => {
              for (const inst of list) await guard.recoverInterrupted(inst);
            })
            .catch((err: unknown) => opts.log.warn({ err }, 'guard recovery failed'));
        },
        Math.max(1000, opts.guardLeaseMs ?? 30_000),
      )
    : undefined;
  recovery?.unref();

  return {
    enqueueEvents: platform.enqueueEvents,
    reconcile: platform.reconcile,
    stop() {
      clearInterval(purge);
      clearInterval(recovery);
      platform.stop();
    },
  };
}

export type Jobs = Awaited<ReturnType<typeof defineJobs>>;
