import { randomUUID } from 'node:crypto';
import type { AmoAccess } from '../amocrm/access.js';
import { AmoApiError } from '../amocrm/client.js';
import { WEBHOOK_SETTINGS, webhookDestination } from '../amocrm/install.js';
import type { Installation, InstallationRepo } from '../amocrm/installations.js';
import { createHandOff } from '../amocrm/webhooks/hand-off.js';
import type { WebhookInbox } from '../amocrm/webhooks/inbox.js';
import type { WebhookEvent } from '../amocrm/webhooks/parse.js';
import { statusEventsBetween, updateEventsOf } from '../amocrm/webhooks/reconcile-events.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
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
  metrics?: Pick<Metrics, 'webhooks'>;
}

/** amoCRM reads 250 leads per request: a batch of events is handled with as few reads. */
export const EVENT_BATCH = 250;

/** amoCRM refused the request itself (400/404/422 …): retrying the same batch cannot succeed. */
const isPoison = (err: unknown) =>
  err instanceof AmoApiError &&
  err.status !== undefined &&
  err.status >= 400 &&
  err.status < 500 &&
  ![401, 403, 429].includes(err.status);

export async function definePlatformJobs(deps: PlatformJobDeps) {
  const { queue, inbox, installations, access, log } = deps;

  await queue.define<{ inboxId: number }>({
    name: JOBS.event,
    // Events are handled in bulk: amoCRM allows 7 requests/second but 250 leads per read.
    batchSize: EVENT_BATCH,
    concurrency: 2,
    batchHandler: async (jobs) => {
      const rows = (await inbox.getMany(jobs.map((j) => j.data.inboxId))).filter((r) => !r.processedAt);
      const byAccount = new Map<number, typeof rows>();
      for (const row of rows) byAccount.set(row.accountId, [...(byAccount.get(row.accountId) ?? []), row]);
      for (const [accountId, accountRows] of byAccount) {
        const inst = await installations.findActive(accountId);
        if (inst) await handleIsolated(inst, accountRows);
        else await inbox.markProcessed(accountRows.map((r) => r.id));
      }
    },
  });

  /**
   * Handles rows in bulk; when amoCRM refuses the batch itself (one bad id poisons a bulk read),
   * halves it until the bad event stands alone, which is dead-lettered (logged, counted, marked
   * processed) so the others go on and the backlog drains. Other errors retry the whole batch.
   */
  async function handleIsolated(inst: Installation, rows: Awaited<ReturnType<typeof inbox.getMany>>) {
    try {
      const events = rows.map((r) => JSON.parse(r.event) as WebhookEvent);
      for (const handle of deps.handlers) await handle(inst, events);
      await inbox.markProcessed(rows.map((r) => r.id));
    } catch (err) {
      if (!isPoison(err)) throw err;
      if (rows.length === 1) {
        const [row] = rows;
        log.warn(
          { err, accountId: inst.accountId, inboxId: row?.id, dedupeKey: row?.dedupeKey },
          'webhook event refused by amoCRM; dead-lettered',
        );
        deps.metrics?.webhooks.received.inc({ result: 'dead_letter' });
        await inbox.markProcessed(rows.map((r) => r.id));
        return;
      }
      const half = Math.ceil(rows.length / 2);
      await handleIsolated(inst, rows.slice(0, half));
      await handleIsolated(inst, rows.slice(half));
    }
  }

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

  /**
   * Changes since the last pass become inbox events with the keys their hooks had (one key
   * factory), so changes the hooks delivered are stored again never. Stage moves come from the
   * events API with the stage each deal left, so a move no hook brought is moved back too.
   */
  async function reconcile(inst: Installation) {
    const to = new Date();
    const from = inst.reconciledUntil ?? new Date(to.getTime() - 10 * 60_000);
    const [fromS, toS] = [Math.floor(from.getTime() / 1000), Math.floor(to.getTime() / 1000)];
    const client = access.clientFor(inst);
    const moves = await statusEventsBetween(client, inst.accountId, fromS, toS);
    const leads = await client.listLeadsUpdatedBetween(fromS, toS);
    const events: WebhookEvent[] = [...moves, ...updateEventsOf(inst.accountId, leads)];
    let found = false;
    if (events.length) {
      const { ids } = await inbox.store(
        inst.accountId,
        `reconcile ${from.toISOString()}..${to.toISOString()}`,
        events,
      );
      await enqueueEvents(ids);
      found = ids.length > 0;
      if (found)
        log.info(
          { accountId: inst.accountId, missed: ids.length },
          'reconciliation found changes no webhook brought',
        );
    }
    await installations.setReconciledUntil(inst.id, to, found);
  }

  async function enqueueNow(ids: readonly number[]) {
    await queue.sendMany(
      JOBS.event,
      ids.map((id) => ({ data: { inboxId: id }, key: `inbox-${id}` })),
    );
    await inbox.markEnqueued(ids);
  }

  // Hooks arriving together, or while a hand-off is in flight, are handed to the queue together.
  const enqueueEvents = createHandOff(enqueueNow);

  const boot = randomUUID();
  void resendTakenJobs(queue, JOBS.event, boot).catch((err: unknown) =>
    log.warn({ err }, 're-enqueue of unfinished events failed'),
  );

  /** Catches events stored before a crash and never enqueued (at start, then every 15 s). */
  const sweep = (olderThanMs: number) =>
    inbox
      .notEnqueued(olderThanMs)
      .then((rows) => enqueueEvents(rows.map((r) => r.id)))
      .catch((err: unknown) => log.warn({ err }, 'inbox sweep failed'));
  // Same job keys as the hook path, so an event another instance is enqueueing right now is not doubled.
  void sweep(0);
  const sweeper = setInterval(() => void sweep(10_000), 15_000);
  sweeper.unref();

  return {
    enqueueEvents,
    reconcile,
    stop: () => clearInterval(sweeper),
  };
}

/**
 * Jobs a killed process had taken sit in pg-boss as active until they expire (minutes, checked
 * once a minute): at start, hand their data to the queue again under a new key. Running one twice
 * is safe: processed inbox rows are skipped, and the guard leases deals and writes ahead. With
 * several instances, a job another live instance runs is run once more, which costs reads only.
 */
export async function resendTakenJobs(queue: JobQueue, name: string, boot: string): Promise<number> {
  const { rows } = await queue.boss
    .getDb()
    .executeSql(`select id, data from pgboss.job where name = $1 and state = 'active' limit 10000`, [name]);
  const taken = rows as { id: string; data: object }[];
  await queue.sendMany(
    name,
    taken.map((j) => ({ data: j.data, key: `${j.id}-retaken-${boot}` })),
  );
  return taken.length;
}
