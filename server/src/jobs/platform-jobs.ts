import type { AmoAccess } from '../amocrm/access.js';
import { WEBHOOK_SETTINGS, webhookDestination } from '../amocrm/install.js';
import type { Installation, InstallationRepo } from '../amocrm/installations.js';
import type { WebhookInbox } from '../amocrm/webhooks/inbox.js';
import type { WebhookEvent } from '../amocrm/webhooks/parse.js';
import type { Logger } from '../log.js';
import type { JobQueue } from './queue.js';

/** Something that acts on amoCRM events (the stock guard), in bulk. Must be idempotent: events can repeat. */
export type EventHandler = (inst: Installation, events: WebhookEvent[]) => Promise<void>;

export const JOBS = {
  event: 'amocrm.event',
  install: 'amocrm.install',
  reconcile: 'amocrm.reconcile',
  keepAlive: 'amocrm.keep-alive',
} as const;

export interface PlatformJobDeps {
  queue: JobQueue;
  inbox: WebhookInbox;
  installations: InstallationRepo;
  access: AmoAccess;
  publicUrl: URL;
  log: Logger;
  handlers: EventHandler[];
  /** Refresh tokens not renewed for this long (they die unused after about 3 months). */
  keepAliveAfterDays?: number;
}

export async function definePlatformJobs(deps: PlatformJobDeps) {
  const { queue, inbox, installations, access, log } = deps;

  await queue.define<{ inboxId: number }>({
    name: JOBS.event,
    // Events are handled in bulk: amoCRM allows 7 requests/second but 250 leads per read.
    batchSize: 50,
    concurrency: 2,
    batchHandler: async (jobs) => {
      const rows = (await inbox.getMany(jobs.map((j) => j.data.inboxId))).filter((r) => !r.processedAt);
      const byAccount = new Map<number, typeof rows>();
      for (const row of rows) byAccount.set(row.accountId, [...(byAccount.get(row.accountId) ?? []), row]);
      for (const [accountId, accountRows] of byAccount) {
        const inst = await installations.findActive(accountId);
        if (inst) {
          const events = accountRows.map((r) => JSON.parse(r.event) as WebhookEvent);
          for (const handle of deps.handlers) await handle(inst, events);
        }
        await inbox.markProcessed(accountRows.map((r) => r.id));
      }
    },
  });

  await queue.define<{ installationId: number; accountId: number }>({
    name: JOBS.install,
    handler: async ({ accountId }) => {
      const inst = await installations.findActive(accountId);
      if (!inst) return;
      // amoCRM keeps one subscription per destination, so re-posting is idempotent.
      await access
        .clientFor(inst)
        .subscribeWebhook(webhookDestination(deps.publicUrl, inst.hookKey), WEBHOOK_SETTINGS);
      log.info({ accountId }, 'webhook subscription registered');
    },
  });

  await queue.define<object>({
    name: JOBS.reconcile,
    concurrency: 1,
    handler: async () => {
      for (const inst of await installations.listActive()) await reconcile(inst);
    },
  });

  await queue.define<object>({
    name: JOBS.keepAlive,
    concurrency: 1,
    handler: async () => {
      const cutoff = Date.now() - (deps.keepAliveAfterDays ?? 30) * 86_400_000;
      for (const inst of await installations.listActive()) {
        if (
          !inst.refreshTokenEnc ||
          (inst.refreshTokenIssuedAt && inst.refreshTokenIssuedAt.getTime() > cutoff)
        )
          continue;
        await access.tokens
          .refreshNow(inst.id)
          .catch((err: unknown) =>
            log.error({ err, accountId: inst.accountId }, 'keep-alive refresh failed'),
          );
      }
    },
  });
  await queue.schedule(JOBS.reconcile, '*/5 * * * *');
  await queue.schedule(JOBS.keepAlive, '17 3 * * *');

  /** Leads changed since the last pass become inbox events with the same keys hooks would have had. */
  async function reconcile(inst: Installation) {
    const to = new Date();
    const from = inst.reconciledUntil ?? new Date(to.getTime() - 10 * 60_000);
    const leads = await access
      .clientFor(inst)
      .listLeadsUpdatedBetween(Math.floor(from.getTime() / 1000), Math.floor(to.getTime() / 1000));
    const events: WebhookEvent[] = leads.map((lead) => ({
      entity: 'leads',
      action: 'update',
      record: {
        id: lead.id,
        status_id: lead.status_id,
        pipeline_id: lead.pipeline_id,
        last_modified: lead.updated_at ?? undefined,
      },
      dedupeKey: `${inst.accountId}:leads:update:${lead.id}:${lead.updated_at}`,
    }));
    if (events.length) {
      const { ids } = await inbox.store(
        inst.accountId,
        `reconcile ${from.toISOString()}..${to.toISOString()}`,
        events,
      );
      await enqueueEvents(ids);
      if (ids.length)
        log.info(
          { accountId: inst.accountId, missed: ids.length },
          'reconciliation found changes no webhook brought',
        );
    }
    await installations.setReconciledUntil(inst.id, to);
  }

  async function enqueueNow(ids: readonly number[]) {
    await queue.sendMany(
      JOBS.event,
      ids.map((id) => ({ data: { inboxId: id }, key: `inbox-${id}` })),
    );
    await inbox.markEnqueued(ids);
  }

  // Hooks arriving together are handed to the queue together: one insert per tick, not per hook.
  let waiting: { ids: readonly number[]; done(): void; fail(err: unknown): void }[] = [];
  function enqueueEvents(ids: readonly number[]): Promise<void> {
    return new Promise((done, fail) => {
      waiting.push({ ids, done, fail });
      if (waiting.length > 1) return;
      setImmediate(() => {
        const batch = waiting;
        waiting = [];
        enqueueNow(batch.flatMap((b) => b.ids)).then(
          () => {
            for (const b of batch) b.done();
          },
          (err: unknown) => {
            for (const b of batch) b.fail(err);
          },
        );
      });
    });
  }

  /** Catches events stored before a crash and never enqueued. */
  const sweeper = setInterval(() => {
    inbox
      .notEnqueued(10_000)
      .then((rows) => enqueueEvents(rows.map((r) => r.id)))
      .catch((err: unknown) => log.warn({ err }, 'inbox sweep failed'));
  }, 15_000);
  sweeper.unref();

  return {
    enqueueEvents,
    reconcile,
    stop: () => clearInterval(sweeper),
  };
}
