import { sql } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import type { WebhookEvent } from './parse.js';

export interface StoredHook {
  ids: number[];
  duplicates: number;
}

interface PendingHook {
  accountId: number;
  rawBody: string;
  events: readonly WebhookEvent[];
  resolve(stored: StoredHook): void;
  reject(err: unknown): void;
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
 * wait for the next one and share it: one multi-row INSERT of their bodies and events, one
 * commit. Each caller is answered only after that statement committed, with its own rows' ids;
 * the unique dedupe key still drops a duplicate event, across batches and inside one. A write
 * that fails is retried hook by hook, so one bad body cannot fail its neighbours.
 */
export function createGroupCommit(
  db: Db,
  storeOne: (accountId: number, rawBody: string, events: readonly WebhookEvent[]) => Promise<StoredHook>,
  opts: GroupCommitOptions = {},
) {
  const maxBodies = opts.maxBodies ?? 256;
  const maxInFlight = opts.maxInFlight ?? 1;
  let pending: PendingHook[] = [];
  let inFlight = 0;
  let scheduled = false;

  const pump = () => {
    scheduled = false;
    while (inFlight < maxInFlight && pending.length > 0) {
      const batch = pending.slice(0, maxBodies);
      pending = pending.slice(batch.length);
      inFlight++;
      void write(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  };

  async function write(batch: PendingHook[]) {
    if (batch.length === 1) {
      const [only] = batch as [PendingHook];
      await storeOne(only.accountId, only.rawBody, only.events).then(only.resolve, only.reject);
      return;
    }
    let rows: { id: number | string; ord: number | string }[];
    try {
      rows = await insertBatch(db, batch);
    } catch {
      // Alone, each hook gets its own answer (a stored one, or its own error).
      await Promise.all(
        batch.map((h) => storeOne(h.accountId, h.rawBody, h.events).then(h.resolve, h.reject)),
      );
      return;
    }
    const idsOf = batch.map(() => [] as number[]);
    for (const r of rows) idsOf[Number(r.ord)]?.push(Number(r.id));
    batch.forEach((h, i) => {
      const ids = (idsOf[i] as number[]).sort((a, b) => a - b);
      h.resolve({ ids, duplicates: h.events.length - ids.length });
    });
  }

  return {
    store(accountId: number, rawBody: string, events: readonly WebhookEvent[]): Promise<StoredHook> {
      return new Promise<StoredHook>((resolve, reject) => {
        pending.push({ accountId, rawBody, events, resolve, reject });
        // The first hook of a quiet moment waits one turn of the loop (what arrived with it joins);
        // under load the batch is whatever queued while the previous write was in flight.
        if (!scheduled && inFlight < maxInFlight) {
          scheduled = true;
          setImmediate(pump);
        }
      });
    },
  };
}

/**
 * One statement for the whole batch. Body ids are drawn from the identity's sequence first, so
 * each event row points at its own body and each answer finds its rows by the batch position
 * (`ord`), whatever order the database inserts in.
 */
async function insertBatch(db: Db, batch: readonly PendingHook[]) {
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
  return (
    (result as unknown as { rows?: { id: number | string; ord: number | string }[] }).rows ??
    (result as unknown as { id: number | string; ord: number | string }[])
  );
}
