import { sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { rowsOf } from '../db/rows-of.js';
import { sleep } from '../lib/sleep.js';

/**
 * Keeps each amoCRM account within its request limit: at most `requestsPerSecond` requests in any
 * window of one second plus a margin. A lone event's few requests go out at once (no spacing
 * delay on the hook -> enforcement path); a flood is held to the limit.
 */
export interface SlotScheduler {
  /** Resolves when the caller may send its request; rejects (AbortError) when its signal fires first. */
  acquire(accountId: number, opts?: AcquireOptions): Promise<void>;
}

/**
 * Who asks. Guard enforcement (and every other background job) is `guard`; the cards' reads are
 * `widget`, which may use only part of each window, so a flood of card reads can never starve
 * the guard of amoCRM's budget.
 */
export type Lane = 'guard' | 'widget';

export interface AcquireOptions {
  lane?: Lane;
  /** The caller gave up: leave the queue without taking a slot. */
  signal?: AbortSignal;
}

/**
 * A card read the widget lane cannot serve in time: it waited its longest (`widgetWaitMs`), or
 * the queue was already at its size bound. Holding it longer would only keep the card (and the
 * connection) waiting many seconds; the caller answers 429 with Retry-After.
 */
export class WidgetLaneFull extends Error {
  constructor(readonly retryAfterMs: number) {
    super('amoCRM budget for card reads is taken; try again shortly');
    this.name = 'WidgetLaneFull';
  }
}

export interface RateOptions {
  requestsPerSecond: number;
  /**
   * Fraction added to the one-second window so timer and network jitter (a stalled event loop,
   * one request overtaking another in flight) cannot put an extra request into amoCRM's window.
   * Default 0.3 (0.2 still let loaded test runs see a 429 when arrivals bunched): at most 7
   * requests in any 1.3 s, and never two closer than half a
   * request's share of a second (no instantaneous bursts for the network to compress further).
   */
  margin?: number;
  /**
   * The widget lane sends only while fewer than this many requests (of either lane) went out in
   * the window (default: the limit minus 2, at least 1), so the rest of every window is always
   * free for guard work, however many card reads wait. Two, not three: with three, two web
   * instances behind nginx served a 100-card burst at ~3 reads/s and nginx timed the cards out
   * (tests/integration/scale-out.test.ts); with two the guard's p95 under a card-read flood stays
   * within 1.6× of quiet (`pnpm bench hostile`), the card burst completes.
   */
  widgetShare?: number;
  /**
   * Longest a card read waits for a slot (default 14 s), then it is refused (429, Retry-After).
   * Just under the widget's own 15 s timeout: a read that could only go after the widget gave up
   * would spend budget on an answer nobody reads, while a burst of real cards (100 calls after a
   * token expiry, tests/integration/scale-out.test.ts) still gets every answer.
   * A deadline rather than an early refusal keeps a script that retries at once from turning
   * each refusal into another request: the wait paces it (measured: refusing at a queue of 12
   * turned 64 looping connections into ~600 requests/s; the deadline keeps them near 16/s).
   */
  widgetWaitMs?: number;
  /** Most card reads waiting at once per account (default 256); beyond it a read is refused at once. */
  widgetQueue?: number;
}

const windowMs = (o: RateOptions) => 1000 * (1 + (o.margin ?? 0.3));
const minGapMs = (o: RateOptions) => 500 / o.requestsPerSecond;
interface Waiter {
  lane: Lane;
  resolve(): void;
}

interface LaneLimits {
  limit: number;
  window: number;
  minGap: number;
  widgetShare: number;
  widgetWaitMs: number;
  widgetQueue: number;
}

/**
 * In-process sliding window on actual send times. Waiters queue per lane; the guard's lane always
 * goes first and may use the whole window, the widget's only the part that leaves a reserve free
 * for the guard (so a guard burst — read, move back, note, task — never waits for card reads to
 * leave the window). A request goes out only while fewer than the limit went out in the last
 * window, however late timers fire; a waiter whose signal fires leaves its queue without taking a
 * slot; a card read that cannot go within its deadline is refused (WidgetLaneFull).
 */
function createLocalWindow({ limit, window, minGap, widgetShare, widgetWaitMs, widgetQueue }: LaneLimits) {
  interface AccountQueue {
    sent: number[];
    guard: Waiter[];
    widget: Waiter[];
    timer?: NodeJS.Timeout;
    timerDue?: number;
  }
  const accounts = new Map<number, AccountQueue>();

  function pump(accountId: number, q: AccountQueue) {
    for (;;) {
      const now = performance.now();
      while (q.sent.length && (q.sent[0] ?? 0) <= now - window) q.sent.shift();
      if (q.guard.length === 0 && q.widget.length === 0) {
        if (q.sent.length === 0) accounts.delete(accountId);
        return;
      }
      const gapWait = q.sent.length ? (q.sent[q.sent.length - 1] ?? 0) + minGap - now : 0;
      const fullWait = q.sent.length < limit ? 0 : (q.sent[0] ?? now) + window - now;
      const widgetOpen = q.sent.length < widgetShare;
      const waiter = q.guard[0] ?? (widgetOpen ? q.widget[0] : undefined);
      // A card read waits until the window holds fewer than its share: the send that expires then.
      const widgetWait = (q.sent[q.sent.length - widgetShare] ?? now) + window - now;
      const wait = waiter ? Math.max(gapWait, fullWait) : Math.max(gapWait, widgetWait);
      if (wait > 0 || !waiter) {
        // One timer per account, due at the earliest moment anyone can go: a guard waiter that
        // arrives while the timer waits for a card read's later slot brings it forward.
        const due = now + Math.max(1, wait);
        if (q.timer && q.timerDue !== undefined && q.timerDue <= due) return;
        clearTimeout(q.timer);
        q.timerDue = due;
        q.timer = setTimeout(() => {
          q.timer = undefined;
          q.timerDue = undefined;
          pump(accountId, q);
        }, due - now);
        return;
      }
      (waiter.lane === 'guard' ? q.guard : q.widget).shift();
      q.sent.push(now);
      waiter.resolve();
    }
  }

  return (accountId: number, opts: AcquireOptions = {}): Promise<void> => {
    const lane = opts.lane ?? 'guard';
    const signal = opts.signal;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    let queue = accounts.get(accountId);
    if (!queue) {
      queue = { sent: [], guard: [], widget: [] };
      accounts.set(accountId, queue);
    }
    const q = queue;
    // The queue ahead drains at widgetShare per window: about that long until a new read could go.
    const retryAfterMs = () => Math.ceil((q.widget.length / widgetShare + 1) * window);
    if (lane === 'widget' && q.widget.length >= widgetQueue)
      return Promise.reject(new WidgetLaneFull(retryAfterMs()));
    return new Promise<void>((resolve, reject) => {
      let deadline: NodeJS.Timeout | undefined;
      const leave = () => {
        const list = q[lane];
        const i = list.indexOf(waiter);
        if (i >= 0) list.splice(i, 1);
        signal?.removeEventListener('abort', onAbort);
        clearTimeout(deadline);
      };
      const waiter: Waiter = {
        lane,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          clearTimeout(deadline);
          resolve();
        },
      };
      function onAbort() {
        leave();
        reject(abortError(signal));
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      if (lane === 'widget')
        deadline = setTimeout(() => {
          leave();
          reject(new WidgetLaneFull(retryAfterMs()));
        }, widgetWaitMs);
      q[lane].push(waiter);
      // Slots are taken after the caller's synchronous work, so a stalled loop cannot bunch sends.
      queueMicrotask(() => pump(accountId, q));
    });
  };
}

const abortError = (signal: AbortSignal | undefined) =>
  signal?.reason instanceof Error ? signal.reason : new DOMException('The caller gave up', 'AbortError');

function laneLimits(o: RateOptions): LaneLimits {
  const limit = Math.floor(o.requestsPerSecond);
  const widgetShare = Math.max(1, Math.min(limit, Math.floor(o.widgetShare ?? limit - 2)));
  return {
    limit,
    window: windowMs(o),
    minGap: minGapMs(o),
    widgetShare,
    widgetWaitMs: Math.max(1, o.widgetWaitMs ?? 14_000),
    widgetQueue: Math.max(0, Math.floor(o.widgetQueue ?? 256)),
  };
}

/** One process (embedded database): the window lives in memory. */
export function createMemoryScheduler(opts: RateOptions): SlotScheduler {
  return { acquire: createLocalWindow(laneLimits(opts)) };
}

/**
 * Several instances on one PostgreSQL: every send is recorded in amo_rate_sends under a
 * per-account advisory lock, so all instances share one window; each instance also keeps its own.
 */
export function createDbScheduler(db: Db, opts: RateOptions): SlotScheduler {
  const limits = laneLimits(opts);
  const { limit, window } = limits;
  // The lanes queue per instance; the shared rows keep the total, and the guard's reserve in it.
  const local = createLocalWindow(limits);
  const interval = `${window.toFixed(0)} milliseconds`;
  const gap = `${minGapMs(opts).toFixed(0)} milliseconds`;
  let sinceCleanup = 0;
  return {
    async acquire(accountId, acquireOpts) {
      await local(accountId, acquireOpts);
      for (;;) {
        if (acquireOpts?.signal?.aborted) throw abortError(acquireOpts.signal);
        const wait = await db.transaction(async (tx) => {
          await tx.execute(sql`select pg_advisory_xact_lock(${RATE_LOCK_SPACE}, ${accountId % 2147483647})`);
          type Row = { n: number | string; wait_ms: number | string | null; gap_ms: number | string | null };
          const result = await tx.execute<Row>(sql`
            select count(*) as n,
                   extract(epoch from (min(sent_at) + ${interval}::interval - clock_timestamp())) * 1000 as wait_ms,
                   extract(epoch from (max(sent_at) + ${gap}::interval - clock_timestamp())) * 1000 as gap_ms
            from amo_rate_sends
            where account_id = ${accountId} and sent_at > clock_timestamp() - ${interval}::interval`);
          const row = rowsOf<Row>(result)[0];
          // The minimum gap holds across instances too: N instances never release a burst together.
          const gapWait = Number(row?.gap_ms ?? 0);
          if (gapWait > 0) return Math.max(1, gapWait);
          // Card reads leave the guard's reserve of the shared window free too (all instances count).
          const cap = acquireOpts?.lane === 'widget' ? limits.widgetShare : limit;
          if (Number(row?.n ?? 0) < cap) {
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
