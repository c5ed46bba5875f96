import { lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { usedTokenIds } from '../../db/schema.js';

/**
 * Remembers every accepted jti until its token expires. The primary key makes the claim atomic
 * across server instances sharing one database: exactly one request wins a given jti.
 */
export function createReplayStore(db: Db) {
  return {
    /** true = first use of this jti; false = replay. */
    async claim(jti: string, accountId: number, expiresAt: Date): Promise<boolean> {
      const rows = await db
        .insert(usedTokenIds)
        .values({ jti, accountId, expiresAt })
        .onConflictDoNothing()
        .returning({ jti: usedTokenIds.jti });
      return rows.length === 1;
    },

    async purgeExpired(now = new Date()): Promise<number> {
      const rows = await db
        .delete(usedTokenIds)
        .where(lt(usedTokenIds.expiresAt, sql`${now.toISOString()}::timestamptz`))
        .returning({ jti: usedTokenIds.jti });
      return rows.length;
    },
  };
}

export type ReplayStore = ReturnType<typeof createReplayStore>;
