import type { JournalEntry, JournalQuery } from '@erp-bridge/shared';
import { and, desc, eq, gte, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { exchangeJournal } from './table.js';

/** Rows deleted per purge statement. */
const PURGE_SLICE = 5000;

/** Reads the journal of one account; purges it after the retention period. */
export function createJournalStore(db: Db) {
  return {
    async list(accountId: number, q: JournalQuery, now = new Date()): Promise<JournalEntry[]> {
      const since = new Date(now.getTime() - q.hours * 3_600_000);
      const where: SQL[] = [eq(exchangeJournal.accountId, accountId), gte(exchangeJournal.at, since)];
      if (q.errors) {
        const failed = or(gte(exchangeJournal.status, 400), eq(exchangeJournal.status, 0));
        if (failed) where.push(failed);
      }
      if (q.leadId) where.push(eq(exchangeJournal.leadId, q.leadId));
      if (q.system) where.push(eq(exchangeJournal.system, q.system));
      if (q.before) where.push(lt(exchangeJournal.id, q.before));
      const rows = await db
        .select()
        .from(exchangeJournal)
        .where(and(...where))
        .orderBy(desc(exchangeJournal.id))
        .limit(q.limit);
      return rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        direction: r.direction as JournalEntry['direction'],
        system: r.system as JournalEntry['system'],
        method: r.method,
        path: r.path,
        status: r.status,
        latencyMs: r.latencyMs,
        attempt: r.attempt,
        requestId: r.requestId,
        jobId: r.jobId,
        widgetRequestId: r.widgetRequestId,
        leadId: r.leadId,
      }));
    },

    /**
     * Rows older than `days` go, oldest ids first, in slices so one pass never holds a long lock.
     * Ids grow with time (a row's `at` is its request's start, written within a flush of it), so
     * the first slice holding a row still inside the retention ends the pass: no index on `at`
     * is needed (each would cost every journaled request). A row that started before the cutoff
     * but got a later id than a kept one goes in the next pass.
     */
    async purgeExpired(days: number, now = new Date()): Promise<number> {
      const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
      let total = 0;
      for (;;) {
        const gone = await db.execute<{ id: number }>(sql`
          with oldest as (select id, at from exchange_journal order by id limit ${PURGE_SLICE})
          delete from exchange_journal where id in (select id from oldest where at < ${cutoff}::timestamptz)
          returning id`);
        const n = (Array.isArray(gone) ? gone : (gone as { rows: unknown[] }).rows).length;
        total += n;
        if (n < PURGE_SLICE) return total;
      }
    },
  };
}

export type JournalStore = ReturnType<typeof createJournalStore>;
