import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { rowsOf } from '../../db/rows-of.js';
import { webhookInbox } from '../../db/schema.js';
import { createGroupCommit, type GroupCommitOptions } from './group-commit.js';
import type { WebhookEvent } from './parse.js';

export type InboxRow = typeof webhookInbox.$inferSelect;

/** Durable record of every webhook event: written before amoCRM gets its 204. */
export function createWebhookInbox(db: Db, opts: { groupCommit?: GroupCommitOptions | false } = {}) {
  /** Marks the rows as enqueued or processed now. */
  async function stamp(ids: readonly number[], field: 'enqueuedAt' | 'processedAt') {
    if (ids.length)
      await db
        .update(webhookInbox)
        .set({ [field]: new Date() })
        .where(inArray(webhookInbox.id, [...ids]));
  }
  /**
   * Stores the body and its events in one statement (one round trip on the hot path); a
   * duplicate event (same dedupe key) is dropped. Returns the new rows' ids.
   */
  async function storeOne(
    accountId: number,
    rawBody: string,
    events: readonly WebhookEvent[],
  ): Promise<{ ids: number[]; duplicates: number }> {
    const records = events.map((e) => ({
      dedupe_key: e.dedupeKey,
      entity: e.entity,
      action: e.action,
      entity_id: e.record.id,
      event: JSON.stringify(e),
    }));
    const result = await db.execute<{ id: number | string }>(sql`
        with body as (
          insert into webhook_bodies (account_id, body) values (${accountId}, ${rawBody}) returning id
        )
        insert into webhook_inbox (account_id, dedupe_key, entity, action, entity_id, event, raw_body_id)
        select ${accountId}, x.dedupe_key, x.entity, x.action, x.entity_id, x.event, (select id from body)
        from jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
          as x(dedupe_key text, entity text, action text, entity_id bigint, event text)
        on conflict (dedupe_key) do nothing
        returning id`);
    const ids = rowsOf<{ id: number | string }>(result).map((r) => Number(r.id));
    return { ids, duplicates: events.length - ids.length };
  }
  const grouped = opts.groupCommit === false ? undefined : createGroupCommit(db, storeOne, opts.groupCommit);

  return {
    /** Durable when it resolves; hooks stored at the same moment share one statement (group-commit.ts). */
    store: grouped ? grouped.store : storeOne,

    async get(id: number): Promise<InboxRow | undefined> {
      const [row] = await db.select().from(webhookInbox).where(eq(webhookInbox.id, id));
      return row;
    },

    markEnqueued: (ids: readonly number[]) => stamp(ids, 'enqueuedAt'),

    async getMany(ids: readonly number[]): Promise<InboxRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(webhookInbox)
        .where(inArray(webhookInbox.id, [...ids]));
    },

    markProcessed: (ids: readonly number[]) => stamp(ids, 'processedAt'),

    /** Events stored but never handed to the queue (the process died in between). */
    async notEnqueued(olderThanMs: number, limit = 500) {
      return db
        .select({ id: webhookInbox.id })
        .from(webhookInbox)
        .where(
          and(
            isNull(webhookInbox.enqueuedAt),
            lt(webhookInbox.receivedAt, sql`now() - ${`${olderThanMs} milliseconds`}::interval`),
          ),
        )
        .limit(limit);
    },

    /**
     * Retention: events processed before `now - days` and bodies received before it that no
     * remaining event points to (a body whose events were all duplicates has none). Events not yet
     * processed stay, however old: nothing is lost. Deletes in slices, so no long lock is held.
     */
    async purgeExpired(days: number, now: Date = new Date()): Promise<{ events: number; bodies: number }> {
      const cutoff = new Date(now.getTime() - days * 86_400_000);
      const slice = 5000;
      let events = 0;
      let bodies = 0;
      for (;;) {
        const gone = await db.execute<{ id: number }>(sql`
          delete from webhook_inbox where id in (
            select id from webhook_inbox where processed_at < ${cutoff.toISOString()}::timestamptz limit ${slice}
          ) returning id`);
        const n = rowsOf<{ id: number | string }>(gone).length;
        events += n;
        if (n < slice) break;
      }
      for (;;) {
        const gone = await db.execute<{ id: number }>(sql`
          delete from webhook_bodies where id in (
            select b.id from webhook_bodies b
            where b.received_at < ${cutoff.toISOString()}::timestamptz
              and not exists (select 1 from webhook_inbox i where i.raw_body_id = b.id)
            limit ${slice}
          ) returning id`);
        const n = rowsOf<{ id: number | string }>(gone).length;
        bodies += n;
        if (n < slice) break;
      }
      return { events, bodies };
    },

    async counts() {
      const [row] = await db
        .select({
          total: sql<number>`count(*)::int`,
          pending: sql<number>`count(*) filter (where ${webhookInbox.processedAt} is null)::int`,
        })
        .from(webhookInbox);
      return row ?? { total: 0, pending: 0 };
    },
  };
}

export type WebhookInbox = ReturnType<typeof createWebhookInbox>;
