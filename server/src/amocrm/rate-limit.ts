import { sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';

/**
 * Spaces requests to one amoCRM account evenly: each caller reserves the next free send slot and
 * waits for it. Even spacing (rather than a bucket that allows bursts) keeps every sliding
 * one-second window at or under the limit even when requests come from several instances.
 */
export interface SlotScheduler {
  /** Milliseconds the caller must wait before sending. */
  reserve(accountId: number): Promise<number>;
}

export interface RateOptions {
  requestsPerSecond: number;
  /** Added to the spacing so network jitter cannot squeeze n+1 requests into amoCRM's window. */
  marginMs?: number;
}

const spacingMs = (o: RateOptions) => 1000 / o.requestsPerSecond + (o.marginMs ?? 8);

/** One process (embedded database): the schedule lives in memory. */
export function createMemoryScheduler(opts: RateOptions): SlotScheduler {
  const next = new Map<number, number>();
  const spacing = spacingMs(opts);
  return {
    async reserve(accountId) {
      const now = performance.now();
      const slot = Math.max(next.get(accountId) ?? 0, now);
      next.set(accountId, slot + spacing);
      return slot - now;
    },
  };
}

/** Several instances on one PostgreSQL: the schedule is one row per account, advanced atomically. */
export function createDbScheduler(db: Db, opts: RateOptions): SlotScheduler {
  const interval = `${spacingMs(opts).toFixed(3)} milliseconds`;
  return {
    async reserve(accountId) {
      const result = await db.execute<{ wait_ms: number | string }>(sql`
        insert into amo_rate_slots (account_id, next_slot)
        values (${accountId}, clock_timestamp() + ${interval}::interval)
        on conflict (account_id) do update
          set next_slot = greatest(amo_rate_slots.next_slot, clock_timestamp()) + ${interval}::interval
        returning extract(epoch from (next_slot - ${interval}::interval - clock_timestamp())) * 1000 as wait_ms`);
      const rows =
        (result as unknown as { rows: { wait_ms: number | string }[] }).rows ??
        (result as unknown as { wait_ms: number | string }[]);
      return Math.max(0, Number(rows[0]?.wait_ms ?? 0));
    },
  };
}
