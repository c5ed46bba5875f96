import { sql } from 'drizzle-orm';
import { createBatcher } from '../../db/batcher.js';
import type { Db } from '../../db/open.js';
import { rowsOf } from '../../db/rows-of.js';
import type { WebhookEvent } from './parse.js';

export interface StoredHook {
  ids: number[];
  duplicates: number;
}

interface Hook {
  accountId: number;
  rawBody: string;
  events: readonly WebhookEvent[];
}

export interface GroupCommitOptions {
  /** Most hook bodies one statement carries (default 256). */
  maxBodies?: number;
  /** Statements in flight at once: 1 on PGlite (one engine), a few on a PostgreSQL pool (default 1). */
  maxInFlight?: number;
}

/**
 * Group commit for the webhook ack path. Every hook must be durable before amoCRM gets its 204,
 * and one commit per hook caps acks at the database's commits per second (one WAL flush each on
 * PostgreSQL, one statement turn each on PGlite). Hooks that arrive while a write is in flight
 * wait for the next one and share it (db/batcher.ts): one multi-row INSERT of their bodies and
 * events, one commit. Each caller is answered only after that statement committed, with its own
 * rows' ids; the unique dedupe key still drops a duplicate event, across batches and inside one.
 * A write that fails is retried hook by hook, so one bad body cannot fail its neighbours.
 */
export function createGroupCommit(
  db: Db,
  storeOne: (accountId: number, rawBody: string, events: readonly WebhookEvent[]) => Promise<StoredHook>,
  opts: GroupCommitOptions = {},
) {
  const one = (h: Hook) => storeOne(h.accountId, h.rawBody, h.events);
  const batcher = createBatcher<Hook, StoredHook>({
    maxBatch: opts.maxBodies ?? 256,
    maxInFlight: opts.maxInFlight ?? 1,
    single: one,
    async write(batch) {
      if (batch.length === 1) return [await one(batch[0] as Hook)];
      const idsOf = batch.map(() => [] as number[]);
      for (const r of await insertBatch(db, batch)) idsOf[Number(r.ord)]?.push(Number(r.id));
      return batch.map((h, i) => {
        const ids = (idsOf[i] as number[]).sort((a, b) => a - b);
        return { ids, duplicates: h.events.length - ids.length };
      });
    },
  });
  return {
    store: (accountId: number, rawBody: string, events: readonly WebhookEvent[]) =>
      batcher.add({ accountId, rawBody, events }),
  };
}

/**
 * One statement for the whole batch. Body ids are drawn from the identity's sequence first, so
 * each event row points at its own body and each answer finds its rows by the batch position
 * (`ord`), whatever order the database inserts in.
 */
async function insertBatch(db: Db, batch: readonly Hook[]) {
  const bodies = batch.map((h, ord) => ({ ord, account_id: h.accountId, body: h.rawBody }));
  const events = batch.flatMap((h, ord) =>
    h.events.map((e) => ({
      ord,
      dedupe_key: e.dedupeKey,
      entity: e.entity,
      action: e.action,
      entity_id: e.record.id,
      event: JSON.stringify(e),
    })),
  );
  const result = await db.execute<{ id: number | string; ord: number | string }>(sql`
    with input as materialized (
      select x.ord, x.account_id, x.body,
             nextval(pg_get_serial_sequence('webhook_bodies', 'id')) as body_id
      from jsonb_to_recordset(${JSON.stringify(bodies)}::jsonb) as x(ord int, account_id bigint, body text)
    ),
    stored_bodies as (
      insert into webhook_bodies (id, account_id, body) overriding system value
      select body_id, account_id, body from input
      returning id
    ),
    stored_events as (
      insert into webhook_inbox (account_id, dedupe_key, entity, action, entity_id, event, raw_body_id)
      select i.account_id, e.dedupe_key, e.entity, e.action, e.entity_id, e.event, i.body_id
      from jsonb_to_recordset(${JSON.stringify(events)}::jsonb)
        as e(ord int, dedupe_key text, entity text, action text, entity_id bigint, event text)
      join input i on i.ord = e.ord
      on conflict (dedupe_key) do nothing
      returning id, raw_body_id
    )
    select s.id, i.ord from stored_events s join input i on i.body_id = s.raw_body_id`);
  return rowsOf<{ id: number | string; ord: number | string }>(result);
}
