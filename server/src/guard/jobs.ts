import { randomUUID } from 'node:crypto';
import type { Installation } from '../amocrm/installations.js';
import { checkOnlyEvents } from '../amocrm/webhooks/dp-check-only.js';
import { type EventHandler, resendTakenJobs } from '../jobs/platform-jobs.js';
import type { JobQueue } from '../jobs/queue.js';
import { exchangeContext } from '../lib/exchange.js';
import type { Logger } from '../log.js';
import type { EnforceItem } from './enforcer.js';
import { GUARD_JOB, type GuardService } from './service.js';

/** The guard's queues: enforcement of planned items, and the periodic re-check of short deals. */
export const GUARD_JOBS = { enforce: GUARD_JOB, recheck: 'guard.recheck' } as const;

export interface GuardJobDeps {
  queue: JobQueue;
  installations: {
    findActive(accountId: number): Promise<Installation | undefined>;
    listActive(): Promise<Installation[]>;
  };
  guard: Pick<GuardService, 'enforceItems' | 'recheckShort' | 'recoverInterrupted'>;
  log: Logger;
  /** How long the guard holds a deal it enforces (default 30 s): interrupted decisions are finished after it. */
  leaseMs?: number;
}

/** The amoCRM events the guard acts on: every deal event, and the Digital Pipeline's check-only ones. */
export function guardEventHandlers(
  guard: Pick<GuardService, 'handleEvents'>,
  checkOnlyGuard: Pick<GuardService, 'handleEvents'>,
): EventHandler[] {
  return [
    (inst, events) => guard.handleEvents(inst, events),
    async (inst, events) => {
      const checkOnly = checkOnlyEvents(events);
      if (checkOnly.length) await checkOnlyGuard.handleEvents(inst, checkOnly);
    },
  ];
}

/**
 * The guard's jobs: `guard.enforce` (idempotent: the store marks transitions), guard jobs a killed
 * process had taken handed to the queue again, `guard.recheck` every 5 minutes (restock lifts a
 * block), and, where the queue works, decisions a crash interrupted finished once their lease ends.
 */
export async function defineGuardJobs(deps: GuardJobDeps): Promise<{ stop(): void }> {
  const { queue, installations, guard, log } = deps;
  await queue.define<{ accountId: number; items: EnforceItem[] }>({
    name: GUARD_JOBS.enforce,
    handler: async ({ accountId, items }) => {
      const inst = await installations.findActive(accountId);
      const context = exchangeContext.getStore();
      if (context && new Set(items.map((i) => i.leadId)).size === 1) context.leadId = items[0]?.leadId;
      if (inst) await guard.enforceItems(inst, items);
    },
  });
  // Guard jobs a killed process had taken are handed to the queue again (see resendTakenJobs).
  if (queue.works)
    void resendTakenJobs(queue, GUARD_JOBS.enforce, randomUUID()).catch((err: unknown) =>
      log.warn({ err }, 're-enqueue of unfinished guard jobs failed'),
    );
  await queue.define<object>({
    name: GUARD_JOBS.recheck,
    concurrency: 1,
    handler: async () => {
      for (const inst of await installations.listActive()) await guard.recheckShort(inst);
    },
  });
  await queue.schedule(GUARD_JOBS.recheck, '*/5 * * * *');

  // Decisions a crash interrupted are finished once their lease runs out (even if no event comes).
  const recovery = queue.works
    ? setInterval(
        () => {
          installations
            .listActive()
            .then(async (list) => {
              for (const inst of list) await guard.recoverInterrupted(inst);
            })
            .catch((err: unknown) => log.warn({ err }, 'guard recovery failed'));
        },
        Math.max(1000, deps.leaseMs ?? 30_000),
      )
    : undefined;
  recovery?.unref();
  return { stop: () => clearInterval(recovery) };
}
