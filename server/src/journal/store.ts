import type { JournalEntry, JournalQuery } from '@erp-bridge/shared';
import { and, desc, eq, gte, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { exchangeJournal } from './table.js';

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

    /** Rows older than `days` go, in slices so one pass never holds a long lock. */
    async purgeExpired(days: number, now = new Date()): Promise<number> {
      const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
      let total = 0;
      for (;;) {
        const gone = await db.execute<{ id: number }>(sql`
          delete from exchange_journal where id in (
            select id from exchange_journal where at < ${cutoff}::timestamptz limit 5000
          ) returning id`);
        const n = (Array.isArray(gone) ? gone : (gone as { rows: unknown[] }).rows).length;
        total += n;
        if (n < 5000) return total;
      }
    },
  };
}

export type JournalStore = ReturnType<typeof createJournalStore>;
