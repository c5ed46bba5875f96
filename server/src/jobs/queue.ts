import { createHash } from 'node:crypto';
import { fromPglite, PgBoss } from 'pg-boss';
import type { Database } from '../db/open.js';
import { exchangeContext } from '../lib/exchange.js';
import type { Logger } from '../log.js';

export interface JobMeta {
  id: string;
  retryCount: number;
}

export interface JobDefinition<T extends object> {
  name: string;
  /** One job at a time (per worker)... */
  handler?(data: T, meta: JobMeta): Promise<void>;
  /**
   * ...or up to batchSize jobs at once, for work that is cheaper in bulk (amoCRM allows 7
   * requests/second but 250 leads per read and 50 per write). A throw retries the whole batch.
   */
  batchHandler?(jobs: { data: T; meta: JobMeta }[]): Promise<void>;
  batchSize?: number;
  /** Attempts after the first (default 5). */
  retryLimit?: number;
  /** First retry delay in seconds, doubled each time with jitter (default 2). */
  retryDelaySeconds?: number;
  retryDelayMaxSeconds?: number;
  /** Jobs processed at once by this process (default 4). */
  concurrency?: number;
  /** Seconds a job may run before it counts as failed (default 120). */
  expireInSeconds?: number;
}

/**
 * Durable jobs on the same database (pg-boss: PGlite adapter embedded, its own pool on
 * PostgreSQL). Failed jobs retry with exponential backoff, then land in `<name>.dead`.
 * A job sent from this process wakes this process's worker at once; LISTEN/NOTIFY wakes others.
 */
export interface QueueOptions {
  /**
   * false (ROLE=web): this process only sends. Queues are created so sends succeed, but no worker
   * polls, no cron fires and no maintenance runs here; the worker processes do that.
   */
  work?: boolean;
  /** Connections of pg-boss's own pool on PostgreSQL (default 10; a sender needs 2). */
  poolMax?: number;
  /** Every job's outcome (operator alerts): `final` when no retry is left. Must not throw. */
  onOutcome?(outcome: { queue: string; data: object; ok: boolean; final: boolean }): void;
}

/** A queue, started: what scripts and tests use. */
export async function startQueue(database: Database, log: Logger, opts: QueueOptions = {}) {
  const queue = createQueue(database, log, opts);
  await queue.start();
  return queue;
}

/**
 * The queue, not yet started: the services that send jobs can be built (and the port opened)
 * before pg-boss checks its schema and starts its timers; `start()` does that, and so does the
 * first define/send/schedule, so nothing is sent to a queue pg-boss has not opened.
 */
export function createQueue(database: Database, log: Logger, opts: QueueOptions = {}) {
  const work = opts.work !== false;
  const boss = new PgBoss({
    ...(database.pglite
      ? {
          db: fromPglite(database.pglite),
          // pg-boss's vacuum diagnosis reads a server's autovacuum statistics, and PGlite runs
          // no autovacuum: its query was a 28 ms statement on the event loop each supervise pass
          // (docs/performance.md), for a warning that cannot mean what it says here.
          monitorVacuum: false,
        }
      : { connectionString: database.connectionString, max: opts.poolMax ?? (work ? 10 : 2) }),
    useListenNotify: work,
    supervise: work,
    schedule: work,
    schema: 'pgboss',
  });
  boss.on('error', (err) => log.error({ err }, 'queue error'));
  boss.on('warning', (w) => log.warn({ warning: w }, 'queue warning'));

  const workers = new Map<string, string[]>();
  // Queues made by an earlier start need no second createQueue each (a round trip apiece, and
  // on PGlite most of a restart's time).
  const existing = new Set<string>();
  let starting: Promise<void> | undefined;
  const start = () => {
    starting ??= (async () => {
      await boss.start();
      for (const q of await boss.getQueues()) existing.add(q.name);
    })();
    return starting;
  };
  // Any use starts it (nothing waits on a start nobody asked for); the runtime asks after listen.
  const started = start;
  const ensureQueue = async (name: string, options: Parameters<typeof boss.createQueue>[1]) => {
    if (existing.has(name)) return;
    await boss.createQueue(name, options);
    existing.add(name);
  };
  let stopping: Promise<void> | undefined;

  return {
    boss,
    /** Whether this process runs jobs (ROLE all or worker). */
    works: work,
    /** Opens pg-boss (its schema check, maintenance and cron timers where it works). Safe to call twice. */
    start,

    async define<T extends object>(def: JobDefinition<T>) {
      await started();
      const dead = `${def.name}.dead`;
      await ensureQueue(dead, { retentionSeconds: 30 * 86400 });
      await ensureQueue(def.name, {
        retryLimit: def.retryLimit ?? 5,
        retryDelay: def.retryDelaySeconds ?? 2,
        retryBackoff: true,
        retryDelayMax: def.retryDelayMaxSeconds ?? 300,
        expireInSeconds: def.expireInSeconds ?? 120,
        deadLetter: dead,
        notify: true,
      });
      if (!work) return;
      const ids: string[] = [];
      for (let i = 0; i < (def.concurrency ?? 4); i++) {
        ids.push(
          await boss.work<T>(
            def.name,
            {
              ...idlePolling(database, i),
              includeMetadata: true,
              batchSize: def.batchSize ?? 1,
            },
            async (jobs) => {
              if (jobs.length === 0) return;
              const items = jobs.map((j) => ({ data: j.data, meta: { id: j.id, retryCount: j.retryCount } }));
              const retryLimit = def.retryLimit ?? 5;
              const outcome = (ok: boolean) => {
                for (const i of items) {
                  const final = !ok && i.meta.retryCount >= retryLimit;
                  opts.onOutcome?.({ queue: def.name, data: i.data, ok, final });
                }
              };
              try {
                // Deep amoCRM / ERP calls are attributed to the job in the request journal.
                const account = (items[0]?.data as { accountId?: unknown } | undefined)?.accountId;
                const context = {
                  jobId: items[0]?.meta.id,
                  ...(typeof account === 'number' && { accountId: account }),
                };
                await exchangeContext.run(context, async () => {
                  if (def.batchHandler) await def.batchHandler(items);
                  else if (def.handler) for (const item of items) await def.handler(item.data, item.meta);
                });
                outcome(true);
              } catch (err) {
                outcome(false);
                log.warn(
                  { err, queue: def.name, jobs: jobs.length, retryCount: jobs[0]?.retryCount },
                  'job failed; it will be retried or dead-lettered',
                );
                throw err;
              }
            },
          ),
        );
      }
      workers.set(def.name, ids);
    },

    /** Enqueues once per `key`: the same key again while the first is kept is a no-op. */
    async send(name: string, data: object, opts: { key?: string; startAfterSeconds?: number } = {}) {
      await started();
      const id = await boss.send(name, data, {
        ...(opts.key && { id: uuidFromKey(`${name}:${opts.key}`) }),
        ...(opts.startAfterSeconds && { startAfter: opts.startAfterSeconds }),
      });
      for (const w of workers.get(name) ?? []) boss.notifyWorker(w);
      return id;
    },

    /** Many jobs in one statement (a webhook body with many events); keys work as in send(). */
    async sendMany(name: string, items: readonly { data: object; key?: string }[]) {
      if (items.length === 0) return;
      await started();
      await boss.insert(
        name,
        items.map((i) => ({ data: i.data, ...(i.key && { id: uuidFromKey(`${name}:${i.key}`) }) })),
      );
      for (const w of workers.get(name) ?? []) boss.notifyWorker(w);
    },

    /** Cron schedules are kept by the workers (a sender's schedule() is a no-op). */
    async schedule(name: string, cron: string, data: object = {}) {
      await started();
      if (work) await boss.schedule(name, cron, data);
    },

    /**
     * Stops fetching, lets in-flight jobs finish (up to timeoutMs; what is still running then is
     * failed back to the queue, so a worker retries it), then stops. Safe to call twice.
     */
    stop(timeoutMs = 10_000) {
      // A queue never started has no timers and no pool to stop.
      if (!starting) return Promise.resolve();
      stopping ??= starting
        .then(() => boss.stop({ graceful: true, timeout: timeoutMs, close: !database.pglite }))
        .catch((err: unknown) => log.warn({ err }, 'queue stop failed'));
      return stopping;
    },
  };
}

export type JobQueue = ReturnType<typeof createQueue>;

/**
 * How often an idle worker asks for jobs. Sends wake this process's workers at once (send()
 * notifies them, LISTEN/NOTIFY wakes other processes), so polling only finds what nobody
 * announces: retries and delayed jobs coming due. On PostgreSQL another instance's job may also
 * need it, and a poll costs a pooled round trip: once a second. On PGlite a poll is a statement
 * run on the event loop's own thread (it delays every request it lands behind), and there is no
 * other instance: the first worker of a queue polls every 2 s (a retry comes due at most that
 * late), the others every 30 s as a
 * backstop (measured idle on the demo stack: 27 statements/s before, about 8/s after).
 */
export function idlePolling(database: Pick<Database, 'pglite'>, worker: number) {
  const seconds = database.pglite ? (worker === 0 ? 2 : 30) : 1;
  return { pollingIntervalSeconds: seconds, notifyPollingIntervalSeconds: seconds };
}

/** A stable UUID for an idempotency key, so pg-boss refuses a second job with the same key. */
export function uuidFromKey(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
