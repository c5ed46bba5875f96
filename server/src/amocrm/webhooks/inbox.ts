import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { webhookBodies, webhookInbox } from '../../db/schema.js';
import type { WebhookEvent } from './parse.js';

export type InboxRow = typeof webhookInbox.$inferSelect;

/** Durable record of every webhook event: written before amoCRM gets its 204. */
export function createWebhookInbox(db: Db) {
  return {
    /** Stores the body and its events; a duplicate event (same dedupe key) is dropped. Returns new row ids. */
    async store(
      accountId: number,
      rawBody: string,
      events: readonly WebhookEvent[],
    ): Promise<{ ids: number[]; duplicates: number }> {
      return db.transaction(async (tx) => {
        const [body] = await tx
          .insert(webhookBodies)
          .values({ accountId, body: rawBody })
          .returning({ id: webhookBodies.id });
        if (events.length === 0) return { ids: [], duplicates: 0 };
        const rows = await tx
          .insert(webhookInbox)
          .values(
            events.map((e) => ({
              accountId,
              dedupeKey: e.dedupeKey,
              entity: e.entity,
              action: e.action,
              entityId: e.record.id,
              event: JSON.stringify(e),
              rawBodyId: body?.id,
            })),
          )
          .onConflictDoNothing({ target: webhookInbox.dedupeKey })
          .returning({ id: webhookInbox.id });
        return { ids: rows.map((r) => r.id), duplicates: events.length - rows.length };
      });
    },

    async get(id: number): Promise<InboxRow | undefined> {
      const [row] = await db.select().from(webhookInbox).where(eq(webhookInbox.id, id));
      return row;
    },

    async markEnqueued(ids: readonly number[]) {
      if (ids.length)
        await db
          .update(webhookInbox)
          .set({ enqueuedAt: new Date() })
          .where(inArray(webhookInbox.id, [...ids]));
    },

    async markProcessed(id: number) {
      await db.update(webhookInbox).set({ processedAt: new Date() }).where(eq(webhookInbox.id, id));
    },

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
