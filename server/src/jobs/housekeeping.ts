import type { Logger } from '../log.js';
import type { JobQueue } from './queue.js';

/**
 * Retention: processed webhook events, their bodies and the request journal go after
 * RETENTION_DAYS; on the embedded database the pass then vacuums what was left behind.
 */
export const HOUSEKEEPING_JOBS = { retention: 'webhooks.retention' } as const;

export interface HousekeepingDeps {
  queue: Pick<JobQueue, 'define' | 'schedule' | 'works'>;
  retentionDays: number;
  inbox: { purgeExpired(days: number): Promise<{ events: number; bodies: number }> };
  journal: { purgeExpired(days: number): Promise<number> };
  /** The disposable tokens' used jti, kept until each token would have expired. */
  replayStore: { purgeExpired(): Promise<number> };
  /** The embedded database only: vacuum what the purges and updates left (db/vacuum.ts). */
  vacuum?(): Promise<string[]>;
  log: Logger;
}

/**
 * The hourly retention pass (one worker at a time), and the jti purge every minute in the
 * processes that run jobs: one sweep per deployment is enough.
 */
export async function defineHousekeepingJobs(deps: HousekeepingDeps): Promise<{ stop(): void }> {
  const { queue, log } = deps;
  await queue.define<object>({
    name: HOUSEKEEPING_JOBS.retention,
    concurrency: 1,
    handler: async () => {
      const purged = await deps.inbox.purgeExpired(deps.retentionDays);
      if (purged.events || purged.bodies) log.info(purged, 'old webhook events purged');
      const journal = await deps.journal.purgeExpired(deps.retentionDays);
      if (journal) log.info({ journal }, 'old request journal rows purged');
      const vacuumed = (await deps.vacuum?.()) ?? [];
      if (vacuumed.length) log.info({ tables: vacuumed }, 'embedded database vacuumed');
    },
  });
  await queue.schedule(HOUSEKEEPING_JOBS.retention, '41 * * * *');
  const purge = queue.works
    ? setInterval(() => {
        deps.replayStore.purgeExpired().catch((err: unknown) => log.warn({ err }, 'jti purge failed'));
      }, 60_000)
    : undefined;
  purge?.unref();
  return { stop: () => clearInterval(purge) };
}
