import { inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { usedTokenIds } from '../../db/schema.js';

interface PendingClaim {
  jti: string;
  accountId: number;
  expiresAt: Date;
  resolve(first: boolean): void;
  reject(err: unknown): void;
}

/**
 * Remembers every accepted jti until its token expires. The primary key makes the claim atomic
 * across server instances sharing one database: exactly one request wins a given jti. Claims that
 * arrive together are written in one multi-row insert, so the check does not cap throughput.
 */
/** A PostgreSQL array literal element: quoted, with backslashes and quotes escaped. */
const arrayItem = (v: string) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

export function createReplayStore(db: Db, opts: { maxBatch?: number } = {}) {
  const maxBatch = opts.maxBatch ?? 200;
  let pending: PendingClaim[] = [];
  let scheduled = false;

  async function flush() {
    scheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    // The same jti twice in one batch: only its first claim may win.
    const first = new Map<string, PendingClaim>();
    for (const c of batch) {
      if (first.has(c.jti)) c.resolve(false);
      else first.set(c.jti, c);
    }
    const claims = [...first.values()];
    try {
      // One statement text for any batch size (three array parameters, not 3 × n placeholders):
      // the hot path pays no query building per row, and the database parses the same text.
      const result = await db.execute<{ jti: string }>(sql`
        insert into used_token_ids (jti, account_id, expires_at)
        select * from unnest(
          ${`{${claims.map((c) => arrayItem(c.jti)).join(',')}}`}::text[],
          ${`{${claims.map((c) => c.accountId).join(',')}}`}::bigint[],
          ${`{${claims.map((c) => arrayItem(c.expiresAt.toISOString())).join(',')}}`}::timestamptz[])
        on conflict do nothing
        returning jti`);
      const rows =
        (result as unknown as { rows?: { jti: string }[] }).rows ?? (result as unknown as { jti: string }[]);
      const won = new Set(rows.map((r) => r.jti));
      for (const c of claims) c.resolve(won.has(c.jti));
    } catch (err) {
      for (const c of claims) c.reject(err);
    }
  }

  return {
    /** true = first use of this jti; false = replay. */
    claim(jti: string, accountId: number, expiresAt: Date): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        pending.push({ jti, accountId, expiresAt, resolve, reject });
        if (pending.length >= maxBatch) void flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },

    async purgeExpired(now = new Date()): Promise<number> {
      const rows = await db
        .delete(usedTokenIds)
        .where(lt(usedTokenIds.expiresAt, sql`${now.toISOString()}::timestamptz`))
        .returning({ jti: usedTokenIds.jti });
      return rows.length;
    },

    /** For tests: whether a jti is recorded. */
    async has(jti: string): Promise<boolean> {
      const rows = await db
        .select({ jti: usedTokenIds.jti })
        .from(usedTokenIds)
        .where(inArray(usedTokenIds.jti, [jti]));
      return rows.length > 0;
    },
  };
}

export type ReplayStore = ReturnType<typeof createReplayStore>;
