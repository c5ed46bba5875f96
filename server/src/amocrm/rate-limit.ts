import { sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';

/**
 * Keeps each amoCRM account within its request limit: at most `requestsPerSecond` requests in any
 * window of one second plus a margin. A lone event's few requests go out at once (no spacing
 * delay on the hook -> enforcement path); a flood is held to the limit.
 */
export interface SlotScheduler {
  /** Resolves when the caller may send its request. */
  acquire(accountId: number): Promise<void>;
}

export interface RateOptions {
  requestsPerSecond: number;
  /**
   * Fraction added to the one-second window so timer and network jitter (a stalled event loop,
   * one request overtaking another in flight) cannot put an extra request into amoCRM's window.
   * Default 0.2: at most 7 requests in any 1.2 s, and never two closer than half a
   * request's share of a second (no instantaneous bursts for the network to compress further).
   */
  margin?: number;
}

const windowMs = (o: RateOptions) => 1000 * (1 + (o.margin ?? 0.2));
const minGapMs = (o: RateOptions) => 500 / o.requestsPerSecond;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * In-process sliding window on actual send times: callers pass one by one, and a request goes out
 * only while fewer than the limit went out in the last window, however late timers fire.
 */
function createLocalWindow(limit: number, window: number, minGap: number) {
  const tails = new Map<number, Promise<void>>();
  const sent = new Map<number, number[]>();
  return (accountId: number): Promise<void> => {
    const prev = tails.get(accountId) ?? Promise.resolve();
    const mine = prev.then(async () => {
      const log = sent.get(accountId) ?? [];
      sent.set(accountId, log);
      for (;;) {
        const now = performance.now();
        while (log.length && (log[0] ?? 0) <= now - window) log.shift();
        const gapWait = log.length ? (log[log.length - 1] ?? 0) + minGap - now : 0;
        if (log.length < limit && gapWait <= 0) break;
        await sleep(Math.max(gapWait, log.length < limit ? 0 : (log[0] ?? now) + window - now));
      }
      log.push(performance.now());
    });
    tails.set(accountId, mine);
    return mine;
  };
}

/** One process (embedded database): the window lives in memory. */
export function createMemoryScheduler(opts: RateOptions): SlotScheduler {
  return { acquire: createLocalWindow(Math.floor(opts.requestsPerSecond), windowMs(opts), minGapMs(opts)) };
}

/**
 * Several instances on one PostgreSQL: every send is recorded in amo_rate_sends under a
 * per-account advisory lock, so all instances share one window; each instance also keeps its own.
 */
export function createDbScheduler(db: Db, opts: RateOptions): SlotScheduler {
  const limit = Math.floor(opts.requestsPerSecond);
  const window = windowMs(opts);
  const local = createLocalWindow(limit, window, minGapMs(opts));
  const interval = `${window.toFixed(0)} milliseconds`;
  let sinceCleanup = 0;
  return {
    async acquire(accountId) {
      await local(accountId);
      for (;;) {
        const wait = await db.transaction(async (tx) => {
          await tx.execute(sql`select pg_advisory_xact_lock(${RATE_LOCK_SPACE}, ${accountId % 2147483647})`);
          const result = await tx.execute<{ n: number | string; wait_ms: number | string | null }>(sql`
            select count(*) as n,
                   extract(epoch from (min(sent_at) + ${interval}::interval - clock_timestamp())) * 1000 as wait_ms
            from amo_rate_sends
            where account_id = ${accountId} and sent_at > clock_timestamp() - ${interval}::interval`);
          const row = rowsOf<{ n: number | string; wait_ms: number | string | null }>(result)[0];
          if (Number(row?.n ?? 0) < limit) {
            await tx.execute(
              sql`insert into amo_rate_sends (account_id, sent_at) values (${accountId}, clock_timestamp())`,
            );
            // Only the last window matters; old rows are swept now and then.
            if (++sinceCleanup >= 200) {
              sinceCleanup = 0;
              await tx.execute(
                sql`delete from amo_rate_sends where sent_at < clock_timestamp() - interval '1 minute'`,
              );
            }
            return 0;
          }
          return Math.max(1, Number(row?.wait_ms ?? 1));
        });
        if (wait === 0) return;
        await sleep(wait);
      }
    },
  };
}

/** First key of the advisory locks this module takes (a namespace for pg_advisory_xact_lock(int, int)). */
const RATE_LOCK_SPACE = 7_001;

function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}
