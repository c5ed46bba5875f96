import { sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';

/**
 * Spaces requests to one amoCRM account evenly: each caller takes the next free send slot and
 * waits for it. Even spacing (rather than a bucket that allows bursts) keeps every sliding
 * one-second window at or under the limit even when requests come from several instances.
 */
export interface SlotScheduler {
  /** Resolves when the caller may send its request. */
  acquire(accountId: number): Promise<void>;
}

export interface RateOptions {
  requestsPerSecond: number;
  /**
   * Fraction added to the spacing so timer and network jitter (a stalled event loop releasing two
   * waiters at once, one request overtaking another in flight) cannot squeeze an extra request
   * into amoCRM's window. Default 0.1: 7/s becomes one request every 157 ms.
   */
  margin?: number;
}

const spacingMs = (o: RateOptions) => (1000 / o.requestsPerSecond) * (1 + (o.margin ?? 0.1));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * In-process pacing on actual send times: callers pass one by one, each at least one spacing after
 * the previous one really went out, however late the timers fire.
 */
function createLocalPacer(spacing: number) {
  const tails = new Map<number, Promise<void>>();
  const lastSent = new Map<number, number>();
  return (accountId: number): Promise<void> => {
    const prev = tails.get(accountId) ?? Promise.resolve();
    const mine = prev.then(async () => {
      for (;;) {
        const wait = (lastSent.get(accountId) ?? -Infinity) + spacing - performance.now();
        if (wait <= 0) break;
        await sleep(wait);
      }
      lastSent.set(accountId, performance.now());
    });
    tails.set(accountId, mine);
    return mine;
  };
}

/** One process (embedded database): the schedule lives in memory. */
export function createMemoryScheduler(opts: RateOptions): SlotScheduler {
  const pace = createLocalPacer(spacingMs(opts));
  return { acquire: pace };
}

/**
 * Several instances on one PostgreSQL: a row per account holds the next free slot, advanced
 * atomically, so the instances share one schedule; each instance also paces its own sends.
 */
export function createDbScheduler(db: Db, opts: RateOptions): SlotScheduler {
  const spacing = spacingMs(opts);
  const interval = `${spacing.toFixed(3)} milliseconds`;
  const pace = createLocalPacer(spacing);
  return {
    async acquire(accountId) {
      const result = await db.execute<{ wait_ms: number | string }>(sql`
        insert into amo_rate_slots (account_id, next_slot)
        values (${accountId}, clock_timestamp() + ${interval}::interval)
        on conflict (account_id) do update
          set next_slot = greatest(amo_rate_slots.next_slot, clock_timestamp()) + ${interval}::interval
        returning extract(epoch from (next_slot - ${interval}::interval - clock_timestamp())) * 1000 as wait_ms`);
      const rows =
        (result as unknown as { rows?: { wait_ms: number | string }[] }).rows ??
        (result as unknown as { wait_ms: number | string }[]);
      const wait = Math.max(0, Number(rows[0]?.wait_ms ?? 0));
      if (wait > 0) await sleep(wait);
      await pace(accountId);
    },
  };
}
